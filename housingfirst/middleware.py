"""Request and response guards: private signed-in pages, uploads only where taken."""

import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
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
    """Files only where a page takes them, and no body larger than ``MAX_UPLOAD_SIZE``.

    No page takes a file unless its view is marked with ``@accepts_files``: anything else
    posted with a file part answers 400 before the view runs, and any request whose body
    is larger than the limit answers 413 (nothing is read or saved).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_UPLOAD_SIZE:
            return HttpResponse("The request is too large.", status=413, content_type="text/plain")
        content_type = request.META.get("CONTENT_TYPE", "")
        if (
            request.method == "POST"
            and content_type.startswith("multipart/")
            and not getattr(view_func, "accepts_files", False)
            and request.FILES
        ):
            return HttpResponseBadRequest("This form takes no files.", content_type="text/plain")
        return None


def accepts_files(view):
    """Mark a view whose form takes file uploads (up to ``MAX_UPLOAD_SIZE``)."""
    view.accepts_files = True
    return view
