"""A form sent after the idle timeout is kept for the person who typed it and offered back.

A session ends after ``SESSION_COOKIE_AGE`` seconds without a request; a form sent after
that would go to the sign-in page and what was typed would be lost. Instead:

1. While someone is signed in, each response carries a signed, HttpOnly cookie naming them
   (their id and session hash, with the time it was signed). Signing out deletes it, and
   changing the password makes it worthless.
2. A form sent signed out, to a page that needs sign-in, from a browser whose cookie names
   someone signed in within ``KEPT_FORM_HOURS``, is kept server-side for that person (in the
   cache, which expires it: the fields as sent, less the CSRF token and any password) under
   a random token given to the browser in another HttpOnly cookie. The answer is the sign-in
   page, which says the form was kept. Not a model: a draft is no record, and it must not
   outlive its offer in a history table.
3. When that same person, signed in again on that browser, opens the page the form was sent
   to, the page shows the banner ``OFFER_BACK`` and the kept entries, and a small script
   (``static/js/kept-entries.js``) puts them back into the form. Nothing is saved until the
   person sends the form again; the kept copy is deleted once shown. Anyone else signing in
   on the device sees nothing of it, and it expires after ``KEPT_FORM_HOURS``.
"""

import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.signing import BadSignature
from django.utils import timezone
from django.utils.crypto import constant_time_compare

SIGNED_IN_COOKIE = "hf_signed_in"
KEPT_COOKIE = "hf_kept_form"
SALT = "housingfirst.kept_forms"
SIGNED_OUT_MESSAGE = (
    "You were signed out after a time without activity, before your form was saved. "
    "What you sent is kept: sign in again to check it and save it."
)
OFFER_BACK = "You were signed out before this was saved; check and save again."
# Sent along with a form but never kept.
NOT_KEPT = {"csrfmiddlewaretoken"}
# Kept and put back, but not worth showing in the banner's list.
NOT_LISTED = {"version", "submission_token", "next"}


@dataclass
class KeptSubmission:
    token: str
    user_id: int
    path: str
    # [[name, value], ...] as sent (a name may repeat), less the CSRF token and any password.
    entries: list
    kept_at: datetime
    expires_at: datetime

    @property
    def key(self) -> str:
        return _key(self.token)

    def delete(self) -> None:
        cache.delete(self.key)


def _key(token: str) -> str:
    return f"kept-form:{token}"


def _keep_for() -> timedelta:
    return timedelta(hours=settings.KEPT_FORM_HOURS)


def _set_cookie(response, name, value, *, signed=False):
    setter = response.set_signed_cookie if signed else response.set_cookie
    extra = {"salt": SALT} if signed else {}
    setter(
        name,
        value,
        max_age=int(_keep_for().total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
        **extra,
    )


def _signed_in_before(request):
    """The active person whose sign-in this browser last carried, within the keeping time."""
    try:
        value = request.get_signed_cookie(SIGNED_IN_COOKIE, salt=SALT, max_age=_keep_for())
    except (KeyError, BadSignature):
        return None
    user_id, _, session_hash = value.partition(":")
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), session_hash):
        return None
    return user


def _entries(post) -> list[list[str]]:
    return [
        [name, value]
        for name, values in post.lists()
        if name not in NOT_KEPT and "password" not in name.lower()
        for value in values
    ]


def keep(request, user) -> KeptSubmission | None:
    entries = _entries(request.POST)
    if not entries:
        return None  # nothing typed (a sign-out button, say): nothing to keep
    now = timezone.now()
    kept = KeptSubmission(
        token=secrets.token_urlsafe(32),
        user_id=user.pk,
        path=request.get_full_path(),
        entries=entries,
        kept_at=now,
        expires_at=now + _keep_for(),
    )
    cache.set(kept.key, asdict(kept), timeout=int(_keep_for().total_seconds()))
    return kept


def kept_for(request) -> KeptSubmission | None:
    """The form kept on this browser for the signed-in person, for the page they open."""
    token = request.COOKIES.get(KEPT_COOKIE)
    stored = cache.get(_key(token)) if token else None
    if stored is None:
        return None
    kept = KeptSubmission(**stored)
    if (
        kept.user_id != request.user.pk
        or kept.path != request.get_full_path()
        or kept.expires_at <= timezone.now()
    ):
        return None
    return kept


def listed_entries(kept: KeptSubmission) -> list[tuple[str, str]]:
    """The entries to show in the banner (for a browser without scripts)."""
    return [
        (name.replace("_", " ").capitalize(), value)
        for name, value in kept.entries
        if name not in NOT_LISTED and value.strip()
    ]


class KeepFormsAfterTimeout:
    """Between ``AuthenticationMiddleware`` and ``LoginRequiredMiddleware``: the form sent
    signed out is kept before the latter sends the browser to the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.kept_submission = None
        was_signed_in = request.user.is_authenticated
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            _set_cookie(
                response, SIGNED_IN_COOKIE, f"{user.pk}:{user.get_session_auth_hash()}", signed=True
            )
            if request.kept_submission is not None and response.status_code == 200:
                request.kept_submission.delete()  # offered back once
                response.delete_cookie(KEPT_COOKIE, samesite="Lax")
        elif was_signed_in:  # signed out on purpose: this browser forgets them
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
            response.delete_cookie(KEPT_COOKIE, samesite="Lax")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            if request.method == "GET":
                request.kept_submission = kept_for(request)
            return None
        if request.method != "POST" or not getattr(view_func, "login_required", True):
            return None
        user = _signed_in_before(request)
        kept = keep(request, user) if user is not None else None
        if kept is None:
            return None  # LoginRequiredMiddleware sends the browser to the sign-in page
        messages.warning(request, SIGNED_OUT_MESSAGE)
        response = redirect_to_login(request.get_full_path())
        _set_cookie(response, KEPT_COOKIE, kept.token)
        return response
