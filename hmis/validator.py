"""Validate an HMIS CSV export (FY2026) the way HUD's tools and its TA tool Eva check one on
import: files, headers, types, HUD's value lists, required columns, keys, references,
households, dates, the Export row, ASCII.

It reads one row at a time (never a whole file) and keeps only what the cross-file checks need:
the keys of the files others refer to, each enrollment's client and entry date, and each
household's heads. Files are read in an order where every file comes after those it refers to
(the zip's own order doesn't matter).

Severity: an *error* is something an importer rejects or misreads (HUD's and Eva's checks); a
*warning* is something an importer tolerates without losing or misreading data: an extra file in
the zip (ignored), a UTF-8 byte-order mark (stripped by every CSV reader we know).

Zip layout: HUD's files belong at the root of the zip. Eva refuses a zip whose files sit inside a
folder ("misstructured directory"), so that is an error too; the files inside a single top-level
folder are still read and checked so the report says everything at once.
"""

import codecs
import csv
import io
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from os import PathLike
from typing import BinaryIO

from . import lists, spec

ERROR = "error"
WARNING = "warning"

DEFAULT_MAX_PROBLEMS = 20  # stored per file and check; every problem is counted


class Check:
    """The classes of problem, one name each (a Problem's ``check``)."""

    NOT_A_ZIP = "not-a-zip"
    DAMAGED = "damaged-zip"
    LAYOUT = "zip-layout"
    MISSING_FILE = "missing-file"
    EXTRA_FILE = "extra-file"
    BYTE_ORDER_MARK = "byte-order-mark"
    HEADER = "header"
    MALFORMED = "malformed-csv"
    ROW_LENGTH = "row-length"
    TYPE = "type"
    VALUE = "value"
    REQUIRED = "required"
    DUPLICATE_KEY = "duplicate-key"
    REFERENCE = "reference"
    EXPORT_ID = "export-id"
    HEAD_OF_HOUSEHOLD = "head-of-household"
    EXIT_BEFORE_ENTRY = "exit-before-entry"
    MOVE_IN_BEFORE_ENTRY = "move-in-before-entry"
    EXPORT_ROWS = "export-rows"
    CSV_VERSION = "csv-version"
    NON_ASCII = "non-ascii"


WARNINGS = frozenset({Check.EXTRA_FILE, Check.BYTE_ORDER_MARK})


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # 1-based; the header is line 1; None for the zip or a whole file
    column: str
    value: str
    message: str
    severity: str
    check: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.column:
            parts.append(self.column)
        if self.value:
            parts.append(_shown(self.value))
        return f"{' '.join(parts)} — {self.message} [{self.severity}]"


@dataclass
class FileCounts:
    rows: int = 0  # data rows, header not included
    errors: int = 0
    warnings: int = 0


@dataclass
class Report:
    max_problems: int = DEFAULT_MAX_PROBLEMS
    problems: list[Problem] = field(default_factory=list)  # at most max_problems per file+check
    counts: dict[str, FileCounts] = field(default_factory=dict)  # per file, every problem
    by_check: Counter = field(default_factory=Counter)  # (file, check) -> problems found

    @property
    def errors(self) -> int:
        return sum(counts.errors for counts in self.counts.values())

    @property
    def warnings(self) -> int:
        return sum(counts.warnings for counts in self.counts.values())

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def omitted(self) -> dict[tuple[str, str], int]:
        """(file, check) -> problems found but not stored, over the cap."""
        return {
            key: found - self.max_problems
            for key, found in self.by_check.items()
            if found > self.max_problems
        }

    def add(self, file, line, column, value, message, check) -> None:
        severity = WARNING if check in WARNINGS else ERROR
        counts = self.counts.setdefault(file, FileCounts())
        if severity == ERROR:
            counts.errors += 1
        else:
            counts.warnings += 1
        key = (file, check)
        self.by_check[key] += 1
        if self.by_check[key] <= self.max_problems:
            self.problems.append(Problem(file, line, column, value, message, severity, check))


