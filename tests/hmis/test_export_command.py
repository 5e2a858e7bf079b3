"""``manage.py export_hmis``: written at once, counts and the validator's summary printed,
written to the access log as the command, clear errors for bad arguments."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hmis import validator
from housingfirst.models import AccessLogEntry

from .conftest import END, START, read_csv

pytestmark = pytest.mark.django_db


def run(*arguments):
    out, err = StringIO(), StringIO()
    call_command("export_hmis", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def period(output, *more):
    return ["--start", str(START), "--end", str(END), "--output", str(output), *more]


def test_the_command_writes_the_zip_prints_counts_and_is_logged(program, enrolled, tmp_path, clock):
    output = tmp_path / "out.zip"
    printed, _ = run(*period(output, "--by", program.supervisor.username))
    assert {row["PersonalID"] for row in read_csv(output, "Client.csv")} == {
        str(program.client.pk),
        str(program.teammate_client.pk),
    }
    assert "2 clients" in printed and "Client.csv: 2 rows" in printed
    assert "Validator: 0 errors, 0 warnings." in printed
    entry = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EXPORT)
    assert entry.user == program.supervisor and entry.path == "command:export_hmis"
    assert "2 clients" in entry.detail and "unhashed" in entry.detail
    assert str(output) in entry.detail


def test_the_command_exits_non_zero_when_the_validator_finds_errors(
    program, enrolled, tmp_path, clock, monkeypatch
):
    report = validator.Report()
    report.add("Exit.csv", 2, "ExitDate", "x", "bad", "type")
    monkeypatch.setattr("hmis.jobs._validate", lambda path: report)
    with pytest.raises(CommandError, match="1 errors"):
        run(*period(tmp_path / "out.zip", "--by", program.admin.username, "--hashed"))
    assert AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).count() == 1


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--start", "2025-01-01", "--by", "admin"], "Give the reporting period"),
        (["--start", "2025-13-01", "--end", "2025-12-31", "--by", "admin"], "not a date"),
        (["--start", "2025-03-01", "--end", "2025-02-01", "--by", "admin"], "--end is before"),
        (
            ["--start", "2025-01-01", "--end", "2025-02-01", "--changed-since", "2025-01-01",
             "--by", "admin"],
            "not both",
        ),
        (["--changed-since", "yesterday", "--by", "admin"], "not a date-time"),
        (["--changed-since", "2030-01-01", "--by", "admin"], "in the future"),
        (["--start", "2025-01-01", "--end", "2025-02-01", "--by", "nobody"], "No active staff"),
        (["--start", "2025-01-01", "--end", "2025-02-01", "--by", "cm_own"], "only administr"),
        (["--start", "2025-01-01", "--end", "2025-02-01", "--by", "auditor"], "only administr"),
        (
            ["--start", "2025-01-01", "--end", "2025-02-01", "--by", "admin", "--project", "x"],
            "a number",
        ),
        (
            ["--start", "2025-01-01", "--end", "2025-02-01", "--by", "admin", "--project", "999"],
            "No project",
        ),
    ],
)  # fmt: skip
def test_bad_arguments_are_clear_errors(program, tmp_path, clock, arguments, message):
    with pytest.raises(CommandError, match=message):
        run(*arguments, "--output", str(tmp_path / "out.zip"))
    assert not (tmp_path / "out.zip").exists()
    assert not AccessLogEntry.objects.exists()


def test_the_output_must_be_a_zip_in_a_folder_that_exists(program, tmp_path, clock):
    with pytest.raises(CommandError, match=".zip"):
        run(*period(tmp_path / "out.csv", "--by", "admin"))
    with pytest.raises(CommandError, match="does not exist"):
        run(*period(tmp_path / "nowhere" / "out.zip", "--by", "admin"))
