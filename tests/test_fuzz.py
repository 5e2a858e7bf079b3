"""Fuzzing every page: no input answers 500 (issue 18: bad input is a field error, never a crash).

Every URL pattern of the app (from the resolver; the Django admin aside) is opened as each
role with the ids of a small program filled in. From every page that opens, the test reads
its forms (``html.parser``) and the query parameters its links and GET forms use. Then
hypothesis sends fuzzed values: each form posted back with a valid CSRF token (the browser's
own) and every field replaced, dropped, repeated or kept; each page opened with fuzzed query
parameters. Any response >= 500 fails, naming the page, the person and what was sent.

Bounded: a few examples per form and page (``FUZZ_EXAMPLES``), no deadline, no shrinking:
about a minute. Marked ``fuzz`` (``pytest -m fuzz``); it runs with the rest in ``make test``.
"""

import itertools
import os
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from clients.models import Client, DuplicatePair
from placements.models import Contact, Placement
from referrals.models import Consent, Provider, Referral
from reminders import services as reminder_services
from reminders.models import Reminder
from tests.caseloads.factories import cover
from tests.enrollments.conftest import record
from tests.factories import ProjectFactory, enrol
from tests.reminders.factories import client_with_everything

# More for a deeper run: FUZZ_EXAMPLES=50 pytest -m fuzz
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
SKIPPED_PREFIXES = ("/admin/", "/static/")
# Posting these would sign the browser out (or in as someone else) halfway through.
SKIPPED_FORMS = {"logout", "login"}
CSRF_FIELD = "csrfmiddlewaretoken"
COMMON_QUERY_PARAMETERS = ("page", "next", "before", "after", "q", "sort")


# Pages and forms ------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> list of candidate values

    def add(self, name, value):
        if name:
            self.fields.setdefault(name, [])
            if value is not None and value not in self.fields[name]:
                self.fields[name].append(value)


class PageParser(HTMLParser):
    """The forms of a page (their fields and values) and the query parameters of its links."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.query_parameters: set[str] = set()
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.query_parameters.update(
                name for name, _ in parse_qsl(urlsplit(attrs["href"]).query)
            )
        elif tag == "form":
            self._form = Form(attrs.get("action") or "", (attrs.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("type") != "file":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                self._form.add(attrs.get("name"), attrs.get("value", "on"))
            elif kind not in ("submit", "button", "reset", "image"):
                self._form.add(attrs.get("name"), attrs.get("value", ""))
            elif attrs.get("name"):
                self._form.add(attrs["name"], attrs.get("value", ""))
        elif tag == "button" and attrs.get("name"):
            self._form.add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self._select = attrs.get("name")
            self._form.add(self._select, None)
        elif tag == "option" and self._select:
            self._form.add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._form.add(self._textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea and data.strip():
            self._form.add(self._textarea, data)


def routes():
    """Every URL pattern of the app as (route, converter names), admin aside."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return ["/" + route for route in walk(get_resolver().url_patterns, "")]


def fill(route: str, ids: dict) -> list[str]:
    """The route with every ``<type:name>`` replaced by each combination of candidate ids."""
    parts = route.replace(">", "<").split("<")
    names = [part.split(":")[-1] for part in parts[1::2]]
    urls = []
    for values in itertools.product(*(ids.get(name, ["1"]) for name in names)):
        filled = list(parts)
        for index, value in enumerate(values):
            filled[1 + 2 * index] = str(value)
        urls.append("".join(filled))
    return urls


@dataclass
class Target:
    role: str
    page: str
    form: Form | None = None
    query_parameters: tuple = ()


def browser_for(user) -> Browser:
    browser = Browser(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


def skipped_form(action: str) -> bool:
    try:
        match = resolve(urlsplit(action).path)
    except Resolver404:
        return True
    return match.url_name in SKIPPED_FORMS or action.startswith(SKIPPED_PREFIXES)


def discover(browsers, ids) -> tuple[list[Target], list[str]]:
    """Open every page as every role: the forms and query parameters to fuzz, and any crash."""
    targets, crashes = [], []
    pages = [
        url
        for route in routes()
        if not route.startswith(SKIPPED_PREFIXES)
        for url in fill(route, ids)
    ]
    for role, browser in browsers.items():
        for page in pages:
            response = browser.get(page)
            if response.status_code >= 500:
                crashes.append(f"GET {page} as {role}: {response.status_code}")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = PageParser()
            parser.feed(response.content.decode())
            parameters = set(parser.query_parameters) | set(COMMON_QUERY_PARAMETERS)
            for form in parser.forms:
                action = form.action or page
                if form.method == "get":
                    parameters.update(form.fields)
                elif not skipped_form(action):
                    assert form.fields.get(CSRF_FIELD), f"{page}: a form without a CSRF token"
                    targets.append(Target(role, page, Form(action, "post", form.fields)))
            targets.append(Target(role, page, query_parameters=tuple(sorted(parameters))))
    return targets, crashes


# Fuzzed values --------------------------------------------------------------------------

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
awkward = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1.5",
        "1e309",
        "NaN",
        "inf",
        "99999999999999999999999",
        str(2**63),
        "-" + str(2**63 + 1),
        "2024-02-30",
        "0001-01-01",
        "9999-12-31",
        "9999-12-31T23:59",
        "0000-00-00T00:00",
        "12/31/1969",
        "abc",
        "\x00",
        "a\x00b",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "../../etc/passwd",
        "%",
        "x" * 5000,
        "None",
        "true",
        "[]",
        "{}",
    ]
)
number = st.integers(min_value=-(2**70), max_value=2**70).map(str)
day = st.dates().map(lambda d: d.isoformat())
moment = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))
fuzzed_value = st.one_of(awkward, text, number, day, moment)


