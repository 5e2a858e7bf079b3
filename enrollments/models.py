"""Program enrollment and the HUD data collected at entry, every year and at exit.

- **Organization** and **Project** (2.01–2.06): the program settings, kept in the admin.
- **Enrollment**: a client's stay in a project, from the entry date (3.10) to leaving the
  program (3.11 exit date, 3.12 destination). It is not a placement: moving between units
  (rehousing) changes placements and leaves the enrollment open. The housing move-in date
  (3.20) is the first placement's move-in, read from the placements (``selectors``).
- **Household** (3.14, 3.15): one head of household and the members, each a client with their
  own enrollment. Whoever sees the head sees the members.
- **Assessment**: the answers of one data collection stage (5.03: entry, update, annual, exit)
  for one person: income (4.02), non-cash benefits (4.03), health insurance (4.04); with
  **DisabilityAnswer** rows (4.05–4.10) and a **DomesticViolenceAnswer** (4.11).

Protected (like substance-use referrals): a substance-use disorder answer (4.10) and every
domestic-violence answer. Their rows have their own models, so another record's history never
shows them, and ``protected()`` on their QuerySets tells the change log to log each look.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clients.models import Client
from housingfirst.audit import audit_history
from housingfirst.roles import sees_protected_records
from housingfirst.versioning import VersionedModel
from placements.destinations import Destination, RentalSubsidyType

from . import hud
from .hud import (
    BENEFIT_SOURCES,
    INCOME_SOURCES,
    INSURANCE_SOURCES,
    DataCollectionStage,
    NoYesMissing,
    NoYesReasons,
    RelationshipToHead,
)

coc_code_validator = RegexValidator(
    r"^[A-Z]{2}-\d{3}$", "Enter a CoC code like AA-999: two capital letters, a dash, three digits."
)
ADULT_AGE = 18


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Organization(VersionedModel):
    """2.01 The organization that operates the projects (the HMIS CSV Organization file)."""

    name = models.CharField(max_length=200)
    common_name = models.CharField(max_length=200, blank=True)
    victim_service_provider = models.PositiveSmallIntegerField(
        choices=NoYesReasons.choices[:2], default=0
    )

    history = audit_history()
    HISTORY_LABEL_FIELDS = ("name",)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProjectQuerySet(models.QuerySet):
    def operating(self, day: date | None = None):
        day = day or timezone.localdate()
        return self.filter(operating_start_date__lte=day).filter(
            Q(operating_end_date__isnull=True) | Q(operating_end_date__gte=day)
        )


class Project(VersionedModel):
    """2.02 Project descriptor, 2.03 CoC information, 2.06 funding source."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(max_length=200)
    common_name = models.CharField(max_length=200, blank=True)
    project_type = models.PositiveSmallIntegerField(
        "HUD project type", choices=hud.ProjectType.choices, default=hud.ProjectType.PSH
    )
    housing_type = models.PositiveSmallIntegerField(
        choices=hud.HousingType.choices, default=hud.HousingType.TENANT_BASED
    )
    continuum_project = models.PositiveSmallIntegerField(
        "continuum project", choices=NoYesReasons.choices[:2], default=1
    )
    coc_code = models.CharField("CoC code", max_length=6, validators=[coc_code_validator])
    operating_start_date = models.DateField()
    operating_end_date = models.DateField(null=True, blank=True)
    funder = models.PositiveSmallIntegerField(
        choices=hud.Funder.choices, default=hud.Funder.COC_PSH
    )
    other_funder = models.CharField(
        max_length=100, blank=True, help_text="Name the funder when it is 'Local or other'."
    )
    grant_id = models.CharField("grant ID", max_length=100, blank=True)
    is_default = models.BooleanField(
        "default for intake", default=False, help_text="New clients are enrolled in this project."
    )

    history = audit_history()
    objects = ProjectQuerySet.as_manager()
    HISTORY_LABEL_FIELDS = ("name",)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_project"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.operating_end_date and self.operating_end_date < self.operating_start_date:
            errors["operating_end_date"] = "The project cannot end before it starts."
        if self.funder == hud.Funder.LOCAL_OR_OTHER and not self.other_funder.strip():
            errors["other_funder"] = "Name the local or other funding source."
        if errors:
            raise ValidationError(errors)

    @property
    def asks_part_a(self) -> bool:
        return self.project_type in hud.PART_A_PROJECT_TYPES


