"""``python manage.py import_hmis FILE.zip [--project ID …] [--dry-run] [--decisions FILE.json]
[--by USERNAME] [--team NAME]``: bring a program's history in from an HMIS CSV export."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clients.models import Team
from hmis.importer import COMMAND, import_zip


class Command(BaseCommand):
    help = (
        "Import an HMIS CSV export (FY2026 zip): the chosen projects (default every PSH project) "
        "with their clients, enrollments, exits, move-ins and assessments. Prints the validator's "
        "summary, the counts per file, what was skipped and why, and possible duplicates. "
        "Exits 1 when the zip is refused. --dry-run writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip_file", metavar="FILE.zip")
        parser.add_argument(
            "--project", action="append", dest="projects", metavar="ID",
            help="A ProjectID of the export to import (repeat for several; default: every PSH "
            "project).",
        )  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        parser.add_argument(
            "--decisions", metavar="FILE.json",
            help='Possible duplicates decided: {"PersonalID": "same:<client id>" | "different"}.',
        )  # fmt: skip
        parser.add_argument("--by", metavar="USERNAME", help="The administrator importing.")
        parser.add_argument(
            "--team", metavar="NAME", help="The team whose intake queue the new clients join."
        )

    def handle(self, *args, zip_file, projects, dry_run, decisions, by, team, **options):
        path = Path(zip_file)
        if not path.is_file():
            raise CommandError(f"{zip_file}: no such file.")
        report = import_zip(
            path,
            project_ids=projects,
            dry_run=dry_run,
            decisions=self._decisions(decisions),
            by=self._user(by),
            team=self._team(team),
            actor=COMMAND,
        )
        if report.refused:
            self.stderr.write(self.style.ERROR(f"{zip_file}: refused: {report.refused}"))
            raise SystemExit(1)
        self._print(report, zip_file)

    def _decisions(self, name):
        if not name:
            return None
        try:
            decisions = json.loads(Path(name).read_text())
        except (OSError, ValueError) as error:
            raise CommandError(f"--decisions {name}: cannot be read as JSON ({error}).") from None
        if not isinstance(decisions, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in decisions.items()
        ):
            raise CommandError(
                '--decisions holds {"PersonalID": "same:<client id>" or "different", …}.'
            )
        return decisions

    @staticmethod
    def _user(username):
        if not username:
            return None
        user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff account is named {username!r}.")
        return user

    @staticmethod
    def _team(name):
        if not name:
            return None
        team = Team.objects.filter(name=name).first()
        if team is None:
            raise CommandError(f"No team is named {name!r}.")
        return team

    def _print(self, report, zip_file) -> None:
        write = self.stdout.write
        validation = report.validation
        if validation is not None:
            write(
                f"Validator: {validation.errors} errors, {validation.warnings} warnings"
                + (" (rows with errors are skipped below)" if validation.errors else "")
            )
            for problem in validation.problems[:20]:
                write(f"  {problem}")
        write(f"HUD ExportID {report.export_id}, source {report.source!r}")
        write("")
        write(f"{'file':<20}{'read':>8}{'imported':>10}{'updated':>9}{'unchanged':>11}"
              f"{'skipped':>9}{'(other projects)':>18}")  # fmt: skip
        for name, counts in report.files.items():
            write(
                f"{name:<20}{counts.read:>8}{counts.imported:>10}{counts.updated:>9}"
                f"{counts.unchanged:>11}{counts.skipped:>9}{counts.outside:>18}"
            )
        if report.skips:
            write("")
            write(f"Skipped ({len(report.skips)}):")
            for skip in report.skips:
                write(f"  {skip}")
        if report.duplicates:
            write("")
            write("Possible duplicates (decide with --decisions; these clients were not imported):")
            for pair in report.duplicates:
                born = f", born {pair.birth_date}" if pair.birth_date else ""
                write(
                    f"  PersonalID {pair.personal_id} ({pair.name}{born}) may be client "
                    f"{pair.existing_client_id} ({pair.existing_name}), score {pair.score}"
                )
        write("")
        if report.dry_run:
            write(self.style.WARNING(f"{zip_file}: dry run, nothing was written."))
        else:
            write(self.style.SUCCESS(f"{zip_file}: imported."))
