"""The HUD data reminders: annual assessment due, entry data incomplete, exit assessment
missing; made by the sweep and at once when the enrollment changes, closed when done."""

from datetime import date

import pytest

from enrollments import services as enrollment_services
from enrollments.hud import DataCollectionStage, RelationshipToHead
from enrollments.models import Assessment
from reminders.models import Kind, Reminder
from reminders.services import reminders_generate
from tests.clock import at
from tests.factories import client_of, make_assessment, make_enrollment, make_project

from .conftest import TODAY, days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# Head of household entered on 2024-03-20: the first anniversary is 2025-03-20, its window
# runs from 2025-02-18 to 2025-04-19 (TODAY, 2025-03-15, is in it).
HEAD_ENTRY = date(2024, 3, 20)
WINDOW_OPENS = date(2025, 2, 18)


def of_kind(client, kind):
    return list(Reminder.objects.filter(client=client, kind=kind))


def pending_of_kind(client, kind):
    return list(Reminder.objects.pending().filter(client=client, kind=kind))


def no_answers_recorded(enrollment, stage, day, **fields):
    """An assessment saying 'No' to income, benefits and insurance."""
    return Assessment(
        enrollment=enrollment,
        stage=stage,
        information_date=day,
        income_from_any_source=0,
        benefits_from_any_source=0,
        insurance_from_any_source=0,
        **fields,
    )


def record(assessment, by):
    return enrollment_services.assessment_record(
        assessment=assessment, disabilities=[], domestic_violence=None, by=by
    )


# Annual assessment due -------------------------------------------------------------------


def test_annual_assessment_is_due_when_its_window_opens(program, clock):
    make_enrollment(program.client, entry_date=HEAD_ENTRY)

    clock.move_to(at(date(2025, 2, 10)))  # more than a week before the window opens
    reminders_generate()
    assert of_kind(program.client, Kind.ANNUAL_ASSESSMENT_DUE) == []

    clock.move_to(at(date(2025, 2, 11)))  # a week before: upcoming
    reminders_generate()
    (reminder,) = of_kind(program.client, Kind.ANNUAL_ASSESSMENT_DUE)
    assert (reminder.due_on, reminder.assigned_to) == (WINDOW_OPENS, program.case_manager)
    assert "2025-02-18 to 2025-04-19" in reminder.detail()


def test_recording_the_annual_assessment_resolves_it_at_once(program):
    enrollment = make_enrollment(program.client, entry_date=HEAD_ENTRY)
    reminders_generate()
    (reminder,) = pending_of_kind(program.client, Kind.ANNUAL_ASSESSMENT_DUE)

    record(
        no_answers_recorded(enrollment, DataCollectionStage.ANNUAL_ASSESSMENT, TODAY),
        program.case_manager,
    )

    reminder.refresh_from_db()
    assert (reminder.state, reminder.closed_by) == (
        Reminder.State.RESOLVED,
        program.case_manager,
    )
    reminders_generate()
    assert pending_of_kind(program.client, Kind.ANNUAL_ASSESSMENT_DUE) == []


def test_an_update_or_last_years_annual_does_not_count(program, clock):
    enrollment = make_enrollment(program.client, entry_date=date(2023, 3, 20))
    make_assessment(
        enrollment, stage=DataCollectionStage.ANNUAL_ASSESSMENT, information_date=date(2024, 3, 20)
    )
    make_assessment(enrollment, stage=DataCollectionStage.UPDATE, information_date=days(-1))
    reminders_generate()
    (reminder,) = pending_of_kind(program.client, Kind.ANNUAL_ASSESSMENT_DUE)
    assert reminder.due_on == WINDOW_OPENS


def test_a_member_s_annual_assessment_follows_the_head_s_entry_date(program):
    head = make_enrollment(program.client, entry_date=HEAD_ENTRY)
    member_client = client_of(program.case_manager, first_name="Kim")
    make_enrollment(
        member_client,
        entry_date=date(2024, 9, 1),
        household=head.household,
        relationship=RelationshipToHead.CHILD,
    )
    reminders_generate()
    (reminder,) = of_kind(member_client, Kind.ANNUAL_ASSESSMENT_DUE)
    assert reminder.due_on == WINDOW_OPENS


def test_a_window_that_closed_is_no_longer_asked_for(program, clock):
    make_enrollment(program.client, entry_date=HEAD_ENTRY)
    reminders_generate()
    clock.move_to(at(date(2025, 4, 20)))  # the day after the window closed
    reminders_generate()
    assert pending_of_kind(program.client, Kind.ANNUAL_ASSESSMENT_DUE) == []
    (closed,) = of_kind(program.client, Kind.ANNUAL_ASSESSMENT_DUE)
    assert closed.state == Reminder.State.RESOLVED


