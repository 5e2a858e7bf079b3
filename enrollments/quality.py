"""HUD data quality: what is missing or inconsistent in each client's HUD data.

Each check is a named function ``check(today) -> Q`` over clients, built of ``Exists``
subqueries, so that one query answers it for any number of clients: the list of one check is
``clients.filter(condition)``, and the counts of every check per case manager are one
aggregate (``counts_by_case_manager``). The checks follow HUD's data-quality framework (the
APR's Q6): universal elements missing or "data not collected", income, benefits and health
insurance missing at entry or exit, answers that disagree, dates out of order, households
without exactly one head, annual assessments missed.

"Client doesn't know" and "client prefers not to answer" are the client's answers, not
errors to fix: only missing and "data not collected" are listed. A check never names a
disability or any other protected answer, only that something needs a look.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import NotSupportedError
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear

from clients.models import RACE_FLAG_FIELDS, Client
from placements.expressions import AddDays, AddMonths
from placements.models import Placement

from .hud import INCOME_SOURCES, DataCollectionStage, RelationshipToHead
from .models import ADULT_AGE, Assessment, DisabilityAnswer, Enrollment
from .rules import ANNUAL_WINDOW_DAYS, anniversary

NOT_COLLECTED = 99
REPORTED = (1, 2)  # full or partial/approximate (name, SSN, birth date quality)


class AddYears(Func):
    """``expression`` (a date) plus ``years`` (an integer expression), as a date; 29 February
    becomes the 28th in a year without one (as ``enrollments.rules.anniversary`` does)."""

    output_field = DateField()

    def __init__(self, expression, years, **extra):
        super().__init__(expression, years, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("AddYears supports SQLite and PostgreSQL only.")

    def as_sqlite(self, compiler, connection, **extra_context):
        day, years = self.get_source_expressions()
        day_sql, day_params = compiler.compile(day)
        years_sql, years_params = compiler.compile(years)
        # date(x, '+N years') overflows 29 February into March: clamp to the month's end.
        return (
            f"min(date({day_sql}, ({years_sql}) || ' years'), "
            f"date({day_sql}, 'start of month', (({years_sql}) * 12 + 1) || ' months', "
            "'-1 day'))",
            (*day_params, *years_params, *day_params, *years_params),
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        day, years = self.get_source_expressions()
        day_sql, day_params = compiler.compile(day)
        years_sql, years_params = compiler.compile(years)
        return (
            f"(({day_sql})::date + make_interval(years => ({years_sql})::integer))::date",
            (*day_params, *years_params),
        )


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    description: str
    # Where it is fixed: "profile", "enrollment", or an assessment stage (entry, exit).
    fix: str
    condition: Callable[[date], Q]


def _enrollments(**filters) -> QuerySet:
    return Enrollment.objects.filter(client=OuterRef("pk"), **filters)


def _missing(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{field: NOT_COLLECTED})


# Universal data elements (3.01–3.08) -------------------------------------------------------


def name_missing(today: date) -> Q:
    return Q(name_data_quality=NOT_COLLECTED) | Q(first_name="") | Q(last_name="")


def ssn_missing(today: date) -> Q:
    return Q(ssn_data_quality=NOT_COLLECTED) | Q(ssn_data_quality__in=REPORTED, ssn="")


def birth_date_missing(today: date) -> Q:
    return Q(dob_data_quality=NOT_COLLECTED) | Q(
        dob_data_quality__in=REPORTED, date_of_birth__isnull=True
    )


def race_missing(today: date) -> Q:
    no_flag = Q(**{field: False for field in RACE_FLAG_FIELDS}, additional_race_ethnicity="")
    return no_flag & _missing("race_none")


def sex_missing(today: date) -> Q:
    return Q(sex=NOT_COLLECTED)


def veteran_status_missing(today: date) -> Q:
    # Asked of adults (and of anyone whose age is unknown).
    adult = Q(date_of_birth__isnull=True) | Q(
        date_of_birth__lte=anniversary(today, today.year - ADULT_AGE)
    )
    return Q(veteran_status=NOT_COLLECTED) & adult


def disabling_condition_missing(today: date) -> Q:
    not_collected = _enrollments(disabling_condition=NOT_COLLECTED)
    # Without an enrollment (no project set up yet), the client's own answer.
    return Exists(not_collected) | (~Exists(_enrollments()) & Q(disabling_condition=NOT_COLLECTED))


# Income, benefits and health insurance at entry and exit (4.02–4.04) ----------------------


def _head_or_adult() -> Q:
    """On an enrollment: HUD asks income and benefits of the head and adults (age unknown:
    asked), as ``Enrollment.is_adult_or_head``."""
    return (
        Q(relationship_to_head=RelationshipToHead.SELF)
        | Q(client__date_of_birth__isnull=True)
        | Q(client__date_of_birth__lte=AddMonths(F("entry_date"), -12 * ADULT_AGE))
    )


def _stage_answers_missing(stage) -> Q:
    """On an enrollment: no assessment at ``stage``, or one without income, benefits (head and
    adults) or insurance (everyone)."""
    at_stage = Assessment.objects.filter(enrollment=OuterRef("pk"), stage=stage)
    return (
        ~Exists(at_stage)
        | Exists(at_stage.filter(_missing("insurance_from_any_source")))
        | (
            _head_or_adult()
            & Exists(
                at_stage.filter(
                    _missing("income_from_any_source") | _missing("benefits_from_any_source")
                )
            )
        )
    )


def entry_income_missing(today: date) -> Q:
    return Exists(_enrollments().filter(_stage_answers_missing(DataCollectionStage.PROJECT_START)))


def exit_income_missing(today: date) -> Q:
    exits = _enrollments(exit_date__isnull=False)
    return Exists(exits.filter(_stage_answers_missing(DataCollectionStage.PROJECT_EXIT)))


def income_without_source(today: date) -> Q:
    no_source = Q(**{field: False for field, _column, _label in INCOME_SOURCES})
    return Exists(
        Assessment.objects.filter(client=OuterRef("pk"), income_from_any_source=1).filter(no_source)
    )


# Answers that disagree, dates out of order ---------------------------------------------------


def disabling_condition_conflict(today: date) -> Q:
    """Disabling condition 'No' while a disability answer of the enrollment is disabling:
    developmental or HIV/AIDS, or expected to be long-continued and indefinite."""
    disabling = DisabilityAnswer.objects.filter(
        assessment__enrollment=OuterRef("pk"), response__in=(1, 2, 3)
    ).filter(Q(disability_type__in=(6, 8)) | Q(indefinite_and_impairs=1))
    return Exists(_enrollments(disabling_condition=0).filter(Exists(disabling)))


def move_in_before_entry(today: date) -> Q:
    """The housing move-in (the first placement's move-in) before the project start."""
    first_entry = (
        Enrollment.objects.filter(client=OuterRef("client"))
        .order_by("entry_date")
        .values("entry_date")[:1]
    )
    return Exists(
        Placement.objects.filter(
            client=OuterRef("pk"),
            move_in_date__lt=Subquery(first_entry, output_field=DateField()),
        )
    )


def exit_before_entry(today: date) -> Q:
    # The database refuses it (a check constraint); listed in case data ever bypasses it.
    return Exists(_enrollments(exit_date__lt=F("entry_date")))


def destination_missing(today: date) -> Q:
    return Exists(_enrollments(exit_date__isnull=False).filter(_missing("destination")))


def head_of_household(today: date) -> Q:
    heads = (
        Enrollment.objects.filter(
            household=OuterRef("household"), relationship_to_head=RelationshipToHead.SELF
        )
        .order_by()
        .values("household")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Exists(
        _enrollments()
        .annotate(heads=Coalesce(Subquery(heads), 0))
        .filter(~Q(heads=1) | Q(relationship_to_head=RelationshipToHead.DATA_NOT_COLLECTED))
    )


def annual_assessment_overdue(today: date) -> Q:
    """An open enrollment whose last annual window (30 days either side of the anniversary
    of the head of household's entry date) has closed without an annual assessment in it."""
    closed_by = today - timedelta(days=ANNUAL_WINDOW_DAYS + 1)
    in_window = Assessment.objects.filter(
        enrollment=OuterRef("pk"),
        stage=DataCollectionStage.ANNUAL_ASSESSMENT,
        information_date__gte=AddDays(OuterRef("last_anniversary"), -ANNUAL_WINDOW_DAYS),
        information_date__lte=AddDays(OuterRef("last_anniversary"), ANNUAL_WINDOW_DAYS),
    )
    # The head's entry through a join, not a subquery: the window's subquery refers to it.
    head = FilteredRelation(
        "household__enrollments",
        condition=Q(household__enrollments__relationship_to_head=RelationshipToHead.SELF),
    )
    enrollments = (
        _enrollments(exit_date__isnull=True)
        .annotate(head=head)
        .annotate(head_entry=Coalesce("head__entry_date", "entry_date"))
        .annotate(
            anniversary_that_year=AddYears(
                F("head_entry"), Value(closed_by.year) - ExtractYear("head_entry")
            )
        )
        .annotate(
            # The latest anniversary on or before ``closed_by``: its window has closed.
            last_anniversary=Case(
                When(anniversary_that_year__lte=closed_by, then=F("anniversary_that_year")),
                default=AddYears(
                    F("head_entry"), Value(closed_by.year - 1) - ExtractYear("head_entry")
                ),
                output_field=DateField(),
            )
        )
        .filter(last_anniversary__gt=F("head_entry"))
        .exclude(Exists(in_window))
    )
    return Exists(enrollments)


UNIVERSAL = "Universal data elements"
CHECKS = [
    Check("name", "Name", "Name data quality is 'data not collected'.", "profile", name_missing),
    Check(
        "ssn",
        "Social Security Number",
        "SSN data quality is 'data not collected', or says reported with no SSN.",
        "profile",
        ssn_missing,
    ),
    Check(
        "birth_date",
        "Date of birth",
        "Date of birth data quality is 'data not collected', or says reported with no date.",
        "profile",
        birth_date_missing,
    ),
    Check(
        "race",
        "Race and ethnicity",
        "No race or ethnicity marked, and no reason it is missing (or 'data not collected').",
        "profile",
        race_missing,
    ),
    Check("sex", "Sex", "Sex is 'data not collected'.", "profile", sex_missing),
    Check(
        "veteran_status",
        "Veteran status",
        "Veteran status is 'data not collected' (adults).",
        "profile",
        veteran_status_missing,
    ),
    Check(
        "disabling_condition",
        "Disabling condition",
        "Disabling condition is 'data not collected'.",
        "enrollment",
        disabling_condition_missing,
    ),
    Check(
        "entry_assessment",
        "Income, benefits, insurance at entry",
        "No entry assessment, or income, non-cash benefits or health insurance missing in it.",
        "entry",
        entry_income_missing,
    ),
    Check(
        "exit_assessment",
        "Income, benefits, insurance at exit",
        "A program exit without an exit assessment, or with answers missing in it.",
        "exit",
        exit_income_missing,
    ),
    Check(
        "income_without_source",
        "Income 'yes' without a source",
        "An assessment says 'income from any source: yes' with no source marked.",
        "enrollment",
        income_without_source,
    ),
    Check(
        "disabling_condition_conflict",
        "Disabling condition 'no' with a disability",
        "Disabling condition 'no' while a disability is recorded as disabling "
        "(long-continued and indefinite).",
        "enrollment",
        disabling_condition_conflict,
    ),
    Check(
        "move_in_before_entry",
        "Move-in before entry",
        "The housing move-in date is before the project start date.",
        "enrollment",
        move_in_before_entry,
    ),
    Check(
        "exit_before_entry",
        "Exit before entry",
        "The program exit date is before the project start date.",
        "enrollment",
        exit_before_entry,
    ),
    Check(
        "destination",
        "No destination on exit",
        "A program exit without a destination (or 'data not collected').",
        "enrollment",
        destination_missing,
    ),
    Check(
        "head_of_household",
        "Head of household",
        "The household has no head of household, or more than one, or the relationship to "
        "the head is 'data not collected'.",
        "enrollment",
        head_of_household,
    ),
    Check(
        "annual_assessment",
        "Annual assessment overdue",
        "The window for the annual assessment (30 days either side of the anniversary of the "
        "head of household's entry) closed without one.",
        "enrollment",
        annual_assessment_overdue,
    ),
]
CHECKS_BY_NAME = {check.name: check for check in CHECKS}


def clients_in_scope(user) -> QuerySet:
    """The clients whose data this person reviews: their teams' (supervisors), everyone's
    (administrators); records linked to another are left to their primary."""
    return Client.objects.visible_to(user).primary()


def clients_failing(check: Check, clients: QuerySet, today: date) -> QuerySet:
    """One query: the clients among ``clients`` that this check finds."""
    return clients.filter(check.condition(today))


def counts_by_case_manager(clients: QuerySet, today: date) -> list[dict]:
    """One row per case manager (None: unassigned) with the number of clients each check
    finds, in one aggregate query."""
    counts = {
        check.name: Count("pk", filter=check.condition(today), distinct=False) for check in CHECKS
    }
    return list(clients.order_by().values("case_manager").annotate(clients=Count("pk"), **counts))


def clients_with_issues(clients: QuerySet, today: date) -> int:
    """How many clients at least one check finds (one query)."""
    anything = Q()
    for check in CHECKS:
        anything |= check.condition(today)
    return clients.filter(anything).count()
