"""Template helpers of the caseload review: cover badges on client lists and pages, and due
dates that stand out once they have passed.

``{% covers_of clients as covering %}`` looks up, in one query, the active covers of the
clients on a page; ``{% cover_badge client covering %}`` then shows "Covering for X until
<date>" to the covering colleague and "Covered by Y until <date>" to everyone else.
"""

from collections.abc import Iterable

from django import template
from django.utils import timezone
from django.utils.html import format_html

from clients.models import Client, Cover, CoveredClient
from placements.selectors import HousingStatus

register = template.Library()


@register.simple_tag
def covers_of(clients) -> dict[int, CoveredClient]:
    if isinstance(clients, Client):
        clients = [clients]
    ids = [client.pk for client in clients] if isinstance(clients, Iterable) else []
    if not ids:
        return {}
    rows = (
        CoveredClient.objects.filter(
            client_id__in=ids, released_at__isnull=True, cover__in=Cover.objects.active()
        )
        .select_related("cover__covering", "cover__case_manager")
        .order_by("cover__ends_on")
    )
    covering = {}
    for row in rows:
        covering.setdefault(row.client_id, row.cover)
    return covering


@register.inclusion_tag("caseloads/cover_badge.html", takes_context=True)
def cover_badge(context, client, covering):
    request = context.get("request")
    cover = covering.get(client.pk) if covering else None
    return {
        "cover": cover,
        "viewer_covers": cover is not None
        and request is not None
        and cover.covering_id == request.user.pk,
    }


@register.filter
def housing_label(value) -> str:
    try:
        return HousingStatus(value).label
    except ValueError:
        return ""


@register.simple_tag
def due_date(day):
    """A due date; once it has passed, highlighted and saying by how many days (in words, not
    only in colour): ``2025-03-03 (11 days overdue)``."""
    if not day:
        return "—"
    late = (timezone.localdate() - day).days
    if late <= 0:
        return format_html('<time datetime="{0}">{0}</time>', day.isoformat())
    return format_html(
        '<span class="date-overdue"><time datetime="{0}">{0}</time> '
        '<span class="overdue-by">({1} day{2} overdue)</span></span>',
        day.isoformat(),
        late,
        "" if late == 1 else "s",
    )
