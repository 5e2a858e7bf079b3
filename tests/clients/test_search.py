"""The client search (/clients/?q=, and the supervisor's drill-down): a name, now or formerly,
a birth date, a phone number however it was typed, or the last four digits of the SSN; only
ever among the clients the person may see."""

import pytest
from django.urls import reverse

from clients import services
from clients.models import Client

from ..factories import client_of

pytestmark = pytest.mark.django_db


def found(browser, query) -> list[str]:
    response = browser.get(reverse("clients:list"), {"q": query})
    assert response.status_code == 200
    return [client.last_name for client in response.context["page"]]


@pytest.fixture
def reachable(program):
    client = program.client
    client.phone = "(555) 010-0188"
    client.ssn = "123456789"
    client.save()
    other = program.other_client
    other.phone = "555.010.0177"
    other.ssn = "6789"
    other.save()
    return client


@pytest.mark.parametrize(
    "query", ["(555) 010-0188", "555-010-0188", "5550100188", "010 0188", "0188", "+555 010 0188"]
)
def test_search_finds_a_phone_number_however_it_is_typed(reachable, program, login, query):
    assert found(login(program.case_manager), query) == ["Parker"]


def test_search_finds_the_last_four_digits_of_the_ssn(reachable, program, login):
    assert found(login(program.case_manager), "6789") == ["Parker"]
    assert found(login(program.case_manager), "4567") == []  # not the middle of it


def test_search_never_finds_a_client_out_of_scope(reachable, program, login):
    browser = login(program.case_manager)
    assert found(browser, "555.010.0177") == []  # Olga's phone: another team's client
    assert found(login(program.other_case_manager), "6789") == ["Other"]


def test_search_finds_a_former_name(program, login):
    client = program.client
    client.last_name = "Nguyen"
    services.client_profile_update(client=client, by=program.case_manager, expected_version=None)
    browser = login(program.case_manager)
    assert found(browser, "Parker") == ["Nguyen"]
    assert found(browser, "Rosa Parker") == ["Nguyen"]
    assert found(browser, "Nguyen") == ["Nguyen"]
    assert found(login(program.other_case_manager), "Parker") == []


def test_search_still_finds_names_and_birth_dates(program, login):
    client_of(program.case_manager, first_name="Ana", last_name="Diaz", preferred_name="Annie")
    browser = login(program.case_manager)
    assert found(browser, "annie") == ["Diaz"]
    assert found(browser, "Rosa par") == ["Parker"]
    assert sorted(found(browser, "05/17/1980")) == ["Diaz", "Parker"]
    assert found(browser, "12") == []  # too few digits to be a phone number


def test_search_help_says_what_it_finds(program, login):
    content = login(program.case_manager).get(reverse("clients:list")).content.decode()
    assert "phone number" in content and "last four digits of the SSN" in content
    assert Client.objects.search("").count() == Client.objects.count()
