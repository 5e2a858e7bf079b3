"""Clients, the teams that hold them, and who holds which client when.

Demographics follow the HUD HMIS Universal Data Elements (FY2026 data standards), stored as
their codes, so a record can be exported to a Continuum of Care's HMIS without re-entry.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Replace
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from housingfirst.audit import audit_history
from housingfirst.people import person_name
from housingfirst.roles import Role, role_of
from housingfirst.versioning import VersionedModel


class HudResponse(models.IntegerChoices):
    """HUD's shared 'no' / 'yes' / unknown responses (1.8 No/Yes/Missing)."""

    NO = 0, "No"
    YES = 1, "Yes"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class NameDataQuality(models.IntegerChoices):
    FULL = 1, "Full name reported"
    PARTIAL = 2, "Partial, street name, or code name reported"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class SsnDataQuality(models.IntegerChoices):
    FULL = 1, "Full SSN reported"
    PARTIAL = 2, "Approximate or partial SSN reported"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class DobDataQuality(models.IntegerChoices):
    FULL = 1, "Full DOB reported"
    APPROXIMATE = 2, "Approximate or partial DOB reported"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class Sex(models.IntegerChoices):
    FEMALE = 0, "Female"
    MALE = 1, "Male"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class RaceEthnicityNone(models.IntegerChoices):
    """RaceNone: why no race and ethnicity flag is set."""

    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class Team(models.Model):
    """A supervisor (or several) and their case managers.

    Membership is kept one row per member (``TeamSupervisor``, ``TeamCaseManager``), each with
    its own history: joining writes one history row, leaving another, whatever the size of the
    team. People join and leave only through ``clients.services.team_membership_change``.
    """

    name = models.CharField(max_length=100, unique=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="supervised_teams",
        blank=True,
        through="TeamSupervisor",
    )
    case_managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, through="TeamCaseManager"
    )
    history = audit_history()
    HISTORY_LABEL_FIELDS = ("name",)

    # Until issue 19, every change of membership wrote a history row of the team with a copy
    # of all its members (simple-history's m2m snapshot): quadratic in the team's size. Those
    # rows are sealed into the audit chain with their copies, so the copies stay, read-only
    # (``HistoricalTeam_supervisors``, ``HistoricalTeam_case_managers`` below), for
    # verification and for the old rows' history; newer team rows have no copy.
    HISTORY_RETIRED_M2M_SNAPSHOTS = {
        "supervisors": "clients.HistoricalTeam_supervisors",
        "case_managers": "clients.HistoricalTeam_case_managers",
    }

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TeamRole(models.TextChoices):
    SUPERVISOR = "supervisor", "supervisor"
    CASE_MANAGER = "case_manager", "case manager"


