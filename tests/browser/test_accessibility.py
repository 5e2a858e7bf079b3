"""axe-core over every page of every role, on a phone and a desktop: any violation fails
(issue 16).

The pages come from the URL conf, not from a list: every route is opened by each demo role
(case manager, supervisor, auditor, administrator) on the demo program, with its parameters
filled from seeded records the role can reach. A new page is covered the day it is added; a
new kind of URL parameter fails here with a message saying where to teach the test to fill it.

Pages a role may not open (403, 404) are skipped for that role; POST-only endpoints (405) and
non-HTML answers (CSV, JSON, calendar feeds) are not pages. Each HTML route must open for at
least one role. The Django admin is Django's own markup and is left out (its pages are opened
by tests/test_admin_pages.py); the app's error pages are checked here too.

axe-core is vendored (tests/browser/vendor/axe.min.js, MPL-2.0, licence header kept): no CDN,
no npm in CI. The page's CSP forbids injected scripts, so this test's browser context bypasses
CSP for axe alone; the app's own pages are unchanged.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import CHROMIUM

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DEMO_PASSWORD = "housingfirst-demo"
# director: a supervisor of every team (pages listing several teams).
ROLES = ["casemanager1", "supervisor1", "director", "auditor", "admin"]

# Routes that are not pages a person reads: sign-out, JSON pings, downloads, the feed, the
# admin (Django's), the two-factor steps (opened by the sign-in itself).
NOT_PAGES = {
    "logout",
    "healthz",
    "session_keep_alive",
    "two_factor_verify",
    "two_factor_set_up",
    "appointments:feed_ics",
    "caseloads:export",
    "audit:change_log_export",
    "audit:access_log_export",
    "hmis:status",
    "hmis:download",
    "hmis:import_status",
}
NOT_PAGE_PREFIXES = ("admin/",)

# URL parameter -> "app_label.Model" whose row fills it. ``pk`` is named by the path segment
# before it ("placements/<int:pk>/" -> placements.Placement).
MODELS = {
    "client_id": "clients.Client",
    "pair_id": "clients.DuplicatePair",
    "cover_id": "clients.Cover",
    "referral_id": "referrals.Referral",
    "consent_id": "referrals.Consent",
    "provider_id": "referrals.Provider",
    "note_id": "casenotes.Note",
    "goal_id": "plans.Goal",
    "step_id": "plans.Step",
    "appointment_id": "appointments.Appointment",
    "reminder_id": "reminders.Reminder",
    "lot_id": "harm_reduction.StockLot",
    "distribution_id": "harm_reduction.Distribution",
    "response_id": "harm_reduction.OverdoseResponse",
    "training_id": "harm_reduction.TrainingSession",
    "assessment_id": "enrollments.Assessment",
    "export_id": "hmis.HmisExport",
    "import_id": "hmis.HmisImport",
    "placements/pk": "placements.Placement",
    "contacts/pk": "placements.Contact",
}


class CannotFill(Exception):
    pass


def routes(patterns=None, prefix="", namespace="", outer=()):
    """(route, url name, [parameter names]) for every URL pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        parameters = [*outer, *pattern.pattern.converters]
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from routes(
                pattern.url_patterns, prefix + str(pattern.pattern), inner, parameters
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield prefix + str(pattern.pattern), name, parameters


def _model_for(route, parameter):
    key = parameter
    if parameter == "pk":
        before = route.split("<int:pk>")[0].rstrip("/").rsplit("/", 1)[-1]
        key = f"{before}/pk"
    label = MODELS.get(key)
    return apps.get_model(label) if label else None


def fill(route, parameters, user):
    """The route's path with its parameters filled from rows this person can reach."""
    Client = apps.get_model("clients.Client")
    clients = Client.objects.visible_to(user).order_by("pk")
    values = {}
    leaf = None
    for parameter in parameters:
        if parameter in ("client_id",):
            continue
        if parameter == "case_manager_id":
            holder = clients.exclude(case_manager=None).values_list("case_manager", flat=True)
            values[parameter] = holder.first() or user.pk
            continue
        if parameter == "user_id":
            values[parameter] = get_user_model().objects.get(username="casemanager1").pk
            continue
        if parameter in ("model_label", "object_id"):
            values["model_label"] = "clients.client"
            values["object_id"] = (clients.first() or Client.objects.first()).pk
            continue
        model = _model_for(route, parameter)
        if model is None:
            raise CannotFill(
                f"{route}: no seeded record for the URL parameter '{parameter}'. Add it to "
                f"MODELS in {Path(__file__).name} (and to seed_demo if it has no demo rows)."
            )
        rows = model._default_manager.order_by("pk")
        has_client = any(f.name == "client" for f in model._meta.get_fields())
        if has_client and "client_id" in parameters:
            rows = rows.filter(client__in=clients)
        elif has_client and leaf is None:
            rows = rows.filter(client__in=clients) | rows.filter(client=None)
        if parameter == "step_id" and "client_id" in parameters:
            rows = model._default_manager.filter(goal__plan__client__in=clients).order_by("pk")
        if parameter == "goal_id" and "client_id" in parameters:
            rows = model._default_manager.filter(plan__client__in=clients).order_by("pk")
        # Out of this person's reach, any row (the page answers 403 or 404: skipped); no row at
        # all, a number (a POST-only route answers 405 before looking it up).
        row = rows.first() or model._default_manager.order_by("pk").first()
        values[parameter] = row.pk if row is not None else 2**31 - 1
        leaf = leaf or row
    if "client_id" in parameters:
        client_id = getattr(leaf, "client_id", None) if leaf is not None else None
        if client_id is None and leaf is not None:
            plan = getattr(leaf, "plan", None) or getattr(getattr(leaf, "goal", None), "plan", None)
            client_id = plan.client_id if plan is not None else None
        if client_id is None:
            first = clients.first()
            client_id = first.pk if first else None
        if client_id is None:
            return None
        values["client_id"] = client_id
    path = route
    for parameter, value in values.items():
        for converter in ("int", "str", "slug", "path"):
            path = path.replace(f"<{converter}:{parameter}>", str(value))
    return "/" + path


def run_axe(page, source, attempts=3):
    """axe's violations on the page; when a navigation still under way (an earlier answer
    Chromium showed no page for) replaces the document mid-run, run again on the new one."""
    for attempt in range(attempts):
        try:
            return _run_axe_once(page, source)
        except PlaywrightError as error:
            if "Execution context was destroyed" not in str(error) or attempt == attempts - 1:
                raise
            page.wait_for_load_state()


def _run_axe_once(page, source):
    page.evaluate(source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary)
            }));
        }"""
    )
    return result


def describe(path, violations):
    lines = []
    for v in violations:
        lines.append(f"  {path}: {v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"      {node}" for node in v["nodes"])
    return "\n".join(lines)


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEBUG = True  # seed_demo refuses to run without it
    call_command("seed_demo")
    settings.DEBUG = False
    settings.AXES_ENABLED = False
    demo_import(settings, tmp_path)


def demo_import(settings, tmp_path):
    """An HMIS import whose dry run is done (seed_demo makes none: an import needs a file), so
    that its page, with the report and a choice on a possible duplicate, is walked too."""
    from hmis.models import HmisImport

    settings.HMIS_IMPORT_DIR = tmp_path / "hmis-imports"
    settings.HMIS_IMPORT_DIR.mkdir()
    (settings.HMIS_IMPORT_DIR / "demo.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    client = apps.get_model("clients.Client").objects.order_by("pk").first()
    team = apps.get_model("clients.Team").objects.order_by("pk").first()
    counts = {"read": 2, "imported": 1, "updated": 0, "unchanged": 0, "skipped": 1}
    HmisImport.objects.create(
        uploaded_by=get_user_model().objects.get(username="admin"),
        original_name="coc-export.zip",
        file_name="demo.zip",
        size=22,
        team=team,
        team_name=team.name,
        status=HmisImport.Status.DRY_RUN_DONE,
        dry_run_report={
            "export_id": "DEMO1",
            "source": "Demo CoC HMIS",
            "refused": None,
            "dry_run": True,
            "ok": False,
            "team": team.name,
            "validation": {"checked": True, "ok": True, "errors": 0, "warnings": 0,
                           "problems": [], "more": 0},
            "files": [{"name": "Client.csv", **counts}],
            "totals": counts,
            "skips": [{"file": "Client.csv", "line": 3, "column": "DOB", "value": "1980-02-30",
                       "reason": "Not a date"}],
            "skips_more": 0,
            "duplicates": [{"personal_id": "C1", "name": f"{client.first_name} {client.last_name}",
                            "birth_date": "1980-04-01", "existing_client_id": client.pk,
                            "existing_name": f"{client.first_name} {client.last_name}",
                            "score": 95}],
        },
    )  # fmt: skip


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_every_page_of_every_role_has_no_axe_violations(chromium, live_server, demo, width):
    if CHROMIUM is None:  # pragma: no cover - the chromium fixture skips first
        pytest.skip("no chromium")
    from tests.two_factor import app_of, current_code

    source = AXE.read_text(encoding="utf-8")
    problems, unfilled, opened = [], [], set()
    html_routes = {}
    for route, name, parameters in routes():
        if name in NOT_PAGES or route.startswith(NOT_PAGE_PREFIXES):
            continue
        html_routes[route] = (name, parameters)

    for username in ROLES:
        user = get_user_model().objects.get(username=username)
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 844}, bypass_csp=True
        )
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.goto("/accounts/login/")
        problems_here = run_axe(page, source)
        if problems_here:
            problems.append(describe(f"/accounts/login/ (signed out, {username})", problems_here))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/two-factor/" in page.url:
            violations = run_axe(page, source)
            if violations:
                problems.append(describe(f"{page.url} ({username})", violations))
            page.get_by_label("Code").fill(current_code(app_of(user)))
            page.get_by_role("button", name="Verify").click()
            page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)

        for route, (name, parameters) in html_routes.items():
            try:
                path = fill(route, parameters, user)
            except CannotFill as error:
                unfilled.append(str(error))
                continue
            if path is None:
                continue
            try:
                response = page.goto(path)
            except PlaywrightError:
                # Chromium shows no page for an empty error answer (a 405 to GET): ask again.
                response = page.request.get(path)
            if response is None:
                continue
            status = response.status
            content_type = response.headers.get("content-type", "")
            if status == 405 or "text/html" not in content_type:
                opened.add(route)  # not a page to read: POST-only, or a download
                continue
            if status in (403, 404):
                continue
            opened.add(route)
            violations = run_axe(page, source)
            if violations:
                problems.append(describe(f"{path} ({username}, {name})", violations))
        # The app's own error pages, as this person sees them.
        for path in ("/no-such-page/", "/audit/" if username == "casemanager1" else None):
            if path:
                page.goto(path)
                violations = run_axe(page, source)
                if violations:
                    problems.append(describe(f"{path} error page ({username})", violations))
        context.close()

    failures = []
    if unfilled:
        failures.append(
            "URL patterns this test cannot fill:\n  " + "\n  ".join(sorted(set(unfilled)))
        )
    never = sorted(route for route in html_routes if route not in opened)
    if never:
        failures.append(
            "No demo role could open these pages (give seed_demo a record they need, or "
            "teach fill() to find one):\n  " + "\n  ".join(never)
        )
    if problems:
        failures.append("axe-core violations:\n" + "\n".join(problems))
    assert not failures, "\n\n".join(failures)


def test_a_url_parameter_the_test_cannot_fill_fails_with_a_clear_message(program):
    with pytest.raises(CannotFill, match=r"things/<int:thing_id>/: .*'thing_id'.* MODELS"):
        fill("things/<int:thing_id>/", ["thing_id"], program.case_manager)
    assert fill("clients/<int:client_id>/", ["client_id"], program.case_manager) == (
        f"/clients/{program.client.pk}/"
    )
