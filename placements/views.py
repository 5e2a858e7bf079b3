"""Placement and contact pages, all reached from (and scoped by) one client.

Each view fetches the client through ``clients.access.get_client_for`` (404 out of scope,
403 for read-only roles on writes), then finds the placement or contact within that client.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from clients.access import get_client_for
from housingfirst.history import change_entries
from housingfirst.redirects import safe_next_url
from housingfirst.refusals import refuse_form
from housingfirst.submissions import single_submission
from housingfirst.versioning import StaleEdit

from . import selectors, services
from .forms import (
    ContactEditForm,
    ContactForm,
    ExitForm,
    MoveInForm,
    PlacementEditForm,
    PlacementForm,
)
from .models import Contact, Placement

LOG_TITLES = {
    Contact.Kind.HOME_VISIT: "Log a home visit",
    Contact.Kind.PHONE_CALL: "Log a phone call",
    Contact.Kind.OFFICE_VISIT: "Log an office visit",
    Contact.Kind.OUTREACH_ATTEMPT: "Log an outreach attempt",
}


def _back_to_client(client, anchor="housing-heading"):
    return redirect(reverse("clients:detail", args=[client.pk]) + f"#{anchor}")


def _refused_step(request, client, context, message):
    """Opened, the page goes back to the client; sent, the form comes back with the person's
    entries and the reason (``refuse_form``, 409): a colleague took the step meanwhile."""
    if request.method != "POST":
        messages.info(request, message)
        return _back_to_client(client)
    return refuse_form(request, "placements/placement_form.html", context, message)


@require_http_methods(["GET", "POST"])
@single_submission
def placement_create(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    rehousing = client.placements.exists()
    form = PlacementForm(request.POST or None, instance=Placement(client=client))
    context = {
        "client": client,
        "form": form,
        "title": "Start a new placement" if rehousing else "Add a placement",
        "rehousing": rehousing,
        "submit_label": "Save placement",
    }
    if client.placements.open().exists():
        return _refused_step(
            request,
            client,
            context,
            f"{client.display_name} already has an open placement. "
            "Record its exit before starting a new one.",
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_create(placement=form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Placement saved.")
            return _back_to_client(client)
    return render(request, "placements/placement_form.html", context)


def _versioned_edit(request, client, form, save, *, title, submit_label, success, placement):
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except StaleEdit as stale:
            form.refuse_stale(stale)
        except ValidationError as error:  # a rule broken by someone else's save meanwhile
            form.add_error(None, error)
        else:
            messages.success(request, form.saved_message(success))
            return _back_to_client(client)
    return render(
        request,
        "placements/placement_form.html",
        {
            "client": client,
            "form": form,
            "title": title,
            "submit_label": submit_label,
            "placement": placement,
        },
    )


@require_http_methods(["GET", "POST"])
def placement_edit(request, client_id, pk):
    client = get_client_for(request.user, client_id, change=True)
    placement = get_object_or_404(client.placements.select_related("subsidy_type"), pk=pk)
    form = PlacementEditForm(request.POST or None, instance=placement)
    return _versioned_edit(
        request,
        client,
        form,
        lambda form: services.placement_update(
            placement=form.instance, by=request.user, expected_version=form.cleaned_data["version"]
        ),
        title="Edit placement",
        submit_label="Save placement",
        success="Placement saved.",
        placement=placement,
    )


@require_http_methods(["GET", "POST"])
def placement_move_in(request, client_id, pk):
    client = get_client_for(request.user, client_id, change=True)
    placement = get_object_or_404(client.placements.select_related("subsidy_type"), pk=pk)
    form = MoveInForm(request.POST or None, instance=placement)
    if placement.state != Placement.State.SEARCHING:
        return _refused_step(
            request,
            client,
            {"client": client, "form": form, "title": "Record move-in", "placement": placement},
            "This placement already has a move-in date. Nothing was changed.",
        )
    return _versioned_edit(
        request,
        client,
        form,
        lambda form: services.placement_record_move_in(
            placement=form.instance,
            move_in_date=form.cleaned_data["move_in_date"],
            address=form.cleaned_data["address"],
            lease_start=form.cleaned_data["lease_start"],
            lease_end=form.cleaned_data["lease_end"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        ),
        title="Record move-in",
        submit_label="Record move-in",
        success=f"Move-in recorded: {client.display_name} is housed.",
        placement=placement,
    )


@require_http_methods(["GET", "POST"])
def placement_exit(request, client_id, pk):
    client = get_client_for(request.user, client_id, change=True)
    placement = get_object_or_404(client.placements.select_related("subsidy_type"), pk=pk)
    form = ExitForm(request.POST or None, instance=placement)
    if placement.state != Placement.State.HOUSED:
        return _refused_step(
            request,
            client,
            {"client": client, "form": form, "title": "Record exit", "placement": placement},
            "This placement's exit is already recorded. Nothing was changed."
            if placement.state == Placement.State.EXITED
            else "Only a placement the client has moved into can be exited.",
        )
    return _versioned_edit(
        request,
        client,
        form,
        lambda form: services.placement_record_exit(
            placement=form.instance,
            exit_date=form.cleaned_data["exit_date"],
            exit_reason=form.cleaned_data["exit_reason"],
            exit_destination=form.cleaned_data["exit_destination"],
            exit_rental_subsidy_type=form.cleaned_data["exit_rental_subsidy_type"],
            exit_note=form.cleaned_data["exit_note"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        ),
        title="Record exit",
        submit_label="Record exit",
        success="Exit recorded. A new placement can be started whenever the client is ready.",
        placement=placement,
    )


@require_http_methods(["GET", "POST"])
@single_submission
def contact_create(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    kind = request.GET.get("kind")
    preset = kind if kind in Contact.Kind.values else None
    form = ContactForm(
        request.POST or None,
        instance=Contact(client=client, made_by=request.user),
        initial={"kind": preset or Contact.Kind.HOME_VISIT},
    )
    if request.method == "POST" and form.is_valid():
        contact = services.contact_log(
            client=client,
            made_by=request.user,
            kind=form.cleaned_data["kind"],
            occurred_at=form.cleaned_data["occurred_at"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"{contact.get_kind_display()} logged.")
        # Back where the person came from (home's due list), else the top of the client
        # page, where the confirmation shows beside who the client is and the next visit.
        return redirect(safe_next_url(request) or reverse("clients:detail", args=[client.pk]))
    title = LOG_TITLES.get(preset, "Log a contact")
    return render(
        request,
        "placements/contact_form.html",
        {
            "client": client,
            "form": form,
            "title": title,
            "submit_label": "Save",
            "next": safe_next_url(request),
        },
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request, client_id, pk):
    client = get_client_for(request.user, client_id, change=True)
    contact = get_object_or_404(client.contacts.select_related("made_by", "client"), pk=pk)
    if not contact.can_be_edited_by(request.user):
        raise PermissionDenied
    form = ContactEditForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                contact=form.instance,
                edited_by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            form.refuse_stale(stale)
        else:
            messages.success(request, form.saved_message("Contact saved."))
            return _back_to_client(client, "timeline-heading")
    return render(
        request,
        "placements/contact_form.html",
        {
            "client": client,
            "form": form,
            "title": "Edit contact",
            "submit_label": "Save contact",
            "contact": contact,
        },
    )


def client_timeline(request, client_id):
    client = get_client_for(request.user, client_id)
    events = selectors.timeline(
        selectors.client_placements(client),
        selectors.client_contacts(client),
        selectors.contact_edit_rule(request.user, client),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "placements/timeline.html", {"client": client, "page": page})


def housing_history(request, client_id):
    client = get_client_for(request.user, client_id)
    entries = change_entries(
        Placement.history.filter(client_id=client.pk),
        Contact.history.filter(client_id=client.pk),
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "placements/history.html", {"client": client, "page": page})