class TeamMembership(models.Model):
    """One person in one team, in one role, since ``joined_at``; leaving deletes the row (its
    history keeps who left, when, by whom and why)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # Empty for members who joined before memberships were recorded one by one (issue 19):
    # the team's older history rows say when they joined.
    joined_at = models.DateTimeField(null=True, blank=True, default=timezone.now)

    ROLE: TeamRole
    HISTORY_FIELD_LABELS = {"user": "staff member"}

    class Meta:
        abstract = True

    def __str__(self):
        return f"{person_name(self.user)}, {self.ROLE.label} in {self.team}"

    @classmethod
    def history_row_label(cls, row, names) -> str:
        """The change in words: "Alex Morales joined Team 1 as case manager" (or left it)."""
        user_model = row._meta.get_field("user").related_model
        person = names.get(user_model, row.user_id)
        team = names.get(Team, row.team_id)
        role = cls.ROLE.label
        if row.history_type == "+":
            return f"{person} joined {team} as {role}"
        if row.history_type == "-":
            return f"{person} left {team} ({role})"
        return f"{person}, {role} in {team}"


class TeamSupervisor(TeamMembership):
    ROLE = TeamRole.SUPERVISOR
    HISTORY_RECORD_TYPE = "team supervisor"

    history = audit_history()

    class Meta:
        # The table Django made for the former automatic many-to-many (no data moved).
        db_table = "clients_team_supervisors"
        unique_together = [("team", "user")]
        verbose_name = "team supervisor"


class TeamCaseManager(TeamMembership):
    ROLE = TeamRole.CASE_MANAGER
    HISTORY_RECORD_TYPE = "team case manager"

    history = audit_history()

    class Meta:
        db_table = "clients_team_case_managers"
        unique_together = [("team", "user")]
        verbose_name = "team case manager"


TEAM_MEMBERSHIP_MODELS = {
    TeamRole.SUPERVISOR: TeamSupervisor,
    TeamRole.CASE_MANAGER: TeamCaseManager,
}


def _refuse_unrecorded_membership_change(sender, action, **kwargs):
    """``team.case_managers.add(…)`` would insert rows without history: refuse it."""
    if action in ("pre_add", "pre_remove", "pre_clear"):
        raise TypeError(
            "Team membership changes go through clients.services.team_membership_change, "
            "which records who joined or left, by whom and why."
        )


for _membership_model in TEAM_MEMBERSHIP_MODELS.values():
    models.signals.m2m_changed.connect(
        _refuse_unrecorded_membership_change,
        sender=_membership_model,
        dispatch_uid=f"refuse_unrecorded_{_membership_model.__name__}",
    )


class _RetiredTeamSnapshot(models.Model):
    """A member in a copy of the whole team, as simple-history wrote it with each team history
    row until issue 19. Read-only: kept because the audit chain sealed each copy with its row
    (``Team.HISTORY_RETIRED_M2M_SNAPSHOTS``). The columns are simple-history's, unchanged."""

    id = models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")
    m2m_history_id = models.AutoField(primary_key=True, serialize=False)
    history = models.ForeignKey(
        "clients.HistoricalTeam", db_constraint=False, on_delete=models.DO_NOTHING
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        blank=True,
        null=True,
        db_constraint=False,
        db_tablespace="",
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    team = models.ForeignKey(
        Team,
        blank=True,
        null=True,
        db_constraint=False,
        db_tablespace="",
        on_delete=models.DO_NOTHING,
        related_name="+",
    )

    class Meta:
        abstract = True


class HistoricalTeam_supervisors(_RetiredTeamSnapshot):  # noqa: N801 (simple-history's name)
    class Meta:
        verbose_name = "HistoricalTeam_supervisors"

    def __str__(self):
        return f"Supervisor #{self.user_id} in team history row #{self.history_id}"


class HistoricalTeam_case_managers(_RetiredTeamSnapshot):  # noqa: N801
    class Meta:
        verbose_name = "HistoricalTeam_case_managers"

    def __str__(self):
        return f"Case manager #{self.user_id} in team history row #{self.history_id}"


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view"):
        """The clients this person may see (action="view") or change (action="change").

        Case managers reach clients through object permissions (their own caseload and any
        cover); supervisors through their teams; auditors read everything and change nothing.
        """
        role = role_of(user)
        if role is Role.ADMINISTRATOR:
            return self.all()
        if role is Role.SUPERVISOR:
            return self.filter(team__in=user.supervised_teams.values("pk"))
        if role is Role.CASE_MANAGER:
            return self.filter(pk__in=granted_client_ids(user, f"{action}_client"))
        if role is Role.AUDITOR and action == "view":
            return self.all()
        return self.none()

    def primary(self):
        """Without the records linked to another (searches and counts use the primary)."""
        linked = ClientLink.objects.filter(linked=models.OuterRef("pk"), unlinked_at__isnull=True)
        return self.exclude(models.Exists(linked))

    def named(self, text: str):
        """Clients whose first, last or preferred name (as now) contains every word of
        ``text``, case-insensitive: the quick look-up of a filter's suggestions, which reads no
        history (``search`` also finds earlier names)."""
        if not text.split():
            return self.none()
        return self.filter(name_condition(text))

    def search(self, query: str):
        """Match a name (first, last or preferred, now or formerly: the record's history keeps
        earlier names), a birth date typed as YYYY-MM-DD or MM/DD/YYYY, a phone number typed
        with or without separators, or the last four digits of the SSN."""
        query = query.strip()
        if not query:
            return self
        from .forms import parse_search_date

        names = name_condition(query)
        # One list of ids, named so now or formerly, rather than ``names | pk__in=former``:
        # PostgreSQL cannot answer an OR with a subquery from an index, and would read every
        # client; each half of the union is a trigram index look-up (migration 0010).
        named_ids = self.model.objects.filter(names).order_by().values("pk")
        former_ids = self.model.history.filter(names).order_by().values("id")
        condition = Q(pk__in=named_ids.union(former_ids))
        birth_date = parse_search_date(query)
        if birth_date:
            condition |= Q(date_of_birth=birth_date)
        digits = "".join(character for character in query if character.isdigit())
        if len(digits) >= 4 and all(c.isdigit() or c in PHONE_PUNCTUATION for c in query):
            condition |= Q(phone_digits__contains=digits)
            if len(digits) == 4:
                condition |= Q(ssn__endswith=digits)
            return self.annotate(phone_digits=phone_digits("phone")).filter(condition)
        return self.filter(condition)


PHONE_PUNCTUATION = " -().+/"


def name_condition(text: str) -> Q:
    """Every word of ``text`` in the first, last or preferred name (of a client or a version)."""
    names = Q()
    for word in text.split():
        names &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return names


def phone_digits(field: str):
    """The digits of a phone number field, in SQL (numbers are typed freely: "(555) 010-0188",
    "555.010.0188"), so that a search for "5550100188" or "0188" finds them."""
    expression = models.F(field)
    for character in PHONE_PUNCTUATION:
        expression = Replace(expression, models.Value(character), models.Value(""))
    return expression


class Client(VersionedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXITED = "exited", "Exited the program"

    # HUD 3.01 Name
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    name_suffix = models.CharField("suffix", max_length=20, blank=True)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="The name the person wants us to use."
    )
    name_data_quality = models.PositiveSmallIntegerField(
        choices=NameDataQuality.choices, default=NameDataQuality.FULL
    )
    # HUD 3.02 Social Security Number
    ssn = models.CharField(
        "social security number",
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$|^\d{9}$", "Enter the last 4 digits or all 9 digits.")],
        help_text="Optional. Digits only: the last 4, or all 9.",
    )
    ssn_data_quality = models.PositiveSmallIntegerField(
        "SSN data quality",
        choices=SsnDataQuality.choices,
        default=SsnDataQuality.DATA_NOT_COLLECTED,
    )
    # HUD 3.03 Date of Birth
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)  # duplicate check
    dob_data_quality = models.PositiveSmallIntegerField(
        "date of birth data quality",
        choices=DobDataQuality.choices,
        default=DobDataQuality.FULL,
    )
    # HUD 3.04 Race and Ethnicity (one flag each; RaceNone when none is reported)
    race_american_indian_alaska_native = models.BooleanField(
        "American Indian, Alaska Native, or Indigenous", default=False
    )
    race_asian = models.BooleanField("Asian or Asian American", default=False)
    race_black = models.BooleanField("Black, African American, or African", default=False)
    race_hispanic_latina_e_o = models.BooleanField("Hispanic/Latina/e/o", default=False)
    race_middle_eastern_north_african = models.BooleanField(
        "Middle Eastern or North African", default=False
    )
    race_native_hawaiian_pacific_islander = models.BooleanField(
        "Native Hawaiian or Pacific Islander", default=False
    )
    race_white = models.BooleanField("White", default=False)
    race_none = models.PositiveSmallIntegerField(
        "race and ethnicity not reported",
        choices=RaceEthnicityNone.choices,
        null=True,
        blank=True,
    )
    additional_race_ethnicity = models.CharField(max_length=100, blank=True)
    # HUD 3.06 Sex (FY2026)
    sex = models.PositiveSmallIntegerField(choices=Sex.choices, default=Sex.DATA_NOT_COLLECTED)
    # HUD 3.07 Veteran Status, 3.08 Disabling Condition
    veteran_status = models.PositiveSmallIntegerField(
        choices=HudResponse.choices, default=HudResponse.DATA_NOT_COLLECTED
    )
    disabling_condition = models.PositiveSmallIntegerField(
        choices=HudResponse.choices, default=HudResponse.DATA_NOT_COLLECTED
    )

    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)

    program_start_date = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    goals = models.TextField(
        "the client's own goals", max_length=4000, blank=True, help_text="In the client's words."
    )

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="clients", null=True, blank=True
    )
    # The case manager who holds the client now; Assignment keeps the past. Kept in step by
    # clients.services.client_assign, never set by hand.
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="caseload",
        null=True,
        blank=True,
    )
    # Optimistic lock: a save carrying an older version is refused (see housingfirst.forms).
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history(excluded_fields=["updated_at"])
    objects = ClientQuerySet.as_manager()

    @staticmethod
    def history_row_label(row, names) -> str:
        """A version's name as the client is named everywhere else (``display_name``)."""
        first = row.preferred_name or row.first_name
        return f"{first} {row.last_name}".strip() or f"#{row.id}"

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        # On PostgreSQL the names also have trigram indexes (the duplicate check's, migration
        # 0005; the search's, 0010), created in SQL there: SQLite cannot build them.
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}".strip()

    @property
    def short_name(self):
        """First name and initial: what may appear in an e-mail."""
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name[:1]}.".strip()

    @property
    def masked_ssn(self):
        return f"•••-••-{self.ssn[-4:]}" if self.ssn else ""

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth:
            if self.date_of_birth > today:
                errors["date_of_birth"] = "The date of birth cannot be in the future."
            elif self.date_of_birth.year < 1900:
                errors["date_of_birth"] = "Enter a date of birth after 1900."
        if self.program_start_date:
            if self.program_start_date > today:
                errors["program_start_date"] = "The program start date cannot be in the future."
            elif self.date_of_birth and self.program_start_date < self.date_of_birth:
                errors["program_start_date"] = "The program cannot start before the birth date."
        has_race_flag = any(getattr(self, field) for field in RACE_FLAG_FIELDS) or bool(
            self.additional_race_ethnicity
        )
        if has_race_flag and self.race_none is not None:
            errors["race_none"] = "Leave this empty when a race or ethnicity is selected."
        if errors:
            raise ValidationError(errors)


