"""Intake and profile edits: validation, duplicate warning, scope of choices, stale edits."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Assignment, Client
from tests.factories import INTAKE_FORM

pytestmark = pytest.mark.django_db

VALID = INTAKE_FORM


def intake(browser, **changes):
    data = {**VALID, **changes}
    return browser.post(reverse("clients:create"), {k: v for k, v in data.items() if v is not None})


def test_case_manager_intake_assigns_client_to_themselves(program, login):
    response = intake(login(program.case_manager), team=program.team.pk)
    new = Client.objects.get(first_name="Nia")
    assert response.status_code == 302 and response.url == reverse("clients:detail", args=[new.pk])
    assert new.case_manager == program.case_manager and new.team == program.team
    assert Assignment.objects.get(client=new).case_manager == program.case_manager
    assert program.case_manager.has_perm("clients.change_client", new)
    assert login(program.case_manager).get(response.url).status_code == 200


def test_case_manager_intake_ignores_tampered_team_and_case_manager(program, login):
    response = intake(
        login(program.case_manager),
        team=program.other_team.pk,
        case_manager=program.other_case_manager.pk,
    )
    assert response.status_code == 302
    new = Client.objects.get(first_name="Nia")
    assert new.case_manager == program.case_manager and new.team == program.team


def test_supervisor_intake_can_leave_client_in_the_queue(program, login):
    response = intake(login(program.supervisor), team=program.team.pk)
    new = Client.objects.get(first_name="Nia")
    assert response.status_code == 302
    assert new.case_manager is None and new.team == program.team
    assert not Assignment.objects.filter(client=new).exists()


def test_supervisor_cannot_use_another_teams_case_manager_or_team(program, login):
    browser = login(program.supervisor)
    response = intake(browser, team=program.team.pk, case_manager=program.other_case_manager.pk)
    assert "case_manager" in response.context["form"].errors
    response = intake(browser, team=program.other_team.pk)
    assert "team" in response.context["form"].errors
    assert not Client.objects.filter(first_name="Nia").exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        (
            {"date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "date_of_birth",
        ),
        ({"date_of_birth": "1975-13-45"}, "date_of_birth"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"program_start_date": "1970-01-01"}, "program_start_date"),
        (
            {"program_start_date": (timezone.localdate() + timedelta(days=3)).isoformat()},
            "program_start_date",
        ),
        ({"first_name": "x" * 10_000}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"first_name": None}, "first_name"),
        ({"ssn": "12-34"}, "ssn"),
        ({"sex": "42"}, "sex"),
        ({"email": "not-an-email"}, "email"),
        ({"race_white": "on", "race_none": "9"}, "race_none"),
    ],
)
def test_bad_intake_input_shows_field_error_and_saves_nothing(program, login, changes, field):
    before = Client.objects.count()
    response = intake(login(program.case_manager), team=program.team.pk, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    # The error is tied to its input for screen readers.
    assert f'aria-describedby="id_{field}_' in response.content.decode() or field == "race_none"
    assert Client.objects.count() == before


def test_likely_duplicate_is_flagged_before_saving(program, login):
    browser = login(program.case_manager)
    response = intake(
        browser,
        team=program.team.pk,
        first_name="rosa",
        last_name="Parker",
        date_of_birth=program.client.date_of_birth.isoformat(),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "may already be enrolled" in content
    assert [m.client for m in response.context["visible_matches"]] == [program.client]
    assert "same birth date · same last name · same first name" in content
    # One warning box: the match, and the confirmation tied to its checkbox.
    assert "Please correct the fields marked below" not in content
    assert content.count('role="alert"') == 1
    assert Client.objects.filter(last_name="Parker").count() == 1

    response = intake(
        browser,
        team=program.team.pk,
        first_name="rosa",
        last_name="Parker",
        date_of_birth=program.client.date_of_birth.isoformat(),
        confirm_new_person="on",
    )
    assert response.status_code == 302
    assert Client.objects.filter(last_name="Parker").count() == 2


def test_a_blank_intake_form_has_no_duplicate_confirmation(program, login):
    content = login(program.case_manager).get(reverse("clients:create")).content.decode()
    assert "I checked: this is a different person" not in content
    assert 'type="checkbox" name="confirm_new_person"' not in content


def test_duplicate_in_another_caseload_is_not_named_and_the_check_is_logged(program, login):
    from housingfirst.models import AccessLogEntry

    response = intake(
        login(program.case_manager),
        team=program.team.pk,
        first_name="Olga",
        last_name="Other",
        date_of_birth=program.other_client.date_of_birth.isoformat(),
    )
    content = response.content.decode()
    assert response.context["hidden_match"] is True
    assert response.context["visible_matches"] == []
    assert "A possible match is in another caseload" in content
    assert reverse("clients:detail", args=[program.other_client.pk]) not in content
    assert "Olga Other" not in content.replace('value="Olga"', "").replace('value="Other"', "")
    entry = AccessLogEntry.objects.get(client=program.other_client)
    assert (entry.user, entry.detail) == (program.case_manager, "Duplicate check at intake")


def test_profile_edit_saves_and_bumps_version(program, login):
    browser = login(program.case_manager)
    version_before = program.client.version
    form = browser.get(reverse("clients:edit", args=[program.client.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(preferred_name="Ro", version=version_before)
    data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}
    response = browser.post(reverse("clients:edit", args=[program.client.pk]), data)
    assert response.status_code == 302
    program.client.refresh_from_db()
    assert program.client.preferred_name == "Ro"
    assert program.client.version == version_before + 1


def test_concurrent_edit_of_another_field_is_merged_not_overwritten(program, login):
    browser = login(program.case_manager)
    opened = browser.get(reverse("clients:edit", args=[program.client.pk])).context["form"]
    data = {name: value for name, value in opened.initial.items() if value not in (None, False)}
    data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}
    data["version"] = program.client.version

    # A colleague saves first.
    colleague = login(program.supervisor)
    colleague.post(reverse("clients:edit", args=[program.client.pk]), {**data, "phone": "555-0000"})
    program.client.refresh_from_db()
    assert program.client.phone == "555-0000"

    browser = login(program.case_manager)
    response = browser.post(
        reverse("clients:edit", args=[program.client.pk]), {**data, "goals": "My own words"}
    )
    # Merged with the colleague's save (tests/clients/test_concurrent_edits.py): both kept.
    assert response.status_code == 302
    program.client.refresh_from_db()
    assert program.client.phone == "555-0000" and program.client.goals == "My own words"


def test_search_by_name_preferred_name_and_birth_date(program, login):
    program.client.preferred_name = "Rosie"
    program.client.save()
    browser = login(program.supervisor)
    for query in [
        "parker",
        "Rosie",
        program.client.date_of_birth.isoformat(),
        program.client.date_of_birth.strftime("%m/%d/%Y"),
    ]:
        page = browser.get(reverse("clients:list"), {"q": query}).context["page"]
        assert program.client in list(page.object_list), query
    page = browser.get(reverse("clients:list"), {"q": "Olga"}).context["page"]
    assert list(page.object_list) == []
    assert browser.get(reverse("clients:list"), {"q": "x" * 500}).status_code == 200
    assert browser.get(reverse("clients:list"), {"page": "abc"}).status_code == 200


def test_intake_is_grouped_with_required_fields_marked(program, login):
    html = login(program.case_manager).get(reverse("clients:create")).content.decode()
    for legend in (
        "Who the client is",
        "How to reach them",
        "HUD demographics",
        "The client&#x27;s goals",
    ):
        assert f"<legend>{legend}" in html
    # Required: visibly, and as the input's required attribute for assistive technology.
    first_name = html.split('for="id_first_name"')[1].split("</div>")[0]
    assert "required-mark" in first_name and 'required id="id_first_name"' in first_name
    middle_name = html.split('for="id_middle_name"')[1].split("</div>")[0]
    assert "required" not in middle_name
    # A checkbox's label follows the box, with no colon.
    assert ">White</label>" in html and "White:" not in html


def test_the_client_list_never_shows_the_legal_name_as_a_nickname(program, login):
    program.client.preferred_name = "Ro"
    program.client.save()
    html = login(program.case_manager).get(reverse("clients:list")).content.decode()
    assert "(Rosa)" not in html and "legal name Rosa Parker" in html
