from datetime import date, datetime

from django import forms

from housingfirst.forms import DateInput, ModelForm, VersionedModelForm
from housingfirst.submissions import SingleSubmissionForm

from .duplicates import possible_duplicates
from .models import Client

PROFILE_FIELDS = [
    "first_name",
    "middle_name",
    "last_name",
    "name_suffix",
    "preferred_name",
    "name_data_quality",
    "date_of_birth",
    "dob_data_quality",
    "ssn",
    "ssn_data_quality",
    "race_american_indian_alaska_native",
    "race_asian",
    "race_black",
    "race_hispanic_latina_e_o",
    "race_middle_eastern_north_african",
    "race_native_hawaiian_pacific_islander",
    "race_white",
    "additional_race_ethnicity",
    "race_none",
    "sex",
    "veteran_status",
    "disabling_condition",
    "phone",
    "email",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "program_start_date",
    "status",
    "goals",
]

WIDGETS = {
    "date_of_birth": DateInput(),
    "program_start_date": DateInput(),
    "goals": forms.Textarea(attrs={"rows": 3}),
    "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    "emergency_contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    "ssn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
}


# The intake form in the order a conversation takes (presentation only: the fields are
# PROFILE_FIELDS). Race and ethnicity flags are one question, a group of its own.
RACE_FIELDS = [name for name in PROFILE_FIELDS if name.startswith("race_") and name != "race_none"]
INTAKE_SECTIONS = [
    (
        "who",
        "Who the client is",
        [
            "first_name",
            "middle_name",
            "last_name",
            "name_suffix",
            "preferred_name",
            "name_data_quality",
            "date_of_birth",
            "dob_data_quality",
            "ssn",
            "ssn_data_quality",
        ],
    ),
    (
        "contact",
        "How to reach them",
        [
            "phone",
            "email",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
        ],
    ),
    (
        "hud",
        "HUD demographics",
        [
            *RACE_FIELDS,
            "additional_race_ethnicity",
            "race_none",
            "sex",
            "veteran_status",
            "disabling_condition",
        ],
    ),
    ("goals", "The client's goals", ["goals"]),
    ("program", "In the program", ["program_start_date", "team", "case_manager"]),
]


def checkbox_labels_without_colon(form) -> None:
    """A checkbox's label follows the box: no colon after it ("White", not "White:")."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.label_suffix = ""


def parse_search_date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


MATCHES_SHOWN = 5


class IntakeForm(SingleSubmissionForm, ModelForm):
    """New client. Supervisors pick the team and (optionally) the case manager."""

    case_manager = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Leave unassigned (intake queue)",
        help_text="Who will work with this client.",
    )
    # Shown only when the duplicate check finds someone (see clean()).
    confirm_new_person = forms.BooleanField(
        required=False,
        label="I checked: this is a different person from the possible match above.",
        label_suffix="",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Client
        fields = [f for f in PROFILE_FIELDS if f != "status"] + ["team"]
        widgets = WIDGETS

    def __init__(self, *args, teams, case_managers, assign_to=None, **kwargs):
        """``assign_to``: a case manager enrolling their own client (no team or holder to pick)."""
        super().__init__(*args, **kwargs)
        self.assign_to = assign_to
        if assign_to is not None:
            del self.fields["team"], self.fields["case_manager"]
            self.instance.team = teams.first()
        else:
            self.fields["team"].queryset = teams
            self.fields["team"].required = True
            self.fields["team"].empty_label = None
            self.fields["case_manager"].queryset = case_managers
        self.duplicate_matches = []
        checkbox_labels_without_colon(self)

    def sections(self):
        """(id, legend, bound fields, race-and-ethnicity bound fields) for each part of the form
        that has fields for this person, in INTAKE_SECTIONS' order."""
        for key, legend, names in INTAKE_SECTIONS:
            fields = [
                self[name] for name in names if name in self.fields and name not in RACE_FIELDS
            ]
            races = [self[name] for name in names if name in self.fields and name in RACE_FIELDS]
            if fields or races:
                yield key, legend, fields, races

    def other_visible_fields(self):
        """Visible fields outside the sections (the duplicate confirmation, when shown)."""
        placed = {name for _key, _legend, names in INTAKE_SECTIONS for name in names}
        return [field for field in self.visible_fields() if field.name not in placed]

    def clean(self):
        cleaned = super().clean()
        if self.assign_to is not None:
            cleaned["case_manager"] = self.assign_to
        team, case_manager = cleaned.get("team"), cleaned.get("case_manager")
        if team and case_manager and not team.case_managers.filter(pk=case_manager.pk).exists():
            self.add_error("case_manager", "Choose a case manager of the selected team.")
        if cleaned.get("first_name") and cleaned.get("last_name"):
            self.duplicate_matches = possible_duplicates(
                first_name=cleaned["first_name"],
                last_name=cleaned["last_name"],
                preferred_name=cleaned.get("preferred_name") or "",
                date_of_birth=cleaned.get("date_of_birth"),
                ssn=cleaned.get("ssn") or "",
            )[:MATCHES_SHOWN]
        # "Enrol and ask my supervisor to review": enrols, and the possible duplicate goes to
        # the team's supervisors as a reminder.
        self.asks_review = bool(self.duplicate_matches and self.data.get("ask_review"))
        if self.duplicate_matches:
            self.fields["confirm_new_person"].widget = forms.CheckboxInput()
            if not (cleaned.get("confirm_new_person") or self.asks_review):
                self.add_error(
                    "confirm_new_person",
                    "This person may already be enrolled: check the possible match above, "
                    "then tick this box if this is a different person.",
                )
        return cleaned


class ClientProfileForm(VersionedModelForm):
    class Meta:
        model = Client
        fields = PROFILE_FIELDS
        widgets = WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        checkbox_labels_without_colon(self)


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search clients",
        required=False,
        max_length=100,
        help_text=(
            "Name (a former one too), preferred name, date of birth (YYYY-MM-DD or "
            "MM/DD/YYYY), phone number, or the last four digits of the SSN."
        ),
    )


class ClientLinkForm(forms.Form):
    primary = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    reason = forms.CharField(label="Why they are the same person", max_length=1000)


class ClientUnlinkForm(forms.Form):
    reason = forms.CharField(label="Why they are different people", max_length=1000)


class DuplicateDismissForm(forms.Form):
    note = forms.CharField(
        label="Why they are different people (optional)",
        required=False,
        max_length=500,
        widget=forms.TextInput,
    )
