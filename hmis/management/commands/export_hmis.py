"""``python manage.py export_hmis --start … --end … --by USERNAME --output FILE.zip``: the HMIS
CSV export, written at once (no job), validated, and written to the access log."""

from datetime import date, datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enrollments.models import Project
from hmis import jobs
from hmis.export import ExportOptions
from hmis.models import HmisExport
from housingfirst.access_log import access_entry
from housingfirst.audit import acting_as
from housingfirst.models import AccessLogEntry
from housingfirst.roles import role_name, role_of

COMMAND = "command:export_hmis"


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD.") from None


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{value!r} is not a date-time: write it as YYYY-MM-DD or 'YYYY-MM-DD HH:MM'."
        ) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Write the HMIS CSV export (FY2026) to a zip, validate it and print the counts. "
        "Exits 1 when the validator finds errors. Written to the access log under --by."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", help="Reporting period start, YYYY-MM-DD.")
        parser.add_argument("--end", help="Reporting period end, YYYY-MM-DD.")
        parser.add_argument(
            "--changed-since",
            help="Instead of a period: records changed since this moment (YYYY-MM-DD[ HH:MM]).",
        )
        parser.add_argument("--project", help="One project's id (default: every project).")
        parser.add_argument(
            "--hashed", action="store_true", help="HUD HashStatus 4: SHA-256 names and SSN."
        )
        parser.add_argument(
            "--by",
            required=True,
            help="Who exports (an administrator: every client; a supervisor: their teams').",
        )
        parser.add_argument("--output", required=True, help="The zip file to write.")

    def handle(self, *args, **options):
        export_options = self._options(options)
        output = Path(options["output"])
        if output.suffix.lower() != ".zip":
            raise CommandError("--output names a .zip file.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        with acting_as(COMMAND):
            try:
                result, size = jobs.write_zip(export_options, output)
            except OSError as error:
                raise CommandError(f"Could not write {output}: {error}") from None
            self._log(export_options, result, output)
        self.stdout.write(
            f"Wrote {output} ({size} bytes): {result.client_count} clients, "
            f"HUD ExportID {result.export_id}."
        )
        for name, rows in result.rows.items():
            self.stdout.write(f"  {name}: {rows} rows")
        report = jobs.validation_summary(output)
        return self._print_report(report)

    def _options(self, options) -> ExportOptions:
        start, end, since = options["start"], options["end"], options["changed_since"]
        if since and (start or end):
            raise CommandError("Give either --start and --end, or --changed-since, not both.")
        if not since and not (start and end):
            raise CommandError("Give the reporting period (--start and --end), or --changed-since.")
        start_day, end_day = (_day(start), _day(end)) if start else (None, None)
        if start_day and end_day < start_day:
            raise CommandError("--end is before --start.")
        changed_since = _moment(since) if since else None
        if changed_since and changed_since > timezone.now():
            raise CommandError("--changed-since is in the future.")
        project_id = None
        if options["project"] is not None:
            project_id = (
                Project.objects.filter(pk=self._id(options["project"]))
                .values_list("pk", flat=True)
                .first()
            )
            if project_id is None:
                raise CommandError(f"No project has the id {options['project']}.")
        by = (
            get_user_model()._default_manager.filter(username=options["by"], is_active=True).first()
        )
        if by is None:
            raise CommandError(f"No active staff account is named {options['by']!r}.")
        try:
            scope = jobs.client_scope(by)
        except jobs.NotAllowed:
            raise CommandError(
                f"{options['by']} is a {role_name(role_of(by)).lower() or 'person without a role'}"
                ": only administrators and supervisors export."
            ) from None
        self.by = by
        return ExportOptions(
            start=start_day,
            end=end_day,
            changed_since=changed_since,
            project_id=project_id,
            hashed=options["hashed"],
            client_ids=scope,
            exported_by=by,
        )

    @staticmethod
    def _id(value) -> int:
        try:
            return int(value)
        except ValueError:
            raise CommandError(
                f"--project takes a project's id (a number), not {value!r}."
            ) from None

    def _log(self, options: ExportOptions, result, output: Path) -> None:
        described = HmisExport(
            period_start=options.start,
            period_end=options.end,
            changed_since=options.changed_since,
            project_id=options.project_id,
            project_name=Project.objects.filter(pk=options.project_id)
            .values_list("name", flat=True)
            .first()
            or "",
            hashed=options.hashed,
        )
        detail = jobs.access_log_detail(described, result, scope=jobs.scope_label(self.by))
        entry = access_entry(
            None,
            model=HmisExport,
            record_label=f"HMIS CSV export to {output.name} ({COMMAND})",
            user=self.by,
            action=AccessLogEntry.Action.EXPORT,
            detail=f"{detail} File: {output.resolve()}.",
        )
        entry.path = COMMAND
        entry.save()

    def _print_report(self, report: dict) -> None:
        if not report.get("checked"):
            self.stderr.write(f"Not validated: {report.get('message')}")
            return
        self.stdout.write(f"Validator: {report['errors']} errors, {report['warnings']} warnings.")
        for problem in report["problems"]:
            self.stdout.write(
                f"  {problem['severity']}: {problem['file']} line {problem['line']}, "
                f"{problem['column']} = {problem['value']!r}: {problem['message']}"
            )
        if report["errors"]:
            raise CommandError(f"The validator found {report['errors']} errors.")
