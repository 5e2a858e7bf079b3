from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from clients.models import Client, Team, TeamCaseManager
from housingfirst.audit_log import registry
from housingfirst.models import ChangeLogEntry
from housingfirst.roles import Role, role_of

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG must be on"):
        call_command("seed_demo")
    assert not Client.objects.exists()


def test_seed_demo_builds_the_program_of_the_product_brief(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    User = get_user_model()
    expected = {
        "supervisor1": Role.SUPERVISOR,
        "supervisor2": Role.SUPERVISOR,
        "director": Role.SUPERVISOR,
        "casemanager1": Role.CASE_MANAGER,
        "casemanager2": Role.CASE_MANAGER,
        "casemanager3": Role.CASE_MANAGER,
        "auditor": Role.AUDITOR,
        "admin": Role.ADMINISTRATOR,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password("housingfirst-demo")
        assert role_of(user) is role
    supervisor1 = User.objects.get(username="supervisor1")
    team1 = supervisor1.supervised_teams.get()
    assert set(team1.case_managers.values_list("username", flat=True)) == {
        "casemanager1",
        "casemanager2",
    }
    assert 25 <= Client.objects.count() <= 40
    # Every client of casemanager1 is visible to them and to their supervisor only.
    casemanager1 = User.objects.get(username="casemanager1")
    own = set(Client.objects.filter(case_manager=casemanager1).values_list("pk", flat=True))
    assert own and own == set(Client.objects.visible_to(casemanager1).values_list("pk", flat=True))
    assert Client.objects.filter(case_manager__isnull=True).exists()  # an intake queue
    # Seeding is history too, attributed to the command.
    assert (
        Client.history.filter(history_actor="command:seed_demo").count() >= Client.objects.count()
    )


def test_seed_demo_is_skipped_when_present(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    count = Client.objects.count()
    call_command("seed_demo", "--if-empty")
    assert Client.objects.count() == count
    with pytest.raises(CommandError, match="already present"):
        call_command("seed_demo")


def test_seed_demo_large_program_uses_bulk_inserts_with_history(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--clients", "300")
    # 30 clients of the small program, 300 more, and a child who joined a household.
    assert Client.objects.count() == 331
    assert Client.history.count() >= 331
    # Everyone is enrolled in the program (the large program's with bulk inserts).
    assert not Client.objects.filter(enrollments__isnull=True).exists()
    bench_cm = get_user_model().objects.filter(username__startswith="bench-cm").first()
    visible = Client.objects.visible_to(bench_cm)
    assert visible.exists() and all(c.case_manager_id == bench_cm.pk for c in visible)


def test_seed_demo_large_program_has_teams_of_about_ten_and_a_director(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--clients", "800")
    User = get_user_model()
    director = User.objects.get(username="director")
    assert role_of(director) is Role.SUPERVISOR
    teams = list(Team.objects.prefetch_related("case_managers", "supervisors"))
    assert len(teams) == 3  # 830 clients: 24 case managers, in teams of ten
    assert set(director.supervised_teams.all()) == set(teams)
    for team in teams:
        assert 1 <= len(team.case_managers.all()) <= 10
        others = [person for person in team.supervisors.all() if person != director]
        assert 1 <= len(others) <= 2
    # The demo sign-ins keep their teams.
    assert set(
        User.objects.get(username="supervisor1")
        .supervised_teams.get()
        .case_managers.filter(username__startswith="casemanager")
        .values_list("username", flat=True)
    ) == {"casemanager1", "casemanager2"}
    per_case_manager = (
        Client.objects.count() / User.objects.filter(caseload__isnull=False).distinct().count()
    )
    assert 30 <= per_case_manager <= 40
    # Every history row written, memberships included, is sealed and verifies.
    assert TeamCaseManager.history.count() == TeamCaseManager.objects.count()
    call_command("verify_audit_trail")


def _seeded_history_rows(clients: int) -> dict[str, int]:
    """Rows of every history table (and links of the chain) after seeding a program of this
    many more clients; the seed is then rolled back."""
    with transaction.atomic():
        call_command("seed_demo", "--clients", str(clients), stdout=StringIO())
        rows = {
            model._meta.label: registry.history_model_for(model)._default_manager.count()
            for model in registry.audited_models()
        }
        rows["change log"] = ChangeLogEntry.objects.count()
        transaction.set_rollback(True)
    return rows


def test_seed_demo_history_grows_linearly_with_the_program(settings):
    """Issue 19: no history table may grow faster than the program. Twice the clients (750 and
    1500 more: one new team, then three) write at most twice the rows in every table."""
    settings.DEBUG = True
    smaller, larger = _seeded_history_rows(750), _seeded_history_rows(1500)
    grown = {label for label in larger if larger[label] > smaller[label]}
    assert {
        "auth.User",
        "clients.Team",
        "clients.TeamCaseManager",
        "clients.TeamSupervisor",
        "clients.Client",
        "clients.Assignment",
        "clients.ClientUserObjectPermission",
        "placements.Placement",
        "placements.Contact",
        "referrals.Consent",
        "referrals.Referral",
        "enrollments.Household",
        "enrollments.Enrollment",
        "change log",
    } <= grown
    # rows = fixed + per client × clients: twice the clients, at most twice the rows (a few
    # rows of slack for the staff, whose numbers move in steps).
    too_fast = {
        label: (smaller[label], larger[label])
        for label in larger
        if larger[label] > 2 * smaller[label] + 5
    }
    assert not too_fast
    # Every history row is sealed into the chain.
    assert larger["change log"] == sum(n for label, n in larger.items() if label != "change log")