def test_no_annual_reminder_after_leaving_the_program(program):
    make_enrollment(program.client, entry_date=HEAD_ENTRY, exit_date=days(-3), destination=410)
    other = client_of(program.case_manager, status="exited")
    make_enrollment(other, entry_date=HEAD_ENTRY)
    reminders_generate()
    assert of_kind(program.client, Kind.ANNUAL_ASSESSMENT_DUE) == []
    assert of_kind(other, Kind.ANNUAL_ASSESSMENT_DUE) == []


# Entry data incomplete -------------------------------------------------------------------


def test_entry_data_incomplete_is_due_fourteen_days_after_entry(program):
    make_enrollment(program.client, entry_date=days(-6))
    make_enrollment(program.teammate_client, entry_date=days(-7))
    reminders_generate()
    assert of_kind(program.client, Kind.ENTRY_DATA_INCOMPLETE) == []  # due in 8 days
    (reminder,) = of_kind(program.teammate_client, Kind.ENTRY_DATA_INCOMPLETE)
    assert (reminder.due_on, reminder.assigned_to) == (days(7), program.teammate)


def test_starting_an_enrollment_makes_the_reminder_at_once_and_completing_resolves_it(program):
    cm = program.case_manager
    project = make_project()
    enrollment = enrollment_services.enrollment_start(
        client=program.client, by=cm, project=project, entry_date=days(-20)
    )
    (reminder,) = pending_of_kind(program.client, Kind.ENTRY_DATA_INCOMPLETE)  # no sweep
    assert reminder.due_on == days(-6)

    enrollment.living_situation = 410  # rental, for a year or longer: nothing more asked
    enrollment.length_of_stay = 5
    enrollment.disabling_condition = 0
    enrollment_services.enrollment_update(
        enrollment=enrollment, by=cm, expected_version=enrollment.version
    )
    assert pending_of_kind(program.client, Kind.ENTRY_DATA_INCOMPLETE) == [reminder]  # no entry
    record(no_answers_recorded(enrollment, DataCollectionStage.PROJECT_START, days(-20)), cm)

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED
    reminders_generate()
    assert pending_of_kind(program.client, Kind.ENTRY_DATA_INCOMPLETE) == []


def test_no_entry_data_reminder_for_exited_clients(program):
    make_enrollment(program.client, entry_date=days(-60), exit_date=days(-1), destination=410)
    reminders_generate()
    assert of_kind(program.client, Kind.ENTRY_DATA_INCOMPLETE) == []


# Exit assessment missing -----------------------------------------------------------------


def _leave(enrollment, by, **kwargs):
    enrollment.exit_date = TODAY
    enrollment.destination = 410
    return enrollment_services.enrollment_exit(
        enrollment=enrollment, by=by, expected_version=enrollment.version, **kwargs
    )


def test_an_exit_without_its_assessment_makes_the_reminder_at_once(program):
    cm = program.case_manager
    enrollment = make_enrollment(program.client, entry_date=days(-100))
    _leave(enrollment, cm)

    (reminder,) = pending_of_kind(program.client, Kind.EXIT_ASSESSMENT_MISSING)
    assert (reminder.due_on, reminder.assigned_to, reminder.enrollment) == (
        TODAY,
        cm,
        enrollment,
    )
    # Leaving the program closes what no longer applies; the exit assessment stays asked for.
    reminders_generate()
    assert [r.kind for r in Reminder.objects.pending().filter(client=program.client)] == [
        Kind.EXIT_ASSESSMENT_MISSING
    ]

    record(no_answers_recorded(enrollment, DataCollectionStage.PROJECT_EXIT, TODAY), cm)
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED


def test_an_exit_with_its_assessment_makes_none(program):
    enrollment = make_enrollment(program.client, entry_date=days(-100))
    exit_assessment = no_answers_recorded(enrollment, DataCollectionStage.PROJECT_EXIT, TODAY)
    _leave(enrollment, program.case_manager, exit_assessment=exit_assessment)
    reminders_generate()
    assert of_kind(program.client, Kind.EXIT_ASSESSMENT_MISSING) == []


def test_an_exit_long_ago_is_left_to_the_data_quality_page(program):
    make_enrollment(program.client, entry_date=days(-400), exit_date=days(-91), destination=410)
    make_enrollment(
        program.teammate_client, entry_date=days(-400), exit_date=days(-90), destination=410
    )
    reminders_generate()
    assert of_kind(program.client, Kind.EXIT_ASSESSMENT_MISSING) == []
    assert len(of_kind(program.teammate_client, Kind.EXIT_ASSESSMENT_MISSING)) == 1