def field_values(candidates: list):
    """One field's values: kept, one of the page's choices, fuzzed, several, or left out."""
    choices = [st.sampled_from(candidates)] if candidates else []
    single = st.one_of(*choices, fuzzed_value)
    return st.one_of(
        single.map(lambda value: [value]),
        st.lists(single, min_size=0, max_size=3),
    )


def form_data(data, form: Form, csrf_token: str) -> dict:
    sent = {}
    for name, candidates in form.fields.items():
        if name == CSRF_FIELD:
            continue
        values = data.draw(field_values(candidates), label=name)
        if values:
            sent[name] = values
    sent[CSRF_FIELD] = csrf_token
    return sent


def query_data(data, parameters: tuple) -> dict:
    chosen = data.draw(st.lists(st.sampled_from(parameters), max_size=4, unique=True))
    return {name: data.draw(fuzzed_value, label=name) for name in chosen}


# The program to fuzz --------------------------------------------------------------------


@pytest.fixture
def world(program):
    """A program with one of everything, so that every page has something to show."""
    client = program.client
    today = timezone.localdate()
    client_with_everything(client, by=program.case_manager)
    Contact.objects.create(
        client=client,
        made_by=program.case_manager,
        kind=Contact.Kind.PHONE_CALL,
        occurred_at=timezone.now() - timedelta(days=1),
        note="Called",
    )
    reminder_services.reminders_generate(today=today)
    low, high = sorted([client, program.teammate_client], key=lambda c: c.pk)
    DuplicatePair.objects.create(first=low, second=high, score=80, reasons="birth date")
    cover(program, starts_on=today, ends_on=today + timedelta(days=7))
    # client_with_everything enrolled the client already (HUD data due); else enrol them.
    enrollment = client.enrollments.filter(exit_date__isnull=True).first() or enrol(
        client, project=ProjectFactory(is_default=True)
    )
    entry = record(enrollment, program.case_manager)
    ids = {
        "client_id": [client.pk, program.other_client.pk],
        "pk": [
            *Placement.objects.filter(client=client).values_list("pk", flat=True),
            *Contact.objects.filter(client=client).values_list("pk", flat=True)[:2],
        ],
        "referral_id": list(Referral.objects.filter(client=client).values_list("pk", flat=True)),
        "consent_id": list(Consent.objects.filter(client=client).values_list("pk", flat=True)),
        "provider_id": list(Provider.objects.values_list("pk", flat=True)[:1]),
        "reminder_id": list(Reminder.objects.filter(client=client).values_list("pk", flat=True)),
        "pair_id": list(DuplicatePair.objects.values_list("pk", flat=True)),
        "cover_id": list(program.team.covers.values_list("pk", flat=True)),
        "case_manager_id": [program.case_manager.pk],
        "assessment_id": [entry.pk],
        "model_label": ["clients.client", "referrals.referral", "nothing.here"],
        "object_id": [str(client.pk), "x"],
    }
    assert all(ids.values()), {name: values for name, values in ids.items() if not values}
    assert Client.objects.filter(pk=client.pk).exists()
    return ids


@pytest.mark.fuzz
def test_no_input_on_any_page_answers_500(program, world):
    browsers = {
        "case manager": browser_for(program.case_manager),
        "supervisor": browser_for(program.supervisor),
        "auditor": browser_for(program.auditor),
        "administrator": browser_for(program.admin),
        "anonymous": browser_for(None),
    }
    targets, crashes = discover(browsers, world)
    assert not crashes, crashes
    forms = [target for target in targets if target.form is not None]
    assert len(forms) > 30, "the pages' forms were not found"
    assert {target.role for target in forms} >= {"case manager", "supervisor", "administrator"}

    crashed = []
    for target in targets:
        try:
            fuzz(target, browsers[target.role])
        except AssertionError as crash:
            crashed.append(str(crash).splitlines()[0])
    assert not crashed, "\n".join(crashed)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # report, don't shrink: time is bounded
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(data=st.data())
def fuzz_target(data, target, browser):
    if target.form is not None:
        sent = form_data(data, target.form, target.form.fields[CSRF_FIELD][0])
        method = f"POST {target.form.action or target.page}"
        response = browser.post(target.form.action or target.page, sent)
    else:
        sent = query_data(data, target.query_parameters)
        method = f"GET {target.page}"
        response = browser.get(target.page, sent)
    assert response.status_code < 500, (
        f"{method} as {target.role} with {sent!r}: {response.status_code}"
    )


def fuzz(target, browser):
    fuzz_target(target=target, browser=browser)
