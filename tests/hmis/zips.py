"""Build HMIS CSV zips in tests: a valid minimal FY2026 export from hmis.spec's headers, which
a test then changes to break one rule (or the exporter and import tests reuse as it is).

    files = minimal_files()                         # file name -> list of rows (dicts)
    files["Client"][0]["DOB"] = "1980-02-30"
    report = validate(zip_of(files))

Every column of every row has a value of its kind: the required ones something valid, the
others empty unless set. The households: C1 heads household HH1 with her child C2; C1 exited.
"""

import csv
import io
import zipfile

from hmis import lists, spec

EXPORT_ID = "EXPORT1"

# The key a file's first column holds in its first row, for the keys other files refer to.
KEYS = {
    "UserID": "U1",
    "OrganizationID": "O1",
    "ProjectID": "P1",
    "PersonalID": "C1",
    "EnrollmentID": "E1",
    "AssessmentID": "A1",
    "ExportID": EXPORT_ID,
}
VALUES = {
    "ResProjectID": "P1",
    "CSVVersion": spec.CSV_VERSION,
    "SourceType": "2",
    "SourceName": "Housing First Program",
    "ExportPeriodType": "3",
    "ExportDirective": "2",
    "HashStatus": "1",
    "CoCCode": "XX-500",
    "ExportDate": "2025-12-31 23:00:00",
    "ExportStartDate": "2025-01-01",
    "ExportEndDate": "2025-12-31",
    "DateCreated": "2025-01-01 09:00:00",
    "DateUpdated": "2025-01-02 09:30:00",
    "EntryDate": "2025-01-01",
    "HouseholdID": "HH1",
    "RelationshipToHoH": "1",
    "ProjectType": "3",
    "Destination": "410",
}
KIND_DEFAULTS = {
    spec.S: "x",
    spec.I: "1",
    spec.M: "0.00",
    spec.D: "2025-03-01",
    spec.T: "2025-03-01 12:00:00",
}


def value_for(column: spec.Column) -> str:
    if column.name in KEYS:
        return KEYS[column.name]
    if column.name in VALUES:
        return VALUES[column.name]
    if not column.required:
        return ""
    if column.values:
        return str(min(lists.named(column.values)))
    return KIND_DEFAULTS[column.kind]


def row(name: str, **values: str) -> dict[str, str]:
    """A valid row of file ``name`` (e.g. "Client"): its key and references are those of the
    first rows (U1, P1, C1, E1, ...), ``values`` set any column."""
    columns = spec.FILES[name]
    made = {column.name: value_for(column) for column in columns}
    if columns[0].name not in KEYS:
        made[columns[0].name] = f"{name}1"
    unknown = set(values) - set(made)
    if unknown:
        raise KeyError(f"{name} has no column {sorted(unknown)}")
    made.update(values)
    return made


def minimal_files() -> dict[str, list[dict[str, str]]]:
    """A valid FY2026 export: one row in most files, a household of two, one file header-only."""
    files = {name: [row(name)] for name in spec.FILES}
    files["Affiliation"] = []  # a file with nothing to say: its header line only
    files["Client"].append(row("Client", PersonalID="C2", DOB="2015-05-05"))
    files["Client"][0]["DOB"] = "1980-04-01"
    files["Enrollment"][0]["MoveInDate"] = "2025-02-01"
    files["Enrollment"].append(
        row("Enrollment", EnrollmentID="E2", PersonalID="C2", RelationshipToHoH="2")
    )
    files["Exit"][0]["ExitDate"] = "2025-06-30"
    return files


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def zip_of(
    files: dict[str, list[dict[str, str]]] | None = None,
    *,
    folder: str = "",
    omit: tuple[str, ...] = (),
    raw: dict[str, bytes] | None = None,
) -> io.BytesIO:
    """The zip of ``files`` (default: the minimal export), each with HUD's header; ``omit``
    leaves files out (by name, "Client"), ``raw`` adds or replaces entries byte for byte
    ({"Client.csv": b"..."}), ``folder`` puts the files inside one ("export/")."""
    files = minimal_files() if files is None else files
    raw = raw or {}
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            file_name = f"{name}.csv"
            if name in omit or file_name in raw:
                continue
            header = spec.header(name)
            archive.writestr(
                folder + file_name, csv_bytes(header, [[r[c] for c in header] for r in rows])
            )
        for entry, content in raw.items():
            archive.writestr(folder + entry, content)
    target.seek(0)
    return target


def write_zip(path, files=None, **options) -> None:
    """Write ``zip_of(files, **options)`` to ``path``."""
    with open(path, "wb") as out:
        out.write(zip_of(files, **options).getvalue())
