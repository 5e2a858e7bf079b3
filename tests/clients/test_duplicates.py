"""The duplicate check finds the same person through the typing errors of field work, says
why, and leaves different people alone (clients/duplicates.py)."""

from datetime import date

import pytest

from clients.duplicates import birth_date_slips, name_agreement, possible_duplicates
from tests.factories import client_of

pytestmark = pytest.mark.django_db

BORN = date(1984, 7, 12)


@pytest.fixture
def joseph(program):
    return client_of(
        program.case_manager,
        first_name="Joseph",
        last_name="Castillo",
        date_of_birth=BORN,
        ssn="123456789",
    )


def matches(**person):
    person.setdefault("date_of_birth", BORN)
    return possible_duplicates(**person)


def test_josef_castilo_is_joseph_castillo(joseph):
    [match] = matches(first_name="Josef", last_name="Castilo")
    assert match.client == joseph
    assert match.why == "same birth date · similar last name · similar first name"


@pytest.mark.parametrize(
    "person, reason",
    [
        ({"first_name": "Joe", "last_name": "Castillo"}, "first name is a nickname"),
        ({"first_name": "Castillo", "last_name": "Joseph"}, "first and last name swapped"),
        ({"first_name": "Joseph", "last_name": "Castiyo"}, "similar last name"),  # ll / y
        ({"first_name": "Jo", "last_name": "Castillo", "preferred_name": "Joseph"}, "same first"),
        (
            {"first_name": "Joseph", "last_name": "Castillo", "date_of_birth": date(1984, 12, 7)},
            "birth date with a typing slip",  # day and month swapped
        ),
        (
            {"first_name": "Joseph", "last_name": "Castillo", "date_of_birth": date(1948, 7, 12)},
            "birth date with a typing slip",  # two digits swapped
        ),
        (
            {"first_name": "Joseph", "last_name": "Castillo", "date_of_birth": date(1984, 7, 13)},
            "birth date with a typing slip",  # one digit off
        ),
        (
            {
                "first_name": "Joseph",
                "last_name": "Castilo",
                "date_of_birth": date(1991, 1, 1),
                "ssn": "6789",
            },
            "same last four of the SSN",
        ),
    ],
)
def test_each_near_miss_is_flagged_with_its_reason(joseph, person, reason):
    found = matches(**person)
    assert [m.client for m in found] == [joseph]
    assert reason in found[0].why


def test_different_people_born_the_same_day_are_not_flagged(joseph):
    assert matches(first_name="Maria", last_name="Lopez") == []
    assert matches(first_name="Joseph", last_name="Nguyen") == []  # one name is not enough
    assert matches(first_name="Maria", last_name="Castillo") == []  # twins


def test_a_different_ssn_outweighs_a_similar_name(joseph):
    assert matches(first_name="Joseph", last_name="Castillo", ssn="987650000") == []


def test_the_threshold_is_a_setting(joseph, settings):
    settings.DUPLICATE_MATCH_THRESHOLD = 95
    assert matches(first_name="Josef", last_name="Castilo") == []


def test_name_agreement_and_birth_date_slips():
    assert name_agreement("José", "jose") == "same"
    assert name_agreement("Liz", "Elizabeth") == "nickname"
    assert name_agreement("Castilo", "Castillo") == "similar"
    assert name_agreement("Lopez", "Castillo") is None
    slips = birth_date_slips(BORN)
    assert {date(1984, 12, 7), date(1948, 7, 12), date(1984, 7, 13)} <= slips
    assert BORN not in slips and all(isinstance(d, date) for d in slips)


def test_a_birth_date_before_the_year_1000_has_slips_and_no_error():
    # An intake form with a mistyped year 0050 reached this before its own validation.
    assert birth_date_slips(date(50, 3, 11)) == set()  # none after 1900
