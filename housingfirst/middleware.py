"""Request and response guards: private signed-in pages, uploads only where taken."""

import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

SESSION_REFRESHED_AT = "_idle_refreshed_at"


def refresh_idle_session(session, *, force: bool = False) -> None:
    """Push the idle timeout forward: the session is saved (with a new expiry) when its last
    refresh is SESSION_REFRESH_SECONDS old, so reading pages doesn't write on every request."""
    now = int(time.time())
    if force or now - session.get(SESSION_REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
        session[SESSION_REFRESHED_AT] = now


def refresh_idle_session_at_sign_in(sender, request, user, **kwargs):
    refresh_idle_session(request.session, force=True)


def idle_seconds_left(session) -> int:
    """Seconds until the idle timeout, as the server counts them (for the warning script)."""
    refreshed = session.get(SESSION_REFRESHED_AT, int(time.time()))
    return max(0, settings.SESSION_COOKIE_AGE - (int(time.time()) - refreshed))


def idle_session_timeout(get_response):
    def middleware(request):
        if request.user.is_authenticated:
            refresh_idle_session(request.session)
        return get_response(request)

    return middleware


def private_pages(get_response):
    """Nothing a signed-in person sees stays in a browser's or a proxy's cache: outreach
    devices are shared, and a cached client page or CSV would outlive the sign-out."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True, no_cache=True)
        return response

    return middleware


class UploadGuard:
    """Files only where a page takes them, and no body larger than the page allows.

    No page takes a file unless its view is marked with ``@accepts_files``: anything else
    posted with a file part answers 400 before the view runs. A body larger than the view's
    limit (``MAX_UPLOAD_SIZE`` unless the view says otherwise) answers 413 from ``__call__``,
    before any middleware's ``process_view`` (CSRF reads the body there): nothing is read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            refused = self._refuse_if_too_large(request, length)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse_if_too_large(self, request, length):
        try:
            view = resolve(request.path_info, getattr(request, "urlconf", None)).func
        except Resolver404:
            view = None
        limit_for = getattr(view, "upload_limit", None)
        limit = limit_for(request) if limit_for is not None else settings.MAX_UPLOAD_SIZE
        if length <= limit:
            return None
        too_large = getattr(view, "upload_too_large", None)
        if too_large is not None:
            return too_large(request, length, limit)
        return HttpResponse("The request is too large.", status=413, content_type="text/plain")

    def process_view(self, request, view_func, view_args, view_kwargs):
        content_type = request.META.get("CONTENT_TYPE", "")
        if (
            request.method == "POST"
            and content_type.startswith("multipart/")
            and not getattr(view_func, "accepts_files", False)
            and request.FILES
        ):
            return HttpResponseBadRequest("This form takes no files.", content_type="text/plain")
        return None


def accepts_files(view=None, *, limit=None, too_large=None):
    """Mark a view whose form takes file uploads (up to ``MAX_UPLOAD_SIZE``).

    ``limit(request)`` gives this view its own limit in bytes (for this person), and
    ``too_large(request, length, limit)`` the answer to a larger body (a page that says so);
    both run before the body is read, outside the view's own checks.
    """

    def mark(view):
        view.accepts_files = True
        view.upload_limit = limit
        view.upload_too_large = too_large
        return view

    return mark(view) if view is not None else mark