RACE_FLAG_FIELDS = [
    "race_american_indian_alaska_native",
    "race_asian",
    "race_black",
    "race_hispanic_latina_e_o",
    "race_middle_eastern_north_african",
    "race_native_hawaiian_pacific_islander",
    "race_white",
]


class Assignment(models.Model):
    """One case manager holding one client, from when to when. Reassignment ends it."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(max_length=1000, blank=True)

    history = audit_history()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(ended_at__isnull=True),
                name="one_open_assignment_per_client",
            ),
        ]

    def __str__(self):
        return f"{self.client} with {self.case_manager}"


# How a grant reads in the change log ("Jordan Lee may edit the record"), from the names the
# change log has already fetched (no query per row).
GRANT_WORDS = {"Can view client": "may see the record", "Can change client": "may edit the record"}


def _grant_label(row, names, holder_field: str) -> str:
    holder_model = row._meta.get_field(holder_field).related_model
    holder = names.get(holder_model, getattr(row, f"{holder_field}_id"))
    permission = names.get(row._meta.get_field("permission").related_model, row.permission_id)
    return f"{holder} {GRANT_WORDS.get(permission, 'has access')}"


class ClientUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grants: fast to join, and deleted clients take their grants along."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)
    history = audit_history()

    HISTORY_RECORD_TYPE = "access to a client"
    HISTORY_FIELD_LABELS = {"content_object": "client", "user": "staff member"}

    @staticmethod
    def history_row_label(row, names) -> str:
        return _grant_label(row, names, "user")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "client access grant"


class ClientGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)
    history = audit_history()

    HISTORY_RECORD_TYPE = "group access to a client"
    HISTORY_FIELD_LABELS = {"content_object": "client"}

    @staticmethod
    def history_row_label(row, names) -> str:
        return _grant_label(row, names, "group")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "client group access grant"


def granted_client_ids(user, codename: str):
    """The ids of the clients this person holds ``codename`` on, directly or through a group:
    one union that PostgreSQL joins to the clients by primary key (a semi-join), where
    guardian's ``id IN (user grants) OR id IN (group grants)`` walked every client."""
    permission = {
        "permission__codename": codename,
        "permission__content_type__app_label": "clients",
    }
    direct = ClientUserObjectPermission.objects.filter(user=user, **permission)
    through_groups = ClientGroupObjectPermission.objects.filter(group__user=user, **permission)
    return (
        direct.values("content_object_id")
        .order_by()
        .union(through_groups.values("content_object_id").order_by())
    )


