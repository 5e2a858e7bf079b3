"""Benchmark the HMIS CSV import (FY2026): total time, rows per second per file and the peak
memory of the process. Not part of the test suite.

It writes (or takes, ``--zip``) an export of ``--clients`` clients (default 5,000), each enrolled
in one PSH project (a third exited, with a destination; half moved in), each with an entry and
an annual IncomeBenefits row, six Disabilities rows and a HealthAndDV row at entry; then runs
the import as ``manage.py import_hmis`` does. Every client is decided "different people" (the
synthetic names may look alike), so the duplicate check runs for each.

Use a throwaway, migrated database (the import writes into it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hf_import \\
        .venv/bin/python benchmarks/import_hmis.py --clients 5000
"""

import argparse
import csv
import resource
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from django_setup import setup  # noqa: E402 (benchmarks/, next to this script)

setup()

from hmis import spec  # noqa: E402
from hmis.importer import import_zip  # noqa: E402

EXPORT_ID = "BENCH1"
STAMP = {"DateCreated": "2024-01-01 09:00:00", "DateUpdated": "2024-01-01 09:00:00",
         "UserID": "U1", "ExportID": EXPORT_ID}  # fmt: skip
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "be", "do", "fu", "ga", "hi", "jo"]


def _name(n: int, length: int) -> str:
    parts = []
    for _ in range(length):
        parts.append(SYLLABLES[n % len(SYLLABLES)])
        n //= len(SYLLABLES)
    return "".join(parts).capitalize()


def _writer(folder: Path, name):
    # Each file is written beside the zip first: a zip takes one member at a time.
    text = open(folder / f"{name}.csv", "w", encoding="ascii", newline="")  # noqa: SIM115
    out = csv.writer(text, lineterminator="\r\n")
    header = spec.header(name)
    out.writerow(header)
    return text, out, header


def _rows(out, header, rows):
    for row in rows:
        out.writerow([row.get(column, "") for column in header])


