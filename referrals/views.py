"""Referral, consent and provider pages.

Every referral and consent is fetched through its client (``get_client_for``) and then through
``visible_to(user)``, so an out-of-scope record answers 404 and a substance-use record is
only ever shown to need-to-know staff.

Access log: a page that *shows* a protected record (a substance-use referral, or a consent
covering substance use) writes one access-log entry per protected record it displays: the
referral list, the client page section, the referral and consent pages and the forms that
display the record. A POST that succeeds and redirects logs nothing itself: the change is in
the history, and the page it redirects to logs its own view.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clients.access import can_change_clients, get_client_for
from housingfirst.access_log import log_access_many
from housingfirst.history import change_entries
from housingfirst.refusals import refuse_form
from housingfirst.roles import Role, role_of, role_required
from housingfirst.submissions import single_submission
from housingfirst.undo import UndoRefused
from housingfirst.versioning import StaleEdit

from . import services
from .forms import (
    CloseForm,
    ConsentForm,
    DecisionForm,
    ProviderEditForm,
    ProviderForm,
    ReferralFilterForm,
    ReferralNotesForm,
    ReferralOfferForm,
    RevokeConsentForm,
    ScheduleForm,
    UndoStepForm,
)
from .models import Consent, Provider, Referral

REFERRALS_PER_PAGE = 25
Status = Referral.Status


def _log_protected(request, *records):
    log_access_many(
        request, [record for record in records if record is not None and record.is_protected]
    )


def _referral_for(request, client_id, referral_id, *, change=False):
    """The client and one of their referrals, if this person may see (or change) both."""
    client = get_client_for(request.user, client_id, change=change)
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user)
        .filter(client=client)
        .select_related("provider", "consent__provider", "offered_by", "status_changed_by"),
        pk=referral_id,
    )
    referral.client = client
    return client, referral


def _consent_for(request, client_id, consent_id, *, change=False):
    client = get_client_for(request.user, client_id, change=change)
    consent = get_object_or_404(
        Consent.objects.visible_to(request.user)
        .filter(client=client)
        .select_related("provider", "recorded_by", "revoked_by"),
        pk=consent_id,
    )
    consent.client = client
    return client, consent


def _shown_consent(request, referral):
    """The consent a referral was sent under, if this person may see it."""
    consent = referral.consent
    if consent is None:
        return None
    if (
        consent.is_protected
        and not Consent.objects.visible_to(request.user).filter(pk=consent.pk).exists()
    ):
        return None
    return consent


def client_referral_section(request, client) -> dict:
    """Context for the client page's referral section (one call from clients.views).

    Two queries whatever the number of referrals (plus one insert into the access log when a
    protected record is shown).
    """
    referrals = sorted(
        Referral.objects.visible_to(request.user).filter(client=client).select_related("provider"),
        key=lambda referral: (referral.is_final, -referral.offered_at.timestamp()),
    )
    consents = list(
        Consent.objects.visible_to(request.user)
        .filter(client=client)
        .current()
        .select_related("provider")
        .order_by("provider__name", "-expires_on")
    )
    _log_protected(request, *referrals, *consents)
    return {
        "client": client,
        "referrals": referrals,
        "consents": consents,
        "can_change": can_change_clients(request.user),
    }


@role_required(Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMINISTRATOR)
def referral_list(request):
    form = ReferralFilterForm(request.GET or None)
    referrals = (
        Referral.objects.visible_to(request.user)
        .select_related("client__case_manager", "provider")
        .order_by(F("follow_up_on").asc(nulls_last=True), "-offered_at", "-pk")
    )
    if form.is_valid():
        referrals = form.filter(referrals)
    page = Paginator(referrals, REFERRALS_PER_PAGE).get_page(request.GET.get("page"))
    _log_protected(request, *page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "show_case_manager": role_of(request.user) is not Role.CASE_MANAGER,
        },
    )


def referral_detail(request, client_id, referral_id):
    client, referral = _referral_for(request, client_id, referral_id)
    consent = _shown_consent(request, referral)
    _log_protected(request, referral, consent)
    entries = change_entries(Referral.history.filter(id=referral.pk))
    can_change = can_change_clients(request.user)
    return render(
        request,
        "referrals/detail.html",
        {
            "client": client,
            "referral": referral,
            "consent": consent,
            "entries": entries,
            "can_change": can_change,
            "has_current_consent": referral.status != Status.ACCEPTED
            or Consent.objects.filter(client=client, provider_id=referral.provider_id)
            .current()
            .exists(),
            "consent_url": _consent_url_for(client, referral),
            "can_undo": can_change and referral.can_undo(request.user),
        },
    )


def _consent_url_for(client, referral) -> str:
    """The release form for this referral's provider, coming back to the referral."""
    return (
        reverse("client_referrals:consent_new", args=[client.pk])
        + f"?provider={referral.provider_id}&referral={referral.pk}"
    )


