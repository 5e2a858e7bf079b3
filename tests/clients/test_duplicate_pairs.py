"""/clients/duplicates/: pairs found at intake and by the nightly sweep, reviewed by
supervisors; "different people" is remembered with who, when and why."""

from datetime import date

import pytest
from django.urls import reverse

from clients import services, tasks
from clients.models import DuplicatePair
from tests.factories import INTAKE_FORM, ClientFactory, client_of

pytestmark = pytest.mark.django_db

PAGE = reverse("clients:duplicates")
BORN = date(1984, 7, 12)


@pytest.fixture
def pair(program):
    joseph = client_of(
        program.case_manager, first_name="Joseph", last_name="Castillo", date_of_birth=BORN
    )
    josef = client_of(program.teammate, first_name="Josef", last_name="Castilo", date_of_birth=BORN)
    services.duplicates_find(client=josef)
    return DuplicatePair.objects.get(first=joseph, second=josef)


def test_the_nightly_sweep_finds_each_pair_once(program):
    client_of(program.case_manager, first_name="Joseph", last_name="Castillo", date_of_birth=BORN)
    client_of(program.teammate, first_name="Josef", last_name="Castilo", date_of_birth=BORN)
    ClientFactory(first_name="Maria", last_name="Lopez", date_of_birth=BORN)
    first = tasks.find_duplicates()
    assert first["new_pairs"] == 1 and first["clients"] >= 4
    assert tasks.find_duplicates()["new_pairs"] == 0
    row = DuplicatePair.history.get()
    assert (row.history_actor, row.history_change_reason) == (
        "job:find_duplicates",
        "Possible duplicate found",
    )


def test_an_intake_confirmed_as_a_new_person_is_offered_for_review(program, login):
    client_of(program.case_manager, first_name="Joseph", last_name="Castillo", date_of_birth=BORN)
    data = {
        **INTAKE_FORM,
        "first_name": "Josef",
        "last_name": "Castilo",
        "date_of_birth": BORN.isoformat(),
        "confirm_new_person": "on",
    }
    assert login(program.case_manager).post(reverse("clients:create"), data).status_code == 302
    assert DuplicatePair.objects.open().count() == 1


def test_supervisors_see_their_teams_pairs_with_the_reasons(program, login, pair):
    content = login(program.supervisor).get(PAGE).content.decode()
    assert "Joseph Castillo" in content and "Josef Castilo" in content
    assert "same birth date · similar last name · similar first name" in content
    assert list(login(program.other_supervisor).get(PAGE).context["page"].object_list) == []
    assert len(login(program.admin).get(PAGE).context["page"].object_list) == 1


def test_a_record_in_another_team_is_not_named(program, login):
    mine = client_of(
        program.case_manager, first_name="Joseph", last_name="Castillo", date_of_birth=BORN
    )
    theirs = client_of(
        program.other_case_manager, first_name="Josef", last_name="Castilo", date_of_birth=BORN
    )
    services.duplicates_find(client=mine)
    content = login(program.supervisor).get(PAGE).content.decode()
    assert "Joseph Castillo" in content
    assert "Castilo" not in content and f"Record #{theirs.pk}" in content


@pytest.mark.parametrize("role", ["case_manager", "auditor"])
def test_other_roles_may_not_review_duplicates(program, login, pair, role):
    browser = login(getattr(program, role))
    assert browser.get(PAGE).status_code == 403
    url = reverse("clients:duplicate_dismiss", args=[pair.pk])
    assert browser.post(url).status_code == 403
    assert DuplicatePair.objects.open().count() == 1


def test_different_people_is_remembered_with_who_when_and_why(program, login, pair):
    browser = login(program.supervisor)
    url = reverse("clients:duplicate_dismiss", args=[pair.pk])
    assert browser.post(url, {"note": "Different mothers' names"}).status_code == 302
    pair.refresh_from_db()
    assert pair.dismissed_by == program.supervisor and pair.dismissed_at is not None
    row = DuplicatePair.history.filter(id=pair.pk).latest("history_id")
    assert (row.history_user, row.history_change_reason) == (
        program.supervisor,
        "Different people. Different mothers' names",
    )
    assert list(browser.get(PAGE).context["page"].object_list) == []
    # Found again by the sweep: still dismissed.
    services.duplicates_find(client=pair.second)
    assert DuplicatePair.objects.open().count() == 0


def test_a_supervisor_cannot_dismiss_another_teams_pair(program, login, pair):
    url = reverse("clients:duplicate_dismiss", args=[pair.pk])
    assert login(program.other_supervisor).post(url).status_code == 404
    assert login(program.supervisor).post(url.replace(str(pair.pk), "abc")).status_code == 404


def test_the_page_is_a_constant_number_of_queries(
    program, login, pair, django_assert_max_num_queries
):
    browser = login(program.supervisor)
    browser.get(PAGE)
    people = [("Ann", "Lee"), ("Omar", "Haddad"), ("Wei", "Zhang"), ("Ruth", "Okafor")]
    for n, (first, last) in enumerate(people):
        born = date(1950 + 7 * n, 3, 3)
        client_of(program.case_manager, first_name=first, last_name=last, date_of_birth=born)
        twin = client_of(program.teammate, first_name=first, last_name=last, date_of_birth=born)
        services.duplicates_find(client=twin)
    with django_assert_max_num_queries(12):
        response = browser.get(PAGE)
    assert len(response.context["page"].object_list) == 5


def test_asking_the_supervisor_to_review_at_intake_is_one_click(program, login):
    from reminders.models import Kind, Reminder
    from reminders.services import reminders_generate

    other = client_of(
        program.other_case_manager, first_name="Joseph", last_name="Castillo", date_of_birth=BORN
    )
    data = {
        **INTAKE_FORM,
        "first_name": "Josef",
        "last_name": "Castilo",
        "date_of_birth": BORN.isoformat(),
    }
    browser = login(program.case_manager)
    shown = browser.post(reverse("clients:create"), data).content.decode()
    assert "Enrol and ask my supervisor to review" in shown and "Joseph" not in shown.replace(
        'value="Josef"', ""
    )
    response = browser.post(reverse("clients:create"), {**data, "ask_review": "1"})
    assert response.status_code == 302
    [reminder] = Reminder.objects.filter(kind=Kind.DUPLICATE_REVIEW)
    new = reminder.client
    assert reminder.assigned_to == program.supervisor and new.first_name == "Josef"
    assert reminder.detail() == (
        f"Records #{min(other.pk, new.pk)} and #{max(other.pk, new.pk)} may be the same person"
    )
    # The hourly sweep leaves it alone; reassigning the client leaves it with the supervisor.
    reminders_generate()
    services.client_assign(
        client=new, case_manager=program.teammate, assigned_by=program.supervisor, reason="x"
    )
    reminder.refresh_from_db()
    assert (reminder.state, reminder.assigned_to) == (Reminder.State.OPEN, program.supervisor)
    # Reviewing the pair closes the reminder.
    pair = DuplicatePair.objects.get()
    login(program.supervisor).post(reverse("clients:duplicate_dismiss", args=[pair.pk]))
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.DONE
