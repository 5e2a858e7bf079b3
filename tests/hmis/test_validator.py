"""The HMIS CSV validator catches each class of problem, naming file, line, column and value.

Each test starts from the valid minimal export (tests/hmis/zips.py) and breaks one rule.
"""

import codecs
import io
import zipfile

import pytest

from hmis import spec
from hmis.validator import ERROR, WARNING, Check, validate
from tests.hmis.zips import EXPORT_ID, csv_bytes, minimal_files, row, write_zip, zip_of


def problems(report, check):
    return [problem for problem in report.problems if problem.check == check]


def only(report, check):
    """The one problem of this class (and, the minimal export being valid, the only error)."""
    found = problems(report, check)
    assert len(found) == 1, [str(problem) for problem in report.problems]
    return found[0]


def where(problem):
    return problem.file, problem.line, problem.column, problem.value


def client_csv(rows, header=None):
    header = header or spec.header("Client")
    return csv_bytes(header, [[r.get(c, "") for c in spec.header("Client")] for r in rows])


def test_the_minimal_export_is_valid():
    report = validate(zip_of())
    assert report.ok
    assert report.problems == []
    assert report.errors == report.warnings == 0
    assert set(report.counts) == set(spec.file_names())
    assert report.counts["Client.csv"].rows == 2
    assert report.counts["Affiliation.csv"].rows == 0


def test_a_path_is_read_like_a_file(tmp_path):
    path = tmp_path / "export.zip"
    write_zip(path)
    assert validate(path).ok
    assert validate(str(path)).ok


# The zip and its files ---------------------------------------------------------------------


def test_not_a_zip():
    problem = only(validate(io.BytesIO(b"PersonalID,FirstName\r\n")), Check.NOT_A_ZIP)
    assert problem.severity == ERROR
    assert problem.message == "not a zip file"


def test_a_file_that_cannot_be_opened(tmp_path):
    report = validate(tmp_path / "nowhere.zip")
    assert not report.ok
    assert "cannot be read" in only(report, Check.NOT_A_ZIP).message


def test_missing_file():
    report = validate(zip_of(omit=("Client",)))
    problem = only(report, Check.MISSING_FILE)
    assert where(problem) == ("Client.csv", None, "", "")
    # The files that refer to clients are not flooded with references to a missing file.
    assert problems(report, Check.REFERENCE) == []
    assert report.errors == 1


def test_file_names_are_case_sensitive():
    files = minimal_files()
    header = spec.header("Client")
    content = csv_bytes(header, [[r[c] for c in header] for r in files["Client"]])
    report = validate(zip_of(files, omit=("Client",), raw={"client.csv": content}))
    problem = only(report, Check.MISSING_FILE)
    assert problem.file == "Client.csv"
    assert "client.csv" in problem.message
    assert problems(report, Check.EXTRA_FILE) == []


def test_an_extra_file_is_a_warning():
    report = validate(zip_of(raw={"README.txt": b"exported by hand"}))
    problem = only(report, Check.EXTRA_FILE)
    assert (problem.file, problem.severity) == ("README.txt", WARNING)
    assert report.ok
    assert report.warnings == 1


def test_files_in_a_folder_are_an_error_but_are_still_checked():
    files = minimal_files()
    files["Client"][0]["DOB"] = "1980-02-30"
    report = validate(zip_of(files, folder="export/"))
    assert only(report, Check.LAYOUT).file == "export/"
    assert problems(report, Check.MISSING_FILE) == []
    assert where(only(report, Check.TYPE)) == ("Client.csv", 2, "DOB", "1980-02-30")


def test_a_damaged_zip_is_reported_not_raised():
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for entry in zipfile.ZipFile(zip_of()).infolist():
            archive.writestr(entry.filename, zipfile.ZipFile(zip_of()).read(entry.filename))
    data = bytearray(target.getvalue())
    at = data.index(b"PersonalID,FirstName")
    data[at + 3] ^= 0x20  # a flipped bit: the CRC no longer matches
    report = validate(io.BytesIO(bytes(data)))
    assert only(report, Check.DAMAGED).file == "Client.csv"


# Headers -----------------------------------------------------------------------------------


