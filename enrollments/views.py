"""The enrollment pages under ``/clients/<client_id>/enrollment/``, each reached through its
client (``get_client_for``: out of scope 404, a role that may not write 403)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clients import services as client_services
from clients.access import can_change_clients, get_client_for
from clients.views import _intake_choices
from housingfirst.access_log import log_access_many
from housingfirst.submissions import single_submission
from housingfirst.versioning import StaleEdit

from . import rules, selectors, services
from .assessment_forms import assessment_form
from .forms import EnrollmentForm, EnrollmentStartForm, ExitForm, MemberChoiceForm, NewMemberForm
from .hud import DataCollectionStage


def _current(client):
    """The client's latest enrollment (open, or the last one they left), or None."""
    return selectors.enrollments_of(client).first()


def _current_or_404(client):
    enrollment = _current(client)
    if enrollment is None:
        raise Http404("No enrollment")
    return enrollment


def _form_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def client_enrollment_section(request, client) -> dict:
    """The client page's enrollment summary: project, dates, what is missing (3 queries)."""
    enrollment = _current(client)
    missing = []
    if enrollment is not None and enrollment.is_open:
        missing = rules.entry_data_missing(enrollment, selectors.entry_assessment(enrollment))
    return {"enrollment": enrollment, "enrollment_missing": missing}


def enrollment_detail(request, client_id):
    client = get_client_for(request.user, client_id)
    enrollments = list(selectors.enrollments_of(client))
    enrollment = enrollments[0] if enrollments else None
    context = {
        "client": client,
        "enrollment": enrollment,
        "past": enrollments[1:],
        "can_write": can_change_clients(request.user),
    }
    if enrollment is not None:
        entry = selectors.entry_assessment(enrollment)
        context.update(
            members=list(services.household_members(enrollment)),
            entry_assessment=entry,
            missing=rules.entry_data_missing(enrollment, entry) if enrollment.is_open else [],
            exit_assessment_missing=(
                not enrollment.is_open
                and not enrollment.assessments.filter(
                    stage=DataCollectionStage.PROJECT_EXIT
                ).exists()
            ),
        )
    else:
        context["start_form"] = EnrollmentStartForm(
            initial={"entry_date": client.program_start_date}
        )
    return render(request, "enrollments/detail.html", context)


