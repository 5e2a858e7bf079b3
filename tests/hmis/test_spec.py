"""The one table of HUD's FY2026 columns (hmis.spec) against HUD's published lists.

The comparison with Eva's columns.csv runs where the abtassociates/eva mirror is on the machine;
the FY2026 facts below hold in CI without it.
"""

import csv
import io
import subprocess
from pathlib import Path

import pytest

from clients.models import Sex
from enrollments.hud import DataCollectionStage, RelationshipToHead
from hmis import lists, spec
from placements.destinations import Destination

EVA_MIRROR = Path("/work/.mirror/abtassociates+eva/repo")
EVA_KINDS = {"character": {spec.S, spec.T}, "numeric": {spec.I, spec.M}}
EVA_KINDS.update(date={spec.D}, datetime={spec.T})


def eva_columns() -> dict[str, list[dict[str, str]]]:
    if not EVA_MIRROR.is_dir():
        pytest.skip(f"Eva's mirror is not on this machine ({EVA_MIRROR}); FY2026 facts still hold")
    shown = subprocess.run(
        ["git", "-C", str(EVA_MIRROR), "show", "HEAD:public-resources/columns.csv"],
        capture_output=True,
        text=True,
    )
    if shown.returncode != 0:
        pytest.skip(f"Eva's mirror has no columns.csv: {shown.stderr.strip()}")
    files: dict[str, list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(shown.stdout)):
        files.setdefault(row["File"], []).append(row)
    for rows in files.values():
        rows.sort(key=lambda row: int(row["ColumnNo"]))
    return files


def test_the_table_has_evas_fy2026_files_and_columns_in_order():
    eva = eva_columns()
    assert sorted(spec.FILES) == sorted(eva)
    for name, columns in spec.FILES.items():
        # Eva's reader trims the spaces its list has after three PersonalIDs; HUD's has none.
        assert [column.name for column in columns] == [row["Column"].strip() for row in eva[name]]


def test_the_table_requires_what_eva_requires_and_has_its_types():
    eva = eva_columns()
    for name, columns in spec.FILES.items():
        for column, row in zip(columns, eva[name], strict=True):
            where = f"{name}.{column.name}"
            assert column.required == (row["NullsAllowed"] == "0"), where
            assert column.kind in EVA_KINDS[row["DataType"]], where


def test_fy2026_has_24_files_with_export_first():
    assert len(spec.FILES) == 24
    assert spec.file_names()[0] == "Export.csv"
    assert "CSVVersion" in spec.header("Export")
    assert spec.CSV_VERSION.startswith("2026")


def test_fy2026_client_has_sex_and_no_gender_columns():
    client = spec.header("Client")
    assert client.index("Sex") + 1 == 11
    assert "HispanicLatinao" in client
    assert "HispanicLatinaeo" not in client
    gender = {"Woman", "Man", "NonBinary", "CulturallySpecific", "Transgender", "Questioning"}
    gender |= {"DifferentIdentity", "DifferentIdentityText", "GenderNone"}
    assert not gender & set(client)


def test_fy2026_enrollment_changes():
    enrollment = spec.header("Enrollment")
    assert "MentalHealthConsultation" in enrollment
    gone = {"SexualOrientation", "SexualOrientationOther", "TranslationNeeded"}
    gone |= {"PreferredLanguage", "PreferredLanguageDifferent"}
    assert not gone & set(enrollment)


def test_column_names_are_bare_and_unique_per_file():
    for name in spec.FILES:
        header = spec.header(name)
        assert all(column == column.strip() for column in header), name
        assert len(header) == len(set(header)), name


def test_every_named_list_exists_and_is_on_an_integer_column():
    for name, columns in spec.FILES.items():
        for column in columns:
            if column.values:
                assert column.kind == spec.I, f"{name}.{column.name}"
                assert lists.named(column.values), f"{name}.{column.name}"


def test_the_columns_that_must_take_a_hud_list_do():
    named = {(name, c.name): c.values for name, cols in spec.FILES.items() for c in cols}
    assert named["Exit", "Destination"] == "DESTINATION"
    assert named["Enrollment", "LivingSituation"] == "PRIOR_LIVING_SITUATION"
    assert named["Enrollment", "RelationshipToHoH"] == "RELATIONSHIP_TO_HOH"
    assert named["Enrollment", "DisablingCondition"] == "DISABLING_CONDITION"
    assert named["Client", "VeteranStatus"] == "VETERAN_STATUS"
    assert named["Client", "Sex"] == "SEX"
    assert named["Export", "HashStatus"] == "HASH_STATUS"
    stages = [key for key, value in named.items() if key[1] == "DataCollectionStage"]
    assert stages and all(named[key] == "DATA_COLLECTION_STAGE" for key in stages)


def test_the_lists_hold_huds_codes():
    assert lists.YES_NO == {0, 1}
    assert lists.NO_YES_MISSING == {0, 1, 99}
    assert lists.NO_YES_REASONS == {0, 1, 8, 9, 99}
    assert lists.VETERAN_STATUS == lists.NO_YES_REASONS
    assert lists.RELATIONSHIP_TO_HOH == {1, 2, 3, 4, 5, 99}
    assert lists.DATA_COLLECTION_STAGE == {1, 2, 3, 5, 6}
    assert lists.HASH_STATUS == {1, 2, 3, 4}
    assert lists.RACE_NONE == {8, 9, 99}
    assert lists.SEX == {0, 1, 8, 9, 99}
    # HUD's 3.917 prior living situations (as Eva lists them); 312/313 are destinations only.
    prior = {116, 101, 118, 215, 206, 207, 225, 204, 205, 302, 329, 314, 332, 335, 336}
    assert lists.PRIOR_LIVING_SITUATION == prior | {410, 435, 421, 411, 8, 9, 99}


def test_the_lists_follow_our_choices():
    assert lists.DESTINATION == set(Destination.values)
    assert lists.RELATIONSHIP_TO_HOH == set(RelationshipToHead.values)
    assert set(DataCollectionStage.values) <= lists.DATA_COLLECTION_STAGE
    assert lists.SEX == set(Sex.values)


def test_an_unknown_list_name_is_refused():
    with pytest.raises(KeyError):
        lists.named("NO_SUCH_LIST")
    with pytest.raises(KeyError):
        lists.named("named")


@pytest.mark.parametrize(
    "file, column",
    [
        ("Enrollment", "LOSUnderThreshold"),
        ("Enrollment", "PreviousStreetESSH"),
        ("IncomeBenefits", "Earned"),
        ("IncomeBenefits", "SNAP"),
        ("IncomeBenefits", "Medicaid"),
    ],
)
def test_no_yes_missing_columns_take_data_not_collected(file, column):
    # HUD's list 1.7 (No / Yes / Data not collected) on these columns (HMIS CSV FY2026).
    (found,) = [c for c in spec.FILES[file] if c.name == column]
    assert lists.named(found.values) == {0, 1, 99}