def validate(
    zip_source: str | PathLike | BinaryIO, max_problems: int = DEFAULT_MAX_PROBLEMS
) -> Report:
    """Check an HMIS CSV zip (a path or a binary file) and report every problem found."""
    report = Report(max_problems=max_problems)
    name = _source_name(zip_source)
    try:
        archive = zipfile.ZipFile(zip_source)
    except (zipfile.BadZipFile, EOFError):
        report.add(name, None, "", "", "not a zip file", Check.NOT_A_ZIP)
        return report
    except OSError as error:
        report.add(
            name, None, "", "", f"cannot be read: {error.strerror or error}", Check.NOT_A_ZIP
        )
        return report
    with archive:
        _Validation(archive, report).run()
    return report


def _source_name(zip_source) -> str:
    if isinstance(zip_source, str | PathLike):
        return str(zip_source)
    return str(getattr(zip_source, "name", "") or "the zip")


# Which file a column refers to, wherever it appears outside that file.
REFERENCES = {
    "UserID": "User",
    "OrganizationID": "Organization",
    "ProjectID": "Project",
    "ResProjectID": "Project",
    "PersonalID": "Client",
    "EnrollmentID": "Enrollment",
    "AssessmentID": "Assessment",
}
REFERENCED_FILES = frozenset(REFERENCES.values())
# Read every file after those it refers to.
ORDER = ["Export", "User"] + [name for name in spec.FILES if name not in ("Export", "User")]
assert sorted(ORDER) == sorted(spec.FILES)

KIND_MESSAGES = {
    spec.I: "not an integer",
    spec.M: "not an amount (digits with up to two decimals, e.g. 1250.50)",
    spec.D: "not a date (yyyy-mm-dd)",
    spec.T: "not a date and time (yyyy-mm-dd hh:mm:ss)",
}
GOOD_VALUE_CACHE = 5000  # valid values remembered per column, to skip re-parsing repeats


def _is_integer(value: str) -> bool:
    digits = value[1:] if value[:1] == "-" else value
    return digits.isascii() and digits.isdigit()


def _is_money(value: str) -> bool:
    whole, point, cents = value.partition(".")
    if not (whole.isascii() and whole.isdigit()):
        return False
    return not point or (1 <= len(cents) <= 2 and cents.isascii() and cents.isdigit())


def _is_date(value: str) -> bool:
    if len(value) != 10 or value[4] != "-" or value[7] != "-" or not value.isascii():
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_date_time(value: str) -> bool:
    if (
        len(value) != 19
        or value[10] != " "
        or value[13] != ":"
        or value[16] != ":"
        or not _is_date(value[:10])
    ):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


KIND_TESTS: dict[str, Callable[[str], bool]] = {
    spec.S: lambda value: True,
    spec.I: _is_integer,
    spec.M: _is_money,
    spec.D: _is_date,
    spec.T: _is_date_time,
}


class _CellRule:
    """What one column's cells must be; ``good`` holds values known valid (the fast path)."""

    __slots__ = ("index", "column", "good", "allowed", "test")

    def __init__(self, index: int, column: spec.Column):
        self.index = index
        self.column = column
        self.test = KIND_TESTS[column.kind]
        self.allowed = lists.named(column.values) if column.values else None
        self.good = set() if column.required else {""}
        if self.allowed is not None:
            self.good.update(str(code) for code in self.allowed)

    def problem(self, value: str) -> tuple[str, str] | None:
        """(check, message) for a value not in ``good``, or None (then it is remembered)."""
        column = self.column
        if value == "":
            return Check.REQUIRED, "is required (may not be empty)"
        if not self.test(value):
            return Check.TYPE, KIND_MESSAGES[column.kind]
        if self.allowed is not None and int(value) not in self.allowed:
            codes = ", ".join(str(code) for code in sorted(self.allowed))
            return Check.VALUE, f"not in HUD's list {column.values} ({codes})"
        if len(self.good) < GOOD_VALUE_CACHE:
            self.good.add(value)
        return None