@require_http_methods(["GET", "POST"])
@single_submission
def enrollment_start(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    if _current(client) is not None and _current(client).is_open:
        messages.info(request, "This client is already enrolled.")
        return redirect("enrollments:detail", client_id=client.pk)
    form = EnrollmentStartForm(
        request.POST or None, initial={"entry_date": client.program_start_date}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_start(
                client=client,
                by=request.user,
                project=form.cleaned_data["project"],
                entry_date=form.cleaned_data["entry_date"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{client.display_name} is enrolled.")
            return redirect("enrollments:edit", client_id=client.pk)
    return render(request, "enrollments/start.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def enrollment_edit(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    enrollment = _current_or_404(client)
    form = EnrollmentForm(request.POST or None, instance=enrollment)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_update(
                enrollment=form.instance,
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            form.refuse_stale(stale)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, form.saved_message("Entry data saved."))
            return redirect("enrollments:detail", client_id=client.pk)
    return render(
        request, "enrollments/edit.html", {"client": client, "enrollment": enrollment, "form": form}
    )


@require_http_methods(["GET", "POST"])
def enrollment_exit(request, client_id):
    """Leaving the program: exit date, destination and the exit assessment, in one form and
    one transaction (the assessment is left out once one is recorded)."""
    client = get_client_for(request.user, client_id, change=True)
    enrollment = _current_or_404(client)
    data = request.POST if request.method == "POST" else None
    form = ExitForm(data, instance=enrollment)
    has_exit_assessment = enrollment.assessments.filter(
        stage=DataCollectionStage.PROJECT_EXIT
    ).exists()
    answers = (
        None
        if has_exit_assessment
        else assessment_form(enrollment, DataCollectionStage.PROJECT_EXIT, data, prefix="exit")
    )
    if request.method == "POST":
        exit_valid = form.is_valid()  # sets the exit date the answers are checked against
        answers_valid = answers is None or answers.is_valid()
        if exit_valid and answers_valid:
            try:
                services.enrollment_exit(
                    enrollment=form.instance,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    exit_assessment=answers.assessment() if answers else None,
                    disabilities=answers.disability_answers() if answers else None,
                )
            except StaleEdit as stale:
                form.refuse_stale(stale)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request, "Leaving the program is recorded, with the exit assessment."
                )
                return redirect("enrollments:detail", client_id=client.pk)
    return render(
        request,
        "enrollments/exit.html",
        {"client": client, "enrollment": enrollment, "form": form, "answers": answers},
    )


@require_http_methods(["GET", "POST"])
def household(request, client_id):
    """The household's members; add someone already in the system (by record number)."""
    client = get_client_for(request.user, client_id)
    enrollment = _current_or_404(client)
    can_write = can_change_clients(request.user) and enrollment.is_open
    form = MemberChoiceForm(request.POST or None)
    if request.method == "POST":
        client = get_client_for(request.user, client_id, change=True)
        if not enrollment.is_open:
            raise Http404("The household's enrollment has ended")
        head = services.household_members(enrollment).filter(relationship_to_head=1).first()
        if head is None:
            form.add_error(None, "This household has no head of household: set one first.")
        elif form.is_valid():
            try:
                member_client = get_client_for(
                    request.user, form.cleaned_data["client"], change=True
                )
            except Http404:
                form.add_error("client", "No client with this record number in your caseload.")
            else:
                try:
                    services.household_add_member(
                        head=head,
                        client=member_client,
                        relationship=form.cleaned_data["relationship"],
                        by=request.user,
                    )
                except ValidationError as error:
                    _form_errors(form, error)
                else:
                    messages.success(request, f"{member_client.display_name} joined the household.")
                    return redirect("enrollments:household", client_id=client.pk)
    return render(
        request,
        "enrollments/household.html",
        {
            "client": client,
            "enrollment": enrollment,
            "members": list(services.household_members(enrollment)),
            "form": form,
            "can_write": can_write,
        },
    )


@require_http_methods(["GET", "POST"])
@single_submission
def member_new(request, client_id):
    """A new person joins the household: intake (duplicate check included) and membership,
    all or nothing."""
    client = get_client_for(request.user, client_id, change=True)
    enrollment = _current_or_404(client)
    head = services.household_members(enrollment).filter(relationship_to_head=1).first()
    if head is None or not enrollment.is_open:
        raise Http404("No open household")
    teams, case_managers = _intake_choices(request.user)
    form = NewMemberForm(
        request.POST or None,
        teams=teams.filter(pk=head.client.team_id) if head.client.team_id else teams,
        case_managers=case_managers,
        assign_to=head.client.case_manager,
        initial={"program_start_date": head.entry_date},
    )
    valid = request.method == "POST" and form.is_valid()
    if form.duplicate_matches:
        log_access_many(
            request,
            [match.client for match in form.duplicate_matches],
            detail="Duplicate check, new household member",
        )
    if valid:
        try:
            with transaction.atomic():
                member = client_services.client_intake(
                    client=form.save(commit=False),
                    created_by=request.user,
                    case_manager=head.client.case_manager,
                    ask_review=form.asks_review,
                )
                services.household_add_member(
                    head=head,
                    client=member,
                    relationship=form.cleaned_data["relationship"],
                    by=request.user,
                )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{member.display_name} joined the household.")
            return redirect("enrollments:household", client_id=client.pk)
    return render(
        request, "enrollments/member_new.html", {"client": client, "form": form, "head": head}
    )
