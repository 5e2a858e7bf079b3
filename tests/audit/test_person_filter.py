"""The person filter of /audit/ and /audit/access/: a text field with suggestions, not a list
of every staff account, so the pages stay small however many accounts there are."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from housingfirst.roles import Role
from tests.factories import UserFactory

from .test_access_log import look, page_items

pytestmark = pytest.mark.django_db
SUGGEST = "/audit/people/suggest/"
PAGES = ("/audit/", "/audit/access/")


@pytest.fixture
def quills(program):
    """Two people whose names share "Quill", each with one look at a record."""
    nadia = UserFactory(username="nquill", first_name="Nadia", last_name="Quill")
    nate = UserFactory(username="nate", first_name="Nate", last_name="Quillon")
    return (
        nadia,
        nate,
        look(nadia, program.client, program.client),
        look(nate, program.client, program.client),
    )


def test_a_user_name_picks_that_one_person(program, auditor_browser, quills):
    nadia, _, nadia_look, _ = quills
    # "nquill" is also part of no other name; "NQUILL" is the same user name, any case.
    assert page_items(auditor_browser, person="NQUILL") == [nadia_look]


def test_part_of_a_name_picks_everyone_it_matches_and_the_page_names_them(
    program, auditor_browser, quills
):
    _, _, nadia_look, nate_look = quills
    response = auditor_browser.get("/audit/access/", {"person": "quill"})
    assert response.context["page"].items == [nate_look, nadia_look]
    html = response.content.decode()
    assert "2 people matching “quill”: Nadia Quill, Nate Quillon" in html
    # Every word must match: first and last name together narrow to one.
    assert page_items(auditor_browser, person="nadia quill") == [nadia_look]


def test_an_id_from_an_old_link_still_picks_that_person(program, auditor_browser, quills):
    nadia, _, nadia_look, _ = quills
    assert page_items(auditor_browser, person=str(nadia.pk)) == [nadia_look]


def test_text_that_matches_no_one_shows_nothing_and_says_so(program, auditor_browser, quills):
    response = auditor_browser.get("/audit/access/", {"person": "zebedee"})
    assert response.context["page"].items == []
    assert "no one matching “zebedee”" in response.content.decode()


def test_text_that_matches_too_many_asks_for_more(program, auditor_browser):
    for n in range(21):
        UserFactory(username=f"worker{n}", first_name="Sam", last_name=f"Worker{n}")
    response = auditor_browser.get("/audit/", {"person": "worker"})
    assert "type more of the name" in response.context["form"].errors["person"][0]
    assert response.context["page"].items == []


def test_the_export_says_whom_a_name_picked(program, auditor_browser, quills):
    response = auditor_browser.get("/audit/access/export/", {"person": "quill"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    from housingfirst.models import AccessLogEntry

    export = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).get()
    assert "person=nquill,nate" in export.detail


def filter_form(html: str) -> str:
    return re.search(r'<details class="card audit-filters".*?</details>', html, re.S).group(0)


@pytest.mark.parametrize("page", PAGES)
def test_the_page_does_not_list_every_staff_account(program, auditor_browser, page):
    before = filter_form(auditor_browser.get(page).content.decode())
    for n in range(50):
        UserFactory(username=f"extra{n}", role=Role.CASE_MANAGER)
    html = auditor_browser.get(page).content.decode()
    # The change log lists the new accounts' creation; the filter form does not grow.
    assert filter_form(html) == before
    assert "extra1" not in before
    assert 'data-suggest-url="/audit/people/suggest/"' in before
    assert '<label for="id_person">' in before
    assert "js/suggestions.js" in html


@pytest.mark.parametrize("page", PAGES)
def test_filtering_by_name_takes_the_same_queries_for_few_or_many_accounts(
    program, auditor_browser, quills, page
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert auditor_browser.get(page, {"person": "quill"}).status_code == 200
        return len(captured)

    queries()  # warm the caches (content types)
    few = queries()
    for n in range(15):  # all named on the page (at most 20 may match)
        UserFactory(username=f"quiller{n}", first_name="Q", last_name=f"Quill{n}")
    assert queries() == few


def test_suggestions_name_a_few_matching_people(program, auditor_browser, quills):
    answer = auditor_browser.get(SUGGEST, {"q": "quil"})
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert answer.json() == {
        "results": [
            {"value": "nquill", "label": "Nadia Quill (nquill)"},
            {"value": "nate", "label": "Nate Quillon (nate)"},
        ]
    }
    for n in range(15):
        UserFactory(username=f"many{n}")
    assert len(auditor_browser.get(SUGGEST, {"q": "many"}).json()["results"]) == 10
    assert auditor_browser.get(SUGGEST, {"q": ""}).json() == {"results": []}
    # django-guardian's stand-in for signed-out visitors is nobody to filter by.
    assert auditor_browser.get(SUGGEST, {"q": "anonymous"}).json() == {"results": []}


@pytest.mark.parametrize(
    "who, status",
    [
        ("auditor", 200),
        ("admin", 200),
        ("case_manager", 403),
        ("supervisor", 403),
    ],
)
def test_suggestions_are_for_auditors_and_administrators(program, login, who, status):
    assert login(getattr(program, who)).get(SUGGEST, {"q": "sup"}).status_code == status


def test_signed_out_visitors_get_no_suggestions(client, program):
    response = client.get(SUGGEST, {"q": "sup"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("q", ["\x00", "a\x00b", "x" * 300])
def test_odd_text_gets_no_suggestions_and_no_error(program, login, q):
    assert login(program.auditor).get(SUGGEST, {"q": q}).json() == {"results": []}
