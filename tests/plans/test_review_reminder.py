""" "Plan review due" is a reminder on the plan's review date, every PLAN_REVIEW_DAYS."""

from datetime import timedelta

import pytest
from django.utils import timezone

from plans import services
from reminders.models import Kind, Reminder
from reminders.services import reminders_generate
from tests.clock import at

from .factories import plan_with_goal

pytestmark = pytest.mark.django_db


def test_the_review_falls_due_and_a_review_resolves_it(program, clock, today, settings):
    settings.PLAN_REVIEW_DAYS = 90
    plan, _ = plan_with_goal(program.client, by=program.case_manager)
    reminders_generate()
    assert not Reminder.objects.filter(kind=Kind.PLAN_REVIEW_DUE).exists()

    clock.move_to(at(today + timedelta(days=90)))
    reminders_generate()
    reminder = Reminder.objects.get(kind=Kind.PLAN_REVIEW_DUE)
    assert (reminder.plan, reminder.due_on, reminder.assigned_to) == (
        plan,
        today + timedelta(days=90),
        program.case_manager,
    )

    services.plan_record_review(plan=plan, by=program.case_manager)
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED
    plan.refresh_from_db()
    assert plan.review_on == timezone.localdate() + timedelta(days=90)


def test_no_review_is_due_when_the_client_chose_no_plan(program, clock, today):
    plan, _ = plan_with_goal(program.client, by=program.case_manager)
    services.plan_record_no_plan(client=program.client, by=program.case_manager)
    clock.move_to(at(today + timedelta(days=200)))
    reminders_generate()
    assert not Reminder.objects.filter(kind=Kind.PLAN_REVIEW_DUE).exists()
