from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from housingfirst.access_log import log_access_many
from housingfirst.roles import Role, role_of, role_required
from housingfirst.submissions import single_submission
from housingfirst.versioning import StaleEdit

from . import selectors, services
from .access import can_change_clients, get_client_for, parse_id, supervised_teams
from .forms import (
    ClientLinkForm,
    ClientProfileForm,
    ClientUnlinkForm,
    DuplicateDismissForm,
    IntakeForm,
)
from .models import Client, ClientLink, DuplicatePair, Team


def _intake_choices(user):
    """Teams and case managers this person may put a new client with."""
    role = role_of(user)
    User = get_user_model()
    if role is Role.CASE_MANAGER:
        teams = Team.objects.filter(case_managers=user)
        return teams, User.objects.filter(pk=user.pk)
    if role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise PermissionDenied
    teams = supervised_teams(user)
    return teams, User.objects.filter(teams__in=teams, is_active=True).distinct().order_by(
        "first_name", "last_name"
    )


@require_http_methods(["GET", "POST"])
@single_submission
def client_create(request):
    if not can_change_clients(request.user):
        raise PermissionDenied
    teams, case_managers = _intake_choices(request.user)
    own_caseload = role_of(request.user) is Role.CASE_MANAGER
    form = IntakeForm(
        request.POST or None,
        teams=teams,
        case_managers=case_managers,
        assign_to=request.user if own_caseload else None,
    )
    if request.method == "POST" and form.is_valid():
        client = services.client_intake(
            client=form.save(commit=False),
            created_by=request.user,
            case_manager=form.cleaned_data["case_manager"],
            ask_review=form.asks_review,
        )
        messages.success(request, f"{client.display_name} is enrolled.")
        return redirect("clients:detail", client_id=client.pk)
    matches = form.duplicate_matches
    visible = (
        set(
            Client.objects.visible_to(request.user)
            .filter(pk__in=[match.client.pk for match in matches])
            .values_list("pk", flat=True)
        )
        if matches
        else set()
    )
    if matches:
        # Who checked whom: a match outside the person's caseload is not shown, but the look
        # is on record (it tells the person that someone like this is enrolled).
        log_access_many(
            request,
            [match.client for match in matches],
            detail="Duplicate check at intake",
        )
    return render(
        request,
        "clients/intake.html",
        {
            "form": form,
            "visible_matches": [m for m in matches if m.client.pk in visible],
            "hidden_match": any(m.client.pk not in visible for m in matches),
        },
    )


@require_http_methods(["GET", "POST"])
def client_edit(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    form = ClientProfileForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_profile_update(
                client=form.instance, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as stale:
            form.refuse_stale(stale)
        else:
            messages.success(request, form.saved_message("Profile saved."))
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/edit.html", {"client": client, "form": form})


def client_history(request, client_id):
    client = get_client_for(request.user, client_id)
    page = selectors.client_history_page(
        request, client, before=request.GET.get("before"), after=request.GET.get("after")
    )
    return render(request, "clients/history.html", {"client": client, "page": page})


# Possible duplicates (supervisors, administrators) -------------------------------------------

duplicate_reviewers = role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)
DUPLICATE_PAIRS_PER_PAGE = 25


@duplicate_reviewers
def duplicate_list(request):
    """Pairs of records that may be one person, with at least one record in the person's
    teams (every team for administrators), best match first."""
    pairs = (
        DuplicatePair.objects.open()
        .for_review_by(request.user)
        .select_related("first__team", "second__team")
        .order_by("-score", "-found_at", "pk")
    )
    page = Paginator(pairs, DUPLICATE_PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    shown = {pk for pair in page.object_list for pk in (pair.first_id, pair.second_id)}
    visible = set(
        Client.objects.visible_to(request.user).filter(pk__in=shown).values_list("pk", flat=True)
    )
    return render(
        request,
        "clients/duplicates.html",
        {"page": page, "visible": visible, "dismiss_form": DuplicateDismissForm()},
    )


@duplicate_reviewers
@require_POST
def duplicate_dismiss(request, pair_id):
    pair = get_object_or_404(
        DuplicatePair.objects.open().for_review_by(request.user), pk=parse_id(pair_id) or 0
    )
    form = DuplicateDismissForm(request.POST)
    if form.is_valid():
        services.duplicate_dismiss(pair=pair, by=request.user, note=form.cleaned_data["note"])
        messages.success(
            request, f"Records #{pair.first_id} and #{pair.second_id}: different people."
        )
    else:
        messages.error(request, "The note is too long; nothing was changed.")
    return redirect("clients:duplicates")


# Linking two records of one person -----------------------------------------------------------


@require_POST
def client_link(request, client_id):
    """Link this record to a primary: both must be records this person may change."""
    linked = get_client_for(request.user, client_id, change=True)
    form = ClientLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why these records are the same person; nothing was linked.")
        return redirect("clients:duplicates")
    primary = get_client_for(request.user, form.cleaned_data["primary"], change=True)
    try:
        services.client_link(
            primary=primary, linked=linked, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + " Nothing was linked.")
        return redirect("clients:duplicates")
    messages.success(
        request, f"Record #{linked.pk} is linked to #{primary.pk}; its records moved here."
    )
    return redirect("clients:detail", client_id=primary.pk)


@require_POST
def client_unlink(request, client_id):
    """Undo the link of this (linked, read-only) record: everything goes back."""
    if not can_change_clients(request.user):
        raise PermissionDenied
    linked = get_client_for(request.user, client_id)
    link = get_object_or_404(ClientLink.objects.active(), linked=linked)
    get_client_for(request.user, link.primary_id, change=True)  # and the primary too
    form = ClientUnlinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why these records are different people; nothing changed.")
        return redirect("clients:detail", client_id=linked.pk)
    services.client_unlink(link=link, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, f"Record #{linked.pk} is unlinked; its records are back.")
    return redirect("clients:detail", client_id=linked.pk)
