"""Every write to a plan: start it, record the client's choice not to have one, review it,
add and correct goals, add steps and mark them done, write progress.

Each write runs in one transaction with the acting person and a reason; plan-level changes
announce ``plan_changed`` (the plan-review reminder follows the review date).
"""

from django.db import transaction
from django.utils import timezone

from clients.models import Client
from housingfirst.audit import acting_person, change_reason
from housingfirst.versioning import save_versioned

from .events import plan_changed
from .models import Goal, Plan, Progress, Step, next_review


def _announce(plan: Plan, by, reason: str) -> None:
    plan_changed.announce(sender=Plan, client_id=plan.client_id, by=by, reason=reason)


@transaction.atomic
def plan_start(*, client: Client, by) -> Plan:
    """Start the client's plan (or start it again after they had chosen not to have one)."""
    today = timezone.localdate()
    plan = Plan.objects.select_for_update().filter(client=client).first()
    if plan is not None and not plan.chose_no_plan:
        return plan
    if plan is None:
        plan = Plan(client=client)
    plan.started_on = today
    plan.review_on = next_review(today)
    plan.chose_no_plan = False
    plan.full_clean()
    with acting_person(by), change_reason("Plan started with the client"):
        plan.save()
        _announce(plan, by, "Resolved: plan started")
    return plan


@transaction.atomic
def plan_record_no_plan(*, client: Client, by, words: str = "") -> Plan:
    """The client chose not to have a plan: recorded as their choice, with no review due."""
    plan = Plan.objects.select_for_update().filter(client=client).first() or Plan(client=client)
    plan.chose_no_plan = True
    plan.choice_words = words
    plan.choice_recorded_on = timezone.localdate()
    plan.review_on = None
    plan.full_clean()
    with acting_person(by), change_reason("The client chose not to have a plan"):
        plan.save()
        _announce(plan, by, "Resolved: the client chose not to have a plan")
    return plan


@transaction.atomic
def plan_record_review(*, plan: Plan, by) -> Plan:
    """The plan was reviewed with the client today; the next review falls a period later."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    today = timezone.localdate()
    locked.last_reviewed_on = today
    locked.review_on = next_review(today)
    with acting_person(by), change_reason("Plan reviewed with the client"):
        locked.save()
        _announce(locked, by, "Resolved: plan reviewed")
    return locked


def plan_update(*, plan: Plan, by, expected_version: int | None) -> Plan:
    """Save a changed review date, refusing a stale version."""
    with transaction.atomic(), acting_person(by):
        save_versioned(plan, expected_version=expected_version, reason="Review date changed")
        _announce(plan, by, "Resolved: review date changed")
    return plan


@transaction.atomic
def goal_add(*, goal: Goal, by) -> Goal:
    goal.client_id = goal.plan.client_id
    goal.full_clean()
    with acting_person(by), change_reason("Goal added, in the client's words"):
        goal.save()
    return goal


def goal_update(*, goal: Goal, by, expected_version: int | None) -> Goal:
    with acting_person(by):
        return save_versioned(goal, expected_version=expected_version, reason="Goal updated")


@transaction.atomic
def step_add(*, step: Step, by) -> Step:
    step.client_id = step.goal.client_id
    step.full_clean()
    with acting_person(by), change_reason("Step added"):
        step.save()
    return step


class StepAlreadyDone(Exception):
    pass


@transaction.atomic
def step_mark_done(*, step: Step, by) -> Step:
    locked = Step.objects.select_for_update().get(pk=step.pk)
    if locked.is_done:
        raise StepAlreadyDone
    locked.done_on = timezone.localdate()
    with acting_person(by), change_reason("Step done"):
        locked.save()
    return locked


@transaction.atomic
def progress_add(*, progress: Progress, by) -> Progress:
    progress.client_id = progress.goal.client_id
    progress.written_by = by
    progress.full_clean()
    with acting_person(by), change_reason("Progress written"):
        progress.save()
    return progress
