from datetime import date

import pytest

from placements.destinations import (
    Destination,
    DestinationGroup,
    destination_group,
    grouped_destination_choices,
)
from placements.models import Placement

from .factories import housed


@pytest.mark.parametrize(
    "code, group",
    [
        (101, DestinationGroup.HOMELESS),
        (116, DestinationGroup.HOMELESS),
        (204, DestinationGroup.INSTITUTIONAL),
        (207, DestinationGroup.INSTITUTIONAL),
        (302, DestinationGroup.TEMPORARY),
        (332, DestinationGroup.TEMPORARY),
        (410, DestinationGroup.PERMANENT),
        (435, DestinationGroup.PERMANENT),
        (24, DestinationGroup.OTHER),
        (99, DestinationGroup.OTHER),
        (None, None),
    ],
)
def test_destination_group(code, group):
    assert destination_group(code) == group


def test_hud_codes_and_labels():
    assert Destination(116).label.startswith("Place not meant for habitation")
    assert Destination(101).label.startswith("Emergency shelter")
    assert Destination(435).label == "Rental by client, with ongoing housing subsidy"
    expected = {
        101,
        116,
        118,
        204,
        205,
        206,
        207,
        215,
        225,
        302,
        312,
        313,
        314,
        327,
        329,
        332,
        410,
        411,
        421,
        422,
        423,
        426,
        435,
        30,
        17,
        24,
        8,
        9,
        99,
    }
    assert set(Destination.values) == expected


def test_labels_use_our_words():
    for label in Destination.labels:
        assert "abuse" not in label.lower()


def test_grouped_choices_cover_every_code_once():
    groups = grouped_destination_choices()
    assert [name for name, _ in groups] == [g.label for g in DestinationGroup]
    codes = [code for _, options in groups for code, _ in options]
    assert sorted(codes) == sorted(Destination.values)


@pytest.mark.django_db
def test_destination_group_in_sql_matches_python(program):
    for index, code in enumerate(Destination.values):
        client = program.client.__class__.objects.create(first_name=f"D{index}", last_name="X")
        housed(client, date(2024, 1, 1), exit_date=date(2024, 2, 1), exit_destination=code)
    for placement in Placement.objects.with_destination_group():
        assert placement.exit_group == destination_group(placement.exit_destination)
        assert placement.exit_group == placement.destination_group
