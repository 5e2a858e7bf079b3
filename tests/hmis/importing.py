"""Helpers for the import tests: a small valid export the importer takes whole (built on
tests/hmis/zips.py), run the import from a file, count history rows."""

from django.apps import apps

from hmis.importer import import_zip
from tests.hmis import zips


def good_files():
    """zips.minimal_files(), with what our models ask for: names, dates on the stages' days.
    C1 (head) and her child C2 in household HH1 of PSH project P1; C1 moved in on 1 February
    and exited on 30 June 2025 (to 410); C1 has an entry assessment with a disability and a DV
    answer."""
    files = zips.minimal_files()
    files["Client"][0].update(FirstName="Rosa", LastName="Parker", SSN="123456789")
    files["Client"][1].update(FirstName="Lily", LastName="Parker")
    files["Project"][0].update(ProjectName="Parker Street PSH", OperatingStartDate="2020-01-01")
    files["Organization"][0].update(OrganizationName="Parker Housing")
    files["Enrollment"][0].update(EnrollmentCoC="XX-500")
    files["IncomeBenefits"][0].update(
        InformationDate="2025-01-01",
        IncomeFromAnySource="0",
        BenefitsFromAnySource="0",
        InsuranceFromAnySource="0",
    )
    files["Disabilities"][0].update(
        InformationDate="2025-01-01", DisabilityType="5", DisabilityResponse="0"
    )
    files["HealthAndDV"][0].update(InformationDate="2025-01-01", DomesticViolenceSurvivor="0")
    files["User"][0].update(UserFirstName="Dana", UserLastName="Writer")
    return files


def run(tmp_path, files=None, name="export.zip", **options):
    path = tmp_path / name
    zips.write_zip(path, good_files() if files is None else files)
    return import_zip(path, **options)


def history_rows() -> int:
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


def counts_add_up(report) -> bool:
    return all(
        c.read == c.imported + c.updated + c.unchanged + c.skipped for c in report.files.values()
    )
