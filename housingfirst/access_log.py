"""Log every look at a protected record (42 CFR Part 2: substance-use records).

Call ``log_access(request, obj)`` from any view that shows a protected record, after the
access check has passed.
"""

import ipaddress

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from .audit_log import registry
from .models import AccessLogEntry


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXY_NETWORKS)


def client_address(request) -> str | None:
    """The reader's real address, for the access log and for sign-in throttling (axes).

    REMOTE_ADDR is the peer. Behind ``TRUSTED_PROXY_HOPS`` reverse proxies, each proxy appends
    the address it received the request from to X-Forwarded-For, so the client's address is
    that many entries from the right. The header is believed only when the peer itself is a
    trusted proxy (``TRUSTED_PROXY_NETWORKS``): anyone else could have written it.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_HOPS
    if not hops or peer is None or not _is_trusted_proxy(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()]
    if len(chain) < hops:
        return peer
    candidate = chain[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


def access_entry(
    request,
    obj=None,
    *,
    model=None,
    object_id=None,
    record_label=None,
    client=None,
    client_id=None,
    action=AccessLogEntry.Action.VIEW,
    detail="",
    user=None,
) -> AccessLogEntry:
    """The one way an access-log row is built (unsaved): who, what, from where, why.

    The record is ``obj``, or ``model`` and ``object_id`` when only its history is at hand.
    Its client is ``client`` (or ``client_id``), else the record's own ``client_id``. Outside a
    request (a management command), ``request`` is None and ``user`` says who acted.
    """
    if client is not None:
        client_id = client.pk
    if obj is not None:
        model, object_id = type(obj), obj.pk
        record_label = str(obj) if record_label is None else record_label
        if client_id is None:
            is_client = isinstance(obj, registry.client_model())
            client_id = obj.pk if is_client else getattr(obj, "client_id", None)
    return AccessLogEntry(
        user=request.user if request is not None else user,
        action=action,
        content_type=ContentType.objects.get_for_model(model) if model is not None else None,
        object_id=str(object_id) if object_id is not None else "",
        record_label=(record_label or "")[:200],
        client_id=client_id,
        ip_address=client_address(request) if request is not None else None,
        path=request.get_full_path()[:500] if request is not None else "",
        detail=detail,
    )


def log_access(request, obj=None, **facts) -> AccessLogEntry:
    """Write one append-only access-log entry for this request (facts: see access_entry)."""
    entry = access_entry(request, obj, **facts)
    entry.save()
    return entry


def _client_id_of(obj):
    if isinstance(obj, registry.client_model()):
        return obj.pk
    return getattr(obj, "client_id", None)


def _list_entry(request, records: list, *, client_id, detail: str = "", **facts):
    """One entry naming the records of one type and one client shown on a list page."""
    model = type(records[0])
    names = [f"{record} (#{record.pk})" for record in records]
    listing = "\n".join(f"{model._meta.verbose_name} #{record.pk}: {record}" for record in records)
    kind = model._meta.verbose_name_plural
    return access_entry(
        request,
        model=model,
        record_label=f"{len(records)} {kind}: {'; '.join(names)}",
        client_id=client_id,
        detail=f"{detail}\n{listing}".strip() if detail else listing,
        **facts,
    )


def log_access_many(request, objects, **facts) -> list[AccessLogEntry]:
    """A list page's look at protected records: one entry naming the records it showed.

    One entry per client and record type on the page (most list pages show one client's
    records of one type), so that the access log filtered by client or record type still finds
    every look at them; the entry names each record (type, number, label) in its detail. A
    single record is logged as itself. Written in one insert so list pages stay bounded.
    """
    fixed_client = facts["client"].pk if facts.get("client") else facts.get("client_id")
    shown: dict = {}
    for obj in objects:
        records = shown.setdefault((fixed_client or _client_id_of(obj), type(obj)), [])
        if all(record.pk != obj.pk for record in records):  # a record shown twice: once
            records.append(obj)
    entries = []
    for (client_id, _model), records in shown.items():
        if len(records) == 1:
            entries.append(access_entry(request, records[0], **facts))
        else:
            rest = {k: v for k, v in facts.items() if k not in ("client", "client_id")}
            entries.append(_list_entry(request, records, client_id=client_id, **rest))
    return AccessLogEntry.objects.bulk_create(entries) if entries else []
