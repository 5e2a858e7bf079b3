"""manage.py import_hmis: the report printed, exit 1 on a refusal, a dry run writes nothing."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from clients.models import Client
from tests.factories import ClientFactory
from tests.hmis import zips
from tests.hmis.importing import good_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_import_day")]


def test_a_refused_zip_exits_1(tmp_path, capsys):
    path = tmp_path / "bad.zip"
    path.write_text("not a zip")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_hmis", str(path))
    assert exit_.value.code == 1
    assert "This is not a zip file." in capsys.readouterr().err


def test_dry_run_prints_counts_skips_and_pairs_and_writes_nothing(tmp_path, capsys):
    existing = ClientFactory(first_name="Rosa", last_name="Parker", date_of_birth=date(1980, 4, 1))
    path = tmp_path / "export.zip"
    zips.write_zip(path, good_files())
    call_command("import_hmis", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Validator: 0 errors" in out
    assert "Client.csv" in out and "dry run, nothing was written" in out
    assert f"PersonalID C1 (Rosa Parker, born 1980-04-01) may be client {existing.pk}" in out
    assert "Client.csv:2 PersonalID 'C1' — possible duplicate" in out
    assert Client.objects.count() == 1
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps({"C1": "different"}))
    call_command("import_hmis", str(path), "--decisions", str(decisions))
    assert Client.objects.filter(first_name="Rosa").count() == 2
