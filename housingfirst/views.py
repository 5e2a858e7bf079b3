import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app
from .middleware import refresh_idle_session

logger = logging.getLogger(__name__)


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database check failed")
        return False


def _check_broker() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.warning("healthz: broker check failed", exc_info=True)
        return False


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness: 200 when the database and the broker answer, 503 otherwise."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@login_not_required
@never_cache
@require_GET
def session_keep_alive(request):
    """Pinged by "Stay signed in" (static/js/session-timeout.js): any request by a signed-in
    person pushes the idle timeout forward (``refresh_idle_session``). Signed out: 401,
    never a redirect to the sign-in page, which a script would take for success."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    refresh_idle_session(request.session, force=True)
    return JsonResponse({"signed_in": True, "idle_seconds": settings.SESSION_COOKIE_AGE})
