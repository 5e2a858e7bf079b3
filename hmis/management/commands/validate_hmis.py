from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hmis.validator import DEFAULT_MAX_PROBLEMS, validate


class Command(BaseCommand):
    help = (
        "Check an HMIS CSV export (FY2026 zip) as HUD's tools check one on import; list each "
        "problem as file:line column value — message. Exits non-zero when there are errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip_file", metavar="FILE.zip", help="the HMIS CSV zip to check")
        parser.add_argument(
            "--max-problems",
            type=int,
            default=DEFAULT_MAX_PROBLEMS,
            metavar="N",
            help=(
                "list at most N problems of each kind per file (all are counted; "
                f"default {DEFAULT_MAX_PROBLEMS})"
            ),
        )

    def handle(self, *args, zip_file, max_problems, **options):
        if max_problems < 1:
            raise CommandError("--max-problems must be at least 1.")
        path = Path(zip_file)
        if not path.is_file():
            raise CommandError(f"{zip_file}: no such file.")
        report = validate(path, max_problems=max_problems)

        for problem in report.problems:
            style = self.style.ERROR if problem.severity == "error" else self.style.WARNING
            self.stdout.write(style(str(problem)))
        for (file_name, check), more in sorted(report.omitted().items()):
            self.stdout.write(f"{file_name}: {more} more {check} problems not listed")

        if report.counts:
            self.stdout.write("")
            width = max(len(name) for name in report.counts)
            for name, counts in report.counts.items():
                self.stdout.write(
                    f"{name:<{width}}  {counts.rows:>8} rows  {counts.errors:>6} errors  "
                    f"{counts.warnings:>6} warnings"
                )
        summary = f"{report.errors} errors, {report.warnings} warnings"
        if not report.ok:
            raise CommandError(f"{zip_file}: {summary}: not a valid HMIS CSV export.")
        self.stdout.write(self.style.SUCCESS(f"{zip_file}: {summary}: a valid HMIS CSV export."))
