"""The notes list and the client page's notes section do not grow with the number of notes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casenotes.models import Addendum

from .factories import note_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["case_manager", "supervisor", "auditor"])
def test_note_list_queries_do_not_grow(program, login, django_assert_max_num_queries, role):
    browser = login(getattr(program, role))
    list_url = reverse("casenotes:list", args=[program.client.pk])

    def add_notes(count):
        for n in range(count):
            note = note_for(program.client, by=program.case_manager, protected=n % 3 == 0)
            Addendum.objects.create(
                note=note, client=program.client, text="More", written_by=program.teammate
            )

    add_notes(10)
    browser.get(list_url)
    with CaptureQueriesContext(connection) as few:
        browser.get(list_url)
    add_notes(40)
    with django_assert_max_num_queries(len(few)):
        browser.get(list_url)
    with django_assert_max_num_queries(len(few) + 1):  # + the search
        browser.get(list_url, {"q": "more"})
