from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request) -> str | None:
    """The ``next`` address of a form or link when it stays on this site, else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
