"""Demo program: staff, teams and clients for the local run and for benchmarks.

Small programs go through the same services as the app (so history and grants are real);
large ones (``--clients N``) use bulk inserts, history rows included.
"""

import base64
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from housingfirst.audit import acting_person, change_reason
from housingfirst.bulk import insert_with_history
from housingfirst.roles import Role

from . import services
from .models import (
    Assignment,
    Client,
    ClientUserObjectPermission,
    Sex,
    Team,
    TeamCaseManager,
    TeamRole,
    TeamSupervisor,
)

DEMO_PASSWORD = "housingfirst-demo"
# The demo administrator and auditor sign in with two-factor, as every administrator and
# auditor must: add this key to an authenticator app (README). Demo data only (DEBUG on).
DEMO_TWO_FACTOR_SECRET = "HOUSINGFIRSTDEMOHOUSINGFIRSTDEMO"
DEMO_ACTOR = "command:seed_demo"

FIRST_NAMES = [
    "Maria",
    "James",
    "Aisha",
    "Robert",
    "Linh",
    "Carlos",
    "Dorothy",
    "Malik",
    "Grace",
    "Tyrone",
    "Rosa",
    "Samuel",
    "Keisha",
    "Walter",
    "Mei",
    "Luis",
    "Patricia",
    "Darnell",
    "Fatima",
    "Henry",
    "Yolanda",
    "Joseph",
    "Nadia",
    "Curtis",
    "Ana",
    "Raymond",
    "Tamika",
    "Victor",
    "Esther",
    "Dale",
]
LAST_NAMES = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Daniels",
    "Ellis",
    "Flores",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jackson",
    "Kim",
    "Lopez",
    "Morgan",
    "Nguyen",
    "Owens",
    "Patel",
    "Quinn",
    "Rivera",
    "Smith",
    "Thompson",
    "Underwood",
    "Vasquez",
    "Washington",
    "Xu",
    "Young",
    "Zimmerman",
    "Bennett",
    "Castillo",
    "Dubois",
    "Evans",
]
GOALS = [
    "Keep my apartment and get my kids back on weekends.",
    "Find part-time work near the bus line.",
    "See a doctor about my back.",
    "Reconnect with my sister.",
    "Get my ID and benefits sorted out.",
    "",
]

STAFF = [
    # username, first, last, group, team index (None for no team)
    ("supervisor1", "Sam", "Okafor", Role.SUPERVISOR, 0),
    ("supervisor2", "Dana", "Reyes", Role.SUPERVISOR, 1),
    ("casemanager1", "Alex", "Morales", Role.CASE_MANAGER, 0),
    ("casemanager2", "Jordan", "Lee", Role.CASE_MANAGER, 0),
    ("casemanager3", "Priya", "Shah", Role.CASE_MANAGER, 1),
    ("auditor", "Chris", "Whitfield", Role.AUDITOR, None),
]
TEAM_NAMES = ["Team 1 — Downtown", "Team 2 — Eastside"]
# The program director supervises every team (large programs have many).
DIRECTOR = ("director", "Morgan", "Ellison")
# A large program (``--clients N``) is shaped like a real one: about this many clients per
# case manager, case managers per team, and one or two supervisors per team.
CLIENTS_PER_CASE_MANAGER = 35
CASE_MANAGERS_PER_TEAM = 10


# A large program's clients are written and read back in batches of this many.
LARGE_BATCH = 5000


class LargeClient(NamedTuple):
    """What the apps' demo modules need of a large program's client, read back as a tuple."""

    id: int
    case_manager_id: int
    team_id: int
    program_start_date: date
    disabling_condition: int


