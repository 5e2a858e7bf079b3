"""The HMIS CSV import (FY2026): a program's history from its CoC's HMIS, into housingfirst.

``refusal(zip)`` says why a zip is not read at all (nothing is written then); ``import_zip``
runs the validator, then imports the chosen projects (default: every PSH project) with their
clients, enrollments, households, exits, move-ins (as placements), income and benefits, health
insurance, disabilities and domestic violence, and the users named as authors (inactive
accounts that can never sign in).

Streaming: the small files (Export, User, Organization, Project, Funder, ProjectCoC) are held
whole. Enrollment.csv and its dependent files (Exit, IncomeBenefits, HealthAndDV, Disabilities)
are read row by row; only the rows of the chosen projects are kept, grouped by client and by
enrollment. Client.csv is then read row by row and each client is imported as it is read, with
everything under them, in one transaction; the group is dropped once written. What is held: the
chosen projects' enrollment rows and their dependants (as dicts of strings), every EnrollmentID
of the file (to tell a row of another project from a broken reference), and this source's
source keys (file, id -> record, digest).

Matching: every imported record keeps a ``hmis.SourceKey`` (source, file, id). A re-import
compares the digest of the values it would write with the digest kept: the same values change
nothing (no write, no history); different values update the record (history records it); a
record without a key is new. The source is ``"<ImplementationID>/<SourceID>"``, or
``"<ImplementationID>/<SourceName>"`` when the export has no SourceID (ours has none).

Deletions: a row with DateDeleted is not imported (skipped and reported, with its dependants);
an import never deletes here, so a record imported from it earlier stays, for staff to review.

Nothing half-done: a record that can't be imported (a bad value, a broken reference, a model
rule, a database constraint) is skipped with its dependants, inside a savepoint, and reported
with file, line, column and reason. Per file, read = imported + updated + unchanged + skipped;
``outside`` (part of skipped) counts the rows of projects not chosen, which are not listed.
"""

import copy
import csv
import hashlib
import io
import os
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clients.duplicates import possible_duplicates
from clients.models import Client, DuplicatePair
from enrollments import hud, rules
from enrollments.models import (
    Assessment,
    DisabilityAnswer,
    DomesticViolenceAnswer,
    Enrollment,
    Household,
    Organization,
    Project,
)
from housingfirst.audit import acting_as, buffered_history, change_reason
from housingfirst.transactions import writing
from placements import state as housing_state
from placements.destinations import Destination, DestinationGroup, destination_group
from placements.models import Placement

from . import export, lists, spec, validator
from .models import SourceKey

COMMAND = "command:import_hmis"
DUPLICATE_REASON = "possible duplicate: decide same person or different people"
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst", ".z")
# A zip whose files expand to more than this many times the size limit is refused (a zip bomb).
MAX_EXPANSION = 20
FILES = (
    "User",
    "Organization",
    "Project",
    "Client",
    "Enrollment",
    "Exit",
    "IncomeBenefits",
    "HealthAndDV",
    "Disabilities",
)
CHILD_FILES = ("Exit", "IncomeBenefits", "HealthAndDV", "Disabilities")
CHILD_IDS = {
    "Exit": "ExitID",
    "IncomeBenefits": "IncomeBenefitsID",
    "HealthAndDV": "HealthAndDVID",
    "Disabilities": "DisabilitiesID",
}
# Clients per transaction: the audit chain's lock is held for one batch at a time, and the
# batch's history rows and source keys are written in bulk at its end.
BATCH_CLIENTS = 100


# -- the report ---------------------------------------------------------------------------------


@dataclass
class FileCounts:
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    outside: int = 0  # of the skipped: rows of projects not chosen (not listed one by one)


@dataclass
class Skip:
    file: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        column = f" {self.column}" if self.column else ""
        value = f" {self.value!r}" if self.value else ""
        return f"{where}{column}{value} — {self.reason}"


@dataclass
class DuplicateCandidate:
    personal_id: str
    name: str
    birth_date: date | None
    existing_client_id: int
    existing_name: str
    score: int


@dataclass
class ImportReport:
    export_id: str = ""
    source: str = ""
    refused: str | None = None
    validation: validator.Report | None = None
    files: dict[str, FileCounts] = field(default_factory=dict)
    skips: list[Skip] = field(default_factory=list)
    duplicates: list[DuplicateCandidate] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """Read, and every row of the chosen projects came in (nothing skipped for a reason)."""
        return self.refused is None and not self.skips


# -- refusals -----------------------------------------------------------------------------------


def _member_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """HUD file name ("Client.csv") -> its entry: at the root, or all inside one folder (the
    validator reports that layout; the files are still read)."""
    entries = [e for e in archive.namelist() if not e.endswith("/") and "__MACOSX/" not in e]
    root = {e: e for e in entries if "/" not in e}
    if any(name in root for name in spec.file_names()):
        return root
    folders = {e.split("/", 1)[0] for e in entries}
    if len(folders) == 1:
        folder = folders.pop() + "/"
        return {e[len(folder) :]: e for e in entries if e.count("/") == 1}
    return root


def _unsafe_member(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")  # a drive letter
        or ".." in path.parts
    )


def refusal(zip_path) -> str | None:
    """Why this file is not imported at all, in words for the person; None when it may be."""
    limit = settings.HMIS_IMPORT_MAX_BYTES
    try:
        size = os.path.getsize(zip_path)
    except OSError as error:
        return f"The file cannot be read: {error.strerror or error}."
    if size > limit:
        return f"The zip is {size:,} bytes, over the limit of {limit:,} bytes."
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, EOFError, OSError):
        return "This is not a zip file."
    with archive:
        infos = archive.infolist()
        for info in infos:
            if _unsafe_member(info.filename):
                return f"The zip holds a path outside itself ({info.filename!r}): it is not read."
            if not info.is_dir() and info.filename.lower().endswith(ARCHIVE_SUFFIXES):
                return f"The zip holds another archive ({info.filename!r}): it is not read."
        if sum(info.file_size for info in infos) > limit * MAX_EXPANSION:
            return f"The zip's files expand to more than {MAX_EXPANSION} times the size limit."
        members = _member_names(archive)
        if "Export.csv" not in members:
            return "Export.csv is missing: this is not an HMIS CSV export (FY2026)."
        try:
            export_row = next(_rows(archive, members["Export.csv"]), None)
        except (csv.Error, zipfile.BadZipFile, OSError, RuntimeError) as error:
            return f"Export.csv cannot be read: {error}."
        if export_row is None:
            return "Export.csv has no export row."
        version = export_row[1].get("CSVVersion", "")
        if not version.startswith("2026"):
            return (
                f"This export is in the format {version or '(not named)'!r}, not FY2026 "
                f"({spec.CSV_VERSION}): export it again in the FY2026 format."
            )
        hash_status = export_row[1].get("HashStatus", "").strip()
        if hash_status and hash_status != str(export.HashStatus.UNHASHED):
            return (
                f"This export is hashed (HashStatus {hash_status}): names and SSNs can't be "
                "recovered from it. Ask for an unhashed export."
            )
        for required in ("Client.csv", "Enrollment.csv"):
            if required not in members:
                return f"{required} is missing from the zip."
    return None


