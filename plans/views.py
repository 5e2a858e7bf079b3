"""The plan pages under ``/clients/<client_id>/plan/``, each reached through its client
(``get_client_for``: out of scope 404, a role that may not write 403)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients.access import can_change_clients, get_client_for
from housingfirst.history import change_entries
from housingfirst.submissions import single_submission
from housingfirst.versioning import StaleEdit

from . import services
from .forms import GoalEditForm, GoalForm, NoPlanForm, PlanEditForm, ProgressForm, StepForm
from .models import Goal, Plan, Progress, Step


def _plan_of(client):
    return (
        Plan.objects.filter(client=client)
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.select_related("area").prefetch_related(
                    "steps",
                    Prefetch("progress", queryset=Progress.objects.select_related("written_by")),
                ),
            )
        )
        .first()
    )


def _goal_for(request, client_id, goal_id, *, change=False):
    client = get_client_for(request.user, client_id, change=change)
    goal = get_object_or_404(
        Goal.objects.filter(client=client, plan__chose_no_plan=False).select_related("plan"),
        pk=goal_id,
    )
    return client, goal


def _back(client):
    return redirect("plans:detail", client_id=client.pk)


def client_plan_section(request, client) -> dict:
    """The client page's plan summary: goals being worked on, the next review (2 queries)."""
    plan = Plan.objects.filter(client=client).first()
    goals = []
    if plan is not None and not plan.chose_no_plan:
        goals = list(plan.goals.filter(status=Goal.Status.WORKING).select_related("area"))
    return {"plan": plan, "goals": goals, "can_write": can_change_clients(request.user)}


def _detail_context(request, client):
    plan = _plan_of(client)
    return {
        "client": client,
        "plan": plan,
        "goals": list(plan.goals.all()) if plan else [],
        "can_write": can_change_clients(request.user),
    }


def plan_detail(request, client_id):
    client = get_client_for(request.user, client_id)
    context = _detail_context(request, client)
    plan = context["plan"]
    if plan is not None:
        context["entries"] = change_entries(
            Plan.history.filter(id=plan.pk),
            Goal.history.filter(plan_id=plan.pk),
            Step.history.filter(client_id=client.pk),
            Progress.history.filter(client_id=client.pk),
        )
    return render(request, "plans/detail.html", context)


def plan_print(request, client_id):
    """The plan for the client to keep: the print stylesheet drops navigation and buttons."""
    client = get_client_for(request.user, client_id)
    return render(request, "plans/print.html", _detail_context(request, client))


@require_POST
def plan_start(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    services.plan_start(client=client, by=request.user)
    messages.success(request, "Plan started. Add the client's goals in their own words.")
    return _back(client)


@require_http_methods(["GET", "POST"])
def plan_no_plan(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    form = NoPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.plan_record_no_plan(
            client=client, by=request.user, words=form.cleaned_data["words"]
        )
        messages.success(request, "Recorded: the client chose not to have a plan.")
        return _back(client)
    return render(request, "plans/no_plan.html", {"client": client, "form": form})


@require_POST
def plan_review(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    plan = get_object_or_404(Plan, client=client, chose_no_plan=False)
    plan = services.plan_record_review(plan=plan, by=request.user)
    messages.success(request, f"Review recorded. Next review {plan.review_on:%Y-%m-%d}.")
    return _back(client)


@require_http_methods(["GET", "POST"])
def plan_edit(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    plan = get_object_or_404(Plan, client=client, chose_no_plan=False)
    form = PlanEditForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=form.instance, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as stale:
            form.refuse_stale(stale)
        else:
            messages.success(request, form.saved_message("Review date saved."))
            return _back(client)
    return render(
        request,
        "plans/form.html",
        {"client": client, "form": form, "title": "Change the review date", "submit": "Save"},
    )


@require_http_methods(["GET", "POST"])
@single_submission
def goal_new(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    plan = get_object_or_404(Plan, client=client, chose_no_plan=False)
    form = GoalForm(request.POST or None, instance=Goal(plan=plan, client=client))
    if request.method == "POST" and form.is_valid():
        services.goal_add(goal=form.instance, by=request.user)
        messages.success(request, "Goal added. Add the steps towards it.")
        return _back(client)
    return render(
        request,
        "plans/form.html",
        {"client": client, "form": form, "title": "Add a goal", "submit": "Add goal"},
    )


@require_http_methods(["GET", "POST"])
def goal_edit(request, client_id, goal_id):
    client, goal = _goal_for(request, client_id, goal_id, change=True)
    form = GoalEditForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(
                goal=form.instance, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as stale:
            form.refuse_stale(stale)
        else:
            messages.success(request, form.saved_message("Goal saved."))
            return _back(client)
    return render(
        request,
        "plans/form.html",
        {"client": client, "form": form, "title": "Change the goal", "submit": "Save goal"},
    )


@require_http_methods(["GET", "POST"])
@single_submission
def step_new(request, client_id, goal_id):
    client, goal = _goal_for(request, client_id, goal_id, change=True)
    form = StepForm(request.POST or None, instance=Step(goal=goal, client=client))
    if request.method == "POST" and form.is_valid():
        services.step_add(step=form.instance, by=request.user)
        messages.success(request, "Step added.")
        return _back(client)
    return render(
        request,
        "plans/form.html",
        {"client": client, "goal": goal, "form": form, "title": "Add a step", "submit": "Add step"},
    )


@require_POST
def step_done(request, client_id, step_id):
    client = get_client_for(request.user, client_id, change=True)
    step = get_object_or_404(Step, client=client, goal__plan__chose_no_plan=False, pk=step_id)
    try:
        services.step_mark_done(step=step, by=request.user)
    except services.StepAlreadyDone:
        messages.info(request, "This step was already done. Nothing was changed.")
    else:
        messages.success(request, f"Done: {step.what}")
    return _back(client)


@require_http_methods(["GET", "POST"])
@single_submission
def progress_new(request, client_id, goal_id):
    client, goal = _goal_for(request, client_id, goal_id, change=True)
    form = ProgressForm(request.POST or None, instance=Progress(goal=goal, client=client))
    if request.method == "POST" and form.is_valid():
        services.progress_add(progress=form.instance, by=request.user)
        messages.success(request, "Progress written.")
        return _back(client)
    return render(
        request,
        "plans/form.html",
        {
            "client": client,
            "goal": goal,
            "form": form,
            "title": "Write progress",
            "submit": "Save progress",
        },
    )
