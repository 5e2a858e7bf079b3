"""Everyone: the app's own error pages (never Django's debug or plain pages with DEBUG off),
the role as a person says it, the icon and the print stylesheet on every page, the admin in the
program's name (issue 16, item 9)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

DJANGO_PAGES = ("Traceback", "technical", "Django", "Page not found (404)", "CSRF verification")


def assert_ours(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert 'rel="icon"' in html and "css/app.css" in html
    for text in DJANGO_PAGES:
        assert text not in html


@pytest.fixture
def failing(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_page_urls"
    return Client(raise_request_exception=False)


def test_404_is_our_page_signed_in_or_not(program, failing, login, settings):
    assert_ours(failing.get("/no-such-page/"), 404, "Not found")
    browser = login(program.case_manager)
    response = browser.get(reverse("clients:detail", args=[program.other_client.pk]))
    assert_ours(response, 404, "Not found")
    assert "Case manager" in response.content.decode()  # our layout, with the header


def test_403_is_our_page(program, login, settings):
    settings.DEBUG = False
    response = login(program.case_manager).get(reverse("audit:change_log"))
    assert_ours(response, 403, "not available to your role")


def test_500_is_our_page_and_says_nothing_of_the_error(failing):
    response = failing.get("/test-errors/500/")
    assert_ours(response, 500, "Something went wrong")
    assert "on purpose" not in response.content.decode()


def test_400_is_our_page(failing):
    assert_ours(failing.get("/test-errors/400/"), 400, "could not be read")


def test_a_csrf_failure_is_our_page(program, settings):
    settings.DEBUG = False
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(program.case_manager, backend="django.contrib.auth.backends.ModelBackend")
    response = browser.post(reverse("logout"))
    assert_ours(response, 403, "This form could not be sent")


@pytest.mark.parametrize(
    ("who", "said"),
    [
        ("case_manager", "Case manager"),
        ("supervisor", "Supervisor"),
        ("auditor", "Auditor"),
        ("admin", "Administrator"),
    ],
)
def test_the_header_names_the_role_as_a_person_says_it(program, login, who, said):
    html = login(getattr(program, who)).get("/").content.decode()
    assert f"· {said}</span>" in html
    assert "Case managers" not in html.split("</header>")[0]


def test_every_page_links_the_icon_and_the_print_stylesheet(program, login):
    pages = [(Client(), "/accounts/login/")]
    pages += [(login(program.case_manager), "/"), (login(program.case_manager), "/clients/")]
    for browser, url in pages:
        html = browser.get(url).content.decode()
        assert 'rel="icon" href="/static/favicon.svg"' in html
        assert 'href="/static/css/print.css" media="print"' in html
    admin_index = login(program.admin).get(reverse("admin:index")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in admin_index


def test_the_admin_wears_the_programs_name(program, login):
    html = login(program.admin).get(reverse("admin:index")).content.decode()
    assert "housingfirst administration" in html
    assert "Django administration" not in html and "Django site admin" not in html
    assert "Historical" not in html


def test_the_admin_stays_closed_to_staff_who_are_not_administrators(program, login):
    response = login(program.supervisor).get(reverse("admin:index"))
    assert response.status_code in (302, 403)