class Household(models.Model):
    """3.14 Household: the people who enrolled together (one head, 3.15)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="households")
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    def __str__(self):
        return f"Household {self.pk}"


class EnrollmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(exit_date__isnull=True)

    def heads(self):
        return self.filter(relationship_to_head=RelationshipToHead.SELF)


class Enrollment(VersionedModel):
    MOVES_WITH_LINKED_CLIENT = True

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="enrollments")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="enrollments")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="enrollments")
    relationship_to_head = models.PositiveSmallIntegerField(
        "relationship to head of household",
        choices=RelationshipToHead.choices,
        default=RelationshipToHead.SELF,
    )
    entry_date = models.DateField("project start date")
    enrollment_coc = models.CharField(
        "enrollment CoC", max_length=6, blank=True, validators=[coc_code_validator]
    )
    # 3.917 Prior living situation, with its conditional parts (see ``prior_living_rules``).
    living_situation = models.PositiveSmallIntegerField(
        "prior living situation", choices=hud.LivingSituation.choices, null=True, blank=True
    )
    rental_subsidy_type = models.PositiveSmallIntegerField(
        choices=RentalSubsidyType.choices, null=True, blank=True
    )
    length_of_stay = models.PositiveSmallIntegerField(
        "length of stay in prior living situation",
        choices=hud.LengthOfStay.choices,
        null=True,
        blank=True,
    )
    los_under_threshold = models.PositiveSmallIntegerField(
        choices=NoYesMissing.choices, null=True, blank=True, editable=False
    )
    previous_street_essh = models.PositiveSmallIntegerField(
        "on the night before, stayed on the streets, in emergency shelter or in a safe haven",
        choices=NoYesMissing.choices,
        null=True,
        blank=True,
    )
    date_to_street_essh = models.DateField(
        "approximate date this episode of homelessness started", null=True, blank=True
    )
    times_homeless_past_three_years = models.PositiveSmallIntegerField(
        "times on the streets, in emergency shelter or safe haven in the past three years",
        choices=hud.TimesHomeless.choices,
        null=True,
        blank=True,
    )
    months_homeless_past_three_years = models.PositiveSmallIntegerField(
        "total months homeless in the past three years",
        choices=hud.MonthsHomeless.choices,
        null=True,
        blank=True,
    )
    disabling_condition = models.PositiveSmallIntegerField(
        choices=NoYesReasons.choices, default=NoYesReasons.DATA_NOT_COLLECTED
    )
    date_of_engagement = models.DateField(null=True, blank=True)
    # 3.11 / 3.12: leaving the program (not a placement's exit).
    exit_date = models.DateField("program exit date", null=True, blank=True)
    destination = models.PositiveSmallIntegerField(
        choices=Destination.choices, null=True, blank=True
    )
    destination_subsidy_type = models.PositiveSmallIntegerField(
        choices=RentalSubsidyType.choices, null=True, blank=True
    )
    other_destination = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history(excluded_fields=["updated_at"])
    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-entry_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relationship_to_head=1),
                name="one_head_per_household",
            ),
            models.UniqueConstraint(
                fields=["client"], condition=Q(exit_date__isnull=True), name="one_open_enrollment"
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("entry_date")),
                name="enrollment_exit_after_entry",
            ),
        ]
        indexes = [models.Index(fields=["client", "-entry_date"], name="enrollment_client")]

    def __str__(self):
        return f"{self.project} from {self.entry_date:%Y-%m-%d}"

    @property
    def history_label(self):
        return f"Enrollment in {self.project}" if self.project_id else "Enrollment"

    @property
    def is_head(self) -> bool:
        return self.relationship_to_head == RelationshipToHead.SELF

    @property
    def is_open(self) -> bool:
        return self.exit_date is None

    def age_at_entry(self) -> int | None:
        return age_on(self.client.date_of_birth, self.entry_date)

    def is_adult_or_head(self) -> bool:
        """HUD asks some elements of the head of household and adults (age unknown: asked)."""
        age = self.age_at_entry()
        return self.is_head or age is None or age >= ADULT_AGE

    def clean(self):
        from .rules import enrollment_errors

        errors = enrollment_errors(self)
        if errors:
            raise ValidationError(errors)


money = dict(
    max_digits=9,
    decimal_places=2,
    null=True,
    blank=True,
    validators=[MinValueValidator(Decimal("0"))],
)


def _source_field(label):
    return models.BooleanField(label, default=False)


class AssessmentQuerySet(models.QuerySet):
    def at_stage(self, stage):
        return self.filter(stage=stage)


class Assessment(VersionedModel):
    """One person's answers at one data collection stage (the IncomeBenefits row of the CSV).

    A question HUD doesn't ask of this person (income of a child) stays empty (null)."""

    MOVES_WITH_LINKED_CLIENT = True

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="assessments")
    stage = models.PositiveSmallIntegerField(
        "data collection stage", choices=DataCollectionStage.choices
    )
    information_date = models.DateField()

    # 4.02 Income and sources
    income_from_any_source = models.PositiveSmallIntegerField(
        "income from any source", choices=NoYesReasons.choices, null=True, blank=True
    )
    earned = _source_field(INCOME_SOURCES[0][2])
    earned_amount = models.DecimalField(**money)
    unemployment = _source_field(INCOME_SOURCES[1][2])
    unemployment_amount = models.DecimalField(**money)
    ssi = _source_field(INCOME_SOURCES[2][2])
    ssi_amount = models.DecimalField(**money)
    ssdi = _source_field(INCOME_SOURCES[3][2])
    ssdi_amount = models.DecimalField(**money)
    va_disability_service = _source_field(INCOME_SOURCES[4][2])
    va_disability_service_amount = models.DecimalField(**money)
    va_disability_non_service = _source_field(INCOME_SOURCES[5][2])
    va_disability_non_service_amount = models.DecimalField(**money)
    private_disability = _source_field(INCOME_SOURCES[6][2])
    private_disability_amount = models.DecimalField(**money)
    workers_comp = _source_field(INCOME_SOURCES[7][2])
    workers_comp_amount = models.DecimalField(**money)
    tanf = _source_field(INCOME_SOURCES[8][2])
    tanf_amount = models.DecimalField(**money)
    ga = _source_field(INCOME_SOURCES[9][2])
    ga_amount = models.DecimalField(**money)
    soc_sec_retirement = _source_field(INCOME_SOURCES[10][2])
    soc_sec_retirement_amount = models.DecimalField(**money)
    pension = _source_field(INCOME_SOURCES[11][2])
    pension_amount = models.DecimalField(**money)
    child_support = _source_field(INCOME_SOURCES[12][2])
    child_support_amount = models.DecimalField(**money)
    alimony = _source_field(INCOME_SOURCES[13][2])
    alimony_amount = models.DecimalField(**money)
    other_income_source = _source_field(INCOME_SOURCES[14][2])
    other_income_source_amount = models.DecimalField(**money)
    other_income_source_identify = models.CharField(
        "other income: specify", max_length=50, blank=True
    )
    total_monthly_income = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )

    # 4.03 Non-cash benefits
    benefits_from_any_source = models.PositiveSmallIntegerField(
        "non-cash benefits from any source", choices=NoYesReasons.choices, null=True, blank=True
    )
    snap = _source_field(BENEFIT_SOURCES[0][2])
    wic = _source_field(BENEFIT_SOURCES[1][2])
    tanf_child_care = _source_field(BENEFIT_SOURCES[2][2])
    tanf_transportation = _source_field(BENEFIT_SOURCES[3][2])
    other_tanf = _source_field(BENEFIT_SOURCES[4][2])
    other_benefits_source = _source_field(BENEFIT_SOURCES[5][2])
    other_benefits_source_identify = models.CharField(
        "other benefit: specify", max_length=50, blank=True
    )

    # 4.04 Health insurance
    insurance_from_any_source = models.PositiveSmallIntegerField(
        "covered by health insurance", choices=NoYesReasons.choices, null=True, blank=True
    )
    medicaid = _source_field(INSURANCE_SOURCES[0][2])
    medicare = _source_field(INSURANCE_SOURCES[1][2])
    schip = _source_field(INSURANCE_SOURCES[2][2])
    vha_services = _source_field(INSURANCE_SOURCES[3][2])
    employer_provided = _source_field(INSURANCE_SOURCES[4][2])
    cobra = _source_field(INSURANCE_SOURCES[5][2])
    private_pay = _source_field(INSURANCE_SOURCES[6][2])
    state_health_ins = _source_field(INSURANCE_SOURCES[7][2])
    indian_health_services = _source_field(INSURANCE_SOURCES[8][2])
    other_insurance = _source_field(INSURANCE_SOURCES[9][2])
    other_insurance_identify = models.CharField(
        "other insurance: specify", max_length=50, blank=True
    )

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history(excluded_fields=["updated_at"])
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-information_date", "-pk"]
        constraints = [
            # One entry and one exit assessment per enrollment; updates and annuals may repeat.
            models.UniqueConstraint(
                fields=["enrollment", "stage"],
                condition=Q(stage__in=[1, 3]),
                name="one_entry_and_exit_assessment",
            ),
            models.CheckConstraint(
                condition=Q(total_monthly_income__isnull=True) | Q(total_monthly_income__gte=0),
                name="assessment_total_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["enrollment", "stage"], name="assessment_stage")]

    def __str__(self):
        return f"{self.get_stage_display()} assessment, {self.information_date:%Y-%m-%d}"

    @property
    def history_label(self):
        return f"{self.get_stage_display()} assessment"

    def clean(self):
        from .rules import assessment_errors

        errors = assessment_errors(self)
        if errors:
            raise ValidationError(errors)


class DisabilityAnswerQuerySet(models.QuerySet):
    def protected(self):
        return self.filter(disability_type=hud.DisabilityType.SUBSTANCE_USE)

    def visible_to(self, user):
        return (
            self
            if sees_protected_records(user)
            else self.exclude(disability_type=hud.DisabilityType.SUBSTANCE_USE)
        )


class DisabilityAnswer(models.Model):
    """4.05–4.10: one disability type asked at one stage (the Disabilities row of the CSV)."""

    MOVES_WITH_LINKED_CLIENT = True

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="disabilities"
    )
    disability_type = models.PositiveSmallIntegerField(choices=hud.DisabilityType.choices)
    # Lists 1.8, or 4.10.2 for substance use.
    response = models.PositiveSmallIntegerField(choices=hud.SubstanceUseResponse.choices)
    indefinite_and_impairs = models.PositiveSmallIntegerField(
        "expected to be of long-continued and indefinite duration and to substantially impair "
        "ability to live independently",
        choices=NoYesReasons.choices,
        null=True,
        blank=True,
    )

    history = audit_history()
    objects = DisabilityAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["disability_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "disability_type"], name="one_answer_per_disability"
            )
        ]

    def __str__(self):
        return self.history_label

    @property
    def history_label(self):
        if self.is_protected:
            return "Protected answer"
        return self.get_disability_type_display()

    @property
    def is_protected(self) -> bool:
        return self.disability_type == hud.DisabilityType.SUBSTANCE_USE

    @property
    def has_condition(self) -> bool:
        return self.response in (1, 2, 3)

    @property
    def is_disabling(self) -> bool:
        """HUD's rule for the disabling condition: 4.06 and 4.08 always, the others when
        expected to be long-continued and indefinite."""
        if not self.has_condition:
            return False
        if self.disability_type not in hud.INDEFINITE_ASKED:
            return True
        return self.indefinite_and_impairs == NoYesReasons.YES

    def response_label(self) -> str:
        if self.disability_type == hud.DisabilityType.SUBSTANCE_USE:
            return self.get_response_display()
        return NoYesReasons(self.response).label


