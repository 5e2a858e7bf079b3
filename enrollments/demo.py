"""Demo enrollments (called by ``seed_demo`` after the placements).

One organization and one Permanent Supportive Housing project. The small program goes
through the real services as each client's case manager: entry data for most clients (a few
left incomplete, as happens in the field), entry assessments, one household with a child,
annual assessments for some clients who entered over a year ago, and the exit of a client who
left the program. A large program's extra clients are enrolled with bulk inserts, history
included.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from clients import services as client_services
from clients.demo import DEMO_ACTOR, DemoProgram
from clients.models import Client
from housingfirst.audit import acting_as, change_reason
from housingfirst.bulk import insert_with_history

from . import hud, rules, services
from .hud import DataCollectionStage, NoYesReasons
from .models import Assessment, Enrollment, Household, Organization, Project

SMALL_PROGRAM = 30
DEMO_COC = "XX-501"  # HUD's own sample CoC code: plainly not a real one


def seed_project() -> Project:
    with acting_as(DEMO_ACTOR), change_reason("Demo program"):
        organization = Organization.objects.create(name="Housing First Demo Organization")
        return Project.objects.create(
            organization=organization,
            name="Permanent Supportive Housing",
            project_type=hud.ProjectType.PSH,
            housing_type=hud.HousingType.TENANT_BASED,
            coc_code=DEMO_COC,
            operating_start_date=date(2015, 1, 1),
            funder=hud.Funder.COC_PSH,
            grant_id="XX0001L9D001500",
            is_default=True,
        )


def _entry_data(enrollment: Enrollment, rng: random.Random, by) -> None:
    enrollment.living_situation = rng.choice([116, 116, 101, 118, 206, 335])
    group = hud.living_situation_group(enrollment.living_situation)
    enrollment.length_of_stay = rng.choice([4, 5]) if group == "homeless" else 10
    if group != "homeless":
        enrollment.previous_street_essh = 1
    enrollment.date_to_street_essh = enrollment.entry_date - timedelta(days=rng.randint(200, 900))
    enrollment.times_homeless_past_three_years = rng.choice([1, 2, 4])
    enrollment.months_homeless_past_three_years = rng.choice([107, 112, 113])
    if enrollment.disabling_condition == NoYesReasons.DATA_NOT_COLLECTED:
        enrollment.disabling_condition = NoYesReasons.YES
    services.enrollment_update(enrollment=enrollment, by=by, expected_version=enrollment.version)


def _assessment(enrollment, stage, day, rng, by) -> Assessment:
    adult = enrollment.is_adult_or_head()
    earns = rng.random() < 0.3
    ssi = rng.random() < 0.5
    fields = {"insurance_from_any_source": NoYesReasons.YES, "medicaid": True}
    if adult:
        fields.update(
            income_from_any_source=NoYesReasons.YES if (earns or ssi) else NoYesReasons.NO,
            earned=earns,
            earned_amount=Decimal(rng.choice([420, 860, 1200])) if earns else None,
            ssi=ssi,
            ssi_amount=Decimal("943.00") if ssi else None,
            benefits_from_any_source=NoYesReasons.YES,
            snap=True,
        )
    assessment = Assessment(enrollment=enrollment, stage=stage, information_date=day, **fields)
    asked = rules.elements_asked(enrollment, stage)
    disabilities = []
    if "disabilities" in asked:
        for kind in hud.DisabilityType:
            # Consistent with the disabling condition recorded at entry (HUD's check).
            disabling = enrollment.disabling_condition == NoYesReasons.YES
            has = kind == hud.DisabilityType.MENTAL_HEALTH and disabling
            disabilities.append(
                {
                    "disability_type": kind,
                    "response": NoYesReasons.YES if has else NoYesReasons.NO,
                    "indefinite_and_impairs": NoYesReasons.YES if has else None,
                }
            )
    dv = {"survivor": NoYesReasons.NO} if "dv" in asked else None
    return services.assessment_record(
        assessment=assessment, disabilities=disabilities, domestic_violence=dv, by=by
    )


def seed(program: DemoProgram, large: bool = False) -> None:
    project = Project.objects.first() or seed_project()
    rng = random.Random(41)
    today = timezone.localdate()
    # Fresh from the database: the seeders before this one assigned and moved them.
    small = list(
        Client.objects.filter(pk__in=[c.pk for c in program.clients[:SMALL_PROGRAM]])
        .select_related("case_manager")
        .order_by("pk")
    )
    for index, client in enumerate(small):
        by = client.case_manager or program.admin
        enrollment = Enrollment.objects.filter(client=client).first()
        if enrollment is None:
            # The program started with the first move-in at the latest (Housing First).
            first_move_in = (
                client.placements.filter(move_in_date__isnull=False)
                .order_by("move_in_date")
                .values_list("move_in_date", flat=True)
                .first()
            )
            entry = min(filter(None, [client.program_start_date, first_move_in]))
            enrollment = services.enrollment_start(
                client=client, by=by, project=project, entry_date=entry
            )
        if client.status == Client.Status.EXITED:
            _exit(enrollment, by, rng)
            continue
        if index % 7 == 6 and today - enrollment.entry_date <= timedelta(days=45):
            # Entry data still to complete, as happens in the first weeks (the client page
            # and, after 14 days, a reminder say so); older enrollments are complete.
            continue
        _entry_data(enrollment, rng, by)
        _assessment(enrollment, DataCollectionStage.PROJECT_START, enrollment.entry_date, rng, by)
        due = rules.annual_due(enrollment.entry_date, today)
        last = rules.anniversary(enrollment.entry_date, due.year - 1)
        if index % 3 == 0 and last > enrollment.entry_date and today - last < timedelta(days=300):
            _assessment(enrollment, DataCollectionStage.ANNUAL_ASSESSMENT, last, rng, by)
    _seed_household(small, rng)
    if large:
        for clients in program.large_clients():
            _seed_large(clients, project)


def _exit(enrollment, by, rng) -> None:
    enrollment.exit_date = timezone.localdate()
    enrollment.destination = 410  # rental by client, no ongoing housing subsidy
    services.enrollment_exit(enrollment=enrollment, by=by, expected_version=enrollment.version)


def _seed_household(clients, rng) -> None:
    """A mother and her son: the son's record joins her household."""
    head = next(
        (
            c
            for c in clients
            if c.case_manager_id
            and Enrollment.objects.filter(client=c, exit_date__isnull=True).exists()
        ),
        None,
    )
    if head is None:
        return
    enrollment = Enrollment.objects.get(client=head, exit_date__isnull=True)
    child = client_services.client_intake(
        client=Client(
            first_name="Mateo",
            last_name=head.last_name,
            date_of_birth=enrollment.entry_date - timedelta(days=365 * 9),
            program_start_date=enrollment.entry_date,
            team=head.team,
        ),
        created_by=head.case_manager,
        case_manager=head.case_manager,
    )
    member = services.household_add_member(
        head=enrollment,
        client=child,
        relationship=hud.RelationshipToHead.CHILD,
        by=head.case_manager,
    )
    member.disabling_condition = NoYesReasons.NO
    services.enrollment_update(
        enrollment=member, by=head.case_manager, expected_version=member.version
    )
    _assessment(
        member, DataCollectionStage.PROJECT_START, member.entry_date, rng, head.case_manager
    )


ENROLLMENT_COLUMNS = (
    "client_id",
    "project_id",
    "household_id",
    "entry_date",
    "enrollment_coc",
    "disabling_condition",
)


def _seed_large(clients, project) -> None:
    """A batch of a large program's clients (``LargeClient`` tuples), each enrolled as the
    head of their own household: rows in bulk, each with its history row, sealed."""
    with change_reason("Demo data"):
        households = insert_with_history(Household, ("project_id",), [(project.pk,)] * len(clients))
        insert_with_history(
            Enrollment,
            ENROLLMENT_COLUMNS,
            [
                (
                    client.id,
                    project.pk,
                    household,
                    max(client.program_start_date, project.operating_start_date),
                )
                + (project.coc_code, client.disabling_condition)
                for client, household in zip(clients, households, strict=True)
            ],
        )
