"""The HMIS CSV files that pass through the program, each with its background job.

``HmisExport``: one export asked for on /hmis/export/: what was asked, how the job went, the
file. The zip lives in the private ``HMIS_EXPORT_DIR`` (never a served path) under a name only
this row knows, for the person who asked, until ``expires_at``; the hourly sweep then deletes
the file and stamps ``deleted_at``. Every change is kept in history (the job's progress included).

``HmisImport``: one zip uploaded on /hmis/import/, its dry run, the administrators' choices on
the possible duplicates, and the import. The upload lives in the private ``HMIS_IMPORT_DIR``
until the import finishes (or ``HMIS_IMPORT_RETENTION_HOURS`` at most).
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

from housingfirst.audit import audit_history
from housingfirst.roles import Role, is_role


class HmisExportQuerySet(models.QuerySet):
    def of(self, user):
        """The exports this person asked for: the only ones they may see or download."""
        return self.filter(requested_by=user)

    def expired(self, now=None):
        """Finished exports whose file is past its time and not yet deleted."""
        now = now or timezone.now()
        return self.filter(expires_at__lte=now, deleted_at__isnull=True)


class HmisExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Did not finish"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hmis_exports"
    )
    requested_at = models.DateTimeField(default=timezone.now)

    # What was asked: a reporting period, or everything changed since a moment.
    period_start = models.DateField("reporting period start", null=True, blank=True)
    period_end = models.DateField("reporting period end", null=True, blank=True)
    changed_since = models.DateTimeField(null=True, blank=True)
    project = models.ForeignKey(
        "enrollments.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: every project.",
    )
    project_name = models.CharField(max_length=200, blank=True)  # kept if the project goes
    hashed = models.BooleanField(default=False, help_text="HUD HashStatus 4 (SHA-256).")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    clients_done = models.PositiveIntegerField(default=0)
    clients_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)  # the running job's heartbeat
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # why it did not finish, in words for the person

    # The result: a file name inside HMIS_EXPORT_DIR (never a path from outside it).
    file_name = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    hud_export_id = models.CharField("HUD ExportID", max_length=32, blank=True)
    row_counts = models.JSONField(default=dict, blank=True)  # file name -> data rows
    client_count = models.PositiveIntegerField(null=True, blank=True)
    # The validator's summary ({"ok", "errors", "warnings", "problems": first N}), or None.
    report = models.JSONField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = audit_history()
    objects = HmisExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "HMIS export"
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="hmisexport_mine")]

    def __str__(self):
        return f"HMIS CSV export #{self.pk}"

    # What was asked, in words (the page, the access log, the command).
    @property
    def period_label(self) -> str:
        if self.changed_since:
            return f"changed since {timezone.localtime(self.changed_since):%Y-%m-%d %H:%M}"
        return f"{self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d}"

    @property
    def project_label(self) -> str:
        if self.project_id is None and not self.project_name:
            return "all projects"
        return self.project.name if self.project is not None else self.project_name

    @property
    def hash_label(self) -> str:
        return "hashed (SHA-256)" if self.hashed else "unhashed"

    @property
    def path(self) -> Path | None:
        return Path(settings.HMIS_EXPORT_DIR) / self.file_name if self.file_name else None

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.clients_total:
            return 0
        return min(100, self.clients_done * 100 // self.clients_total)

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def is_available(self, now=None) -> bool:
        """The file may be downloaded: finished, not deleted, not past its time."""
        now = now or timezone.now()
        return (
            self.status == self.Status.DONE
            and self.deleted_at is None
            and self.expires_at is not None
            and now < self.expires_at
        )

    def retention_end(self, finished_at):
        return finished_at + timedelta(hours=settings.HMIS_EXPORT_RETENTION_HOURS)

    @property
    def last_sign_of_life(self):
        return self.progress_at or self.started_at or self.requested_at

    @property
    def progress_label(self) -> str:
        if self.status == self.Status.QUEUED:
            return "Waiting to start"
        return f"Clients written: {self.clients_done} of {self.clients_total}"


class HmisImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every import for an administrator (they share the import duty), none for anyone
        else."""
        return self if is_role(user, Role.ADMINISTRATOR) else self.none()

    def with_upload(self):
        return self.exclude(file_name="").filter(file_deleted_at__isnull=True)


