import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clients.models import Client
from housingfirst.roles import Role, role_of
from reminders.views import home_reminders

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def home(request):
    """Each role's starting point: caseload, team, or the latest changes."""
    role = role_of(request.user)
    context = {"role": role}
    if role is Role.CASE_MANAGER:
        context["caseload"] = (
            Client.objects.filter(case_manager=request.user)
            .select_related("team")
            .order_by("last_name", "first_name")[:50]
        )
        context["caseload_size"] = Client.objects.filter(case_manager=request.user).count()
        context.update(home_reminders(request.user))
    elif role is Role.SUPERVISOR:
        from clients.caseloads import supervisor_home

        context.update(supervisor_home(request.user))
    elif role in (Role.AUDITOR, Role.ADMINISTRATOR):
        from housingfirst.audit_log import changelog
        from housingfirst.audit_log.views import log_protected_entries

        context["latest_changes"] = changelog.latest_client_changes(10)
        context["latest_access"] = changelog.access_log_page(changelog.Filters(), size=10).items
        log_protected_entries(request, context["latest_changes"], "Home page: latest changes")
    return render(request, "home.html", context)


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
