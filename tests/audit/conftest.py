"""Helpers for the audit tests: act as a person outside a request, read the change log."""

import contextlib

import pytest
from django.test import Client, RequestFactory
from simple_history.models import HistoricalRecords

from ..two_factor import verify_session


@contextlib.contextmanager
def acting_user(user):
    """History written inside the block is attributed to ``user``, as in a web request."""
    request = RequestFactory().get("/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        del HistoricalRecords.context.request


@pytest.fixture
def auditor_browser(program):
    """A signed-in auditor on a test client of their own (``login`` shares one client)."""
    browser = Client()
    browser.force_login(program.auditor, backend="django.contrib.auth.backends.ModelBackend")
    return verify_session(browser, program.auditor)


def log_entries(browser, **filters):
    """The change-log entries of the first page /audit/ shows for these filters."""
    response = browser.get("/audit/", filters)
    assert response.status_code == 200
    return response.context["page"].items
