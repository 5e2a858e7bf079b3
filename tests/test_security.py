"""Settings and security defaults: secret key, deploy checks, idle sessions, sign-in throttling."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[1]
STRONG_KEY = "k" * 20 + "2f9a7c1e5b3d8f0a6c4e2b9d7f1a3c5e7b9d0f2a4c6e8"


def run_manage(*args, **env):
    inherited_test_only = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {key: value for key, value in os.environ.items() if key not in inherited_test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_weak_secret_key():
    result = run_manage("check", DEBUG="0", SECRET_KEY="short")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_deploy_check_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        AUDIT_CHAIN_KEY="test-only-audit-chain-key-0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="housingfirst.example.org",
        SECURE_SSL_REDIRECT="",
        STATIC_MANIFEST="",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_without_an_audit_chain_key():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        AUDIT_CHAIN_KEY="",
        ALLOWED_HOSTS="housingfirst.example.org",
        SECURE_SSL_REDIRECT="",
        STATIC_MANIFEST="",
    )
    assert result.returncode != 0
    assert "housingfirst.W001" in result.stdout + result.stderr


def test_secure_defaults_when_debug_is_off():
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_REFRESH_SECONDS <= 60


@pytest.mark.django_db
def test_idle_session_expires_after_timeout(program, login):
    browser = login(program.case_manager)
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert browser.get("/").status_code == 200  # activity pushes the expiry forward
    with time_machine.travel(timezone.now() + timedelta(minutes=20 + 29)):
        assert browser.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=20 + 29 + 31)):
        response = browser.get("/")
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_reading_pages_writes_the_session_at_most_once_a_minute(program, login):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = login(program.case_manager)
    browser.get("/")  # the first page after sign-in refreshes the idle timeout

    def session_writes(path):
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(path).status_code == 200
        table = Session._meta.db_table
        return [
            q["sql"]
            for q in queries
            if table in q["sql"] and q["sql"].lstrip().startswith(("UPDATE", "INSERT"))
        ]

    assert session_writes("/") == [] and session_writes("/clients/") == []
    expiry = Session.objects.get().expire_date
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert len(session_writes("/")) == 1
    assert Session.objects.get().expire_date > expiry


@pytest.mark.django_db
def test_sign_in_and_out_through_the_form(program, client):
    response = client.post(
        reverse("login"), {"username": "cm_own", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # sign-out is a POST (CSRF)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_failed_sign_ins_are_throttled(program, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "cm_own", "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = client.post(reverse("login"), {"username": "cm_own", "password": "wrong"})
    assert response.status_code == 429
    # Locked now: even the right password is turned away.
    response = client.post(
        reverse("login"), {"username": "cm_own", "password": "correct-horse-battery"}
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert client.get("/").status_code == 302


def test_every_form_carries_csrf_protection():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    templates = list((ROOT / "templates").rglob("*.html"))
    for template in templates:
        text = template.read_text()
        if 'method="post"' in text:
            assert "{% csrf_token %}" in text, template


def test_no_asset_is_loaded_from_another_host():
    import re

    pattern = re.compile(r'<(script|link|img)[^>]+(src|href)="(https?:)?//')
    for template in (ROOT / "templates").rglob("*.html"):
        assert not pattern.search(template.read_text()), template


@pytest.mark.django_db
def test_sign_in_throttling_counts_the_readers_address_behind_the_proxy(program, client, settings):
    """Behind the proxy every request comes from its address: throttling must not lock out
    everyone at once, and must follow the one reader who keeps failing."""
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = {"REMOTE_ADDR": "172.18.0.5"}
    wrong = {"username": "cm_own", "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), wrong, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    # The same person signing in from another reader's address is not locked out.
    right = {"username": "cm_own", "password": "correct-horse-battery"}
    response = client.post(reverse("login"), right, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy)
    assert response.status_code == 302


@pytest.mark.django_db
def test_every_page_has_a_strict_content_security_policy(program, login, client):
    for response in (client.get(reverse("login")), login(program.case_manager).get("/")):
        policy = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ):
            assert directive in policy
        assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_signed_in_pages_and_downloads_are_never_cached(program, login):
    browser = login(program.supervisor)
    for url in ("/", f"/clients/{program.client.pk}/", reverse("caseloads:export")):
        cache_control = browser.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


@pytest.mark.django_db
def test_a_form_that_takes_no_file_refuses_one(program, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clients.models import Client

    browser = login(program.case_manager)
    before = Client.objects.count()
    response = browser.post(
        reverse("clients:create"),
        {"first_name": "Nia", "attachment": SimpleUploadedFile("x.exe", b"MZ" * 100)},
    )
    assert response.status_code == 400
    assert Client.objects.count() == before


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_refused(program, login, settings):
    settings.MAX_UPLOAD_SIZE = 1000
    response = login(program.case_manager).post(
        reverse("clients:create"), {"goals": "x" * 2000, "first_name": "Nia"}
    )
    assert response.status_code == 413