class DomesticViolenceQuerySet(models.QuerySet):
    def protected(self):
        return self

    def visible_to(self, user):
        return self if sees_protected_records(user) else self.none()


class DomesticViolenceAnswer(models.Model):
    """4.11 Domestic violence (the HealthAndDV row of the CSV). Always protected."""

    MOVES_WITH_LINKED_CLIENT = True

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="domestic_violence"
    )
    survivor = models.PositiveSmallIntegerField(
        "survivor of domestic violence", choices=NoYesReasons.choices
    )
    when_occurred = models.PositiveSmallIntegerField(
        "when the experience occurred", choices=hud.WhenOccurred.choices, null=True, blank=True
    )
    currently_fleeing = models.PositiveSmallIntegerField(
        "currently fleeing", choices=NoYesReasons.choices, null=True, blank=True
    )

    history = audit_history()
    objects = DomesticViolenceQuerySet.as_manager()

    def __str__(self):
        return self.history_label

    @property
    def history_label(self):
        return "Protected answer"

    @property
    def is_protected(self) -> bool:
        return True

    def clean(self):
        errors = {}
        if self.survivor == NoYesReasons.YES:
            if self.when_occurred is None:
                errors["when_occurred"] = "Say when it happened, or choose a reason it is missing."
            if self.currently_fleeing is None:
                errors["currently_fleeing"] = "Answer, or choose a reason it is missing."
        elif self.when_occurred is not None or self.currently_fleeing is not None:
            errors["survivor"] = "'When' and 'currently fleeing' are asked only of survivors."
        if errors:
            raise ValidationError(errors)
