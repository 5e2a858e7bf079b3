"""The HMIS CSV export (FY2026): one zip of HUD's 24 files, written as a stream.

Rows are read in primary-key order in chunks and written straight into the zip, so memory holds a
chunk and a few sets of ids, never the program. Each row's DateCreated, DateUpdated and UserID
come from its history (the first and last change and who made the last), merged in the same
key order; records deleted inside the period come from their history too, with DateDeleted.
"""

import csv
import hashlib
import io
import secrets
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from time import perf_counter
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from clients.models import Client
from enrollments import hud
from enrollments.models import (
    Assessment,
    DisabilityAnswer,
    DomesticViolenceAnswer,
    Enrollment,
    Organization,
    Project,
)
from enrollments.selectors import first_move_in_subquery

from . import spec

CHUNK = 2000
SOFTWARE_NAME = "housingfirst"
SYSTEM_USER_ID = "system"  # the UserID of rows last written by a job or command


class PeriodType:
    """HUD's ExportPeriodType."""

    UPDATED = 1  # "changed since"
    REPORTING_PERIOD = 3


class Directive:
    """HUD's ExportDirective."""

    DELTA_REFRESH = 1
    FULL_REFRESH = 2


class HashStatus:
    UNHASHED = 1
    SHA_256 = 4


@dataclass(frozen=True)
class ExportOptions:
    """What to export: a reporting period (start, end), or ``changed_since``."""

    start: date | None = None
    end: date | None = None
    changed_since: datetime | None = None
    project_id: int | None = None  # None: every project
    hashed: bool = False
    # The clients the person exporting may see (a supervisor's teams), as a queryset of Client
    # ids; None: everyone (administrators and the command).
    client_ids: object | None = None
    exported_by: object | None = None  # the user, or None for a command

    def __post_init__(self):
        if self.changed_since is None and (self.start is None or self.end is None):
            raise ValueError("Give a reporting period (start and end) or 'changed since'.")
        if self.changed_since is not None and self.start is not None:
            raise ValueError("Give a reporting period or 'changed since', not both.")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("The period cannot end before it starts.")

    @property
    def period(self) -> tuple[date, date]:
        if self.changed_since is not None:
            return timezone.localdate(self.changed_since), timezone.localdate()
        return self.start, self.end

    @property
    def moments(self) -> tuple[datetime, datetime]:
        """The period as aware moments: from its first to the end of its last local day."""
        if self.changed_since is not None:
            return self.changed_since, timezone.now()
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.max, tzinfo=zone),
        )


@dataclass
class ExportResult:
    export_id: str
    rows: dict[str, int] = field(default_factory=dict)  # file name -> data rows written
    seconds: dict[str, float] = field(default_factory=dict)  # file name -> time to write it
    client_count: int = 0
    hashed: bool = False
    period: tuple[date, date] | None = None


# -- values as the specification writes them ---------------------------------------------------

# Letters NFKD does not take apart.
_SPELLED_OUT = str.maketrans(
    {"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "Ł": "L",
     "ł": "l", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th", "ı": "i", "’": "'", "‘": "'",
     "“": '"', "”": '"', "–": "-", "—": "-"}
)  # fmt: skip


