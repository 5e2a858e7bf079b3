"""Log every look at a protected record (42 CFR Part 2: substance-use records).

Call ``log_access(request, obj)`` from any view that shows a protected record, after the
access check has passed.
"""

from django.contrib.contenttypes.models import ContentType

from .models import AccessLogEntry


def client_address(request) -> str | None:
    # REMOTE_ADDR is the peer; behind our proxy (compose) it is set from X-Forwarded-For by
    # gunicorn's --forwarded-allow-ips, so a client cannot forge it with a header.
    return request.META.get("REMOTE_ADDR") or None


def log_access(request, obj=None, *, client=None, action=AccessLogEntry.Action.VIEW, detail=""):
    """Write one append-only access-log entry for this request."""
    return AccessLogEntry.objects.create(
        user=request.user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        record_label=str(obj)[:200] if obj is not None else "",
        client=client,
        ip_address=client_address(request),
        path=request.get_full_path()[:500],
        detail=detail,
    )


def log_access_many(request, objects, *, action=AccessLogEntry.Action.VIEW, detail=""):
    """One entry per record shown, written in one insert so list pages stay bounded.

    Each entry's client is taken from the record's ``client_id`` when it has one.
    """
    entries = [
        AccessLogEntry(
            user=request.user,
            action=action,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            record_label=str(obj)[:200],
            client_id=getattr(obj, "client_id", None),
            ip_address=client_address(request),
            path=request.get_full_path()[:500],
            detail=detail,
        )
        for obj in objects
    ]
    return AccessLogEntry.objects.bulk_create(entries) if entries else []
