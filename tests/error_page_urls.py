"""The app's URLs plus views that fail on purpose, for tests/test_error_pages.py."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.urls import include, path


@login_not_required
def server_error(request):
    raise RuntimeError("a bug, on purpose")


@login_not_required
def bad_request(request):
    raise SuspiciousOperation("a request the app cannot read, on purpose")


urlpatterns = [
    path("test-errors/500/", server_error),
    path("test-errors/400/", bad_request),
    path("", include("housingfirst.urls")),
]
