from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from simple_history import register

from .audit import AuditedHistory, StaffAccountRecords


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit records cannot be changed.")

    def delete(self):
        raise TypeError("Audit records cannot be deleted.")


class AccessLogQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        from .audit_log.chain import seal_access_entries

        objs = list(objs)
        with seal_access_entries(objs, using=self.db):
            return super().bulk_create(objs, *args, **kwargs)


class AccessLogEntry(models.Model):
    """One look at (or export of) a protected record: who, what, when, from where.

    Append-only: the app never updates or deletes a row (see housingfirst.access_log). Each
    entry carries a hash chained to the previous entry's (housingfirst.audit_log.chain).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        # An administrator sealed a history row written around the app into the audit chain
        # (verify_audit_trail --seal-existing): who vouched for it, and when.
        SEAL = "seal", "Sealed into the audit chain"

    # Set before the row is sealed, so the seal covers it (auto_now_add would set it later).
    occurred_at = models.DateTimeField(default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_log_entries",
        db_index=False,
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    object_id = models.CharField(max_length=64, blank=True)
    record_label = models.CharField(max_length=200, blank=True)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.TextField(blank=True)
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Which AUDIT_CHAIN_KEY sealed it (a fingerprint of the key, see audit_log.keys).
    key_id = models.CharField(max_length=16, blank=True, editable=False)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = "access-log entry"
        verbose_name_plural = "access log"
        # Newest first, alone or within one filter: every page of /audit/access/ is an index
        # range scan (keyset pagination on occurred_at, id).
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="accesslog_newest_first"),
            models.Index(fields=["user", "-occurred_at", "-id"], name="accesslog_by_user"),
            models.Index(fields=["client", "-occurred_at", "-id"], name="accesslog_by_client"),
            models.Index(fields=["content_type", "-occurred_at", "-id"], name="accesslog_by_type"),
            models.Index(fields=["action", "-occurred_at", "-id"], name="accesslog_by_action"),
        ]

    def __str__(self):
        return f"{self.user} {self.get_action_display().lower()} {self.record_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Access-log entries cannot be changed.")
        from .audit_log.chain import seal_access_entries

        with seal_access_entries([self], using=kwargs.get("using") or self._state.db):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Access-log entries cannot be deleted.")


class AuditChainHead(models.Model):
    """The newest link of one hash chain ("history" or "access").

    Appending locks this row (SELECT … FOR UPDATE), so appends are serialised and the chain
    order is the commit order; verification also checks that no link after it was cut off.
    """

    name = models.CharField(max_length=20, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    length = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "audit chain head"

    def __str__(self):
        return f"{self.name} chain: {self.length} links"


class ChangeLogEntry(models.Model):
    """One history row of any audited model: the change log's index and the chain's link.

    Written for every history row in the same transaction (see housingfirst.audit), with the
    columns the change log filters on, so each page is one range scan on one index whatever
    the number of history tables. ``chain_hash`` seals the history row (and its m2m snapshot)
    to the link before it.
    """

    class Kind(models.TextChoices):
        CREATED = "+", "Created"
        CHANGED = "~", "Changed"
        DELETED = "-", "Deleted"

    history_date = models.DateTimeField()
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    history_id = models.BigIntegerField()
    object_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    # PROTECT: deleting a person who acted would null history_user in the history tables,
    # altering sealed rows. Staff accounts are deactivated, not deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    actor = models.CharField(max_length=100, blank=True)
    # No constraint: a deleted client's history stays attributable to them.
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        db_index=False,
    )
    chain_hash = models.CharField(max_length=64)
    # Which AUDIT_CHAIN_KEY sealed it (a fingerprint of the key, see audit_log.keys).
    key_id = models.CharField(max_length=16, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-history_date", "-id"]
        verbose_name = "change-log entry"
        verbose_name_plural = "change log"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "history_id"], name="changelog_one_link_per_row"
            ),
        ]
        indexes = [
            models.Index(fields=["-history_date", "-id"], name="changelog_newest_first"),
            models.Index(fields=["user", "-history_date", "-id"], name="changelog_by_user"),
            models.Index(fields=["client", "-history_date", "-id"], name="changelog_by_client"),
            models.Index(fields=["content_type", "-history_date", "-id"], name="changelog_by_type"),
            models.Index(fields=["kind", "-history_date", "-id"], name="changelog_by_kind"),
            models.Index(fields=["content_type", "object_id"], name="changelog_by_record"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.content_type} #{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Change-log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Change-log entries cannot be deleted.")


# Staff accounts and their group membership are audited like client records. The history
# table lives in this app; the password column keeps a fingerprint, never the hash.
register(
    get_user_model(),
    app="housingfirst",
    records_class=StaffAccountRecords,
    bases=[AuditedHistory],
    history_change_reason_field=models.TextField(null=True),
    m2m_fields=["groups", "user_permissions"],
    excluded_fields=["last_login"],
)


class SubmissionToken(models.Model):
    """One create form, submitted once: a double tap or a resend on a slow connection finds
    its token here and is shown what the first submission saved (``housingfirst.submissions``).
    Plumbing, not client data: it holds only who submitted and where the result is."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    result_url = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"Submission {self.token}"


class AuditVerificationQuerySet(models.QuerySet):
    def finished(self):
        return self.exclude(finished_at=None)

    def checkpoints(self):
        """Runs that may be resumed from: whole or resumed runs in which both chains held."""
        scopes = [AuditVerification.Scope.FULL, AuditVerification.Scope.RESUMED]
        return self.filter(ok=True, scope__in=scopes).order_by("-finished_at", "-pk")


class AuditVerification(models.Model):
    """One run of the audit-trail verifier (nightly by beat, or by hand): what it checked,
    whether the chains held, and how far (the checkpoint the next nightly run resumes from).

    Not itself audited (no history, no link): it is the verifier's output, not program data,
    and a rerun reproduces it; sealing it would append links to the chain every night. What
    must not be forged is the checkpoint, so it carries its own HMAC (``seal``, keyed like the
    chain): without the key nobody can move a checkpoint past a link they altered, and a
    checkpoint is trusted only while its link still holds the recorded hash.
    """

    class Scope(models.TextChoices):
        FULL = "full", "Whole chains"
        RESUMED = "resumed", "New links since the last checkpoint"
        RANGE = "range", "A range of links"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    # "beat", or "command:verify_audit_trail" for a run by hand.
    triggered_by = models.CharField(max_length=100)
    ok = models.BooleanField(null=True)  # None while running (or when the run died)
    links_checked = models.BigIntegerField(default=0)
    problem = models.TextField(blank=True)  # the first problem found
    # Where each chain's walk ended: the last link that held (id, position, hash).
    history_link = models.BigIntegerField(default=0)
    history_position = models.BigIntegerField(default=0)
    history_hash = models.CharField(max_length=64, blank=True)
    access_link = models.BigIntegerField(default=0)
    access_position = models.BigIntegerField(default=0)
    access_hash = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    seal = models.CharField(max_length=64, blank=True)

    objects = AuditVerificationQuerySet.as_manager()

    class Meta:
        verbose_name = "audit-trail verification"
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="verification_newest_first"),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} verified {self.started_at:%Y-%m-%d %H:%M}"