def write_zip(path: Path, clients: int) -> None:
    first_entry = date(2022, 1, 1)
    folder = path.parent / "csv"
    folder.mkdir(exist_ok=True)
    if True:
        files = {name: _writer(folder, name) for name in spec.FILES}
        rows = {
            "Export": [{"ExportID": EXPORT_ID, "SourceType": 2, "SourceName": "Benchmark",
                        "ExportDate": "2025-12-31 12:00:00", "ExportStartDate": "2022-01-01",
                        "ExportEndDate": "2025-12-31", "CSVVersion": spec.CSV_VERSION,
                        "ExportPeriodType": 3, "ExportDirective": 2, "HashStatus": 1,
                        "ImplementationID": "bench"}],
            "User": [{"UserID": "U1", "UserFirstName": "Bench", "UserLastName": "Writer",
                      "DateCreated": STAMP["DateCreated"], "DateUpdated": STAMP["DateUpdated"],
                      "ExportID": EXPORT_ID}],
            "Organization": [{"OrganizationID": "O1", "OrganizationName": "Benchmark Org",
                              "VictimServiceProvider": 0, **STAMP}],
            "Project": [{"ProjectID": "P1", "OrganizationID": "O1", "ProjectName": "Benchmark PSH",
                         "OperatingStartDate": "2020-01-01", "ContinuumProject": 1,
                         "ProjectType": 3, "HousingType": 3, **STAMP}],
            "Funder": [{"FunderID": "F1", "ProjectID": "P1", "Funder": 2,
                        "StartDate": "2020-01-01", **STAMP}],
            "ProjectCoC": [{"ProjectCoCID": "PC1", "ProjectID": "P1", "CoCCode": "XX-501",
                            **STAMP}],
        }  # fmt: skip
        for name, data in rows.items():
            _rows(files[name][1], files[name][2], data)
        for n in range(clients):
            pid, eid = f"C{n}", f"E{n}"
            entry = first_entry + timedelta(days=n % 700)
            exited = n % 3 == 0
            born = date(1940, 1, 1) + timedelta(days=(n * 7) % 20000)
            _rows(
                *files["Client"][1:],
                [
                    {
                        "PersonalID": pid,
                        "FirstName": _name(n, 3),
                        "LastName": _name(n * 7919, 4),
                        "NameDataQuality": 1,
                        "SSN": f"{n:09d}",
                        "SSNDataQuality": 1,
                        "DOB": born.isoformat(),
                        "DOBDataQuality": 1,
                        "Sex": n % 2,
                        "White": 1,
                        "AmIndAKNative": 0,
                        "Asian": 0,
                        "BlackAfAmerican": 0,
                        "HispanicLatinao": 0,
                        "MidEastNAfrican": 0,
                        "NativeHIPacific": 0,
                        "VeteranStatus": 0,
                        **STAMP,
                    }
                ],
            )
            _rows(
                *files["Enrollment"][1:],
                [
                    {
                        "EnrollmentID": eid,
                        "PersonalID": pid,
                        "ProjectID": "P1",
                        "EntryDate": entry.isoformat(),
                        "HouseholdID": f"H{n}",
                        "RelationshipToHoH": 1,
                        "EnrollmentCoC": "XX-501",
                        "LivingSituation": 116,
                        "DisablingCondition": 1,
                        "MoveInDate": (entry + timedelta(days=30)).isoformat() if n % 2 else "",
                        **STAMP,
                    }
                ],
            )
            if exited:
                _rows(
                    *files["Exit"][1:],
                    [
                        {
                            "ExitID": f"X{n}",
                            "EnrollmentID": eid,
                            "PersonalID": pid,
                            "ExitDate": (entry + timedelta(days=400)).isoformat(),
                            "Destination": 410,
                            **STAMP,
                        }
                    ],
                )
            for stage, offset in ((1, 0), (5, 365)):
                day = (entry + timedelta(days=offset)).isoformat()
                _rows(
                    *files["IncomeBenefits"][1:],
                    [
                        {
                            "IncomeBenefitsID": f"I{n}-{stage}",
                            "EnrollmentID": eid,
                            "PersonalID": pid,
                            "InformationDate": day,
                            "IncomeFromAnySource": 1,
                            "SSI": 1,
                            "SSIAmount": "943.00",
                            "TotalMonthlyIncome": "943.00",
                            "BenefitsFromAnySource": 0,
                            "InsuranceFromAnySource": 1,
                            "Medicaid": 1,
                            "DataCollectionStage": stage,
                            **STAMP,
                        }
                    ],
                )
            day = entry.isoformat()
            for kind in (5, 6, 7, 8, 9, 10):
                _rows(
                    *files["Disabilities"][1:],
                    [
                        {
                            "DisabilitiesID": f"D{n}-{kind}",
                            "EnrollmentID": eid,
                            "PersonalID": pid,
                            "InformationDate": day,
                            "DisabilityType": kind,
                            "DisabilityResponse": 0,
                            "DataCollectionStage": 1,
                            **STAMP,
                        }
                    ],
                )
            _rows(*files["HealthAndDV"][1:], [{
                "HealthAndDVID": f"V{n}", "EnrollmentID": eid, "PersonalID": pid,
                "InformationDate": day, "DomesticViolenceSurvivor": 0, "DataCollectionStage": 1,
                **STAMP}])  # fmt: skip
        for text, _out, _header in files.values():
            text.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in spec.FILES:
            archive.write(folder / f"{name}.csv", f"{name}.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--zip", type=Path, help="Import this zip instead of writing one.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = options.zip or Path(folder) / "bench.zip"
        if options.zip is None:
            began = time.monotonic()
            write_zip(path, options.clients)
            print(f"Wrote {path.stat().st_size:,} bytes in {time.monotonic() - began:.1f} s")
        decisions = {f"C{n}": "different" for n in range(options.clients)}
        began = time.monotonic()
        report = import_zip(path, decisions=decisions)
        elapsed = time.monotonic() - began
    if report.refused:
        sys.exit(f"Refused: {report.refused}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'file':<20}{'read':>9}{'imported':>10}{'updated':>9}{'unchanged':>11}"
          f"{'skipped':>9}{'rows/s':>10}")  # fmt: skip
    for name, counts in report.files.items():
        print(
            f"{name:<20}{counts.read:>9}{counts.imported:>10}{counts.updated:>9}"
            f"{counts.unchanged:>11}{counts.skipped:>9}{counts.read / elapsed:>10.0f}"
        )
    rows = sum(counts.read for counts in report.files.values())
    print(f"{len(report.skips)} rows skipped for a reason; {len(report.duplicates)} duplicates")
    print(f"Total: {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s); "
          f"peak memory of the process {peak:,.0f} MB")  # fmt: skip
    print(
        "(rows/s per file: that file's rows over the whole import's time; the files are "
        "imported together, client by client)"
    )


if __name__ == "__main__":
    main()
