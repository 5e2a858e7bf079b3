import re

from django import forms
from django.utils import timezone

from clients.models import Client
from housingfirst.forms import DateInput, DateTimeInput
from housingfirst.submissions import SingleSubmissionForm

from .models import (
    Discard,
    Distribution,
    FundingSource,
    ItemKind,
    OverdoseResponse,
    Site,
    TrainingSession,
)

# "12", "4B", "#305", "Unit4", "apt. 12", "room 3", "by 305": a zone must never name a unit.
UNIT_NUMBER = re.compile(
    r"(^\s*#?\s*\d+\s*[a-z]?\s*$)"
    r"|\b(unit|apt|apartment|suite|ste|room|rm|flat|door)\s*\.?\s*(no\.?|number)?\s*#?\s*\d"
    r"|#\s*\d|\b\d{3,}[a-z]?\b",
    re.IGNORECASE,
)


def _active(model):
    return model.objects.filter(is_active=True)


class ClientLinkFields(forms.Form):
    """An optional link to one of the person's own clients, only at the client's request."""

    def add_client_link(self, user, can_link: bool):
        if not can_link:
            return
        self.fields["client"] = forms.ModelChoiceField(
            queryset=Client.objects.visible_to(user, "change")
            .primary()
            .order_by("last_name", "first_name"),
            required=False,
            label="Keep in a client's record (optional)",
            empty_label="No name (the usual way)",
            help_text="Only when the person asked for it. A linked record is protected: only "
            "staff who work with them see it, and every look is logged.",
        )
        self.fields["client_asked"] = forms.BooleanField(
            required=False, label="The person asked for this to be kept in their record"
        )

    def clean_link(self, cleaned):
        client = cleaned.get("client")
        if client is not None and not cleaned.get("client_asked"):
            self.add_error(
                "client_asked",
                "A record is linked to a client only when they ask for it. Tick this, or "
                "choose “No name”.",
            )
        return cleaned