def ascii_text(value: str) -> str:
    """The text in ASCII: accents dropped (José → Jose), other letters spelled out, anything
    left without an ASCII form as '?'. Line breaks become spaces. A record is never dropped."""
    text = unicodedata.normalize("NFKD", value.translate(_SPELLED_OUT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text
    return text.encode("ascii", "replace").decode("ascii")


def _text(value) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        value = str(value)
    if value.isascii() and "\n" not in value and "\r" not in value:
        return value
    return ascii_text(value)


def _integer(value) -> str:
    return "" if value is None or value == "" else str(int(value))


def _money(value) -> str:
    return "" if value is None or value == "" else f"{Decimal(value):.2f}"


def _date(value) -> str:
    return "" if value is None or value == "" else value.isoformat()


def _moment_formatter():
    zone = timezone.get_current_timezone()  # once per export: the program's local time

    def moment(value) -> str:
        if value is None or value == "":
            return ""
        if not isinstance(value, datetime):
            return f"{value.isoformat()} 00:00:00"
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return value.isoformat(" ", "seconds")[:19]

    return moment


def formatters() -> dict[str, Callable[[object], str]]:
    """Column kind -> how a value is written: yyyy-mm-dd, yyyy-mm-dd hh:mm:ss (program time),
    money with two decimals, integers as integers, ASCII text; empty for null."""
    return {
        spec.S: _text,
        spec.I: _integer,
        spec.M: _money,
        spec.D: _date,
        spec.T: _moment_formatter(),
    }


def cell(value, kind: str) -> str:
    return formatters()[kind](value)


# -- hashing (HashStatus 4) ---------------------------------------------------------------------

_SOUNDEX = {
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKQSXZ", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}


def soundex(name: str) -> str:
    """American Soundex of a name (letters only, upper case): R163 for Robert."""
    letters = [ch for ch in ascii_text(name).upper() if "A" <= ch <= "Z"]
    if not letters:
        return ""
    code, previous = letters[0], _SOUNDEX.get(letters[0], "")
    for ch in letters[1:]:
        digit = _SOUNDEX.get(ch, "")
        if digit and digit != previous:
            code += digit
        if ch not in "HW":  # H and W don't separate letters of one code
            previous = digit
    return (code + "000")[:4]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def hashed_name(name: str) -> str:
    """HashStatus 4: the SHA-256 of the name's Soundex code, so that spellings which sound alike
    still match across exports while the name itself does not travel."""
    code = soundex(name)
    return sha256(code) if code else ""


def hashed_ssn(ssn: str) -> str:
    """HashStatus 4: the last four characters in clear (what the specification keeps for
    matching), then the SHA-256 of all nine (x-padded) characters."""
    return ssn[-4:] + sha256(ssn) if ssn else ""


def ssn_value(ssn: str) -> str:
    """3.02 in the CSV: nine characters, unknown digits as 'x' (the last four: xxxxx1234)."""
    return ssn.rjust(9, "x") if ssn else ""


# -- history facts: created, updated, by whom, deleted -----------------------------------------


@dataclass(frozen=True)
class Facts:
    created: datetime | None = None
    updated: datetime | None = None
    user_id: int | None = None
    deleted: datetime | None = None


def _history_facts(model, ids) -> Iterator[tuple[int, Facts]]:
    """(id, facts) for the records whose ids ``ids`` selects, in id order, from their history."""
    rows = (
        model.history.model.objects.filter(id__in=ids)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "history_user_id", "history_type")
        .iterator(chunk_size=CHUNK * 4)
    )
    current, facts = None, None
    for record_id, moment, user_id, kind in rows:
        if record_id != current:
            if current is not None:
                yield current, facts
            current, facts = record_id, Facts(created=moment, updated=moment, user_id=user_id)
        else:
            facts = Facts(created=facts.created, updated=moment, user_id=user_id)
        if kind == "-":
            facts = Facts(facts.created, facts.updated, facts.user_id, deleted=moment)
    if current is not None:
        yield current, facts


def _with_facts(rows: Iterable[dict], model, ids) -> Iterator[tuple[dict, Facts]]:
    """Each row (in pk order) with its history facts, merged by id in one pass."""
    facts_stream = _history_facts(model, ids)
    pending = next(facts_stream, None)
    for row in rows:
        while pending is not None and pending[0] < row["id"]:
            pending = next(facts_stream, None)
        if pending is not None and pending[0] == row["id"]:
            yield row, pending[1]
        else:
            yield row, Facts()


# -- the export ---------------------------------------------------------------------------------


class _Writer:
    """One zip member per file; every row formatted by the spec's column kinds."""

    def __init__(self, archive: zipfile.ZipFile, export_id: str, result: ExportResult):
        self.archive, self.export_id, self.result = archive, export_id, result
        self.users: set[int] = set()
        self.system_rows = False

    def write(self, name: str, rows: Iterable[dict]) -> None:
        began = perf_counter()
        columns = spec.FILES[name]
        kinds = formatters()
        export_id = self.export_id
        plan = [
            (
                column.name,
                (lambda _value: export_id) if column.name == "ExportID" else kinds[column.kind],
            )
            for column in columns
        ]
        with self.archive.open(f"{name}.csv", "w", force_zip64=True) as raw:
            text = io.TextIOWrapper(raw, encoding="ascii", newline="")
            out = csv.writer(text, lineterminator="\r\n")
            out.writerow([column.name for column in columns])
            count = 0
            for row in rows:
                get = row.get
                out.writerow([write(get(column)) for column, write in plan])
                count += 1
            text.flush()
            text.detach()
        self.result.rows[f"{name}.csv"] = count
        self.result.seconds[f"{name}.csv"] = perf_counter() - began

    def stamped(self, row: dict, facts: Facts, *, created=None) -> dict:
        """The row with its DateCreated / DateUpdated / UserID / DateDeleted from history."""
        row["DateCreated"] = facts.created or created
        row["DateUpdated"] = facts.updated or facts.created or created
        if facts.user_id is None:
            row["UserID"] = SYSTEM_USER_ID
            self.system_rows = True
        else:
            row["UserID"] = str(facts.user_id)
            self.users.add(facts.user_id)
        row["DateDeleted"] = facts.deleted
        return row


def write_export(
    options: ExportOptions,
    target: BinaryIO,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write the zip to ``target`` (a binary file open for writing); ``progress(done, total)``
    is called now and then with the clients written so far."""
    export_id = f"{timezone.localtime():%Y%m%d%H%M%S}{secrets.token_hex(4)}"
    result = ExportResult(export_id=export_id, hashed=options.hashed, period=options.period)
    scope = _Scope(options)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive, export_id, result)
        writer.write("Export", [_export_row(options, export_id)])
        writer.write("Organization", _organizations(writer, scope))
        writer.write("Project", _projects(writer, scope))
        writer.write("Funder", _funders(writer, scope))
        writer.write("ProjectCoC", _project_cocs(writer, scope))
        for empty in ("Inventory", "Affiliation"):
            writer.write(empty, [])
        writer.write("HMISParticipation", _participations(writer, scope))
        writer.write("CEParticipation", [])
        total = scope.clients().count()
        writer.write("Client", _clients(writer, scope, options, total, progress))
        result.client_count = result.rows["Client.csv"]
        writer.write("Enrollment", _enrollments(writer, scope))
        writer.write("Exit", _exits(writer, scope))
        writer.write("IncomeBenefits", _income_benefits(writer, scope))
        writer.write("HealthAndDV", _health_and_dv(writer, scope))
        writer.write("EmploymentEducation", [])
        writer.write("Disabilities", _disabilities(writer, scope))
        for empty in (
            "Services",
            "CurrentLivingSituation",
            "Assessment",
            "AssessmentQuestions",
            "AssessmentResults",
            "Event",
            "YouthEducationStatus",
        ):
            writer.write(empty, [])
        # Written last, once every row has named its author; readers go by file name.
        writer.write("User", _users(writer))
    return result


class _Scope:
    """Which records the export holds, as querysets (never lists)."""

    def __init__(self, options: ExportOptions):
        self.options = options
        first, last = options.moments
        self.first, self.last = first, last
        projects = Project.objects.all()
        if options.project_id is not None:
            projects = projects.filter(pk=options.project_id)
        self.projects = projects
        enrollments = Enrollment.objects.filter(project__in=projects)
        if options.client_ids is not None:
            enrollments = enrollments.filter(client_id__in=options.client_ids)
        if options.changed_since is not None:
            since = options.changed_since
            enrollments = enrollments.filter(
                Q(updated_at__gte=since)
                | Q(client__updated_at__gte=since)
                | Q(assessments__updated_at__gte=since)
            ).distinct()
        else:
            start, end = options.period
            enrollments = enrollments.filter(entry_date__lte=end).filter(
                Q(exit_date__isnull=True) | Q(exit_date__gte=start)
            )
        self.enrollments = Enrollment.objects.filter(pk__in=enrollments.values("pk"))

    def clients(self):
        return Client.objects.filter(pk__in=self.enrollments.values("client_id"))

    def assessments(self):
        qs = Assessment.objects.filter(enrollment__in=self.enrollments.values("pk"))
        if self.options.changed_since is None:
            qs = qs.filter(information_date__lte=self.options.period[1])
        return qs

    def deleted(self, model, **parent_ids) -> Iterator:
        """The last version of each record of ``model`` deleted inside the period whose parents
        (``client_id=ids``…) are in the export. Supervisors' exports hold none: a deleted
        record is no longer anyone's client, so it is the administrators' to export."""
        if self.options.client_ids is not None:
            return iter(())
        rows = model.history.model.objects.filter(
            history_type="-", history_date__gte=self.first, history_date__lte=self.last
        )
        for column, ids in parent_ids.items():
            rows = rows.filter(**{f"{column}__in": ids})
        return rows.order_by("id").iterator(chunk_size=CHUNK)


def _export_row(options: ExportOptions, export_id: str) -> dict:
    start, end = options.period
    organization = Organization.objects.order_by("pk").first()
    name = organization.name if organization else settings.HMIS_ORGANIZATION_NAME
    return {
        "ExportID": export_id,
        "SourceType": 2,  # agency database
        "SourceID": "",
        "SourceName": name,
        "ExportDate": timezone.now(),
        "ExportStartDate": start,
        "ExportEndDate": end,
        "SoftwareName": SOFTWARE_NAME,
        "SoftwareVersion": _software_version(),
        "CSVVersion": spec.CSV_VERSION,
        "ExportPeriodType": PeriodType.UPDATED
        if options.changed_since
        else PeriodType.REPORTING_PERIOD,
        "ExportDirective": Directive.DELTA_REFRESH
        if options.changed_since
        else Directive.FULL_REFRESH,
        "HashStatus": HashStatus.SHA_256 if options.hashed else HashStatus.UNHASHED,
        "ImplementationID": settings.HMIS_IMPLEMENTATION_ID,
    }


def _software_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("housingfirst")
    except PackageNotFoundError:
        return ""


def _dicts(queryset, *fields) -> Iterator[dict]:
    return queryset.order_by("pk").values("id", *fields).iterator(chunk_size=CHUNK)


def _organizations(writer: _Writer, scope: _Scope) -> Iterator[dict]:
    organizations = Organization.objects.filter(pk__in=scope.projects.values("organization_id"))
    rows = _dicts(organizations, "name", "common_name", "victim_service_provider")
    for org, facts in _with_facts(rows, Organization, organizations.values("pk")):
        yield writer.stamped(
            {
                "OrganizationID": org["id"],
                "OrganizationName": org["name"],
                "VictimServiceProvider": org["victim_service_provider"],
                "OrganizationCommonName": org["common_name"],
            },
            facts,
        )


_PROJECT_FIELDS = (
    "organization_id",
    "name",
    "common_name",
    "operating_start_date",
    "operating_end_date",
    "continuum_project",
    "project_type",
    "housing_type",
    "coc_code",
    "funder",
    "other_funder",
    "grant_id",
)


def _project_rows(writer: _Writer, scope: _Scope) -> Iterator[tuple[dict, Facts]]:
    rows = _dicts(scope.projects, *_PROJECT_FIELDS)
    return _with_facts(rows, Project, scope.projects.values("pk"))


def _per_project(build: Callable[[dict], dict]):
    """A file with one row per project (Project, Funder, ProjectCoC, HMISParticipation), each
    dated by the project's own history."""

    def rows(writer: _Writer, scope: _Scope) -> Iterator[dict]:
        for project, facts in _project_rows(writer, scope):
            yield writer.stamped({"ProjectID": project["id"], **build(project)}, facts)

    return rows


_projects = _per_project(
    lambda project: {
        "OrganizationID": project["organization_id"],
        "ProjectName": project["name"],
        "ProjectCommonName": project["common_name"],
        "OperatingStartDate": project["operating_start_date"],
        "OperatingEndDate": project["operating_end_date"],
        "ContinuumProject": project["continuum_project"],
        "ProjectType": project["project_type"],
        "HousingType": project["housing_type"],
        # 2.02.7 target population is asked of HOPWA projects only; the PIT count is not kept.
    }
)
# One funding source (2.06) and one CoC (2.03) per project: their ids are the project's.
_funders = _per_project(
    lambda project: {
        "FunderID": project["id"],
        "Funder": project["funder"],
        "OtherFunder": project["other_funder"],
        "GrantID": project["grant_id"],
        "StartDate": project["operating_start_date"],
        "EndDate": project["operating_end_date"],
    }
)
_project_cocs = _per_project(
    lambda project: {"ProjectCoCID": project["id"], "CoCCode": project["coc_code"]}
)
# 2.08: every project here participates in HMIS from its first operating day.
_participations = _per_project(
    lambda project: {
        "HMISParticipationID": project["id"],
        "HMISParticipationType": 1,
        "HMISParticipationStatusStartDate": project["operating_start_date"],
        "HMISParticipationStatusEndDate": project["operating_end_date"],
    }
)


_CLIENT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "name_suffix",
    "name_data_quality",
    "ssn",
    "ssn_data_quality",
    "date_of_birth",
    "dob_data_quality",
    "sex",
    "race_american_indian_alaska_native",
    "race_asian",
    "race_black",
    "race_hispanic_latina_e_o",
    "race_middle_eastern_north_african",
    "race_native_hawaiian_pacific_islander",
    "race_white",
    "race_none",
    "additional_race_ethnicity",
    "veteran_status",
    "created_at",
)


# CSV column -> model field, for the columns that hold a field as it is: the export writes them
# and the import (hmis.importer) reads them back, from these same tables.
CLIENT_COLUMNS = {
    "FirstName": "first_name",
    "MiddleName": "middle_name",
    "LastName": "last_name",
    "NameSuffix": "name_suffix",
    "NameDataQuality": "name_data_quality",
    "SSNDataQuality": "ssn_data_quality",
    "DOB": "date_of_birth",
    "DOBDataQuality": "dob_data_quality",
    "Sex": "sex",
    "RaceNone": "race_none",
    "AdditionalRaceEthnicity": "additional_race_ethnicity",
    "VeteranStatus": "veteran_status",
}
# Yes/no flags, written 0 or 1.
CLIENT_FLAG_COLUMNS = {
    "AmIndAKNative": "race_american_indian_alaska_native",
    "Asian": "race_asian",
    "BlackAfAmerican": "race_black",
    "HispanicLatinao": "race_hispanic_latina_e_o",
    "MidEastNAfrican": "race_middle_eastern_north_african",
    "NativeHIPacific": "race_native_hawaiian_pacific_islander",
    "White": "race_white",
}
# Hashed under HashStatus 4 (the suffix, "Jr.", stays as it is).
NAME_COLUMNS = ("FirstName", "MiddleName", "LastName")


def _client_row(client, hashed: bool) -> dict:
    row = {column: client[name] for column, name in CLIENT_COLUMNS.items()}
    for column in NAME_COLUMNS:
        row[column] = (hashed_name if hashed else str)(row[column] or "")
    row.update({column: int(client[name]) for column, name in CLIENT_FLAG_COLUMNS.items()})
    ssn = ssn_value(client["ssn"])
    row["PersonalID"] = client["id"]
    row["SSN"] = hashed_ssn(ssn) if hashed else ssn
    return row


def _values_of(version) -> dict:
    """A historical version's values, keyed like a live row's ``values()``."""
    return {field.attname: getattr(version, field.attname) for field in version._meta.fields}


def _clients(writer, scope, options, total, progress) -> Iterator[dict]:
    clients = scope.clients()
    done = 0
    rows = _dicts(clients, *_CLIENT_FIELDS)
    for values, facts in _with_facts(rows, Client, clients.values("pk")):
        done += 1
        if progress is not None and done % CHUNK == 0:
            progress(done, total)
        row = _client_row(values, options.hashed)
        yield writer.stamped(row, facts, created=values["created_at"])
    for version in scope.deleted(Client):
        row = _client_row(_values_of(version), options.hashed)
        yield writer.stamped(row, _deleted_facts(version, Client))
    if progress is not None:
        progress(done, total)


def _deleted_facts(version, model) -> Facts:
    first = (
        model.history.model.objects.filter(id=version.id)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return Facts(first, version.history_date, version.history_user_id, version.history_date)


_ENROLLMENT_FIELDS = (
    "client_id",
    "project_id",
    "household_id",
    "entry_date",
    "relationship_to_head",
    "enrollment_coc",
    "living_situation",
    "rental_subsidy_type",
    "length_of_stay",
    "los_under_threshold",
    "previous_street_essh",
    "date_to_street_essh",
    "times_homeless_past_three_years",
    "months_homeless_past_three_years",
    "disabling_condition",
    "date_of_engagement",
    "exit_date",
    "destination",
    "destination_subsidy_type",
    "other_destination",
    "created_at",
)


def _move_in(enrollment, period_end: date) -> date | None:
    """3.20 as HUD reads it: someone already housed when the enrollment starts moved in on
    the project start date; a move-in after the period or after the exit is not reported."""
    move_in = enrollment["move_in_date"]
    if move_in is None or move_in > period_end:
        return None
    if move_in < enrollment["entry_date"]:
        move_in = enrollment["entry_date"]
    if enrollment["exit_date"] is not None and move_in > enrollment["exit_date"]:
        return None
    return move_in


ENROLLMENT_COLUMNS = {
    "EntryDate": "entry_date",
    "RelationshipToHoH": "relationship_to_head",
    "EnrollmentCoC": "enrollment_coc",
    "LivingSituation": "living_situation",
    "RentalSubsidyType": "rental_subsidy_type",
    "LengthOfStay": "length_of_stay",
    "LOSUnderThreshold": "los_under_threshold",
    "PreviousStreetESSH": "previous_street_essh",
    "DateToStreetESSH": "date_to_street_essh",
    "TimesHomelessPastThreeYears": "times_homeless_past_three_years",
    "MonthsHomelessPastThreeYears": "months_homeless_past_three_years",
    "DisablingCondition": "disabling_condition",
    "DateOfEngagement": "date_of_engagement",
}
EXIT_COLUMNS = {
    "ExitDate": "exit_date",
    "Destination": "destination",
    "DestinationSubsidyType": "destination_subsidy_type",
    "OtherDestination": "other_destination",
}


def _enrollment_row(enrollment, period_end: date) -> dict:
    row = {column: enrollment[name] for column, name in ENROLLMENT_COLUMNS.items()}
    row.update(
        EnrollmentID=enrollment["id"],
        PersonalID=enrollment["client_id"],
        ProjectID=enrollment["project_id"],
        HouseholdID=enrollment["household_id"],
        MoveInDate=_move_in(enrollment, period_end),
    )
    return row


def _enrollment_versions(writer, scope, *, exits_only=False) -> Iterator[tuple[dict, Facts]]:
    """Live enrollments (with the move-in date) and those deleted in the period; only those
    with an exit on or before the period's end with ``exits_only``."""
    enrollments = scope.enrollments
    if exits_only:
        enrollments = enrollments.filter(exit_date__lte=scope.options.period[1])
    rows = _dicts(
        enrollments.annotate(move_in_date=first_move_in_subquery()),
        *_ENROLLMENT_FIELDS,
        "move_in_date",
    )
    yield from _with_facts(rows, Enrollment, enrollments.values("pk"))
    clients = scope.clients().values("pk")
    for version in scope.deleted(Enrollment, client_id=clients):
        yield _values_of(version), _deleted_facts(version, Enrollment)


def _enrollments(writer, scope) -> Iterator[dict]:
    period_end = scope.options.period[1]
    for enrollment, facts in _enrollment_versions(writer, scope):
        yield writer.stamped(
            _enrollment_row(enrollment, period_end), facts, created=enrollment["created_at"]
        )


def _exits(writer, scope) -> Iterator[dict]:
    # The exit is part of our enrollment record: its ExitID is the enrollment's id.
    period_end = scope.options.period[1]
    for enrollment, facts in _enrollment_versions(writer, scope, exits_only=True):
        if enrollment["exit_date"] is None or enrollment["exit_date"] > period_end:
            continue
        row = {column: enrollment[name] for column, name in EXIT_COLUMNS.items()}
        # An exit recorded before destinations were asked (a backfilled enrollment).
        row["Destination"] = hud_data_not_collected(row["Destination"])
        row.update(
            ExitID=enrollment["id"],
            EnrollmentID=enrollment["id"],
            PersonalID=enrollment["client_id"],
        )
        yield writer.stamped(row, facts, created=enrollment["created_at"])


def hud_data_not_collected(value):
    return 99 if value is None else value


_ASSESSMENT_FIELDS = (
    "client_id",
    "enrollment_id",
    "stage",
    "information_date",
    "income_from_any_source",
    "total_monthly_income",
    "benefits_from_any_source",
    "insurance_from_any_source",
    "other_income_source_identify",
    "other_benefits_source_identify",
    "other_insurance_identify",
    "created_at",
    *(name for name, _column, _label in hud.INCOME_SOURCES),
    *(f"{name}_amount" for name, _column, _label in hud.INCOME_SOURCES),
    *(name for name, _column, _label in hud.BENEFIT_SOURCES),
    *(name for name, _column, _label in hud.INSURANCE_SOURCES),
)

# CSV amount columns whose name is not the source's name + "Amount".
_AMOUNT_COLUMN = {"OtherIncomeSource": "OtherIncomeAmount"}


def _sources(assessment, answer, sources) -> dict:
    """Each source's 0/1 when the 'any source' answer is yes or no; empty when it was not
    answered (a reason it is missing, or not asked of this person)."""
    answered = answer in (0, 1)
    return {column: int(assessment[name]) if answered else None for name, column, _label in sources}


INCOME_BENEFITS_COLUMNS = {
    "InformationDate": "information_date",
    "IncomeFromAnySource": "income_from_any_source",
    "TotalMonthlyIncome": "total_monthly_income",
    "BenefitsFromAnySource": "benefits_from_any_source",
    "OtherBenefitsSourceIdentify": "other_benefits_source_identify",
    "InsuranceFromAnySource": "insurance_from_any_source",
    "OtherInsuranceIdentify": "other_insurance_identify",
    "OtherIncomeSourceIdentify": "other_income_source_identify",
    "DataCollectionStage": "stage",
}


def amount_column(income_column: str) -> str:
    """The CSV column of an income source's monthly amount (EarnedAmount, OtherIncomeAmount)."""
    return _AMOUNT_COLUMN.get(income_column, f"{income_column}Amount")


def _income_benefits_row(assessment) -> dict:
    row = {column: assessment[name] for column, name in INCOME_BENEFITS_COLUMNS.items()}
    row.update(
        IncomeBenefitsID=assessment["id"],
        EnrollmentID=assessment["enrollment_id"],
        PersonalID=assessment["client_id"],
    )
    income = _sources(assessment, assessment["income_from_any_source"], hud.INCOME_SOURCES)
    row.update(income)
    for name, column, _label in hud.INCOME_SOURCES:
        if income[column]:
            row[amount_column(column)] = assessment[f"{name}_amount"]
    row.update(_sources(assessment, assessment["benefits_from_any_source"], hud.BENEFIT_SOURCES))
    row.update(_sources(assessment, assessment["insurance_from_any_source"], hud.INSURANCE_SOURCES))
    return row


def _income_benefits(writer, scope) -> Iterator[dict]:
    assessments = scope.assessments()
    rows = _dicts(assessments, *_ASSESSMENT_FIELDS)
    for values, facts in _with_facts(rows, Assessment, assessments.values("pk")):
        yield writer.stamped(_income_benefits_row(values), facts, created=values["created_at"])
    enrollments = scope.enrollments.values("pk")
    for version in scope.deleted(Assessment, enrollment_id=enrollments):
        yield writer.stamped(
            _income_benefits_row(_values_of(version)), _deleted_facts(version, Assessment)
        )


def _answers(writer, scope, model, fields, build) -> Iterator[dict]:
    """Disabilities and HealthAndDV: one row per answer, dated and staged by its assessment."""
    assessments = scope.assessments()
    answers = model.objects.filter(assessment__in=assessments.values("pk"))
    rows = _dicts(
        answers,
        *fields,
        "client_id",
        "assessment__enrollment_id",
        "assessment__information_date",
        "assessment__stage",
    )
    for values, facts in _with_facts(rows, model, answers.values("pk")):
        row = build(values)
        row.update(
            EnrollmentID=values["assessment__enrollment_id"],
            PersonalID=values["client_id"],
            InformationDate=values["assessment__information_date"],
            DataCollectionStage=values["assessment__stage"],
        )
        yield writer.stamped(row, facts)
    # A deleted answer's assessment may be gone too: its date and stage come from the
    # assessment's last version.
    for version in scope.deleted(model, client_id=scope.clients().values("pk")):
        assessment = (
            Assessment.history.model.objects.filter(id=version.assessment_id)
            .order_by("-history_date")
            .first()
        )
        if assessment is None:
            continue
        row = build(_values_of(version))
        row.update(
            EnrollmentID=assessment.enrollment_id,
            PersonalID=version.client_id,
            InformationDate=assessment.information_date,
            DataCollectionStage=assessment.stage,
        )
        yield writer.stamped(row, _deleted_facts(version, model))


DISABILITY_COLUMNS = {
    "DisabilityType": "disability_type",
    "DisabilityResponse": "response",
    "IndefiniteAndImpairs": "indefinite_and_impairs",
}
DV_COLUMNS = {
    "DomesticViolenceSurvivor": "survivor",
    "WhenOccurred": "when_occurred",
    "CurrentlyFleeing": "currently_fleeing",
}


def _disabilities(writer, scope) -> Iterator[dict]:
    def build(answer) -> dict:
        row = {column: answer[name] for column, name in DISABILITY_COLUMNS.items()}
        row["DisabilitiesID"] = answer["id"]
        return row

    fields = tuple(DISABILITY_COLUMNS.values())
    return _answers(writer, scope, DisabilityAnswer, fields, build)


def _health_and_dv(writer, scope) -> Iterator[dict]:
    def build(answer) -> dict:
        row = {column: answer[name] for column, name in DV_COLUMNS.items()}
        row["HealthAndDVID"] = answer["id"]
        return row

    fields = tuple(DV_COLUMNS.values())
    return _answers(writer, scope, DomesticViolenceAnswer, fields, build)


def _users(writer: _Writer) -> Iterator[dict]:
    """Every person a row names as its author, and the system for jobs and commands. Only
    names and the work e-mail travel; the phone is not kept here."""
    if writer.system_rows:
        yield {
            "UserID": SYSTEM_USER_ID,
            "UserFirstName": SOFTWARE_NAME,
            "UserLastName": "(automatic)",
            "DateCreated": timezone.now(),
            "DateUpdated": timezone.now(),
        }
    model = get_user_model()
    users = model.objects.filter(pk__in=sorted(writer.users))
    rows = _dicts(users, "first_name", "last_name", "email", "username", "date_joined")
    for user, facts in _with_facts(rows, model, users.values("pk")):
        yield {
            "UserID": user["id"],
            "UserFirstName": user["first_name"] or user["username"],
            "UserLastName": user["last_name"],
            "UserEmail": user["email"],
            "DateCreated": facts.created or user["date_joined"],
            "DateUpdated": facts.updated or user["date_joined"],
        }
