from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Access-log entries cannot be changed.")

    def delete(self):
        raise TypeError("Access-log entries cannot be deleted.")


class AccessLogEntry(models.Model):
    """One look at (or export of) a protected record: who, what, when, from where.

    Append-only: the app never updates or deletes a row (see housingfirst.access_log).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_log_entries"
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    record_label = models.CharField(max_length=200, blank=True)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.TextField(blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = "access-log entry"
        verbose_name_plural = "access log"
        indexes = [models.Index(fields=["-occurred_at", "-id"], name="accesslog_newest_first")]

    def __str__(self):
        return f"{self.user} {self.get_action_display().lower()} {self.record_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Access-log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Access-log entries cannot be deleted.")