def _rows(archive: zipfile.ZipFile, member: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for each data row of a member, read one at a time."""
    with archive.open(member) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            return
        width = len(header)
        line = reader.line_num + 1
        for row in reader:
            current, line = line, reader.line_num + 1
            if not row:
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            yield current, dict(zip(header, row, strict=False))


# -- values -------------------------------------------------------------------------------------


class BadValue(Exception):
    def __init__(self, column: str, value: str, reason: str):
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


def _parse(column: spec.Column, raw: str):
    if raw == "":
        if column.required:
            raise BadValue(column.name, raw, "is required (may not be empty)")
        return "" if column.kind == spec.S else None
    kind = column.kind
    if kind == spec.S:
        return raw
    if not validator.KIND_TESTS[kind](raw):
        raise BadValue(column.name, raw, validator.KIND_MESSAGES[kind])
    if kind == spec.I:
        value = int(raw)
        if column.values and value not in lists.named(column.values):
            raise BadValue(column.name, raw, f"not in HUD's list {column.values}")
        return value
    if kind == spec.M:
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise BadValue(column.name, raw, validator.KIND_MESSAGES[kind]) from None
    if kind == spec.D:
        return date.fromisoformat(raw)
    return datetime.fromisoformat(raw)


_COLUMNS = {name: {column.name: column for column in spec.FILES[name]} for name in spec.FILES}


def _values(name: str, row: dict[str, str], columns) -> dict:
    """The row's columns parsed by the spec's kinds and lists (BadValue on the first bad one)."""
    spec_columns = _COLUMNS[name]
    return {column: _parse(spec_columns[column], row.get(column, "")) for column in columns}


def _ssn(raw: str) -> str:
    """3.02 from the CSV (nine characters, unknown digits as 'x') as we keep it: all nine
    digits, or the last four."""
    digits = raw.lstrip("xX")
    if len(digits) == 9 and digits.isdigit():
        return digits
    last_four = raw[-4:]
    return last_four if len(raw) >= 4 and last_four.isdigit() else ""


def _digest(values: dict) -> str:
    text = repr(sorted((key, str(value)) for key, value in values.items()))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _with_defaults(model, values: dict) -> dict:
    """An empty CSV cell where our field may not be empty takes the field's default (a HUD
    code's "data not collected", an empty text)."""
    for name, value in values.items():
        if value is None:
            model_field = model._meta.get_field(name.removesuffix("_id"))
            if not model_field.null and model_field.has_default():
                values[name] = model_field.get_default()
    return values


def _reasons(error: ValidationError, columns: dict[str, str]) -> tuple[str, str]:
    """(column, reason) for a model's ValidationError, the field named by its CSV column."""
    fields = {name: column for column, name in columns.items()}
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        message = " ".join(m for e in errors for m in e.messages)
        return fields.get(name, "" if name == "__all__" else name), message
    return "", " ".join(error.messages)


def _exit_reason(destination: int | None) -> str:
    group = destination_group(destination)
    if destination == Destination.DECEASED:
        return Placement.ExitReason.PASSED_AWAY
    return {
        DestinationGroup.HOMELESS: Placement.ExitReason.RETURNED_TO_HOMELESSNESS,
        DestinationGroup.INSTITUTIONAL: Placement.ExitReason.ENTERED_INSTITUTION,
        DestinationGroup.PERMANENT: Placement.ExitReason.MOVED_TO_OTHER_PERMANENT_HOUSING,
    }.get(group, Placement.ExitReason.OTHER)


# -- bookkeeping that follows the transactions --------------------------------------------------


class _Skipped(Exception):
    """A record is skipped: unwind its savepoint (and everything recorded inside it); the
    handler reports the record, and its dependants, outside."""

    def __init__(self, column: str = "", value: str = "", reason: str = ""):
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason

    @classmethod
    def of(cls, bad: "BadValue") -> "_Skipped":
        return cls(bad.column, bad.value, bad.reason)


@dataclass
class _Layer:
    counts: list[tuple[str, str]] = field(default_factory=list)  # (file, outcome)
    skips: list[Skip] = field(default_factory=list)
    keys: dict[tuple[str, str], SourceKey] = field(default_factory=dict)
    duplicates: list[DuplicateCandidate] = field(default_factory=list)
    # New records no other record of the import refers to, inserted in bulk by their batch:
    # (record, file, source id, digest, author).
    inserts: list[tuple] = field(default_factory=list)

    def merge(self, other: "_Layer") -> None:
        self.counts += other.counts
        self.skips += other.skips
        self.keys.update(other.keys)
        self.duplicates += other.duplicates
        self.inserts += other.inserts


class _BatchBroken(Exception):
    """The database refused a write made without a savepoint of its own (a batch's quick
    path): the batch is rolled back whole and imported again client by client."""


@dataclass
class _Decision:
    same: int | None = None  # an existing client's id
    different: bool = False


def _decision(text: str | None) -> _Decision | None:
    if not text:
        return None
    text = text.strip()
    if text == "different":
        return _Decision(different=True)
    kind, _, client_id = text.partition(":")
    if kind == "same" and client_id.strip().isdigit():
        return _Decision(same=int(client_id))
    raise ValueError(f"A decision is 'same:<client id>' or 'different', not {text!r}.")


# -- the import ---------------------------------------------------------------------------------


def import_zip(
    zip_path,
    *,
    project_ids: list[str] | None = None,
    dry_run: bool = False,
    decisions: dict[str, str] | None = None,
    by=None,
    progress: Callable[[int, int], None] | None = None,
    team=None,
    actor: str = COMMAND,
) -> ImportReport:
    """Import an HMIS CSV zip; see the module's docstring. ``decisions``: PersonalID ->
    "same:<client id>" or "different" for possible duplicates; ``by``: who imports (history
    names them; None for a command without --by); ``team``: the team whose intake queue the new
    clients join (None: no team, only administrators see them until assigned); ``progress(done,
    total)`` is called with the clients done. A dry run does everything in a transaction that is
    rolled back: its report is what the import would do, and nothing stays written."""
    report = ImportReport(dry_run=dry_run)
    report.refused = refusal(zip_path)
    if report.refused is not None:
        return report
    try:
        parsed = {pid: _decision(text) for pid, text in (decisions or {}).items()}
    except ValueError as error:
        report.refused = str(error)
        return report
    report.validation = validator.validate(zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        run = _Import(archive, report, project_ids, parsed, by, progress, team, dry_run)
        if run.read_export() is None:
            return report
        with acting_as(actor, user=by), change_reason(f"Imported from HMIS export {run.export_id}"):
            if dry_run:
                # Rolled back whole; it writes no history, so it never takes the audit
                # chain's lock and nobody's saves wait for it.
                with transaction.atomic(), buffered_history(keep=False):
                    run.run()
                    transaction.set_rollback(True)
            else:
                run.run()
    return report


class _Import:
    def __init__(self, archive, report, project_ids, decisions, by, progress, team, dry_run):
        self.archive, self.report, self.dry_run = archive, report, dry_run
        self.project_ids = project_ids
        self.decisions: dict[str, _Decision | None] = decisions
        self.by, self.progress, self.team = by, progress, team
        self.members = _member_names(archive)
        self.layers = [_Layer()]
        self.content_types = {}
        self.accounts = {}
        self.source_account = None
        self.exit_ids: dict[str, str] = {}
        self.buffer = None  # the batch's history buffer, while a batch runs
        self.batch_layer = None
        # The records a batch's rows were imported as before (a re-import), fetched together:
        # (content type id, object id) -> record; a pair asked for and absent was deleted here.
        self.prefetched: dict[tuple[int, int], object] = {}
        self.prefetched_ids: set[tuple[int, int]] = set()
        # Careful: every record in its own savepoint, nothing left to the batch's end (how a
        # batch that the database refused runs again, client by client).
        self.careful = False

    # Reading ---------------------------------------------------------------------------------

    def rows(self, name: str) -> Iterator[tuple[int, dict[str, str]]]:
        member = self.members.get(f"{name}.csv")
        if member is None:
            return iter(())
        return _rows(self.archive, member)

    def read_export(self):
        _line, row = next(self.rows("Export"))
        self.export_id = row.get("ExportID", "")
        implementation = row.get("ImplementationID", "").strip()
        source_name = row.get("SourceID", "").strip() or row.get("SourceName", "").strip()
        self.source = f"{implementation}/{source_name}"[:200]
        self.report.export_id, self.report.source = self.export_id, self.source
        return row

    # Bookkeeping -----------------------------------------------------------------------------

    @property
    def layer(self) -> _Layer:
        return self.layers[-1]

    def count(self, file: str, outcome: str) -> None:
        self.layer.counts.append((file, outcome))

    def skip(self, file: str, line: int, column: str, value: str, reason: str) -> None:
        self.layer.skips.append(Skip(f"{file}.csv", line, column, value, reason))
        self.count(file, "skipped")

    def transaction(self):
        """A writing transaction; a dry run's takes no lock on the audit chain (it writes no
        history)."""
        return writing(lock_chain=not self.dry_run)

    @contextmanager
    def unit(self, *, raises_before_writing: bool = False):
        """A savepoint whose counts, skips, keys and history rows stay only when it commits.

        ``raises_before_writing``: the unit skips (raises) only before it writes anything (what
        follows its own write runs in units of its own), so a batch's quick path needs no
        savepoint for it; a database error then breaks the whole batch (``_BatchBroken``),
        which runs again carefully."""
        layer = _Layer()
        self.layers.append(layer)
        mark = self.buffer.mark() if self.buffer is not None else 0
        quick = raises_before_writing and self.buffer is not None and not self.careful
        try:
            if quick:
                try:
                    yield layer
                except DatabaseError as error:
                    raise _BatchBroken from error
            else:
                with transaction.atomic():
                    yield layer
        except BaseException:
            self.layers.pop()
            if self.buffer is not None:
                self.buffer.discard_after(mark)
            raise
        self.layers.pop()
        self.layer.merge(layer)

    @contextmanager
    def batch(self):
        """One transaction for a batch of clients (each still in its own savepoint): their
        history rows are written and sealed together, and their new source keys inserted
        together, at its end, as are the housing read model's rows of its clients."""
        layer = _Layer()
        self.layers.append(layer)
        try:
            with (
                self.transaction(),
                buffered_history(keep=not self.dry_run) as buffer,
                housing_state.refreshed_at_end(),
            ):
                self.buffer, self.batch_layer = buffer, layer
                yield
                self.insert_records(layer)
                SourceKey.objects.bulk_create([k for k in layer.keys.values() if k.pk is None])
        except BaseException:
            self.layers.pop()
            raise
        finally:
            self.buffer = self.batch_layer = None
        self.layers.pop()
        self.layer.merge(layer)

    def insert_records(self, layer: _Layer) -> None:
        """Insert the batch's new leaf records in bulk, with their history and source keys."""
        by_model = defaultdict(list)
        for insert in layer.inserts:
            by_model[type(insert[0])].append(insert)
        for model, inserts in by_model.items():
            if self.dry_run:
                model._default_manager.bulk_create([insert[0] for insert in inserts])
            else:
                bulk_create_with_history([insert[0] for insert in inserts], model)
            for instance, file, source_id, digest, author in inserts:
                self.store_key(file, source_id, instance, digest, author=author)

    def key(self, file: str, source_id: str) -> SourceKey | None:
        for layer in reversed(self.layers):
            found = layer.keys.get((file, source_id))
            if found is not None:
                return found
        return self.known_keys.get((file, source_id))

    def content_type(self, model) -> ContentType:
        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(model)
        return self.content_types[model]

    def store_key(self, file, source_id, instance, digest, *, author=None, linked=False):
        """Create the record's source key, or point the existing one at it with the new digest."""
        key = self.key(file, source_id)
        if key is None:
            key = SourceKey(source=self.source, file=file, source_id=source_id)
        elif key.pk is None:
            key = copy.copy(key)  # not inserted yet (its batch inserts it): a copy, as below
        else:
            key = SourceKey.objects.get(pk=key.pk)  # a fresh copy: a rollback leaves the old
        key.content_type = self.content_type(type(instance))
        key.object_id = instance.pk
        pair = (key.content_type_id, key.object_id)
        self.prefetched.pop(pair, None)  # written since: found() asks the database
        self.prefetched_ids.discard(pair)
        key.digest, key.author, key.linked = digest, author, linked or key.linked
        key.export_id, key.imported_at = self.export_id, timezone.now()
        if key.pk is not None or self.buffer is None:
            key.save()
        self.layer.keys[(file, source_id)] = key
        return key

    def found(self, model, key: SourceKey | None):
        """The record a key names, or None (no key, or the record was deleted here)."""
        if key is None or key.content_type_id != self.content_type(model).pk:
            return None
        pair = (key.content_type_id, key.object_id)
        if pair in self.prefetched_ids:
            record = self.prefetched.get(pair)
            return None if record is None else copy.copy(record)  # a rollback leaves it
        return model._default_manager.filter(pk=key.object_id).first()

    def prefetch(self, batch) -> None:
        """Fetch together the records that a batch's rows were imported as before."""
        files_ids = []
        for _line, _row, personal_id, group in batch:
            files_ids.append(("Client", personal_id))
            for _l, enrollment in group:
                enrollment_id = enrollment.get("EnrollmentID", "")
                files_ids += [
                    ("Enrollment", enrollment_id),
                    ("Enrollment.MoveInDate", enrollment_id),
                    ("Household", enrollment.get("HouseholdID", "")),
                ]
                for name, id_column in CHILD_IDS.items():
                    for _cl, child in self.children[name].get(enrollment_id, ()):
                        files_ids.append((name, child.get(id_column, "")))
        wanted = defaultdict(set)
        for file_id in files_ids:
            key = self.known_keys.get(file_id)
            if key is not None:
                wanted[key.content_type_id].add(key.object_id)
        self.prefetched, self.prefetched_ids = {}, set()
        for content_type_id, ids in wanted.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            for pk, record in model._default_manager.in_bulk(ids).items():
                self.prefetched[(content_type_id, pk)] = record
            self.prefetched_ids.update((content_type_id, pk) for pk in ids)

    def save(self, file, source_id, instance, values: dict, *, author=None, leaf=False):
        """Create or update ``instance`` (found through its key, or new) with ``values``,
        and count the outcome. Raises ValidationError for a model rule. ``leaf``: no record
        of the import refers to it, so a new one may wait for its batch's bulk insert."""
        key = self.key(file, source_id)
        values = _with_defaults(type(instance), values)
        digest = _digest(values)
        exists = instance.pk is not None
        if exists and key is not None and key.digest == digest:
            self.count(file, "unchanged")
            return instance
        for name, value in values.items():
            setattr(instance, name, value)
        exclude = [f.name for f in instance._meta.fields if f.is_relation]
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        if leaf and not exists and self.buffer is not None and not self.careful:
            self.layer.inserts.append((instance, file, source_id, digest, author))
            self.count(file, "imported")
            return instance
        instance.save()
        self.store_key(file, source_id, instance, digest, author=author)
        self.count(file, "updated" if exists else "imported")
        return instance

    # The run ---------------------------------------------------------------------------------

    def run(self) -> None:
        self.known_keys = {
            (key.file, key.source_id): key for key in SourceKey.objects.filter(source=self.source)
        }
        self.users = {row.get("UserID", ""): row for _line, row in self.rows("User")}
        with self.transaction():
            self.projects = self.import_projects()
        self.group_enrollments()
        self.group_children()
        self.import_clients()
        self.count_users()
        self.finish_counts()

    def finish_counts(self) -> None:
        files = {f"{name}.csv": FileCounts() for name in FILES}
        for file, outcome in self.layer.counts:
            counts = files[f"{file}.csv"]
            counts.read += 1
            if outcome == "outside":
                counts.skipped += 1
                counts.outside += 1
            else:
                setattr(counts, outcome, getattr(counts, outcome) + 1)
        self.report.files = files
        self.report.skips = self.layer.skips
        self.report.duplicates = self.layer.duplicates

    # Users: the authors named by the imported rows --------------------------------------------

    def author(self, user_id: str):
        """The inactive account standing for this source's UserID, made (or updated) when a
        record first names it; None when User.csv has no such user. It can never sign in
        (inactive, no usable password) and has no role."""
        if user_id in self.accounts:
            return self.accounts[user_id][0]
        row = self.users.get(user_id)
        if row is None:
            self.accounts[user_id] = (None, "")
            return None
        model = get_user_model()
        username = f"hmis.{self.tag}.{user_id}"[:150]
        names = {
            "first_name": (row.get("UserFirstName") or "")[:150],
            "last_name": (row.get("UserLastName") or "")[:150],
            "email": (row.get("UserEmail") or "")[:254],
        }
        # Made before the record's own transaction (``prepare_authors``): a skipped record
        # leaves the account, which other records may name.
        with self.transaction():
            account = model._default_manager.filter(username=username).first()
            if account is None:
                account = model(username=username, is_active=False, is_staff=False, **names)
                account.set_unusable_password()
                account.save()
                outcome = "imported"
            elif any(getattr(account, k) != v for k, v in names.items()):
                for k, v in names.items():
                    setattr(account, k, v)
                account.save()
                outcome = "updated"
            else:
                outcome = "unchanged"
        self.accounts[user_id] = (account, outcome)
        return account

    @property
    def tag(self) -> str:
        return hashlib.sha1(self.source.encode(), usedforsecurity=False).hexdigest()[:8]

    def count_users(self) -> None:
        for user_id in self.users:
            found = self.accounts.get(user_id)
            if found is None or found[0] is None:
                self.count("User", "outside")  # no imported record names them
            else:
                self.count("User", found[1])

    def recorder(self, user_id: str):
        """Who recorded an assessment: its author, else an account standing for the source."""
        account = self.author(user_id)
        if account is not None:
            return account
        if self.source_account is None:
            model = get_user_model()
            with self.transaction():
                account, created = model._default_manager.get_or_create(
                    username=f"hmis.{self.tag}",
                    defaults={"is_active": False, "first_name": "HMIS", "last_name": "import"},
                )
            if created:
                account.set_unusable_password()
                account.save()
            self.source_account = account
        return self.source_account

    def prepare_authors(self, row, group) -> None:
        """Make the accounts a client's rows name, before the client's transaction."""
        self.author(row.get("UserID", ""))
        for _line, enrollment_row in group:
            self.author(enrollment_row.get("UserID", ""))
            enrollment_id = enrollment_row.get("EnrollmentID", "")
            for name in CHILD_FILES:
                for _child_line, child in self.children[name].get(enrollment_id, ()):
                    if name == "IncomeBenefits":
                        self.recorder(child.get("UserID", ""))
                    else:
                        self.author(child.get("UserID", ""))

    # Organizations and projects ----------------------------------------------------------------

    def import_projects(self) -> dict[str, Project | None]:
        """ProjectID -> the imported project (None: chosen but skipped), for the chosen ones."""
        organizations = {
            row.get("OrganizationID", ""): (line, row) for line, row in self.rows("Organization")
        }
        funders, cocs = {}, {}
        for _line, row in self.rows("Funder"):
            funders.setdefault(row.get("ProjectID", ""), row)
        for _line, row in self.rows("ProjectCoC"):
            cocs.setdefault(row.get("ProjectID", ""), row)
        projects = list(self.rows("Project"))
        wanted = set(self.project_ids or ())
        chosen: dict[str, Project | None] = {}
        done_organizations: dict[str, Organization | None] = {}
        for line, row in projects:
            project_id = row.get("ProjectID", "")
            if self.project_ids is not None:
                pick = project_id in wanted
            else:
                pick = row.get("ProjectType", "") == str(hud.ProjectType.PSH.value)
            if not pick:
                self.count("Project", "outside")
                continue
            chosen[project_id] = None
            if self.deleted("Project", line, row, project_id):
                continue
            org_id = row.get("OrganizationID", "")
            self.author(row.get("UserID", ""))
            if org_id not in done_organizations and org_id in organizations:
                self.author(organizations[org_id][1].get("UserID", ""))
                done_organizations[org_id] = self.import_organization(*organizations[org_id])
            if done_organizations.get(org_id) is None:
                reason = (
                    "its organization was skipped"
                    if org_id in organizations
                    else "refers to an organization not in Organization.csv"
                )
                self.skip("Project", line, "OrganizationID", org_id, reason)
                continue
            try:
                with self.unit():
                    chosen[project_id] = self.import_project(
                        row,
                        done_organizations[org_id],
                        funders.get(project_id),
                        cocs.get(project_id),
                    )
            except _Skipped as skipped:
                self.skip("Project", line, skipped.column, skipped.value, skipped.reason)
            except ValidationError as error:
                column, reason = _reasons(error, PROJECT_COLUMNS)
                self.skip("Project", line, column, "", reason)
        for project_id in sorted(wanted - {row.get("ProjectID", "") for _l, row in projects}):
            self.layer.skips.append(
                Skip("Project.csv", 0, "ProjectID", project_id, "no such project in Project.csv")
            )
        for org_id in organizations:
            if org_id not in done_organizations:
                self.count("Organization", "outside")
        return chosen

    def import_organization(self, line, row) -> Organization | None:
        org_id = row.get("OrganizationID", "")
        try:
            with self.unit():
                values = _values(
                    "Organization",
                    row,
                    ("OrganizationName", "OrganizationCommonName", "VictimServiceProvider"),
                )
                return self.save(
                    "Organization",
                    org_id,
                    self.found(Organization, self.key("Organization", org_id)) or Organization(),
                    {
                        "name": values["OrganizationName"][:200],
                        "common_name": values["OrganizationCommonName"][:200],
                        "victim_service_provider": values["VictimServiceProvider"],
                    },
                    author=self.author(row.get("UserID", "")),
                )
        except BadValue as bad:
            self.skip("Organization", line, bad.column, bad.value, bad.reason)
        except ValidationError as error:
            column, reason = _reasons(error, {"OrganizationName": "name"})
            self.skip("Organization", line, column, "", reason)
        return None

    def import_project(self, row, organization, funder, coc) -> Project:
        project_id = row.get("ProjectID", "")
        try:
            values = _values("Project", row, list(PROJECT_COLUMNS)[:7])
            if coc is None:
                raise BadValue(
                    "ProjectID", project_id, "has no row in ProjectCoC.csv (its CoC code)"
                )
            values.update(_values("ProjectCoC", coc, ("CoCCode",)))
            if funder is not None:
                values.update(_values("Funder", funder, ("Funder", "OtherFunder", "GrantID")))
        except BadValue as bad:
            raise _Skipped.of(bad) from None
        fields = {
            PROJECT_COLUMNS[column]: value
            for column, value in values.items()
            if value is not None or column == "OperatingEndDate"
        }
        fields["organization_id"] = organization.pk
        fields["name"] = fields["name"][:200]
        project = self.found(Project, self.key("Project", project_id)) or Project()
        return self.save(
            "Project", project_id, project, fields, author=self.author(row.get("UserID", ""))
        )

    # Enrollments and their dependants, grouped -----------------------------------------------

    def group_enrollments(self) -> None:
        self.by_client: dict[str, list[tuple[int, dict]]] = defaultdict(list)
        self.enrollment_ids: set[str] = set()  # every EnrollmentID in the file
        self.chosen_enrollments: set[str] = set()
        self.deleted_enrollments: set[str] = set()
        for line, row in self.rows("Enrollment"):
            enrollment_id = row.get("EnrollmentID", "")
            self.enrollment_ids.add(enrollment_id)
            if row.get("ProjectID", "") not in self.projects:
                self.count("Enrollment", "outside")
                continue
            if self.deleted("Enrollment", line, row, enrollment_id):
                self.deleted_enrollments.add(enrollment_id)
                continue
            self.chosen_enrollments.add(enrollment_id)
            self.by_client[row.get("PersonalID", "")].append((line, row))

    def group_children(self) -> None:
        self.children: dict[str, dict[str, list]] = {}
        for name in CHILD_FILES:
            groups = defaultdict(list)
            for line, row in self.rows(name):
                enrollment_id = row.get("EnrollmentID", "")
                if enrollment_id in self.chosen_enrollments:
                    if not self.deleted(name, line, row, row.get(CHILD_IDS[name], "")):
                        groups[enrollment_id].append((line, row))
                elif enrollment_id in self.deleted_enrollments:
                    self.skip(
                        name,
                        line,
                        "EnrollmentID",
                        enrollment_id,
                        "its enrollment was deleted in the source HMIS",
                    )
                elif enrollment_id in self.enrollment_ids:
                    self.count(name, "outside")
                else:
                    self.skip(
                        name,
                        line,
                        "EnrollmentID",
                        enrollment_id,
                        "refers to an enrollment not in Enrollment.csv",
                    )
            self.children[name] = groups

    def deleted(self, file, line, row, source_id) -> bool:
        """A row deleted in the source (DateDeleted) is not imported: skipped, and reported.
        An import never deletes here: a record imported from it before stays, since staff may
        have added to it, and the report asks for a review."""
        when = row.get("DateDeleted", "").strip()
        if not when:
            return False
        if (file, source_id) in self.known_keys:
            reason = (
                "deleted in the source HMIS; the record imported from it before stays here "
                "(an import deletes nothing): review it, and delete it here if it should go"
            )
        else:
            reason = "deleted in the source HMIS: not imported"
        self.skip(file, line, "DateDeleted", when, reason)
        return True

    # Skipping a whole tree -------------------------------------------------------------------

    def skip_enrollment_tree(self, line, row, column, value, reason) -> None:
        self.skip("Enrollment", line, column, value, reason)
        enrollment_id = row.get("EnrollmentID", "")
        because = f"its enrollment (EnrollmentID {enrollment_id}) was skipped"
        for name in CHILD_FILES:
            for child_line, _child in self.children[name].pop(enrollment_id, []):
                self.skip(name, child_line, "EnrollmentID", enrollment_id, because)

    def skip_client_tree(self, personal_id, group, *, reason) -> None:
        because = f"its client (PersonalID {personal_id}) was skipped ({reason})"
        for line, row in group:
            self.skip_enrollment_tree(line, row, "PersonalID", personal_id, because)

    # Clients ---------------------------------------------------------------------------------

    def import_clients(self) -> None:
        total = len(self.by_client)
        done = 0
        batch = []
        for line, row in self.rows("Client"):
            personal_id = row.get("PersonalID", "")
            group = self.by_client.pop(personal_id, None)
            if group is None:
                self.count("Client", "outside")
                continue
            if self.deleted("Client", line, row, personal_id):
                self.skip_client_tree(personal_id, group, reason="deleted in the source HMIS")
                continue
            batch.append((line, row, personal_id, group))
            if len(batch) == BATCH_CLIENTS:
                self.import_batch(batch)
                done += len(batch)
                batch = []
                if self.progress is not None:
                    self.progress(done, total)
        if batch:
            self.import_batch(batch)
            done += len(batch)
        for personal_id, group in self.by_client.items():
            for line, row in group:
                self.skip_enrollment_tree(
                    line, row, "PersonalID", personal_id, "refers to a client not in Client.csv"
                )
        if self.progress is not None:
            self.progress(done, total)

    def import_batch(self, batch) -> None:
        for _line, row, _personal_id, group in batch:
            self.prepare_authors(row, group)  # committed before: other records name them too
        enrollment_ids = [r.get("EnrollmentID", "") for *_, group in batch for _l, r in group]
        children = {
            name: {e: self.children[name][e] for e in enrollment_ids if e in self.children[name]}
            for name in CHILD_FILES
        }
        self.prefetch(batch)
        try:
            with self.batch():
                for client in batch:
                    self.import_client(*client)
        except (_BatchBroken, DatabaseError):
            if self.careful:
                raise
            # Rolled back whole: again, each client on its own and each record in its own
            # savepoint, so that the record the database refuses is skipped and reported.
            for name in CHILD_FILES:
                self.children[name].update(children[name])
            self.careful = True
            try:
                for client in batch:
                    with self.batch():
                        self.import_client(*client)
            finally:
                self.careful = False

    def import_client(self, line, row, personal_id, group) -> None:
        try:
            with self.unit(raises_before_writing=True):
                client = self.client_record(row, personal_id, group)
                for enrollment_line, enrollment_row in sorted(
                    group, key=lambda item: (item[1].get("EntryDate", ""), item[0])
                ):
                    self.import_enrollment(client, enrollment_line, enrollment_row)
            return
        except _Skipped as skipped:
            column, value, reason = skipped.column, skipped.value, skipped.reason
        except ValidationError as error:
            columns = {**export.CLIENT_COLUMNS, **export.CLIENT_FLAG_COLUMNS, "SSN": "ssn"}
            column, reason = _reasons(error, columns)
            value = row.get(column, "")
        except DatabaseError as error:
            column, value, reason = "", personal_id, _database_reason(error)
        self.skip("Client", line, column, value, reason)
        self.skip_client_tree(personal_id, group, reason=reason)

    def client_values(self, row, group) -> dict:
        values = _values(
            "Client", row, [*export.CLIENT_COLUMNS, *export.CLIENT_FLAG_COLUMNS, "SSN"]
        )
        fields = {name: values[column] for column, name in export.CLIENT_COLUMNS.items()}
        for column, name in export.CLIENT_FLAG_COLUMNS.items():
            fields[name] = values[column] == 1
        for name in ("first_name", "middle_name", "last_name", "additional_race_ethnicity"):
            fields[name] = fields[name][:100]
        fields["name_suffix"] = fields["name_suffix"][:20]
        fields["ssn"] = _ssn(values["SSN"])
        entries = sorted(r.get("EntryDate", "") for _l, r in group)
        first = entries[0] if entries and validator.KIND_TESTS[spec.D](entries[0]) else ""
        fields["program_start_date"] = date.fromisoformat(first) if first else timezone.localdate()
        exited = {
            enrollment_row.get("EnrollmentID", "")
            for _l, enrollment_row in group
            if self.children["Exit"].get(enrollment_row.get("EnrollmentID", ""))
        }
        still_open = [r for _l, r in group if r.get("EnrollmentID", "") not in exited]
        fields["status"] = Client.Status.ACTIVE if still_open else Client.Status.EXITED
        latest = max(group, key=lambda item: item[1].get("EntryDate", ""))[1]
        condition = latest.get("DisablingCondition", "")
        if condition.isdigit() and int(condition) in lists.DISABLING_CONDITION:
            fields["disabling_condition"] = int(condition)
        return fields

    def client_record(self, row, personal_id, group) -> Client:
        """The client, created, updated, linked or unchanged; raises _Skipped."""
        try:
            fields = self.client_values(row, group)
        except BadValue as bad:
            raise _Skipped.of(bad) from None
        author = self.author(row.get("UserID", ""))
        key = self.key("Client", personal_id)
        existing = self.found(Client, key)
        if existing is not None and key.linked:
            return self.fill_linked(existing, personal_id, fields, author)
        matches = []
        if existing is None:
            decision = self.decisions.get(personal_id)
            if decision is not None and decision.same is not None:
                return self.link(personal_id, decision.same, fields, author)
            matches = possible_duplicates(
                first_name=fields["first_name"],
                last_name=fields["last_name"],
                date_of_birth=fields["date_of_birth"],
                ssn=fields["ssn"],
            )
            if matches and decision is None:
                name = f"{fields['first_name']} {fields['last_name']}".strip()
                # Kept in the report whatever happens to this client's savepoint.
                self.batch_layer.duplicates.extend(
                    DuplicateCandidate(
                        personal_id=personal_id,
                        name=name,
                        birth_date=fields["date_of_birth"],
                        existing_client_id=match.client.pk,
                        existing_name=match.client.display_name,
                        score=match.score,
                    )
                    for match in matches
                )
                raise _Skipped("PersonalID", personal_id, DUPLICATE_REASON)
        # New clients join the intake queue: no case manager (a supervisor assigns them).
        client = existing or Client(team=self.team)
        client = self.save("Client", personal_id, client, fields, author=author)
        if matches:
            self.dismiss_pairs(client, matches)
        return client

    def dismiss_pairs(self, client, matches) -> None:
        """'Different people', decided on import: remembered as reviewed pairs, so the
        nightly duplicate sweep doesn't ask again."""
        for match in matches:
            first, second = sorted((client.pk, match.client.pk))
            DuplicatePair.objects.get_or_create(
                first_id=first,
                second_id=second,
                defaults={
                    "score": match.score,
                    "reasons": match.why[:300],
                    "dismissed_at": timezone.now(),
                    "dismissed_by": self.by,
                    "dismiss_note": "Different people (decided on the HMIS import).",
                },
            )

    def link(self, personal_id, client_id, fields, author) -> Client:
        existing = Client.objects.filter(pk=client_id).first()
        if existing is None:
            raise _Skipped(
                "PersonalID", personal_id, f"the decision names client {client_id}, who is not here"
            )
        self.store_key("Client", personal_id, existing, "", author=author, linked=True)
        return self.fill_linked(existing, personal_id, fields, author, linking=True)

    # What a linked profile takes from the import: only what it doesn't say yet.
    FILLED = {
        "middle_name": "",
        "name_suffix": "",
        "date_of_birth": None,
        "ssn": "",
        "additional_race_ethnicity": "",
        "sex": 99,
        "veteran_status": 99,
    }
    QUALITY_OF = {"date_of_birth": "dob_data_quality", "ssn": "ssn_data_quality"}

    def fill_linked(self, client, personal_id, fields, author, linking=False) -> Client:
        """A client found to be someone already here: their profile is the one staff keep,
        so nothing is overwritten; an empty value is filled from the import (nothing lost)."""
        changed = {}
        for name, empty in self.FILLED.items():
            incoming = fields.get(name)
            if getattr(client, name) == empty and incoming not in (empty, None, 99, ""):
                changed[name] = incoming
                if name in self.QUALITY_OF:
                    changed[self.QUALITY_OF[name]] = fields[self.QUALITY_OF[name]]
        if changed:
            for name, value in changed.items():
                setattr(client, name, value)
            try:
                client.full_clean(exclude=["team", "case_manager"], validate_constraints=False)
            except ValidationError:
                client.refresh_from_db()  # a fill that breaks a rule is left out
                changed = {}
        if changed:
            client.save()
            self.store_key("Client", personal_id, client, "", author=author, linked=True)
        self.count("Client", "updated" if changed else "unchanged")
        return client

    # Enrollments -----------------------------------------------------------------------------

    def import_enrollment(self, client, line, row) -> None:
        enrollment_id = row.get("EnrollmentID", "")
        try:
            with self.unit():
                self.enrollment_record(client, row, enrollment_id)
        except _Skipped as skipped:
            self.skip_enrollment_tree(line, row, skipped.column, skipped.value, skipped.reason)
            return
        except ValidationError as error:
            column, reason = _reasons(error, {**export.ENROLLMENT_COLUMNS, **export.EXIT_COLUMNS})
            self.skip_enrollment_tree(line, row, column, row.get(column, ""), reason)
            return
        except DatabaseError as error:
            self.skip_enrollment_tree(line, row, "", enrollment_id, _database_reason(error))
            return
        for name in CHILD_FILES:
            self.children[name].pop(enrollment_id, None)

    def enrollment_record(self, client, row, enrollment_id) -> None:
        project = self.projects.get(row.get("ProjectID", ""))
        if project is None:
            raise _Skipped("ProjectID", row.get("ProjectID", ""), "its project was skipped")
        try:
            values = _values(
                "Enrollment", row, [*export.ENROLLMENT_COLUMNS, "HouseholdID", "MoveInDate"]
            )
        except BadValue as bad:
            raise _Skipped.of(bad) from None
        entry = {name: values[column] for column, name in export.ENROLLMENT_COLUMNS.items()}
        entry = _with_defaults(Enrollment, entry)
        exit_id, exits = self.exit_of(enrollment_id)
        move_in = values["MoveInDate"]
        if move_in is not None and exits and exits["exit_date"] and move_in > exits["exit_date"]:
            raise _Skipped("MoveInDate", str(move_in), f"is after the exit ({exits['exit_date']})")
        household = self.household(values["HouseholdID"], project)
        author = self.author(row.get("UserID", ""))
        key = self.key("Enrollment", enrollment_id)
        enrollment = self.found(Enrollment, key)
        new = enrollment is None
        links = {"client_id": client.pk, "project_id": project.pk, "household_id": household.pk}
        entry_digest = _digest({**entry, **links})
        entry_changed = new or key.digest != entry_digest
        exit_key = self.key("Exit", exit_id) if exits else None
        exit_digest = _digest(exits) if exits else ""
        exit_changed = bool(exits) and (new or exit_key is None or exit_key.digest != exit_digest)
        # Entry data and exit are one record here: one save (one history row), counted in
        # each file. An exit missing from a later export is not undone here.
        if entry_changed or exit_changed:
            enrollment = enrollment or Enrollment()
            for name, value in {**entry, **links, **(exits or {})}.items():
                setattr(enrollment, name, value)
            # The instances themselves, so the model's rules don't fetch them again.
            enrollment.client, enrollment.project, enrollment.household = client, project, household
            enrollment.full_clean(
                exclude=["client", "project", "household"],
                validate_unique=False,
                validate_constraints=False,
            )
            enrollment.save()
        if entry_changed:
            self.store_key("Enrollment", enrollment_id, enrollment, entry_digest, author=author)
        self.count("Enrollment", "imported" if new else "updated" if entry_changed else "unchanged")
        if exits:
            if exit_changed:
                self.store_key("Exit", exit_id, enrollment, exit_digest)
            outcome = "imported" if new or exit_key is None else "updated"
            self.count("Exit", outcome if exit_changed else "unchanged")
        if move_in is not None:
            self.placement(client, enrollment, enrollment_id, move_in)
        self.import_assessments(client, enrollment, enrollment_id)

    def exit_of(self, enrollment_id) -> tuple[str, dict | None]:
        """The enrollment's exit (ExitID, fields) from Exit.csv; a second exit is skipped."""
        found = None
        for line, row in self.children["Exit"].get(enrollment_id, []):
            if found is not None:
                self.skip(
                    "Exit", line, "EnrollmentID", enrollment_id, "a second exit of this enrollment"
                )
                continue
            try:
                values = _values("Exit", row, export.EXIT_COLUMNS)
            except BadValue as bad:
                raise _Skipped(
                    bad.column, bad.value, f"its exit (Exit.csv line {line}) {bad.reason}"
                ) from None
            exits = {name: values[column] for column, name in export.EXIT_COLUMNS.items()}
            exits["other_destination"] = exits["other_destination"][:100]
            found = (row.get("ExitID", ""), exits)
        return found if found is not None else ("", None)

    def household(self, household_id: str, project) -> Household:
        household = self.found(Household, self.key("Household", household_id))
        if household is None:
            household = Household.objects.create(project=project)
            self.store_key("Household", household_id, household, "")
        return household

    def placement(self, client, enrollment, enrollment_id, move_in) -> None:
        """3.20 Housing move-in: a placement housed from that day; when the enrollment has
        exited, the placement's exit follows it (with the destination)."""
        exited = enrollment.exit_date is not None
        destination = enrollment.destination
        if exited and destination is None:
            destination = Destination.DATA_NOT_COLLECTED
        fields = {
            "search_started_on": min(move_in, enrollment.entry_date),
            "move_in_date": move_in,
            "exit_date": enrollment.exit_date,
            "exit_destination": destination if exited else None,
            "exit_reason": _exit_reason(destination) if exited else "",
            "exit_rental_subsidy_type": enrollment.destination_subsidy_type
            if exited and destination == Destination.RENTAL_WITH_SUBSIDY
            else None,
        }
        file = "Enrollment.MoveInDate"
        key = self.key(file, enrollment_id)
        placement = self.found(Placement, key)
        digest = _digest(fields)
        if placement is not None and key.digest == digest:
            return
        placement = placement or Placement(client=client)
        for name, value in fields.items():
            setattr(placement, name, value)
        placement.full_clean(exclude=["client", "subsidy_type"], validate_constraints=False)
        placement.save()
        self.store_key(file, enrollment_id, placement, digest)

    # Assessments -----------------------------------------------------------------------------

    def import_assessments(self, client, enrollment, enrollment_id) -> None:
        by_moment = {}  # (stage, information date) -> (line, assessment or None if skipped)
        for line, row in self.children["IncomeBenefits"].get(enrollment_id, []):
            moment = (row.get("DataCollectionStage", ""), row.get("InformationDate", ""))
            try:
                with self.unit(raises_before_writing=True):
                    assessment = self.assessment(client, enrollment, row)
                by_moment.setdefault(moment, (line, assessment))
                continue
            except _Skipped as skipped:
                column, value, reason = skipped.column, skipped.value, skipped.reason
            except ValidationError as error:
                column, reason = _reasons(error, ASSESSMENT_COLUMNS)
                value = row.get(column, "")
            except DatabaseError as error:
                column, value, reason = "", row.get("IncomeBenefitsID", ""), _database_reason(error)
            self.skip("IncomeBenefits", line, column, value, reason)
            by_moment.setdefault(moment, (line, None))
        for name in ("Disabilities", "HealthAndDV"):
            columns = export.DISABILITY_COLUMNS if name == "Disabilities" else export.DV_COLUMNS
            for line, row in self.children[name].get(enrollment_id, []):
                try:
                    with self.unit(raises_before_writing=True):
                        self.answer(name, columns, client, row, by_moment)
                    continue
                except _Skipped as skipped:
                    column, value, reason = skipped.column, skipped.value, skipped.reason
                except ValidationError as error:
                    column, reason = _reasons(error, columns)
                    value = row.get(column, "")
                except DatabaseError as error:
                    column, value, reason = "", "", _database_reason(error)
                self.skip(name, line, column, value, reason)

    def assessment(self, client, enrollment, row) -> Assessment:
        try:
            values = _values("IncomeBenefits", row, ASSESSMENT_COLUMNS)
        except BadValue as bad:
            raise _Skipped.of(bad) from None
        fields = {name: values[column] for column, name in export.INCOME_BENEFITS_COLUMNS.items()}
        for name in (
            "other_income_source_identify",
            "other_benefits_source_identify",
            "other_insurance_identify",
        ):
            fields[name] = fields[name][:50]
        for name, column, _label in SOURCES:
            fields[name] = values[column] == 1
        for name, column, _label in hud.INCOME_SOURCES:
            amount = values[export.amount_column(column)]
            fields[f"{name}_amount"] = amount if fields[name] else None
        # The total is ours to compute from the sources (as the form does).
        fields["total_monthly_income"] = rules.total_monthly_income(Assessment(**fields))
        fields["client_id"] = client.pk
        fields["enrollment_id"] = enrollment.pk
        assessment_id = row.get("IncomeBenefitsID", "")
        assessment = self.found(Assessment, self.key("IncomeBenefits", assessment_id))
        if assessment is None:
            assessment = Assessment(recorded_by=self.recorder(row.get("UserID", "")))
        assessment.enrollment = enrollment  # for the model's rules
        return self.save(
            "IncomeBenefits",
            assessment_id,
            assessment,
            fields,
            author=self.author(row.get("UserID", "")),
        )

    def answer(self, name, columns, client, row, by_moment) -> None:
        try:
            values = _values(name, row, [*columns, "DataCollectionStage", "InformationDate"])
        except BadValue as bad:
            raise _Skipped.of(bad) from None
        moment = (row.get("DataCollectionStage", ""), row.get("InformationDate", ""))
        found = by_moment.get(moment)
        if found is None:
            raise _Skipped(
                "InformationDate",
                row.get("InformationDate", ""),
                "no IncomeBenefits row of this enrollment has this InformationDate and "
                "DataCollectionStage (the assessment it belongs to)",
            )
        assessment_line, assessment = found
        if assessment is None:
            raise _Skipped(
                "InformationDate",
                row.get("InformationDate", ""),
                f"its assessment (IncomeBenefits.csv line {assessment_line}) was skipped",
            )
        fields = {field_name: values[column] for column, field_name in columns.items()}
        if name == "Disabilities":
            model, source_id = DisabilityAnswer, row.get("DisabilitiesID", "")
            if fields["disability_type"] in hud.DisabilityType.values:
                errors = rules.disability_errors(**fields)
                if errors:
                    raise ValidationError(errors)
        else:
            model, source_id = DomesticViolenceAnswer, row.get("HealthAndDVID", "")
        record = self.found(model, self.key(name, source_id)) or model()
        fields["client_id"] = client.pk
        fields["assessment_id"] = assessment.pk
        self.save(
            name, source_id, record, fields, author=self.author(row.get("UserID", "")), leaf=True
        )


PROJECT_COLUMNS = {
    "ProjectName": "name",
    "ProjectCommonName": "common_name",
    "OperatingStartDate": "operating_start_date",
    "OperatingEndDate": "operating_end_date",
    "ContinuumProject": "continuum_project",
    "ProjectType": "project_type",
    "HousingType": "housing_type",
    "CoCCode": "coc_code",
    "Funder": "funder",
    "OtherFunder": "other_funder",
    "GrantID": "grant_id",
}
SOURCES = (*hud.INCOME_SOURCES, *hud.BENEFIT_SOURCES, *hud.INSURANCE_SOURCES)
ASSESSMENT_COLUMNS = {
    **export.INCOME_BENEFITS_COLUMNS,
    **{column: name for name, column, _label in SOURCES},
    **{export.amount_column(column): f"{name}_amount" for name, column, _l in hud.INCOME_SOURCES},
}


def _database_reason(error: DatabaseError) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    known = (
        (("one_open_enrollment", "enrollments_enrollment.client_id"),
         "the client already has an open enrollment here"),
        (("one_head_per_household", "enrollments_enrollment.household_id"),
         "the household already has a head of household"),
        (("one_open_placement", "placements_placement.client_id"),
         "the client already has an open placement here"),
        (("one_entry_and_exit_assessment", "enrollments_assessment.enrollment_id"),
         "the enrollment already has an assessment at this stage"),
        (("one_answer_per_disability", "disabilityanswer"),
         "a second answer for this disability type at this assessment"),
        (("domesticviolenceanswer",), "a second domestic-violence answer at this assessment"),
    )  # fmt: skip
    for needles, reason in known:
        if any(needle in text for needle in needles):
            return reason
    return f"conflicts with a record already here ({text})"