@dataclass
class DemoProgram:
    teams: list = field(default_factory=list)
    case_managers: list = field(default_factory=list)
    supervisors: list = field(default_factory=list)
    # The small program's clients, built through the services.
    clients: list = field(default_factory=list)
    admin: object = None
    director: object = None
    # The demo password's hash, made once (hashing is slow on purpose).
    password_hash: str = ""
    # A large program's clients (``--clients``): the first and last of their ids, and how many.
    large: tuple[int, int] | None = None
    large_count: int = 0

    @property
    def client_count(self) -> int:
        return len(self.clients) + self.large_count

    def large_clients(self, batch: int = LARGE_BATCH) -> Iterator[list[LargeClient]]:
        """The large program's clients in batches of ``batch``, by id, read from the database
        (memory stays flat however many there are)."""
        if self.large is None:
            return
        after, last = self.large[0] - 1, self.large[1]
        while True:
            rows = list(
                Client.objects.filter(pk__gt=after, pk__lte=last)
                .order_by("pk")
                .values_list(*LargeClient._fields)[:batch]
            )
            if not rows:
                return
            yield [LargeClient(*row) for row in rows]
            after = rows[-1][0]


def demo_present() -> bool:
    return get_user_model().objects.filter(username="supervisor1").exists()


def seed_staff() -> DemoProgram:
    User = get_user_model()
    program = DemoProgram()
    program.password_hash = password = make_password(DEMO_PASSWORD)
    members = {}  # (team index, role): people
    with change_reason("Demo data"):
        program.teams = [Team.objects.create(name=name) for name in TEAM_NAMES]
        for username, first, last, role, team_index in STAFF:
            user = User.objects.create(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                password=password,
            )
            user.groups.add(Group.objects.get(name=role.value))
            if role is Role.SUPERVISOR:
                members.setdefault((team_index, TeamRole.SUPERVISOR), []).append(user)
                program.supervisors.append(user)
            elif role is Role.CASE_MANAGER:
                members.setdefault((team_index, TeamRole.CASE_MANAGER), []).append(user)
                program.case_managers.append(user)
        program.admin = User.objects.create(
            username="admin",
            first_name="Ada",
            last_name="Admin",
            email="admin@example.org",
            password=password,
            is_staff=True,
            is_superuser=True,
        )
        username, first, last = DIRECTOR
        program.director = User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            password=password,
        )
        program.director.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
        for index, team in enumerate(program.teams):
            members[(index, TeamRole.SUPERVISOR)].append(program.director)
            for role in (TeamRole.SUPERVISOR, TeamRole.CASE_MANAGER):
                services.team_membership_change(
                    team=team,
                    role=role,
                    joined=members.get((index, role), []),
                    by=program.admin,
                    reason="Demo data",
                )
        for user in User.objects.filter(username__in=["admin", "auditor"]):
            TOTPDevice.objects.create(
                user=user,
                name="Demo authenticator app",
                key=base64.b32decode(DEMO_TWO_FACTOR_SECRET).hex(),
                confirmed=True,
            )
    return program