class CoverQuerySet(models.QuerySet):
    """Covers by state. A cover is scheduled until its start grants access, active until it
    ends, then ended (by the beat task after its last day, or early by a supervisor)."""

    def scheduled(self):
        return self.filter(started_at__isnull=True, ended_at__isnull=True)

    def active(self):
        return self.filter(started_at__isnull=False, ended_at__isnull=True)

    def not_ended(self):
        return self.filter(ended_at__isnull=True)

    def ended(self):
        return self.filter(ended_at__isnull=False)

    def due_to_start(self, today):
        """Scheduled covers whose first day has come (and whose last day has not passed)."""
        return self.scheduled().filter(starts_on__lte=today, ends_on__gte=today)

    def past_end(self, today):
        """Covers not yet ended whose last day is over: the beat task ends them."""
        return self.not_ended().filter(ends_on__lt=today)

    def for_teams(self, teams):
        return self.filter(team__in=teams)


class Cover(models.Model):
    """A colleague covers another case manager's caseload (or some of its clients), from
    ``starts_on`` through ``ends_on``, by holding object grants on those clients.

    Grants are added when the cover starts and taken away when it ends, through
    ``clients.services`` (``cover_arrange``, ``cover_start``, ``cover_end``), so the grant
    history shows who gave and who took access, when and why. ``CoveredClient`` remembers, for
    each client, whether this cover added the grant, so ending a cover never takes away access
    the covering person holds for another reason (their own clients, another cover).
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="covers")
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="covers_received",
        verbose_name="covered case manager",
    )
    covering = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="covers_given",
        verbose_name="covering colleague",
    )
    whole_caseload = models.BooleanField(
        default=True,
        help_text="The whole caseload (including clients assigned during the cover), "
        "or only the clients listed.",
    )
    clients = models.ManyToManyField(Client, through="CoveredClient", related_name="covers")
    starts_on = models.DateField("first day")
    ends_on = models.DateField("last day")
    reason = models.TextField(max_length=1000)
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    arranged_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField("access granted at", null=True, blank=True)
    ended_at = models.DateTimeField("access ended at", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(max_length=1000, blank=True)

    history = audit_history()
    objects = CoverQuerySet.as_manager()

    # A cover concerns a caseload, not one client: the change log shows no client for it.
    AUDIT_CLIENT_FIELD = ""

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="cover_ends_on_or_after_start",
                violation_error_message="The last day cannot be before the first day.",
            ),
            models.CheckConstraint(
                condition=~Q(covering=models.F("case_manager")),
                name="cover_by_a_colleague",
                violation_error_message="A case manager cannot cover for themselves.",
            ),
        ]
        indexes = [models.Index(fields=["ended_at", "ends_on"], name="cover_open_by_end")]

    def __str__(self):
        return (
            f"{person_name(self.covering)} covering for {person_name(self.case_manager)} "
            f"{self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d}"
        )

    def history_label(self):
        return str(self)

    @property
    def state(self) -> str:
        if self.ended_at is not None:
            return "ended"
        if self.started_at is not None:
            return "active"
        return "scheduled"

    @property
    def is_active(self) -> bool:
        return self.state == "active"


class CoveredClient(models.Model):
    """One client in a cover; ``added_grant`` says whether the cover gave the access."""

    cover = models.ForeignKey(Cover, on_delete=models.CASCADE, related_name="covered_clients")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="covered_in")
    added_grant = models.BooleanField(
        default=False,
        help_text="The covering colleague had no access of their own: the cover's end removes it.",
    )
    released_at = models.DateTimeField(null=True, blank=True)

    history = audit_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cover", "client"], name="client_once_per_cover"),
        ]

    def __str__(self):
        return f"{self.client} in cover #{self.cover_id}"


class DuplicatePairQuerySet(models.QuerySet):
    def open(self):
        """Not reviewed yet: neither found to be different people nor linked."""
        linked = ClientLink.objects.filter(
            Q(linked=models.OuterRef("first")) | Q(linked=models.OuterRef("second")),
            unlinked_at__isnull=True,
        )
        return self.filter(dismissed_at__isnull=True).exclude(models.Exists(linked))

    def for_review_by(self, user):
        """Pairs with at least one record in this person's scope (supervisors: their teams)."""
        scope = Client.objects.visible_to(user).values("pk")
        return self.filter(Q(first__in=scope) | Q(second__in=scope))


