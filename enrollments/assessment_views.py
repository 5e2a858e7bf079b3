"""Assessment pages under ``/clients/<client_id>/assessments/``: the HUD data collected at
entry, at updates, every year and at exit (4.02–4.11).

Every page fetches the client through ``get_client_for`` (out of scope: 404; a role that may
not write: 403 on the new page). A substance-use disorder answer (4.10) and the domestic-
violence answers (4.11) are protected: shown only to need-to-know staff
(``visible_to``), and a page that shows one writes one access-log entry per answer shown. The
list shows no protected answer.
"""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clients.access import can_change_clients, get_client_for
from housingfirst.access_log import log_access_many
from housingfirst.roles import sees_protected_records
from housingfirst.submissions import single_submission

from . import rules, services
from .assessment_forms import SLUG_OF_STAGE, STAGE_SLUGS, assessment_form
from .hud import BENEFIT_SOURCES, INCOME_SOURCES, INSURANCE_SOURCES, DataCollectionStage
from .models import Assessment, DomesticViolenceAnswer, Enrollment

# The order stages are listed in, within an enrollment.
STAGE_ORDER = (
    DataCollectionStage.PROJECT_START,
    DataCollectionStage.UPDATE,
    DataCollectionStage.ANNUAL_ASSESSMENT,
    DataCollectionStage.PROJECT_EXIT,
)
STAGE_TITLES = {
    DataCollectionStage.PROJECT_START: "Entry assessment",
    DataCollectionStage.UPDATE: "Update",
    DataCollectionStage.ANNUAL_ASSESSMENT: "Annual assessment",
    DataCollectionStage.PROJECT_EXIT: "Exit assessment",
}


def _latest_enrollment(client):
    return (
        Enrollment.objects.filter(client=client)
        .select_related("project", "household", "client")
        .order_by("-entry_date", "-pk")
        .first()
    )


def _annual_status(enrollment, recorded, today):
    """When the next annual assessment is due (open enrollments only), and whether one is
    recorded in that anniversary's window."""
    if not enrollment.is_open:
        return None
    head_entry = rules.head_entry_date(enrollment)
    due = rules.annual_due(head_entry, today)
    done = any(
        rules.annual_anniversary(head_entry, a.information_date) == due
        for a in recorded
        if a.stage == DataCollectionStage.ANNUAL_ASSESSMENT
    )
    window = rules.ANNUAL_WINDOW_DAYS
    return {
        "due": due,
        "opens": due - timedelta(days=window),
        "closes": due + timedelta(days=window),
        "open_now": abs((today - due).days) <= window,
        "done": done,
    }


def assessment_list(request, client_id):
    client = get_client_for(request.user, client_id)
    enrollments = list(
        Enrollment.objects.filter(client=client)
        .select_related("project")
        .order_by("-entry_date", "-pk")
    )
    by_enrollment = defaultdict(list)
    for assessment in (
        Assessment.objects.filter(client=client)
        .select_related("recorded_by")
        .order_by("information_date", "pk")
    ):
        by_enrollment[assessment.enrollment_id].append(assessment)
    today = timezone.localdate()
    groups = []
    for index, enrollment in enumerate(enrollments):
        recorded = by_enrollment.get(enrollment.pk, [])
        stages = [
            (STAGE_TITLES[stage], [a for a in recorded if a.stage == stage])
            for stage in STAGE_ORDER
        ]
        groups.append(
            {
                "enrollment": enrollment,
                "stages": stages,
                "count": len(recorded),
                "has_entry": any(a.stage == DataCollectionStage.PROJECT_START for a in recorded),
                "has_exit": any(a.stage == DataCollectionStage.PROJECT_EXIT for a in recorded),
                "annual": _annual_status(enrollment, recorded, today) if index == 0 else None,
                "latest": index == 0,
            }
        )
    return render(
        request,
        "enrollments/assessments/list.html",
        {"client": client, "groups": groups, "can_write": can_change_clients(request.user)},
    )


