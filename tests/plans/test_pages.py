"""The client's plan: goals in their words, steps, progress, reviews, the choice of no plan,
the print view; and who may open which page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Goal, Plan, Step
from tests.casenotes.factories import topic
from tests.factories import form_values

from .factories import plan_with_goal

pytestmark = pytest.mark.django_db


def url(name, client, **kwargs):
    return reverse(f"plans:{name}", kwargs={"client_id": client.pk, **kwargs})


def test_a_plan_with_a_goal_in_the_clients_words_and_two_steps(program, login, settings):
    settings.PLAN_REVIEW_DAYS = 90
    browser = login(program.case_manager)
    browser.post(url("start", program.client))
    plan = Plan.objects.get(client=program.client)
    assert plan.review_on == timezone.localdate() + timedelta(days=90)
    words = "I want my own key and nobody telling me when to come home."
    response = browser.post(
        url("goal_new", program.client),
        {"in_their_words": words, "area": topic().pk, "why_it_matters": "Freedom."},
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.in_their_words, goal.status, goal.client) == (
        words,
        Goal.Status.WORKING,
        program.client,
    )
    for what, who in (("Ask for a second key", "client"), ("Call the landlord", "case_manager")):
        browser.post(url("step_new", program.client, goal_id=goal.pk), {"what": what, "who": who})
    assert [step.what for step in goal.steps.all()] == ["Ask for a second key", "Call the landlord"]
    step = goal.steps.first()
    browser.post(url("step_done", program.client, step_id=step.pk))
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()
    assert step.history.first().history_change_reason == "Step done"
    assert step.history.first().history_user == program.case_manager
    page = browser.get(url("detail", program.client)).content.decode()
    assert f"<q>{words}</q>" in page


def test_a_step_due_before_the_plan_began_is_refused(program, login):
    plan, goal = plan_with_goal(program.client, by=program.case_manager, steps=())
    response = login(program.case_manager).post(
        url("step_new", program.client, goal_id=goal.pk),
        {"what": "Something", "who": "client", "due_on": str(plan.started_on - timedelta(days=1))},
    )
    assert response.status_code == 200 and "due_on" in response.context["form"].errors
    assert not Step.objects.exists()


@pytest.mark.parametrize(
    "values, field",
    [
        ({"in_their_words": ""}, "in_their_words"),
        ({"area": "0"}, "area"),
        ({"in_their_words": "x" * 1001}, "in_their_words"),
    ],
)
def test_bad_goal_input_gives_field_errors(program, login, values, field):
    browser = login(program.case_manager)
    browser.post(url("start", program.client))
    data = {"in_their_words": "Stay here", "area": topic().pk, **values}
    response = browser.post(url("goal_new", program.client), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Goal.objects.exists()


def test_the_client_may_choose_not_to_have_a_plan(program, login):
    browser = login(program.case_manager)
    browser.post(url("no_plan", program.client), {"words": "Not now, thanks."})
    plan = Plan.objects.get()
    assert plan.chose_no_plan and plan.review_on is None and not plan.review_is_due()
    page = browser.get(reverse("clients:detail", args=[program.client.pk])).content.decode()
    assert "The client chose not to have a plan." in page
    assert "overdue" not in page.lower() and "review due" not in page.lower()
    browser.post(url("start", program.client))  # they asked for one later
    plan.refresh_from_db()
    assert not plan.chose_no_plan and plan.review_on is not None


def test_a_review_moves_the_next_review_a_period_on(program, login, settings):
    settings.PLAN_REVIEW_DAYS = 30
    plan, _ = plan_with_goal(program.client, by=program.case_manager)
    login(program.case_manager).post(url("review", program.client))
    plan.refresh_from_db()
    assert plan.last_reviewed_on == timezone.localdate()
    assert plan.review_on == timezone.localdate() + timedelta(days=30)


def test_a_stale_goal_edit_keeps_the_colleagues_change(program, login):
    _, goal = plan_with_goal(program.client, by=program.case_manager)
    browser = login(program.case_manager)
    opened = form_values(
        browser.get(url("goal_edit", program.client, goal_id=goal.pk)).context["form"]
    )
    fresh = Goal.objects.get(pk=goal.pk)
    fresh.status = Goal.Status.SET_ASIDE
    from plans import services

    services.goal_update(goal=fresh, by=program.supervisor, expected_version=fresh.version)
    response = browser.post(
        url("goal_edit", program.client, goal_id=goal.pk), {**opened, "why_it_matters": "Kids"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.why_it_matters) == (Goal.Status.SET_ASIDE, "Kids")


def test_the_print_view_has_a_print_stylesheet_and_no_buttons(program, login):
    plan_with_goal(program.client, by=program.case_manager, words="Keep my dog with me.")
    response = login(program.case_manager).get(url("print", program.client))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="/static/css/print.css" media="print"' in page
    assert "Keep my dog with me." in page
    assert "Mark done" not in page and "Add a step" not in page
    assert "style=" not in page and "<style" not in page  # strict CSP: no inline styles


def test_print_stylesheet_hides_navigation_and_buttons(settings):
    css = (settings.BASE_DIR / "static/css/print.css").read_text()
    for selector in (".site-header", "button", ".button", ".no-print"):
        assert selector in css.split("{")[0]


# Access ---------------------------------------------------------------------------------


READ_PAGES = ["detail", "print"]
WRITE_PAGES = ["no_plan", "goal_new", "edit"]


@pytest.fixture
def planned(program):
    return plan_with_goal(program.client, by=program.case_manager)


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
def test_own_case_manager_opens_every_plan_page(program, login, planned, page):
    assert login(program.case_manager).get(url(page, program.client)).status_code == 200


@pytest.mark.parametrize("page", READ_PAGES + WRITE_PAGES)
@pytest.mark.parametrize("who", ["other_case_manager", "other_supervisor", "teammate"])
def test_out_of_scope_plan_pages_are_404(program, login, planned, page, who):
    assert login(getattr(program, who)).get(url(page, program.client)).status_code == 404


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("who", ["supervisor", "auditor", "admin"])
def test_supervisor_auditor_and_admin_read_the_plan(program, login, planned, page, who):
    assert login(getattr(program, who)).get(url(page, program.client)).status_code == 200


def test_auditors_never_write_to_a_plan(program, login, planned):
    _, goal = planned
    browser = login(program.auditor)
    step = goal.steps.first()
    for target in (
        url("start", program.other_client),
        url("review", program.client),
        url("goal_new", program.client),
        url("step_done", program.client, step_id=step.pk),
        url("step_new", program.client, goal_id=goal.pk),
    ):
        assert browser.post(target, {"what": "x", "in_their_words": "x"}).status_code == 403
    assert browser.get(url("goal_new", program.client)).status_code == 403
    step.refresh_from_db()
    assert step.done_on is None and Goal.objects.count() == 1


def test_a_step_of_another_clients_plan_is_404(program, login, planned):
    _, other_goal = plan_with_goal(program.other_client, by=program.other_case_manager)
    step = other_goal.steps.first()
    browser = login(program.case_manager)
    assert browser.post(url("step_done", program.client, step_id=step.pk)).status_code == 404
    assert browser.get(url("step_new", program.client, goal_id=other_goal.pk)).status_code == 404


def test_plan_page_queries_do_not_grow(program, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plans import services

    plan, goal = plan_with_goal(program.client, by=program.case_manager)
    browser = login(program.case_manager)

    def add_goals(count):
        for n in range(count):
            g = services.goal_add(
                goal=Goal(plan=plan, in_their_words=f"Goal {n}", area=topic()),
                by=program.case_manager,
            )
            for s in range(3):
                services.step_add(step=Step(goal=g, what=f"Step {s}"), by=program.case_manager)

    add_goals(10)
    browser.get(url("print", program.client))
    with CaptureQueriesContext(connection) as few:
        browser.get(url("print", program.client))
    add_goals(30)
    with django_assert_max_num_queries(len(few)):
        browser.get(url("print", program.client))