def test_header_case_differs():
    header = ["hispaniclatinao" if c == "HispanicLatinao" else c for c in spec.header("Client")]
    report = validate(zip_of(raw={"Client.csv": client_csv(minimal_files()["Client"], header)}))
    problem = only(report, Check.HEADER)
    assert where(problem) == ("Client.csv", 1, "HispanicLatinao", "hispaniclatinao")
    assert "case-sensitive" in problem.message


def test_header_out_of_order():
    header = spec.header("Client")
    header[1], header[3] = header[3], header[1]  # LastName before FirstName
    rows = [[r[c] for c in header] for r in minimal_files()["Client"]]
    report = validate(zip_of(raw={"Client.csv": csv_bytes(header, rows)}))
    problem = only(report, Check.HEADER)
    assert where(problem) == ("Client.csv", 1, "LastName", "LastName")
    assert "column 2 should be FirstName" in problem.message
    assert report.errors == 1  # the rows are still read by name


def test_fy2024_header_names_are_missing_and_extra_columns():
    header = spec.header("Client")
    header[header.index("HispanicLatinao")] = "HispanicLatinaeo"
    rows = [[r[c] for c in spec.header("Client")] for r in minimal_files()["Client"]]
    report = validate(zip_of(raw={"Client.csv": csv_bytes(header, rows)}))
    found = {where(problem) for problem in problems(report, Check.HEADER)}
    assert found == {
        ("Client.csv", 1, "HispanicLatinao", ""),
        ("Client.csv", 1, "HispanicLatinaeo", "HispanicLatinaeo"),
    }


def test_an_empty_file_has_no_header():
    report = validate(zip_of(raw={"Funder.csv": b""}))
    assert where(only(report, Check.HEADER)) == ("Funder.csv", 1, "", "")


def test_a_byte_order_mark_is_a_warning_and_the_header_still_matches():
    content = codecs.BOM_UTF8 + client_csv(minimal_files()["Client"])
    report = validate(zip_of(raw={"Client.csv": content}))
    assert only(report, Check.BYTE_ORDER_MARK).severity == WARNING
    assert report.ok


# Rows: types, lists, required columns --------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "column", "value"),
    [
        ("Inventory", "UnitInventory", "ten"),  # integer
        ("Inventory", "BedInventory", "2.0"),
        ("Client", "VeteranStatus", "1.0"),  # integer on a list column
        ("IncomeBenefits", "TotalMonthlyIncome", "1200.505"),  # money: two decimals at most
        ("IncomeBenefits", "EarnedAmount", "$1,200"),
        ("Client", "DOB", "04/01/1980"),  # date
        ("Client", "DOB", "1980-02-30"),  # not a real date
        ("Enrollment", "EntryDate", "2025-1-1"),
        ("Client", "DateUpdated", "2025-01-02T09:30:00"),  # date and time
        ("Client", "DateCreated", "2025-01-02"),
        ("Exit", "DateDeleted", "2025-13-02 09:30:00"),
    ],
)
def test_data_types_and_formats(file, column, value):
    files = minimal_files()
    files[file][0][column] = value
    problem = only(validate(zip_of(files)), Check.TYPE)
    assert where(problem) == (f"{file}.csv", 2, column, value)


@pytest.mark.parametrize(
    ("file", "column", "value"),
    [("Enrollment", "EntryDate", "2025-01-01"), ("IncomeBenefits", "TotalMonthlyIncome", "12.5")],
)
def test_valid_formats_pass(file, column, value):
    files = minimal_files()
    files[file][0][column] = value
    assert validate(zip_of(files)).ok


@pytest.mark.parametrize(
    ("file", "column", "value"),
    [
        ("Exit", "Destination", "999"),
        ("Enrollment", "LivingSituation", "312"),  # a destination, not a prior living situation
        ("Enrollment", "RelationshipToHoH", "6"),
        ("Enrollment", "DisablingCondition", "2"),
        ("Client", "VeteranStatus", "7"),
        ("Client", "AmIndAKNative", "8"),  # race flags are 1.7: no, yes, not collected
        ("Client", "Sex", "2"),
        ("IncomeBenefits", "DataCollectionStage", "4"),
        ("Export", "HashStatus", "5"),
    ],
)
def test_values_outside_huds_lists(file, column, value):
    files = minimal_files()
    files[file][0][column] = value
    problem = only(validate(zip_of(files)), Check.VALUE)
    assert where(problem) == (f"{file}.csv", 2, column, value)
    assert "HUD's list" in problem.message