def _stage_from(request):
    return STAGE_SLUGS.get(request.GET.get("stage", ""))


@require_http_methods(["GET", "POST"])
@single_submission
def assessment_new(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    enrollment = _latest_enrollment(client)
    if enrollment is None:
        messages.info(request, "The client is not enrolled in a project yet: enrol them first.")
        return redirect("enrollments:assessments", client_id=client.pk)
    stage = _stage_from(request)
    context = {"client": client, "enrollment": enrollment, "stage_slugs": STAGE_SLUGS}
    if stage is None:
        return render(request, "enrollments/assessments/choose_stage.html", context)
    if stage == DataCollectionStage.PROJECT_EXIT and enrollment.is_open:
        context["exit_url"] = reverse("enrollments:exit", kwargs={"client_id": client.pk})
        return render(request, "enrollments/assessments/exit_first.html", context)
    if stage in (DataCollectionStage.PROJECT_START, DataCollectionStage.PROJECT_EXIT):
        existing = Assessment.objects.filter(enrollment=enrollment, stage=stage).first()
        if existing is not None:
            messages.info(request, f"The {SLUG_OF_STAGE[stage]} assessment is already recorded.")
            return redirect(
                "enrollments:assessment_detail", client_id=client.pk, assessment_id=existing.pk
            )
    form = assessment_form(
        enrollment,
        stage,
        request.POST if request.method == "POST" else None,
        single_submission=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(by=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{STAGE_TITLES[stage]} saved.")
            return redirect(
                "enrollments:assessment_detail", client_id=client.pk, assessment_id=assessment.pk
            )
    context.update(
        form=form,
        stage=stage,
        stage_slug=SLUG_OF_STAGE[stage],
        title=f"{STAGE_TITLES[stage]}",
        head_entry=(
            rules.head_entry_date(enrollment)
            if stage == DataCollectionStage.ANNUAL_ASSESSMENT
            else None
        ),
    )
    return render(request, "enrollments/assessments/form.html", context)


def _answer_rows(assessment, sources, amounts=False):
    """(label, monthly amount or None) of each source marked; "other" says what it is."""
    rows = []
    other = sources[-1][0]
    for name, _column, label in sources:
        if getattr(assessment, name):
            specified = getattr(assessment, f"{other}_identify") if name == other else ""
            rows.append(
                (
                    f"{label}: {specified}" if specified else label,
                    getattr(assessment, f"{name}_amount") if amounts else None,
                )
            )
    return rows


def assessment_detail(request, client_id, assessment_id):
    client = get_client_for(request.user, client_id)
    assessment = get_object_or_404(
        Assessment.objects.filter(client=client).select_related(
            "enrollment__project", "recorded_by"
        ),
        pk=assessment_id,
    )
    disabilities = list(assessment.disabilities.visible_to(request.user))
    domestic_violence = (
        DomesticViolenceAnswer.objects.visible_to(request.user)
        .filter(assessment=assessment)
        .first()
    )
    shown = [answer for answer in disabilities if answer.is_protected]
    if domestic_violence is not None:
        shown.append(domestic_violence)
    log_access_many(request, shown)
    asked = rules.elements_asked(
        assessment.enrollment, assessment.stage, assessment.information_date
    )
    return render(
        request,
        "enrollments/assessments/detail.html",
        {
            "client": client,
            "assessment": assessment,
            "title": STAGE_TITLES[assessment.stage],
            "income_rows": _answer_rows(assessment, INCOME_SOURCES, amounts=True),
            "benefit_rows": _answer_rows(assessment, BENEFIT_SOURCES),
            "insurance_rows": _answer_rows(assessment, INSURANCE_SOURCES),
            "asked": asked,
            "disabilities": disabilities,
            "domestic_violence": domestic_violence,
            "sees_protected": sees_protected_records(request.user),
        },
    )
