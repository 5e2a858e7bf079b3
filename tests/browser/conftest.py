"""A real browser: Playwright driving Debian's chromium (never a downloaded browser).

Where no chromium is installed the browser tests are skipped with a message, except in CI
(CI=true), where a missing browser is a failure.
"""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI needs Debian's chromium for the browser tests (apt-get install chromium)"
            )
        pytest.skip("no chromium installed: browser tests skipped (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still plain synchronous calls.
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(chromium, live_server, settings):
    settings.AXES_ENABLED = False
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    """Sign in through the real form: ``sign_in(user)`` (password of tests/factories.py)."""

    def go(user, password="correct-horse-battery"):
        from housingfirst.two_factor import two_factor_required
        from tests.two_factor import app_of, current_code

        app = app_of(user) if two_factor_required(user) else None
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if app is not None:  # the second step, as the person types it
            page.wait_for_url(lambda url: "/accounts/two-factor/" in url)
            page.get_by_label("Code").fill(current_code(app))
            page.get_by_role("button", name="Verify").click()
            page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)
        return page

    return go