@require_http_methods(["GET", "POST"])
@single_submission
def referral_offer(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    if request.method == "POST" and "show_providers" in request.POST:
        # Without JavaScript: the same entries again, the providers of the chosen service.
        entries = {
            name: request.POST.get(name)
            for name in ReferralOfferForm.Meta.fields
            if name != "provider"  # chosen again from the shorter list
        }
        form = ReferralOfferForm(initial=entries)
        return render(request, "referrals/offer.html", {"client": client, "form": form})
    form = ReferralOfferForm(
        request.POST or None, initial={"service_type": request.GET.get("service")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_offer(
                client=client,
                provider=form.cleaned_data["provider"],
                service_type=form.cleaned_data["service_type"],
                requested_by=form.cleaned_data["requested_by"],
                client_goal=form.cleaned_data["client_goal"],
                follow_up_on=form.cleaned_data["follow_up_on"],
                offered_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Referral offered. Record the client's decision when they make it."
            )
            return redirect("client_referrals:detail", client_id=client.pk, referral_id=referral.pk)
    return render(request, "referrals/offer.html", {"client": client, "form": form})


DECISION_ALREADY_RECORDED = (
    "The client's decision on this referral is already recorded. Nothing was changed."
)


def _refused(request, client, referral, message):
    messages.error(request, message)
    return redirect("client_referrals:detail", client_id=client.pk, referral_id=referral.pk)


def _refused_step(request, page, message):
    """A step refused on a form page: opened, it goes back to the record; sent, the form
    comes back with the person's entries and the reason (``refuse_form``, 409)."""
    template, context = page
    client, record = context["client"], context.get("referral") or context["consent"]
    if request.method != "POST":
        messages.error(request, message)
        if isinstance(record, Referral):
            return redirect("client_referrals:detail", client_id=client.pk, referral_id=record.pk)
        return redirect(
            "client_referrals:consent_detail", client_id=client.pk, consent_id=record.pk
        )
    _log_protected(request, record)
    return refuse_form(request, template, context, message)


@require_http_methods(["GET", "POST"])
def referral_decision(request, client_id, referral_id):
    client, referral = _referral_for(request, client_id, referral_id, change=True)
    form = DecisionForm(request.POST or None)
    page = ("referrals/decision.html", {"client": client, "referral": referral, "form": form})
    if referral.status != Status.OFFERED:
        return _refused_step(request, page, DECISION_ALREADY_RECORDED)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_record_decision(
                referral=referral,
                accepted=form.cleaned_data["decision"] == Status.ACCEPTED,
                by=request.user,
                decision_note=form.cleaned_data["decision_note"],
                follow_up_on=form.cleaned_data["follow_up_on"],
            )
        except services.TransitionError as error:
            referral.refresh_from_db()
            return _refused_step(request, page, error.message)
        messages.success(request, f"Decision recorded: {referral.get_status_display().lower()}.")
        return redirect("client_referrals:detail", client_id=client.pk, referral_id=referral.pk)
    _log_protected(request, referral)
    return render(request, *page)


@require_POST
def referral_advance(request, client_id, referral_id):
    """One click, one step: the button posts the step it shows, so a double click is refused."""
    client, referral = _referral_for(request, client_id, referral_id, change=True)
    to = request.POST.get("to", "")
    if to == Status.SCHEDULED:
        # The appointment's date, time and place are asked for on their own page.
        return redirect("client_referrals:schedule", client_id=client.pk, referral_id=referral.pk)
    if to not in Referral.NEXT_STEP.values():
        return _refused(
            request, client, referral, "That step is not available. Nothing was changed."
        )
    if to == Status.SENT and referral.can_move_to(to) and not _has_current_consent(referral):
        # Sending needs the client's release: record it now, then come back here.
        messages.info(
            request,
            f"Before anything goes to {referral.provider.name}, record the client's release "
            "of information. You come back to the referral afterwards.",
        )
        return redirect(_consent_url_for(client, referral))
    try:
        referral = services.referral_move(referral=referral, to=to, by=request.user)
    except services.TransitionError as error:
        return _refused(request, client, referral, error.message)
    messages.success(request, f"Referral now “{referral.get_status_display()}”.")
    return redirect("client_referrals:detail", client_id=client.pk, referral_id=referral.pk)


def _has_current_consent(referral) -> bool:
    return (
        Consent.objects.filter(client_id=referral.client_id, provider_id=referral.provider_id)
        .current()
        .exists()
    )


@require_http_methods(["GET", "POST"])
def referral_undo(request, client_id, referral_id):
    """Take back the last step: the person who recorded it, within ten minutes, with a reason."""
    client, referral = _referral_for(request, client_id, referral_id, change=True)
    refused = referral.undo_refusal(request.user)
    if refused:
        return _refused(request, client, referral, refused)
    form = UndoStepForm(
        request.POST if request.method == "POST" else None, initial={"reason": "mistake"}
    )
    if request.method == "POST" and form.is_valid():
        step = referral.get_status_display()
        try:
            referral = services.referral_undo_step(
                referral=referral, by=request.user, reason=form.reason_text()
            )
        except UndoRefused as refusal:
            return _refused(request, client, referral, refusal.message)
        messages.success(
            request, f"“{step}” undone: the referral is “{referral.get_status_display()}” again."
        )
        return redirect("client_referrals:detail", client_id=client.pk, referral_id=referral.pk)
    _log_protected(request, referral)
    return render(
        request, "referrals/undo.html", {"client": client, "referral": referral, "form": form}
    )


@require_http_methods(["GET", "POST"])
def referral_schedule(request, client_id, referral_id):
    """The "appointment scheduled" step, with the appointment's date, time and place."""
    client, referral = _referral_for(request, client_id, referral_id, change=True)
    if not referral.can_move_to(Status.SCHEDULED):
        return _refused(
            request, client, referral, services.refusal_message(referral, Status.SCHEDULED)
        )
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_move(
                referral=referral,
                to=Status.SCHEDULED,
                by=request.user,
                appointment_at=form.cleaned_data["appointment_at"],
                appointment_place=form.cleaned_data["place"],
            )
        except services.TransitionError as error:
            return _refused(request, client, referral, error.message)
        messages.success(request, "Appointment scheduled: it is on the calendar.")
        return redirect("client_referrals:detail", client_id=client.pk, referral_id=referral.pk)
    _log_protected(request, referral)
    return render(
        request, "referrals/schedule.html", {"client": client, "referral": referral, "form": form}
    )


@require_http_methods(["GET", "POST"])
def referral_close(request, client_id, referral_id):
    client, referral = _referral_for(request, client_id, referral_id, change=True)
    form = CloseForm(request.POST or None)
    page = ("referrals/close.html", {"client": client, "referral": referral, "form": form})
    if referral.is_final:
        return _refused_step(request, page, services.refusal_message(referral, Status.CLOSED))
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_close(
                referral=referral,
                by=request.user,
                close_reason=form.cleaned_data["close_reason"],
                outcome_note=form.cleaned_data["outcome_note"],
            )
        except services.TransitionError as error:
            referral.refresh_from_db()
            return _refused_step(request, page, error.message)
        messages.success(request, "Referral closed.")
        return redirect("client_referrals:detail", client_id=client.pk, referral_id=referral.pk)
    _log_protected(request, referral)
    return render(request, *page)


@require_http_methods(["GET", "POST"])
def referral_edit(request, client_id, referral_id):
    client, referral = _referral_for(request, client_id, referral_id, change=True)
    form = ReferralNotesForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_notes_update(
                referral=form.instance,
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            form.refuse_stale(stale)
        else:
            messages.success(request, form.saved_message("Referral saved."))
            return redirect("client_referrals:detail", client_id=client.pk, referral_id=referral.pk)
    _log_protected(request, referral)
    return render(
        request, "referrals/edit.html", {"client": client, "referral": referral, "form": form}
    )


def consent_list(request, client_id):
    client = get_client_for(request.user, client_id)
    consents = list(
        Consent.objects.visible_to(request.user)
        .filter(client=client)
        .select_related("provider", "recorded_by", "revoked_by")
    )
    _log_protected(request, *consents)
    return render(
        request,
        "referrals/consent_list.html",
        {"client": client, "consents": consents, "can_change": can_change_clients(request.user)},
    )


def consent_detail(request, client_id, consent_id):
    client, consent = _consent_for(request, client_id, consent_id)
    _log_protected(request, consent)
    return render(
        request,
        "referrals/consent_detail.html",
        {
            "client": client,
            "consent": consent,
            "entries": change_entries(Consent.history.filter(id=consent.pk)),
            "can_change": can_change_clients(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@single_submission
def consent_new(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    form = ConsentForm(
        request.POST or None,
        instance=Consent(client=client),
        initial={"provider": request.GET.get("provider")},
    )
    referral = _referral_coming_from(request, client)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.consent_record(consent=form.instance, recorded_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Release of information to {consent.provider} recorded.")
            if referral is not None:
                return redirect(
                    "client_referrals:detail", client_id=client.pk, referral_id=referral.pk
                )
            return redirect("clients:detail", client_id=client.pk)
    _log_protected(request, referral)
    return render(
        request,
        "referrals/consent_form.html",
        {"client": client, "form": form, "referral": referral},
    )


def _referral_coming_from(request, client):
    """The referral the release form was opened from (``?referral=``), if this person sees it;
    the form goes back to it."""
    referral_id = request.GET.get("referral", "")
    if not referral_id.isdigit():
        return None
    return (
        Referral.objects.visible_to(request.user)
        .filter(client=client, pk=int(referral_id))
        .select_related("provider")
        .first()
    )


@require_http_methods(["GET", "POST"])
def consent_revoke(request, client_id, consent_id):
    client, consent = _consent_for(request, client_id, consent_id, change=True)
    form = RevokeConsentForm(request.POST or None, consent=consent)
    page = ("referrals/consent_revoke.html", {"client": client, "consent": consent, "form": form})
    if consent.is_revoked:
        return _refused_step(
            request,
            page,
            f"This release was already revoked on {consent.revoked_on:%Y-%m-%d}. "
            "Nothing was changed.",
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_revoke(
                consent=consent,
                revoked_on=form.cleaned_data["revoked_on"],
                revoked_by=request.user,
                note=form.cleaned_data["note"],
            )
        except services.ConsentError as error:
            consent.refresh_from_db()
            return _refused_step(request, page, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Release revoked. Nothing more will be shared under it.")
            return redirect(
                "client_referrals:consent_detail", client_id=client.pk, consent_id=consent.pk
            )
    _log_protected(request, consent)
    return render(request, *page)


# Providers: maintained by supervisors (and in the admin).

provider_managers = role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)


@provider_managers
def provider_list(request):
    providers = Provider.objects.order_by("-is_active", "name")
    return render(request, "referrals/provider_list.html", {"providers": providers})


@provider_managers
@require_http_methods(["GET", "POST"])
@single_submission
def provider_new(request):
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_add(provider=form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{provider} added.")
            return redirect("referrals:providers")
    return render(request, "referrals/provider_form.html", {"form": form})


@provider_managers
@require_http_methods(["GET", "POST"])
def provider_edit(request, provider_id):
    provider = get_object_or_404(Provider, pk=provider_id)
    form = ProviderEditForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(
                provider=form.instance,
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            form.refuse_stale(stale)
        else:
            messages.success(request, form.saved_message(f"{provider} saved."))
            return redirect("referrals:providers")
    return render(request, "referrals/provider_form.html", {"form": form, "provider": provider})
