from django import forms

from clients.forms import IntakeForm
from housingfirst.forms import DateInput, ModelForm, VersionedModelForm
from placements.destinations import grouped_destination_choices

from .hud import RelationshipToHead
from .models import Enrollment, Project

PRIOR_LIVING_FIELDS = [
    "living_situation",
    "rental_subsidy_type",
    "length_of_stay",
    "previous_street_essh",
    "date_to_street_essh",
    "times_homeless_past_three_years",
    "months_homeless_past_three_years",
]


class EnrollmentStartForm(ModelForm):
    class Meta:
        model = Enrollment
        fields = ["project", "entry_date"]
        widgets = {"entry_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.operating()
        self.fields["project"].empty_label = None


class EnrollmentForm(VersionedModelForm):
    """Entry data: 3.10, 3.15, 3.16, 3.917 (with its conditional questions), 3.08, 4.13.

    Every 3.917 question is in the page; the static script shows only those HUD asks given
    the answers so far (``data-asked-when``), and the service clears answers HUD doesn't ask
    (``rules.settle_prior_living``), so the page also works without the script."""

    class Meta:
        model = Enrollment
        fields = [
            "entry_date",
            "relationship_to_head",
            "enrollment_coc",
            *PRIOR_LIVING_FIELDS,
            "disabling_condition",
            "date_of_engagement",
        ]
        widgets = {
            "entry_date": DateInput(),
            "date_to_street_essh": DateInput(),
            "date_of_engagement": DateInput(),
            "enrollment_coc": forms.TextInput(attrs={"placeholder": "AA-999"}),
        }
        help_texts = {
            "enrollment_coc": "The Continuum of Care where the household is enrolled (AA-999).",
            "rental_subsidy_type": "Asked when the prior living situation is a rental with an "
            "ongoing housing subsidy.",
            "previous_street_essh": "Asked after a short stay: under 90 days in an institution, "
            "under 7 nights anywhere else.",
            "date_to_street_essh": "Asked of people who were homeless before entry.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enrollment = self.instance
        if enrollment.is_head:
            del self.fields["relationship_to_head"]
        else:
            del self.fields["enrollment_coc"]
            self.fields["relationship_to_head"].choices = [
                choice
                for choice in RelationshipToHead.choices
                if choice[0] != RelationshipToHead.SELF
            ]
        self.fields["living_situation"].widget.attrs["data-project-type"] = (
            enrollment.project.project_type
        )
        conditions = {
            "rental_subsidy_type": "subsidy",
            "length_of_stay": "situation",
            "previous_street_essh": "short-stay",
            "date_to_street_essh": "history",
            "times_homeless_past_three_years": "history",
            "months_homeless_past_three_years": "history",
        }
        for name, condition in conditions.items():
            self.fields[name].widget.attrs["data-asked-when"] = condition


class ExitForm(VersionedModelForm):
    """3.11 program exit date and 3.12 destination (with 3.12.A subsidy type)."""

    class Meta:
        model = Enrollment
        fields = ["exit_date", "destination", "destination_subsidy_type", "other_destination"]
        widgets = {"exit_date": DateInput()}
        labels = {"other_destination": "Other destination: specify"}
        help_texts = {
            "destination_subsidy_type": "Only for 'Rental by client, with ongoing housing "
            "subsidy'.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exit_date"].required = True
        destination = self.fields["destination"]
        destination.required = True
        destination.choices = [("", "Choose the destination"), *grouped_destination_choices()]


class MemberChoiceForm(forms.Form):
    """Add a person already in the system to the household (by record number)."""

    client = forms.IntegerField(
        label="Record number of the person joining",
        min_value=1,
        max_value=2**63 - 1,
        help_text="The # number on their client page.",
    )
    relationship = forms.TypedChoiceField(
        label="Relationship to the head of household",
        coerce=int,
        choices=[c for c in RelationshipToHead.choices if c[0] != RelationshipToHead.SELF],
    )


class NewMemberForm(IntakeForm):
    """A new person joining the household: the intake form (with its duplicate check) plus
    their relationship to the head of household."""

    relationship = forms.TypedChoiceField(
        label="Relationship to the head of household",
        coerce=int,
        choices=[c for c in RelationshipToHead.choices if c[0] != RelationshipToHead.SELF],
    )