@pytest.mark.parametrize(
    ("file", "column"),
    [("Client", "NameDataQuality"), ("Enrollment", "EntryDate"), ("Exit", "UserID")],
)
def test_required_columns(file, column):
    files = minimal_files()
    files[file][0][column] = ""
    problem = only(validate(zip_of(files)), Check.REQUIRED)
    assert where(problem) == (f"{file}.csv", 2, column, "")


def test_a_row_with_a_missing_field():
    header = spec.header("Client")
    rows = [[r[c] for c in header] for r in minimal_files()["Client"]]
    rows[1].pop()
    report = validate(zip_of(raw={"Client.csv": csv_bytes(header, rows)}))
    problem = only(report, Check.ROW_LENGTH)
    assert (problem.file, problem.line) == ("Client.csv", 3)
    assert f"the header has {len(header)}" in problem.message


def test_a_malformed_csv_stops_that_file_with_a_problem():
    rows = [row("Client", FirstName="x" * 200_000)]
    report = validate(zip_of(raw={"Client.csv": client_csv(rows)}))
    assert only(report, Check.MALFORMED).file == "Client.csv"


def test_lines_count_physical_lines_when_a_value_spans_two():
    files = minimal_files()
    files["Client"][0]["FirstName"] = "Ann\nMarie"  # quoted in the CSV, on two lines
    files["Client"][1]["DOB"] = "2015-02-30"
    problem = only(validate(zip_of(files)), Check.TYPE)
    assert where(problem) == ("Client.csv", 4, "DOB", "2015-02-30")


# Keys and references -------------------------------------------------------------------------


def test_duplicate_keys():
    files = minimal_files()
    files["Client"].append(row("Client", PersonalID="C1"))
    problem = only(validate(zip_of(files)), Check.DUPLICATE_KEY)
    assert where(problem) == ("Client.csv", 4, "PersonalID", "C1")


def test_export_rows_have_no_key_rule_but_one_row():
    files = minimal_files()
    files["Export"].append(row("Export"))
    problem = only(validate(zip_of(files)), Check.EXPORT_ROWS)
    assert (problem.file, problem.line) == ("Export.csv", 3)
    assert problems(validate(zip_of(files)), Check.DUPLICATE_KEY) == []


def test_an_export_without_its_row():
    files = minimal_files()
    files["Export"] = []
    problem = only(validate(zip_of(files)), Check.EXPORT_ROWS)
    assert (problem.file, problem.line) == ("Export.csv", None)


@pytest.mark.parametrize(
    ("file", "column", "value", "target"),
    [
        ("Enrollment", "PersonalID", "C9", "Client"),
        ("Enrollment", "ProjectID", "P9", "Project"),
        ("Exit", "EnrollmentID", "E9", "Enrollment"),
        ("IncomeBenefits", "PersonalID", "C9", "Client"),
        ("Client", "UserID", "U9", "User"),
        ("Project", "OrganizationID", "O9", "Organization"),
        ("AssessmentResults", "AssessmentID", "A9", "Assessment"),
    ],
)
def test_references_to_missing_rows(file, column, value, target):
    files = minimal_files()
    files[file][0][column] = value
    found = problems(validate(zip_of(files)), Check.REFERENCE)
    assert where(found[0]) == (f"{file}.csv", 2, column, value)
    assert f"{target}.csv" in found[0].message


def test_a_row_of_another_export():
    files = minimal_files()
    files["Client"][1]["ExportID"] = "EXPORT2"
    problem = only(validate(zip_of(files)), Check.EXPORT_ID)
    assert where(problem) == ("Client.csv", 3, "ExportID", "EXPORT2")
    assert EXPORT_ID in problem.message


def test_a_record_of_an_enrollment_names_another_client():
    files = minimal_files()
    files["Exit"][0]["PersonalID"] = "C2"  # E1 is C1's enrollment
    problem = only(validate(zip_of(files)), Check.REFERENCE)
    assert where(problem) == ("Exit.csv", 2, "PersonalID", "C2")
    assert "(C1)" in problem.message