def _client_fields(rng: random.Random, index: int, today: date) -> dict:
    age_days = rng.randint(20 * 365, 70 * 365)
    return dict(
        first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
        last_name=LAST_NAMES[(index * 7 + index // len(LAST_NAMES)) % len(LAST_NAMES)],
        preferred_name=rng.choice(["", "", "", "Red", "Mimi", "Junior"]),
        date_of_birth=today - timedelta(days=age_days),
        program_start_date=today - timedelta(days=rng.randint(5, 900)),
        sex=rng.choice([Sex.FEMALE, Sex.MALE, Sex.CLIENT_PREFERS_NOT_TO_ANSWER]),
        veteran_status=rng.choice([0, 0, 0, 1, 99]),
        disabling_condition=rng.choice([0, 1, 1, 8]),
        race_black=rng.random() < 0.4,
        race_white=rng.random() < 0.35,
        race_hispanic_latina_e_o=rng.random() < 0.2,
        phone=f"555-01{index % 100:02d}",
        goals=rng.choice(GOALS),
        emergency_contact_name=rng.choice(["", "Sister", "Friend from church", "Cousin"]),
    )


def _start_of_day(day: date):
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def seed_clients(program: DemoProgram, count: int, seed: int = 7) -> list[Client]:
    """About thirty clients through the real intake and assignment services."""
    rng = random.Random(seed)
    today = timezone.localdate()
    clients = []
    for index in range(count):
        client = Client(**_client_fields(rng, index, today))
        if index % 15 == 14:
            # A few intakes wait in the queue for a supervisor to assign them.
            client.team = program.teams[index % len(program.teams)]
            case_manager = None
        else:
            case_manager = program.case_managers[index % len(program.case_managers)]
        services.client_intake(client=client, created_by=None, case_manager=None)
        if case_manager is not None:
            services.client_assign(
                client=client,
                case_manager=case_manager,
                assigned_by=program.admin,
                reason="Intake",
                effective_at=_start_of_day(client.program_start_date),
            )
        clients.append(client)
    # One reassignment, so the history shows how a client moved between case managers.
    if len(clients) > 1 and len(program.case_managers) > 1:
        services.client_assign(
            client=clients[0],
            case_manager=program.case_managers[1],
            assigned_by=program.supervisors[0],
            reason="Balancing caseloads after a new hire",
        )
    program.clients = clients
    seed_cover(program)
    return clients


def seed_cover(program: DemoProgram):
    """casemanager2 covers three of casemanager1's clients this week (annual leave)."""
    if len(program.case_managers) < 2 or not program.supervisors:
        return None
    absent, colleague = program.case_managers[0], program.case_managers[1]
    covered = list(
        Client.objects.filter(case_manager=absent, status=Client.Status.ACTIVE).order_by("pk")[:3]
    )
    if not covered:
        return None
    today = timezone.localdate()
    return services.cover_arrange(
        team=program.teams[0],
        case_manager=absent,
        covering=colleague,
        starts_on=today,
        ends_on=today + timedelta(days=6),
        reason="Annual leave",
        arranged_by=program.supervisors[0],
        clients=covered,
    )


def _bench_people(prefix: str, last_name: str, count: int, role: Role, password: str) -> list:
    """``count`` staff accounts in the group of ``role``, each with its history row (members
    included) and sealed, in bulk; returned in id order."""
    User = get_user_model()
    group = Group.objects.get(name=role.value)
    with change_reason("Demo data: a larger program"):
        ids = insert_with_history(
            User,
            ("username", "first_name", "last_name", "password"),
            [(f"{prefix}{n}", "Bench", f"{last_name}{n}", password) for n in range(count)],
            m2m={"groups": [group.pk]},
        )
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def _large_program_staff(program: DemoProgram, count: int) -> list:
    """Case managers for ``count`` more clients (about 35 each), in teams of about ten with one
    or two supervisors, the director supervising every team. The two demo teams are filled up
    first, through the membership service; the new teams' memberships are written in bulk,
    each with its history row."""
    password = program.password_hash or make_password(DEMO_PASSWORD)
    total = len(program.clients) + count
    needed = max(0, -(-total // CLIENTS_PER_CASE_MANAGER) - len(program.case_managers))
    extra = _bench_people("bench-cm", "CM", needed, Role.CASE_MANAGER, password)

    # Fill the demo teams up to ten case managers, then new teams of ten.
    place = {
        index: CASE_MANAGERS_PER_TEAM - team.case_managers.count()
        for index, team in enumerate(program.teams)
    }
    joining = {index: [] for index in place}
    queue = list(extra)
    for index in place:
        joining[index], queue = queue[: max(0, place[index])], queue[max(0, place[index]) :]
    new_teams = []
    while queue:
        new_teams.append(queue[:CASE_MANAGERS_PER_TEAM])
        queue = queue[CASE_MANAGERS_PER_TEAM:]
    first_number = len(program.teams) + 1
    with change_reason("Demo data"):
        team_ids = insert_with_history(
            Team, ("name",), [(f"Team {first_number + n}",) for n in range(len(new_teams))]
        )
    teams = list(Team.objects.filter(pk__in=team_ids).order_by("pk"))
    # One supervisor for odd-numbered teams, two for even ones.
    supervisor_counts = [1 + (first_number + n + 1) % 2 for n in range(len(teams))]
    supervisors = _bench_people(
        "bench-sup", "Sup", sum(supervisor_counts), Role.SUPERVISOR, password
    )
    for index, team in enumerate(program.teams):
        services.team_membership_change(
            team=team,
            role=TeamRole.CASE_MANAGER,
            joined=joining[index],
            by=program.admin,
            reason="Demo data: a larger program",
        )
    # The new teams' members in bulk, each row by the administrator with the reason, as the
    # membership service writes them.
    members = {TeamSupervisor: [], TeamCaseManager: []}
    for team, team_case_managers, supervisor_count in zip(
        teams, new_teams, supervisor_counts, strict=True
    ):
        team_supervisors, supervisors = (
            supervisors[:supervisor_count],
            supervisors[supervisor_count:],
        )
        if program.director is not None:
            team_supervisors.append(program.director)
        members[TeamSupervisor] += [(team.pk, person.pk) for person in team_supervisors]
        members[TeamCaseManager] += [(team.pk, person.pk) for person in team_case_managers]
    with acting_person(program.admin), change_reason("Demo data"):
        for model, rows in members.items():
            insert_with_history(model, ("team_id", "user_id"), rows)
    program.teams.extend(teams)
    return extra


def seed_large_program(program: DemoProgram, count: int, seed: int = 11) -> None:
    """Many clients fast: about 35 clients per case manager, ten case managers per team, each
    client with their assignment and access grants. Rows are written as tuples in batches of
    ``LARGE_BATCH`` clients, each record with its history row, sealed (``housingfirst.bulk``),
    so memory stays flat however many clients; the apps read them back with
    ``program.large_clients()``."""
    rng = random.Random(seed)
    today = timezone.localdate()
    extra = _large_program_staff(program, count)
    case_managers = [person.pk for person in program.case_managers + extra]
    # Each case manager's first team (``services.case_manager_team``), in one query.
    team_of = {}
    memberships = TeamCaseManager.objects.filter(user__in=case_managers).order_by("team_id")
    for user_id, team_id in memberships.values_list("user_id", "team_id"):
        team_of.setdefault(user_id, team_id)
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="clients",
            codename__in=services.CASE_MANAGER_PERMISSIONS,
        ).values_list("pk", flat=True)
    )
    columns = (*_client_fields(random.Random(), 0, today), "case_manager_id", "team_id")
    start, manager = columns.index("program_start_date"), columns.index("case_manager_id")
    first_id = None
    with change_reason("Demo data"):
        for first in range(0, count, LARGE_BATCH):
            rows = []
            for index in range(first, min(first + LARGE_BATCH, count)):
                case_manager = case_managers[index % len(case_managers)]
                fields = _client_fields(rng, index, today)
                rows.append((*fields.values(), case_manager, team_of[case_manager]))
            ids = insert_with_history(Client, columns, rows)
            first_id = first_id or ids[0]
            insert_with_history(
                Assignment,
                ("client_id", "case_manager_id", "started_at", "reason"),
                [
                    (client_id, row[manager], _start_of_day(row[start]), "Demo data")
                    for client_id, row in zip(ids, rows, strict=True)
                ],
            )
            insert_with_history(
                ClientUserObjectPermission,
                ("content_object_id", "user_id", "permission_id"),
                [
                    (client_id, row[manager], permission)
                    for client_id, row in zip(ids, rows, strict=True)
                    for permission in permissions
                ],
            )
    program.large, program.large_count = (first_id, ids[-1]), count