class DuplicatePair(models.Model):
    """Two records that may be the same person (``clients.duplicates``), found by the duplicate
    sweep; a supervisor reviews them, and "different people" is remembered with who and when."""

    first = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    reasons = models.CharField(max_length=300)
    found_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismiss_note = models.CharField("note", max_length=500, blank=True)

    # Filed under the first record in the change log (both are named in the label).
    AUDIT_CLIENT_FIELD = "first"

    objects = DuplicatePairQuerySet.as_manager()
    history = audit_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_duplicate_pair"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_pair_in_order"
            ),
        ]

    def __str__(self):
        return f"Possible duplicate: #{self.first_id} and #{self.second_id}"


class ClientLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(unlinked_at__isnull=True)


class ClientLink(models.Model):
    """Two records of one person, linked, never merged: ``linked`` is kept read-only and points
    to ``primary``, where searches, counts and the work continue. ``moved`` remembers which
    records the link moved to the primary (``{"app.model": [ids]}``) and ``ended_assignment``
    the linked record's assignment it ended, so unlinking puts everything back as it was."""

    primary = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="linked_records")
    linked = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="links_as_linked")
    reason = models.TextField(max_length=1000)
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved = models.JSONField(default=dict, blank=True)
    ended_assignment = models.ForeignKey(
        "Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unlinked_at = models.DateTimeField(null=True, blank=True)
    unlinked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    AUDIT_CLIENT_FIELD = "linked"

    objects = ClientLinkQuerySet.as_manager()
    history = audit_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["linked"],
                condition=Q(unlinked_at__isnull=True),
                name="a_record_is_linked_once",
            ),
            models.CheckConstraint(
                condition=~Q(primary=models.F("linked")), name="a_record_is_not_its_own_link"
            ),
        ]

    def __str__(self):
        return f"Record #{self.linked_id} linked to #{self.primary_id}"
