"""The demo program exports cleanly: seed_demo, then export_hmis, then validate_hmis exits 0
(CI also runs these three commands on a fresh database, .ci/run)."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_program_exports_to_a_valid_zip(settings, tmp_path):
    settings.DEBUG = True  # seed_demo refuses to run without it
    call_command("seed_demo", stdout=StringIO())
    output = tmp_path / "demo.zip"
    call_command(
        "export_hmis", "--start", "2000-01-01", "--end", "2030-12-31",
        "--by", "admin", "--output", str(output), stdout=StringIO(),
    )  # fmt: skip
    printed = StringIO()
    call_command("validate_hmis", str(output), stdout=printed)  # raises SystemExit(1) on errors
    assert "0 errors, 0 warnings" in printed.getvalue()
    assert "Client.csv" in printed.getvalue()