class DistributionForm(SingleSubmissionForm, ClientLinkFields):
    given_on = forms.DateField(label="Date", widget=DateInput())
    site = forms.ModelChoiceField(queryset=Site.objects.none(), empty_label="Choose a site")
    item = forms.ModelChoiceField(queryset=ItemKind.objects.none(), empty_label="Choose an item")
    quantity = forms.IntegerField(min_value=1, max_value=1000, initial=1)
    recipient_role = forms.ChoiceField(
        label="Given to",
        choices=Distribution._meta.get_field("recipient_role").choices,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label="First kit or refill",
        choices=Distribution.Kind.choices,
        widget=forms.RadioSelect,
        initial=Distribution.Kind.FIRST,
    )
    refill_reason = forms.ChoiceField(
        label="Why a refill",
        choices=[("", "Not a refill"), *Distribution.RefillReason.choices],
        required=False,
    )
    training_given = forms.BooleanField(label="Showed how to use it", required=False)
    funding_source = forms.ModelChoiceField(
        queryset=FundingSource.objects.none(), empty_label="Choose a funding source"
    )

    def __init__(self, *args, user, can_link, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = _active(Site)
        self.fields["item"].queryset = _active(ItemKind)
        self.fields["funding_source"].queryset = _active(FundingSource)
        self.fields["given_on"].initial = timezone.localdate
        self.add_client_link(user, can_link)

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return given_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Distribution.Kind.REFILL and not cleaned.get("refill_reason"):
            self.add_error("refill_reason", "Say why this is a refill.")
        return self.clean_link(cleaned)


class OverdoseResponseForm(SingleSubmissionForm, ClientLinkFields):
    occurred_at = forms.DateTimeField(label="Date and time", widget=DateTimeInput())
    site = forms.ModelChoiceField(queryset=Site.objects.none(), empty_label="Choose a site")
    zone = forms.CharField(
        label="Where on site",
        max_length=80,
        required=False,
        help_text="A zone such as “lobby” or “3rd floor hallway”, never a unit number.",
    )
    # The zone text the person was warned about and sent again: that text, and only that
    # text, is kept as written.
    zone_confirmed = forms.CharField(required=False, widget=forms.HiddenInput)
    naloxone_doses = forms.IntegerField(
        label="Naloxone doses given", min_value=0, max_value=20, initial=0
    )
    naloxone_route = forms.ChoiceField(
        label="How naloxone was given",
        choices=OverdoseResponse.Route.choices,
        widget=forms.RadioSelect,
    )
    called_911 = forms.BooleanField(label="911 called", required=False)
    ems_arrived = forms.BooleanField(label="EMS arrived", required=False)
    outcome = forms.ChoiceField(choices=OverdoseResponse.Outcome.choices, widget=forms.RadioSelect)
    responder_role = forms.ChoiceField(
        label="Who responded",
        choices=OverdoseResponse.Responder.choices,
        widget=forms.RadioSelect,
    )
    follow_up = forms.ChoiceField(
        label="Follow-up",
        choices=OverdoseResponse.FollowUp.choices,
        widget=forms.RadioSelect,
        initial=OverdoseResponse.FollowUp.NOT_OFFERED,
    )
    notes = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Up to 2,000 characters. No names, no unit numbers.",
    )

    def __init__(self, *args, user, can_link, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = _active(Site)
        self.fields["occurred_at"].initial = lambda: timezone.localtime().replace(
            second=0, microsecond=0, tzinfo=None
        )
        self.add_client_link(user, can_link)

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now():
            raise forms.ValidationError("The time cannot be in the future.")
        return occurred_at

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("zone", "")
        if zone and UNIT_NUMBER.search(zone) and cleaned.get("zone_confirmed") != zone:
            # A warning, not a refusal: shown once, then the same text saves as written.
            self.data = self.data.copy()
            self.data["zone_confirmed"] = zone
            self.add_error(
                "zone",
                "This looks like a unit number. Record only a zone (“lobby”, “3rd floor "
                "hallway”) so the report never points at a home. Send again to keep it as "
                "written.",
            )
        route, doses = cleaned.get("naloxone_route"), cleaned.get("naloxone_doses")
        if route == OverdoseResponse.Route.NONE and doses:
            self.add_error("naloxone_doses", "No naloxone was given: doses should be 0.")
        elif route and route != OverdoseResponse.Route.NONE and doses == 0:
            self.add_error("naloxone_doses", "How many doses were given?")
        if cleaned.get("ems_arrived") and not cleaned.get("called_911"):
            self.add_error("called_911", "EMS arrived: was 911 called?")
        return self.clean_link(cleaned)


class TrainingForm(SingleSubmissionForm, forms.Form):
    held_on = forms.DateField(label="Date", widget=DateInput())
    site = forms.ModelChoiceField(queryset=Site.objects.none(), empty_label="Choose a site")
    audience = forms.ChoiceField(
        label="Who was trained",
        choices=TrainingSession.Audience.choices,
        widget=forms.RadioSelect,
    )
    people_trained = forms.IntegerField(label="People trained", min_value=1, max_value=1000)
    naloxone_kits = forms.IntegerField(
        label="Naloxone kits handed out", min_value=0, max_value=1000, initial=0
    )
    naloxone_item = forms.ModelChoiceField(
        queryset=ItemKind.objects.none(),
        required=False,
        label="Which naloxone",
        empty_label="No kits handed out",
    )
    funding_source = forms.ModelChoiceField(
        queryset=FundingSource.objects.none(),
        required=False,
        label="Funding source of the kits",
        empty_label="No kits handed out",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = _active(Site)
        self.fields["naloxone_item"].queryset = _active(ItemKind).filter(is_naloxone=True)
        self.fields["funding_source"].queryset = _active(FundingSource)
        self.fields["held_on"].initial = timezone.localdate

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return held_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("naloxone_kits"):
            if not cleaned.get("naloxone_item"):
                self.add_error("naloxone_item", "Say which naloxone the kits were.")
            if not cleaned.get("funding_source"):
                self.add_error("funding_source", "Say who paid for the kits.")
        return cleaned


class StockReceiveForm(SingleSubmissionForm, forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), empty_label="Choose a site")
    item = forms.ModelChoiceField(queryset=ItemKind.objects.none(), empty_label="Choose an item")
    quantity = forms.IntegerField(label="Quantity received", min_value=1, max_value=100000)
    lot_number = forms.CharField(label="Lot number", max_length=60, required=False)
    received_on = forms.DateField(label="Received on", widget=DateInput())
    expires_on = forms.DateField(label="Expires on", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = _active(Site)
        self.fields["item"].queryset = _active(ItemKind)
        self.fields["received_on"].initial = timezone.localdate

    def clean(self):
        cleaned = super().clean()
        received_on, expires_on = cleaned.get("received_on"), cleaned.get("expires_on")
        if received_on and received_on > timezone.localdate():
            self.add_error("received_on", "The date received cannot be in the future.")
        if received_on and expires_on and expires_on < received_on:
            self.add_error("expires_on", "The expiry date cannot be before the date received.")
        return cleaned


class DiscardForm(SingleSubmissionForm, forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=100000)
    reason = forms.ChoiceField(choices=Discard.Reason.choices, widget=forms.RadioSelect)
    discarded_on = forms.DateField(label="Discarded on", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discarded_on"].initial = timezone.localdate


class ReportForm(forms.Form):
    """Which site and which month or quarter the report covers."""

    PERIOD_KINDS = [("month", "Month"), ("quarter", "Quarter")]

    site = forms.ModelChoiceField(
        queryset=Site.objects.all(), required=False, empty_label="All sites"
    )
    period = forms.ChoiceField(label="Period", required=False)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in periods]
