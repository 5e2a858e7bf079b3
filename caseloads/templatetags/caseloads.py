"""Template helpers of the caseload review: cover badges on client lists and pages.

``{% covers_of clients as covering %}`` looks up, in one query, the active covers of the
clients on a page; ``{% cover_badge client covering %}`` then shows "Covering for X until
<date>" to the covering colleague and "Covered by Y until <date>" to everyone else.
"""

from collections.abc import Iterable

from django import template

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