class HmisImport(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Checking (dry run)"
        DRY_RUN_DONE = "dry_run_done", "Dry run done: ready to import"
        REFUSED = "refused", "Refused"
        QUEUED = "queued", "Import queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Did not finish"

    # Statuses in which a job is waiting or running (the page follows them).
    IN_PROGRESS = (Status.UPLOADED, Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.REFUSED, Status.DONE, Status.FAILED)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hmis_imports"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    original_name = models.CharField("file name", max_length=255)
    # A name inside HMIS_IMPORT_DIR (never a path from outside it); the upload's size in bytes.
    file_name = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField()
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    # HMIS ProjectIDs to import; empty: the importer's default (every PSH project).
    project_ids = models.JSONField(default=list, blank=True)
    # The team whose intake queue the new clients join (its supervisors see and assign them).
    # A team deleted before the import leaves it empty: the new clients then join no team.
    team = models.ForeignKey(
        "clients.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The team whose intake queue the new clients join.",
    )
    team_name = models.CharField(max_length=100, blank=True)  # kept if the team goes

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)  # the current job's start
    progress_at = models.DateTimeField(null=True, blank=True)  # the running job's heartbeat
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # why it did not finish, in words for the person
    hud_export_id = models.CharField("HUD ExportID", max_length=32, blank=True)

    # The reports (hmis.import_jobs.import_summary): the dry run's, then the import's.
    dry_run_report = models.JSONField(null=True, blank=True)
    report = models.JSONField(null=True, blank=True)
    # Per possible duplicate, by PersonalID: "same:<client id>" or "different".
    decisions = models.JSONField(default=dict, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    import_requested_at = models.DateTimeField(null=True, blank=True)

    # The reports stay out of history: they hold names and values from the upload, records
    # that were never imported included, and every progress save would copy them. History
    # keeps who uploaded, who decided what and imported, and how each job went; each imported
    # record has its own history.
    history = audit_history(excluded_fields=["dry_run_report", "report"])
    objects = HmisImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "HMIS import"

    def __str__(self):
        return f"HMIS CSV import #{self.pk}"

    @property
    def path(self) -> Path | None:
        return Path(settings.HMIS_IMPORT_DIR) / self.file_name if self.file_name else None

    @property
    def has_upload(self) -> bool:
        return bool(self.file_name) and self.file_deleted_at is None

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def dry_run(self) -> bool:
        """The job to run now is the dry run (not yet the import)."""
        return self.status == self.Status.UPLOADED

    @property
    def may_import(self) -> bool:
        return self.status == self.Status.DRY_RUN_DONE and self.has_upload

    @property
    def percent(self) -> int:
        if self.status in self.FINISHED or self.status == self.Status.DRY_RUN_DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def last_sign_of_life(self):
        # Queuing the import clears the dry run's start and heartbeat (services.hmis_import_queue).
        return self.progress_at or self.started_at or self.import_requested_at or self.uploaded_at

    @property
    def progress_label(self) -> str:
        if self.status == self.Status.QUEUED or (self.dry_run and self.started_at is None):
            return "Waiting to start"
        doing = "Clients checked" if self.dry_run else "Clients imported"
        return f"{doing}: {self.progress_done} of {self.progress_total}"

    @property
    def retention_end(self):
        return self.uploaded_at + timedelta(hours=settings.HMIS_IMPORT_RETENTION_HOURS)

    @property
    def project_label(self) -> str:
        if not self.project_ids:
            return "every PSH project in the file"
        return "projects " + ", ".join(self.project_ids)

    @property
    def team_deleted(self) -> bool:
        """A team was chosen and has been deleted since: the new clients join no team."""
        return self.team_id is None and bool(self.team_name)

    @property
    def team_label(self) -> str:
        if self.team_id is not None:
            return f"team {self.team.name}"
        if self.team_name:
            return f"team {self.team_name} (deleted since)"
        return "no team"


class SourceKey(models.Model):
    """Where an imported record came from: the export's source, the HMIS CSV file and the
    record's id there (PersonalID, EnrollmentID, …). Re-imports find the record through it.

    ``digest`` fingerprints the values last imported from the source: a later export whose
    values are the same changes nothing (even when the record was edited here since), one whose
    values differ updates the record. ``author`` is the source's UserID of the row, as the
    inactive account made for it (history names the importer, who did the write here).
    ``linked`` marks a client the administrator found to be someone already here ("same
    person"): the import never overwrites that profile, it only fills what is empty.
    """

    source = models.CharField(max_length=200)
    file = models.CharField(max_length=40)
    source_id = models.CharField(max_length=100)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=40, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    linked = models.BooleanField(default=False)
    export_id = models.CharField("last HUD ExportID", max_length=50, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "file", "source_id"], name="one_source_key_per_record"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="sourcekey_object")]

    def __str__(self):
        return f"{self.source} {self.file} {self.source_id}"
