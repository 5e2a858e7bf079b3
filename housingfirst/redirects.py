from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request) -> str | None:
    """The ``next`` address of a form or link when it is a path on this site, else None.

    Only a path ("/…") counts: anything else (another host, or a bare word that ``redirect``
    would take for a URL name and fail on) falls back to the caller's default page.
    """
    target = request.POST.get("next") or request.GET.get("next")
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return None
