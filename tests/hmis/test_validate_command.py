"""``manage.py validate_hmis FILE.zip``: a readable report, exit 1 on errors, never a traceback."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.hmis.zips import minimal_files, row, write_zip

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    out = io.StringIO()
    call_command("validate_hmis", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_a_valid_export_passes(tmp_path):
    path = tmp_path / "export.zip"
    write_zip(path)
    output = run(path)
    assert "0 errors, 0 warnings: a valid HMIS CSV export." in output
    assert "Client.csv" in output and "2 rows" in output


def test_an_export_with_errors_lists_them_and_fails(tmp_path):
    files = minimal_files()
    files["Client"][0]["DOB"] = "1980-02-30"
    path = tmp_path / "export.zip"
    write_zip(path, files)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 errors, 0 warnings: not a valid"):
        call_command("validate_hmis", str(path), stdout=out)
    assert "Client.csv:2 DOB '1980-02-30' — not a date (yyyy-mm-dd) [error]" in out.getvalue()


def test_warnings_alone_pass(tmp_path):
    path = tmp_path / "export.zip"
    write_zip(path, raw={"notes.txt": b"hello"})
    output = run(path)
    assert "notes.txt — is not an HMIS CSV file (importers ignore it) [warning]" in output
    assert "0 errors, 1 warnings: a valid HMIS CSV export." in output


def test_max_problems_caps_the_listing(tmp_path):
    files = minimal_files()
    files["Client"] += [row("Client", PersonalID=f"D{i}", DOB="1/1/1990") for i in range(5)]
    path = tmp_path / "export.zip"
    write_zip(path, files)
    out = io.StringIO()
    with pytest.raises(CommandError, match="5 errors"):
        call_command("validate_hmis", str(path), "--max-problems", "2", stdout=out)
    output = out.getvalue()
    assert output.count("not a date") == 2
    assert "Client.csv: 3 more type problems not listed" in output


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.zip")


def test_a_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "export.zip"
    path.write_text("ExportID,SourceType\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="not a valid HMIS CSV export"):
        call_command("validate_hmis", str(path), stdout=out)
    assert "not a zip file" in out.getvalue()


def test_max_problems_must_be_positive(tmp_path):
    with pytest.raises(CommandError, match="at least 1"):
        run(tmp_path / "x.zip", "--max-problems", "0")


def manage(*args):
    return subprocess.run(
        [sys.executable, "manage.py", "validate_hmis", *map(str, args)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_exit_codes_from_the_shell(tmp_path):
    good = tmp_path / "good.zip"
    write_zip(good)
    passed = manage(good)
    assert passed.returncode == 0, passed.stderr

    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    failed = manage(bad)
    assert failed.returncode == 1
    assert "not a zip file" in failed.stdout
    assert "Traceback" not in failed.stderr

    missing = manage(tmp_path / "missing.zip")
    assert missing.returncode == 1
    assert "no such file" in missing.stderr and "Traceback" not in missing.stderr
