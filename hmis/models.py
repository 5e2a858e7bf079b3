"""One HMIS CSV export asked for on /hmis/export/: what was asked, how the job went, the file.

The zip lives in the private ``HMIS_EXPORT_DIR`` (never a served path) under a name only this
row knows, for the person who asked, until ``expires_at``; the hourly sweep then deletes the
file and stamps ``deleted_at``. Every change is kept in history (the job's progress included).
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

from housingfirst.audit import audit_history


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
