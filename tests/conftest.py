"""Fixtures shared by every test: the people of two teams, one of each role.

Like Healthchecks' BaseTestCase, every view test can ask who may and who may not: the own
case manager, another case manager of the same team, a supervisor of the team, a supervisor
of another team, an auditor, an administrator, and an anonymous visitor.
"""

from dataclasses import dataclass

import pytest
import time_machine

from clients.models import TeamRole
from housingfirst.roles import Role

from . import clock as test_clock
from .factories import TeamFactory, UserFactory, client_of, join_team, make_case_manager
from .two_factor import verify_session


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=None,
        help="run as if it were this moment (ISO date-time, program time when naive), "
        "e.g. 2026-11-30T20:30: the real clock starts there and frozen test days move to it",
    )


def pytest_configure(config):
    test_clock.configure(config.getoption("--clock"))
    moment = test_clock.run_clock()
    if moment is not None:
        # From here on, collection included (parameters computed at import see it too), the
        # run starts at that moment; the clock keeps ticking.
        config._run_clock = time_machine.travel(moment, tick=True)
        config._run_clock.start()


def pytest_unconfigure(config):
    traveller = getattr(config, "_run_clock", None)
    if traveller is not None:
        traveller.stop()


# What depends on the calendar: CI runs these again at the risky moments (``make test-clocks``).
DATE_SENSITIVE_MODULES = {
    "tests/appointments/test_appointments.py",  # past appointments, the day before
    "tests/audit/test_access_log.py",  # access-log date filters
    "tests/audit/test_change_log.py",  # change-log date filters
    "tests/audit/test_export.py",  # exports by day
    "tests/caseloads/test_attention.py",  # overdue dates, the home's lists
    "tests/caseloads/test_read_model.py",  # days housed, visits due
    "tests/caseloads/test_client_table.py",  # overdue visits and reminders, days housed
    "tests/caseloads/test_covers.py",  # covers start and end on local days
    "tests/caseloads/test_figures.py",  # overdue, last contact, days housed
    "tests/caseloads/test_home.py",
    "tests/caseloads/test_outcomes.py",  # outcomes by month
    "tests/casenotes/test_addendum_rule.py",  # editable on the local day it was written
    "tests/casenotes/test_pages.py",
    "tests/clients/test_intake.py",  # birth and program start dates not in the future
    "tests/enrollments/test_assessment_access.py",  # updates dated on the frozen day
    "tests/enrollments/test_assessment_pages.py",  # information dates, the annual window
    "tests/enrollments/test_assessment_protected.py",
    "tests/enrollments/test_data_quality.py",  # annual windows, adults by birth date
    "tests/harm_reduction/test_pages.py",  # nothing recorded in the future
    "tests/harm_reduction/test_report.py",  # months and quarters
    "tests/harm_reduction/test_stock.py",  # expiry dates
    "tests/harm_reduction/test_stock_reminders.py",  # due 30 days before expiry
    "tests/hmis/test_export_command.py",  # periods relative to the frozen day
    "tests/hmis/test_export_page.py",  # retention hours, "changed since" in the past
    "tests/hmis/test_import_page.py",  # the upload's retention hours, stale jobs
    "tests/hmis/test_export_content.py",  # periods, DateUpdated and DateDeleted moments
    "tests/hmis/test_import.py",  # model rules: no date in the future (frozen day)
    "tests/hmis/test_import_refusals.py",  # model rules: no date in the future (frozen day)
    "tests/hmis/test_import_round_trip.py",  # export periods around the frozen day
    "tests/hmis/test_import_command.py",  # model rules: no date in the future (frozen day)
    "tests/placements/test_client_page.py",
    "tests/placements/test_client_page_top.py",  # overdue visit at the top
    "tests/placements/test_pages.py",
    "tests/placements/test_stability.py",  # days housed, retention
    "tests/placements/test_validation.py",  # dates not in the future
    "tests/placements/test_visits.py",  # visit rhythm
    "tests/plans/test_pages.py",  # review dates
    "tests/plans/test_review_reminder.py",  # review due dates
    "tests/referrals/test_consents.py",  # consents current, expiring
    "tests/referrals/test_pages.py",
    "tests/referrals/test_undo.py",  # ten minutes of undo, follow-ups due today
    "tests/referrals/test_workflow.py",
    "tests/reminders/test_digest.py",  # one digest a local day
    "tests/reminders/test_hud_reminders.py",  # annual windows, 14 days after entry
    "tests/reminders/test_jobs.py",
    "tests/reminders/test_pages.py",
    "tests/reminders/test_rules.py",  # due dates
    "tests/reminders/test_undo_done.py",  # ten minutes of undo, snooze until a day
    "tests/test_security.py",  # idle session timeout
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        if module in DATE_SENSITIVE_MODULES:
            item.add_marker(pytest.mark.dates)


def pytest_report_header(config):
    moment = test_clock.run_clock()
    return f"clock: {moment.isoformat()} (program time)" if moment else None


@pytest.fixture
def today():
    """The day a frozen clock stands on; packages with a fixed day override this."""
    return test_clock.DEFAULT_DAY


@pytest.fixture
def clock(today):
    """The clock frozen on ``today`` (see tests/clock.py); ``clock.move_to(at(day))``."""
    with time_machine.travel(test_clock.at(today), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests talk plain HTTP to the test client and need no collected static files.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Program:
    team: object
    other_team: object
    case_manager: object
    teammate: object
    other_case_manager: object
    supervisor: object
    other_supervisor: object
    auditor: object
    admin: object
    client: object
    teammate_client: object
    other_client: object


@pytest.fixture
def program(db):
    team = TeamFactory(name="Team A")
    other_team = TeamFactory(name="Team B")
    case_manager = make_case_manager(team, username="cm_own")
    teammate = make_case_manager(team, username="cm_teammate")
    other_case_manager = make_case_manager(other_team, username="cm_other")
    supervisor = UserFactory(username="sup_own", role=Role.SUPERVISOR)
    join_team(team, supervisor, TeamRole.SUPERVISOR)
    other_supervisor = UserFactory(username="sup_other", role=Role.SUPERVISOR)
    join_team(other_team, other_supervisor, TeamRole.SUPERVISOR)
    auditor = UserFactory(username="auditor", role=Role.AUDITOR)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return Program(
        team=team,
        other_team=other_team,
        case_manager=case_manager,
        teammate=teammate,
        other_case_manager=other_case_manager,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        auditor=auditor,
        admin=admin,
        client=client_of(case_manager, first_name="Rosa", last_name="Parker"),
        teammate_client=client_of(teammate, first_name="Tom", last_name="Teammate"),
        other_client=client_of(other_case_manager, first_name="Olga", last_name="Other"),
    )


@pytest.fixture
def login(client):
    """Sign a person in on the test client: ``login(program.case_manager)`` (administrators
    and auditors with their second step passed: tests/two_factor.py)."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return verify_session(client, user)

    return sign_in