class _Validation:
    def __init__(self, archive: zipfile.ZipFile, report: Report):
        self.archive = archive
        self.report = report
        self.export_id: str | None = None
        # Keys of the files others refer to; a file that is missing or unreadable has None, and
        # nothing is reported against it.
        self.keys: dict[str, set[str] | None] = {}
        self.enrollments: dict[str, tuple[str, str]] = {}  # EnrollmentID -> (PersonalID, entry)

    def run(self) -> None:
        members = self._members()
        for name in ORDER:
            file_name = f"{name}.csv"
            member = members.get(file_name)
            if member is None:
                continue
            try:
                self._check_file(name, member)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
                self.report.add(
                    file_name, None, "", "", f"cannot be read from the zip: {error}", Check.DAMAGED
                )
                self.keys[name] = None
            except RuntimeError as error:  # encrypted member
                self.report.add(file_name, None, "", "", str(error), Check.DAMAGED)
                self.keys[name] = None

    # Files ---------------------------------------------------------------------------------

    def _members(self) -> dict[str, str]:
        """Expected file name -> its entry in the zip; reports layout, missing and extra files."""
        report = self.report
        entries = [
            entry
            for entry in self.archive.namelist()
            if not entry.endswith("/") and not entry.startswith("__MACOSX/")
        ]
        expected = spec.file_names()
        folder = ""
        if not any(entry in expected for entry in entries):
            folders = {entry.split("/", 1)[0] for entry in entries if "/" in entry}
            if len(folders) == 1 and all("/" in entry for entry in entries):
                folder = folders.pop() + "/"
                report.add(
                    folder,
                    None,
                    "",
                    "",
                    "the files are inside a folder; HUD's files belong at the root of the zip "
                    "(Eva refuses a zip laid out like this)",
                    Check.LAYOUT,
                )
        files = {entry[len(folder) :]: entry for entry in entries if entry.startswith(folder)}
        by_lower = {name.lower(): name for name in files}
        case_variants = set()
        for file_name in expected:
            if file_name in files:
                continue
            variant = by_lower.get(file_name.lower())
            if variant:
                case_variants.add(variant)
                message = f"is missing (the zip has {variant}: file names are case-sensitive)"
            else:
                message = "is missing"
            report.add(file_name, None, "", "", message, Check.MISSING_FILE)
        for name in files:
            if name not in expected and name not in case_variants:
                report.add(
                    files[name],
                    None,
                    "",
                    "",
                    "is not an HMIS CSV file (importers ignore it)",
                    Check.EXTRA_FILE,
                )
        return {name: files[name] for name in expected if name in files}

    def _check_file(self, name: str, member: str) -> None:
        report = self.report
        file_name = f"{name}.csv"
        counts = report.counts.setdefault(file_name, FileCounts())
        with self.archive.open(member) as raw:
            if raw.peek(3)[:3] == codecs.BOM_UTF8:
                report.add(
                    file_name,
                    1,
                    "",
                    "",
                    "starts with a UTF-8 byte-order mark (HUD's files are plain ASCII)",
                    Check.BYTE_ORDER_MARK,
                )
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            reader = csv.reader(text)
            try:
                header = next(reader, None)
                if header is None:
                    report.add(file_name, 1, "", "", "is empty (no header line)", Check.HEADER)
                    self.keys[name] = None
                    return
                self._check_header(file_name, name, header)
                counts.rows = self._check_rows(name, header, reader)
            except csv.Error as error:
                report.add(
                    file_name,
                    reader.line_num,
                    "",
                    "",
                    f"is not a well-formed CSV file here ({error}); the rest was not read",
                    Check.MALFORMED,
                )
                self.keys[name] = None  # half its keys: no reference to it can be judged

    def _check_header(self, file_name: str, name: str, header: list[str]) -> None:
        expected = spec.header(name)
        if header == expected:
            return
        add = self.report.add
        self._check_ascii(file_name, 1, header, header)

        def loose(text):
            return text.strip().lower()

        present = set(header)
        loosely = {loose(cell): cell for cell in header}
        spelled = set()
        for column in expected:
            if column in present:
                continue
            variant = loosely.get(loose(column))
            if variant is not None:
                spelled.add(variant)
                add(
                    file_name,
                    1,
                    column,
                    variant,
                    f"the column is spelled {variant!r}; HUD's header is {column!r} "
                    "(names are case-sensitive)",
                    Check.HEADER,
                )
            else:
                add(file_name, 1, column, "", "the column is missing", Check.HEADER)
        for cell in header:
            if cell not in expected and cell not in spelled:
                add(file_name, 1, cell, cell, "is not a column of this file", Check.HEADER)
        if len(header) != len(set(header)):
            for cell, times in Counter(header).items():
                if times > 1:
                    add(file_name, 1, cell, cell, f"appears {times} times", Check.HEADER)
        in_both = [cell for cell in header if cell in expected]
        if in_both != [column for column in expected if column in present]:
            for position, (found, wanted) in enumerate(zip(header, expected, strict=False), 1):
                if found != wanted:
                    add(
                        file_name,
                        1,
                        found,
                        found,
                        f"is out of HUD's order: column {position} should be {wanted}",
                        Check.HEADER,
                    )
                    break

    # Rows ----------------------------------------------------------------------------------

    def _check_rows(self, name: str, header: list[str], reader) -> int:
        report = self.report
        add = report.add
        file_name = f"{name}.csv"
        width = len(header)
        position = {}
        for index, cell in enumerate(header):
            position.setdefault(cell, index)
        columns = spec.FILES[name]
        rules = [
            _CellRule(position[column.name], column)
            for column in columns
            if column.name in position and (column.required or column.kind != spec.S)
        ]
        key_index = position.get(columns[0].name) if name != "Export" else None
        keys: set[str] | None = set() if key_index is not None else None
        self.keys[name] = keys if name in REFERENCED_FILES else None
        references = [
            (position[column], column, REFERENCES[column], self.keys.get(REFERENCES[column]))
            for column in REFERENCES
            if column in position and REFERENCES[column] != name
        ]
        references = [ref for ref in references if ref[3] is not None]
        export_index = position.get("ExportID") if name != "Export" else None
        export_id = self.export_id
        row_check = {
            "Export": self._export_row,
            "Enrollment": self._enrollment_row,
        }.get(name)
        enrollment_pair = None
        if name != "Enrollment" and "EnrollmentID" in position and "PersonalID" in position:
            if self.keys.get("Enrollment") is not None:
                enrollment_pair = (position["EnrollmentID"], position["PersonalID"])
        exit_dates = (
            (position["EnrollmentID"], position["ExitDate"])
            if name == "Exit" and "EnrollmentID" in position and "ExitDate" in position
            else None
        )
        if row_check is not None:
            row_check = row_check(file_name, position)  # a generator, primed below
            next(row_check)
        enrollments = self.enrollments

        rows = 0
        next_line = reader.line_num + 1
        try:
            for row in reader:
                line = next_line
                next_line = reader.line_num + 1
                if not row:
                    continue  # a blank line
                rows += 1
                if len(row) != width:
                    add(
                        file_name,
                        line,
                        "",
                        "",
                        f"has {len(row)} fields; the header has {width}",
                        Check.ROW_LENGTH,
                    )
                    continue
                if not "".join(row).isascii():
                    self._check_ascii(file_name, line, header, row)
                for rule in rules:
                    value = row[rule.index]
                    if value in rule.good:
                        continue
                    found = rule.problem(value)
                    if found is not None:
                        add(file_name, line, rule.column.name, value, found[1], found[0])
                if keys is not None:
                    key = row[key_index]
                    if key in keys:
                        add(
                            file_name,
                            line,
                            header[key_index],
                            key,
                            "is a duplicate key: an earlier row has it",
                            Check.DUPLICATE_KEY,
                        )
                    elif key:
                        keys.add(key)
                for index, column, target, target_keys in references:
                    value = row[index]
                    if value and value not in target_keys:
                        add(
                            file_name,
                            line,
                            column,
                            value,
                            f"refers to a {column} that is not in {target}.csv",
                            Check.REFERENCE,
                        )
                if export_index is not None and export_id is not None:
                    value = row[export_index]
                    if value != export_id and value:
                        add(
                            file_name,
                            line,
                            "ExportID",
                            value,
                            f"differs from Export.csv's ExportID ({export_id})",
                            Check.EXPORT_ID,
                        )
                if enrollment_pair is not None:
                    enrollment = enrollments.get(row[enrollment_pair[0]])
                    personal_id = row[enrollment_pair[1]]
                    if enrollment is not None and personal_id and enrollment[0] != personal_id:
                        add(
                            file_name,
                            line,
                            "PersonalID",
                            personal_id,
                            f"differs from the enrollment's client ({enrollment[0]})",
                            Check.REFERENCE,
                        )
                if exit_dates is not None:
                    enrollment = enrollments.get(row[exit_dates[0]])
                    exit_date = row[exit_dates[1]]
                    if enrollment is not None and _before(exit_date, enrollment[1]):
                        add(
                            file_name,
                            line,
                            "ExitDate",
                            exit_date,
                            f"is before the enrollment's EntryDate ({enrollment[1]})",
                            Check.EXIT_BEFORE_ENTRY,
                        )
                if row_check is not None:
                    row_check.send((line, row))
        finally:
            if row_check is not None:
                row_check.close()
        return rows

    def _check_ascii(self, file_name, line, header, row) -> None:
        for column, value in zip(header, row, strict=False):
            if value.isascii():
                continue
            character = next(char for char in value if not char.isascii())
            if character == "\ufffd":
                message = "holds bytes that are not UTF-8 text (HUD's files are ASCII)"
            else:
                message = f"holds a non-ASCII character {character!r} (HUD's files are ASCII)"
            self.report.add(file_name, line, column, value, message, Check.NON_ASCII)

    # Per-file rules, as generators: primed once, sent (line, row) per row, closed at the end.

    def _export_row(self, file_name, position):
        add = self.report.add
        rows = 0
        version_at = position.get("CSVVersion")
        id_at = position.get("ExportID")
        try:
            while True:
                line, row = yield
                rows += 1
                if rows > 1:
                    add(
                        file_name,
                        line,
                        "",
                        "",
                        "is a second export row: Export.csv has exactly one",
                        Check.EXPORT_ROWS,
                    )
                    continue
                if id_at is not None and row[id_at]:
                    self.export_id = row[id_at]
                if version_at is not None and not row[version_at].startswith("2026"):
                    add(
                        file_name,
                        line,
                        "CSVVersion",
                        row[version_at],
                        f"is not the FY2026 format (expected {spec.CSV_VERSION!r})",
                        Check.CSV_VERSION,
                    )
        finally:
            if rows == 0:
                add(
                    file_name,
                    None,
                    "",
                    "",
                    "has no export row (it needs exactly one)",
                    Check.EXPORT_ROWS,
                )

    def _enrollment_row(self, file_name, position):
        add = self.report.add
        enrollments = self.enrollments
        enrollment_at = position.get("EnrollmentID")
        client_at = position.get("PersonalID")
        entry_at = position.get("EntryDate")
        move_in_at = position.get("MoveInDate")
        household_at = position.get("HouseholdID")
        relationship_at = position.get("RelationshipToHoH")
        deleted_at = position.get("DateDeleted")
        household_first_line: dict[str, int] = {}
        head_line: dict[str, int] = {}
        head = str(lists.HEAD_OF_HOUSEHOLD)
        try:
            while True:
                line, row = yield
                entry = row[entry_at] if entry_at is not None else ""
                if enrollment_at is not None and client_at is not None:
                    enrollment_id = row[enrollment_at]
                    if enrollment_id and enrollment_id not in enrollments:
                        enrollments[enrollment_id] = (row[client_at], entry)
                if move_in_at is not None and _before(row[move_in_at], entry):
                    add(
                        file_name,
                        line,
                        "MoveInDate",
                        row[move_in_at],
                        f"is before the EntryDate ({entry})",
                        Check.MOVE_IN_BEFORE_ENTRY,
                    )
                if household_at is None or relationship_at is None:
                    continue
                household = row[household_at]
                if not household or (deleted_at is not None and row[deleted_at]):
                    continue  # a deleted enrollment is no longer anyone's household member
                household_first_line.setdefault(household, line)
                if row[relationship_at] == head:
                    if household in head_line:
                        add(
                            file_name,
                            line,
                            "RelationshipToHoH",
                            head,
                            f"household {household} already has a head of household "
                            f"(line {head_line[household]})",
                            Check.HEAD_OF_HOUSEHOLD,
                        )
                    else:
                        head_line[household] = line
        finally:
            for household, line in household_first_line.items():
                if household not in head_line:
                    add(
                        file_name,
                        line,
                        "HouseholdID",
                        household,
                        "the household has no head of household (RelationshipToHoH 1)",
                        Check.HEAD_OF_HOUSEHOLD,
                    )


def _before(later: str, earlier: str) -> bool:
    """Whether the date ``later`` is before ``earlier``; False unless both are dates (their
    format is checked on its own). ISO dates compare as strings."""
    return len(later) == 10 and len(earlier) == 10 and later < earlier and _is_date(later)


def _shown(value: str, limit: int = 60) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(shown)