# Households and dates -------------------------------------------------------------------------


def test_two_heads_of_household():
    files = minimal_files()
    files["Enrollment"][1]["RelationshipToHoH"] = "1"
    problem = only(validate(zip_of(files)), Check.HEAD_OF_HOUSEHOLD)
    assert where(problem) == ("Enrollment.csv", 3, "RelationshipToHoH", "1")
    assert "HH1" in problem.message and "line 2" in problem.message


def test_a_household_without_a_head():
    files = minimal_files()
    files["Enrollment"][0]["RelationshipToHoH"] = "3"
    problem = only(validate(zip_of(files)), Check.HEAD_OF_HOUSEHOLD)
    assert where(problem) == ("Enrollment.csv", 2, "HouseholdID", "HH1")


def test_a_deleted_head_does_not_count():
    files = minimal_files()
    files["Enrollment"].append(
        row("Enrollment", EnrollmentID="E3", DateDeleted="2025-03-01 10:00:00")
    )
    assert validate(zip_of(files)).ok


def test_exit_before_entry():
    files = minimal_files()
    files["Exit"][0]["ExitDate"] = "2024-12-31"
    problem = only(validate(zip_of(files)), Check.EXIT_BEFORE_ENTRY)
    assert where(problem) == ("Exit.csv", 2, "ExitDate", "2024-12-31")


def test_exit_on_the_day_of_entry_is_fine():
    files = minimal_files()
    files["Exit"][0]["ExitDate"] = "2025-01-01"
    files["Enrollment"][0]["MoveInDate"] = ""
    assert validate(zip_of(files)).ok


def test_move_in_before_entry():
    files = minimal_files()
    files["Enrollment"][0]["MoveInDate"] = "2024-12-01"
    problem = only(validate(zip_of(files)), Check.MOVE_IN_BEFORE_ENTRY)
    assert where(problem) == ("Enrollment.csv", 2, "MoveInDate", "2024-12-01")


# The Export row, characters ------------------------------------------------------------------


def test_wrong_csv_version():
    files = minimal_files()
    files["Export"][0]["CSVVersion"] = "2024 v1.3"
    problem = only(validate(zip_of(files)), Check.CSV_VERSION)
    assert where(problem) == ("Export.csv", 2, "CSVVersion", "2024 v1.3")


def test_non_ascii_characters():
    files = minimal_files()
    files["Client"][1]["FirstName"] = "José"
    problem = only(validate(zip_of(files)), Check.NON_ASCII)
    assert where(problem) == ("Client.csv", 3, "FirstName", "José")
    assert "'é'" in problem.message


def test_bytes_that_are_not_utf8():
    header = spec.header("Client")
    content = client_csv(minimal_files()["Client"]).replace(b"\r\nC2,", b"\r\nC\xe92,")
    report = validate(zip_of(raw={"Client.csv": content}))
    problem = problems(report, Check.NON_ASCII)[0]
    assert (problem.file, problem.line, problem.column) == ("Client.csv", 3, header[0])
    assert "not UTF-8" in problem.message


# Caps and counts ------------------------------------------------------------------------------


def test_problems_are_capped_per_file_and_check_but_all_counted():
    files = minimal_files()
    files["Client"] += [row("Client", PersonalID=f"D{i}", DOB="01/01/1990") for i in range(50)]
    report = validate(zip_of(files), max_problems=5)
    assert len(problems(report, Check.TYPE)) == 5
    assert report.by_check["Client.csv", Check.TYPE] == 50
    assert report.counts["Client.csv"].errors == 50
    assert report.counts["Client.csv"].rows == 52
    assert report.omitted() == {("Client.csv", Check.TYPE): 45}
    assert [problem.line for problem in problems(report, Check.TYPE)] == [4, 5, 6, 7, 8]


def test_references_to_a_file_read_only_in_part_are_not_judged():
    rows = [row("Client", FirstName="x" * 200_000), row("Client", PersonalID="C2")]
    report = validate(zip_of(raw={"Client.csv": client_csv(rows)}))
    assert problems(report, Check.REFERENCE) == []
