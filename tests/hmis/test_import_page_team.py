"""/hmis/import/: the team whose intake queue the new clients join. The administrator chooses
it with the upload (required; preselected when there is only one team); it is kept on the
import, shown on the pages, and given to the importer in the dry run and in the import. A team
deleted before the import leaves the new clients without a team, and the page says so.

The import core is the stand-in (tests/hmis/fake_importer.py); test_import_page_real.py runs
the real one and checks the clients' team.
"""

import pytest

from clients.models import Team
from hmis.forms import NO_TEAM_YET, ImportUploadForm
from hmis.models import HmisImport
from tests.factories import TeamFactory

from .test_import_page import PAGE, a_zip, detail

pytestmark = pytest.mark.django_db

LABEL = "Team whose intake queue the new clients join"


def options_of(importer) -> list[dict]:
    return [options for _path, options, _start in importer.calls]


# The field --------------------------------------------------------------------------------


def test_the_form_offers_every_team_and_asks_for_one(program, login):
    page = login(program.admin).get(PAGE).content.decode()
    assert f'<label for="id_team">{LABEL}:</label>' in page
    assert '<select name="team" required aria-describedby="id_team_helptext" id="id_team">' in page
    assert '<option value="" selected>Choose a team</option>' in page
    for team in (program.team, program.other_team):
        assert f'<option value="{team.pk}">{team.name}</option>' in page
    assert "Its supervisors see the new clients and assign them to case managers." in page


def test_the_only_team_is_preselected(db):
    only = TeamFactory(name="Outreach")
    form = ImportUploadForm()
    assert form["team"].value() == only.pk
    assert f'<option value="{only.pk}" selected>Outreach</option>' in str(form["team"])


def test_without_any_team_the_form_says_to_add_one_first(db):
    assert not Team.objects.exists()
    form = ImportUploadForm()
    assert form.fields["team"].help_text == NO_TEAM_YET
    form = ImportUploadForm(data={}, files={"file": a_zip()})
    assert not form.is_valid() and form.errors["team"] == [NO_TEAM_YET]


def test_an_upload_without_a_team_or_with_an_unknown_one_is_an_error_on_its_field(
    program, login, queued
):
    browser = login(program.admin)
    for team in ("", "999999"):
        response = browser.post(PAGE, {"file": a_zip(), "team": team})
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert list(errors) == ["team"]
        assert errors["team"][0] in (
            "Choose the team whose intake queue the new clients join.",
            "That team no longer exists: choose another.",
        )
        assert 'aria-invalid="true"' in response.content.decode()
    assert not HmisImport.objects.exists() and not queued


@pytest.mark.parametrize("role", ["case_manager", "supervisor", "auditor"])
def test_only_administrators_may_upload_for_a_team(program, login, queued, role):
    response = login(getattr(program, role)).post(PAGE, {"file": a_zip(), "team": program.team.pk})
    assert response.status_code == 403
    assert not HmisImport.objects.exists() and not queued


# The team through the jobs ----------------------------------------------------------------


def test_the_chosen_team_is_kept_shown_and_given_to_the_dry_run_and_the_import(
    program, login, queued, importer, clock
):
    browser = login(program.admin)
    response = browser.post(PAGE, {"file": a_zip(), "team": program.other_team.pk})
    assert response.status_code == 302
    row = HmisImport.objects.get()
    assert row.team == program.other_team and row.team_name == "Team B"
    assert row.history.get().team_id == program.other_team.pk
    queued.run()
    row.refresh_from_db()
    assert row.dry_run_report["team"] == "Team B"
    page = browser.get(detail(row)).content.decode()
    assert "; team Team B." in page
    assert "New clients would join the intake queue of team Team B" in page
    assert "; team Team B." in browser.get(PAGE).content.decode()

    browser.post(detail(row), {})
    queued.run()
    assert [options["team"] for options in options_of(importer)] == [program.other_team] * 2
    row.refresh_from_db()
    assert row.status == HmisImport.Status.DONE and row.report["team"] == "Team B"
    page = browser.get(detail(row)).content.decode()
    assert "New clients joined the intake queue of team Team B" in page
    assert "was deleted since" not in page


def test_a_team_deleted_before_the_import_leaves_the_new_clients_without_one(
    program, login, queued, importer, clock
):
    doomed = TeamFactory(name="Team Gone")
    browser = login(program.admin)
    browser.post(PAGE, {"file": a_zip(), "team": doomed.pk})
    queued.run()
    row = HmisImport.objects.get()
    doomed.delete()
    row.refresh_from_db()
    assert (
        row.team is None and row.team_deleted and row.team_label == "team Team Gone (deleted since)"
    )
    page = browser.get(detail(row)).content.decode()
    assert "The team Team Gone, chosen at the upload, was deleted since" in page
    assert "team Team Gone (deleted since)" in browser.get(PAGE).content.decode()

    browser.post(detail(row), {})
    queued.run()
    teams = [options["team"] for options in options_of(importer)]
    assert teams[0].name == "Team Gone" and teams[1] is None  # the dry run's, the import's
    row.refresh_from_db()
    assert row.status == HmisImport.Status.DONE and row.report["team"] is None
    page = browser.get(detail(row)).content.decode()
    assert "New clients joined no team: only administrators see them" in page
    assert "chosen at the upload, was deleted since" not in page  # the import is over


def test_imports_from_before_the_team_choice_say_no_team(program, login, queued, importer, clock):
    browser = login(program.admin)
    browser.post(PAGE, {"file": a_zip(), "team": program.team.pk})
    row = HmisImport.objects.get()
    row.team, row.team_name = None, ""
    row.save()
    assert row.team_label == "no team" and not row.team_deleted
    page = browser.get(detail(row)).content.decode()
    assert "; no team." in page and "was deleted since" not in page
