"""The assessment form: exactly the questions HUD asks of one person at one data collection
stage (``rules.elements_asked``), checked by HUD's rules before anything is saved.

Build it with ``assessment_form(enrollment, stage, data)``; the program exit page embeds it
(with a ``prefix``) and hands ``form.assessment()`` and ``form.disability_answers()`` to
``services.enrollment_exit``; the assessment page hands ``form.service_arguments()`` to
``services.assessment_record``. Templates render it with
``enrollments/assessments/fields.html`` (fieldsets from ``form.sections()``) and
``static/js/assessment-form.js`` (optional: hides amounts of unticked sources).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from housingfirst.forms import DateInput
from housingfirst.submissions import SingleSubmissionForm

from . import rules
from .hud import (
    BENEFIT_SOURCES,
    INCOME_SOURCES,
    INDEFINITE_ASKED,
    INSURANCE_SOURCES,
    DataCollectionStage,
    DisabilityType,
    NoYesReasons,
    SubstanceUseResponse,
    WhenOccurred,
)
from .models import Assessment, DomesticViolenceAnswer

# The stage as the page's address names it (``?stage=annual``).
STAGE_SLUGS = {
    "entry": DataCollectionStage.PROJECT_START,
    "update": DataCollectionStage.UPDATE,
    "annual": DataCollectionStage.ANNUAL_ASSESSMENT,
    "exit": DataCollectionStage.PROJECT_EXIT,
}
SLUG_OF_STAGE = {stage: slug for slug, stage in STAGE_SLUGS.items()}

ANSWER_REQUIRED = "Answer, or choose a reason it is missing."
MAX_TOTAL_INCOME = Decimal("99999999.99")  # the total's column: 10 digits, 2 decimals

# (element, question field, sources, "other: specify" field, legend, whether sources have amounts)
SOURCE_ELEMENTS = (
    (
        "income",
        "income_from_any_source",
        INCOME_SOURCES,
        "other_income_source_identify",
        "Income and sources (monthly)",
        True,
    ),
    (
        "benefits",
        "benefits_from_any_source",
        BENEFIT_SOURCES,
        "other_benefits_source_identify",
        "Non-cash benefits",
        False,
    ),
    (
        "insurance",
        "insurance_from_any_source",
        INSURANCE_SOURCES,
        "other_insurance_identify",
        "Health insurance",
        False,
    ),
)
QUESTIONS = {
    "income_from_any_source": "Income from any source",
    "benefits_from_any_source": "Non-cash benefits from any source",
    "insurance_from_any_source": "Covered by health insurance",
}


def disability_field(disability_type) -> str:
    return f"disability_{DisabilityType(disability_type).name.lower()}"


class MoneyField(forms.DecimalField):
    """A monthly amount in dollars: "1,250.50" and "$1250.5" read as 1250.50; letters and
    negative amounts are field errors."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=9,
            decimal_places=2,
            min_value=Decimal("0"),
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages={
                "invalid": "Enter an amount in dollars, like 850 or 1,250.50.",
                "min_value": "An amount cannot be negative.",
                "max_digits": "Enter a monthly amount under $10,000,000.",
                "max_whole_digits": "Enter a monthly amount under $10,000,000.",
            },
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"^\s*\$\s*|,", "", value.strip())
        return super().to_python(value)


def _answer_field(label, choices=NoYesReasons.choices, **kwargs):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "Choose…"), *choices] if kwargs.pop("select", False) else choices,
        coerce=int,
        empty_value=None,
        widget=kwargs.pop("widget", forms.RadioSelect),
        error_messages={"required": ANSWER_REQUIRED, "invalid_choice": "Choose from the list."},
        **kwargs,
    )


@dataclass
class SourceRow:
    ticked: forms.BoundField
    amount: forms.BoundField | None = None


@dataclass
class Section:
    key: str
    legend: str
    question: forms.BoundField | None = None
    sources: list[SourceRow] = field(default_factory=list)
    specify: forms.BoundField | None = None
    total: Decimal | None = None
    fields: list = field(default_factory=list)  # other sections: (field, follow-up) pairs


class AssessmentForm(forms.Form):
    """The questions of one stage for one person. ``enrollment`` and ``stage`` decide which."""

    def __init__(self, *args, enrollment, stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrollment = enrollment
        self.stage = DataCollectionStage(stage)
        if self.stage in (DataCollectionStage.UPDATE, DataCollectionStage.ANNUAL_ASSESSMENT):
            self.fields["information_date"] = forms.DateField(
                label="Information date",
                help_text="The day these answers describe.",
                widget=DateInput(),
                initial=timezone.localdate,
                error_messages={"required": "Enter the date these answers describe."},
            )
        self.asked = rules.elements_asked(enrollment, self.stage, self._day_from_data())
        for element, question, sources, specify, _legend, amounts in SOURCE_ELEMENTS:
            if element not in self.asked:
                continue
            self.fields[question] = _answer_field(QUESTIONS[question])
            for name, _column, label in sources:
                self.fields[name] = forms.BooleanField(label=label, required=False)
                self.fields[name].widget.attrs["data-source-of"] = self.add_prefix(question)
                if amounts:
                    self.fields[f"{name}_amount"] = MoneyField(label=f"{label}, monthly amount ($)")
                    self.fields[f"{name}_amount"].widget.attrs["data-shown-with"] = self.add_prefix(
                        name
                    )
            self.fields[specify] = forms.CharField(
                label="Other: specify", max_length=50, required=False
            )
            self.fields[specify].widget.attrs["data-shown-with"] = self.add_prefix(sources[-1][0])
        if "disabilities" in self.asked:
            for disability_type in DisabilityType:
                name = disability_field(disability_type)
                choices = (
                    SubstanceUseResponse.choices
                    if disability_type == DisabilityType.SUBSTANCE_USE
                    else NoYesReasons.choices
                )
                self.fields[name] = _answer_field(disability_type.label, choices)
                if disability_type in INDEFINITE_ASKED:
                    self.fields[f"{name}_indefinite"] = _answer_field(
                        "If so: expected to be of long-continued and indefinite duration and "
                        "to substantially impair the ability to live independently",
                        required=False,
                    )
                    self.fields[f"{name}_indefinite"].widget.attrs.update(
                        {"data-follows": self.add_prefix(name), "data-shown-when": "1 2 3"}
                    )
        if "dv" in self.asked:
            self.fields["dv_survivor"] = _answer_field("Survivor of domestic violence")
            self.fields["dv_when_occurred"] = _answer_field(
                "If so: when the experience occurred",
                WhenOccurred.choices,
                required=False,
                select=True,
                widget=forms.Select,
            )
            self.fields["dv_currently_fleeing"] = _answer_field(
                "If so: currently fleeing", required=False
            )
            for name in ("dv_when_occurred", "dv_currently_fleeing"):
                self.fields[name].widget.attrs.update(
                    {"data-follows": self.add_prefix("dv_survivor"), "data-shown-when": "1"}
                )

    # What the form asks ----------------------------------------------------------------

    def _day_from_data(self):
        """The information date HUD's "who is asked" is judged on (age on that day)."""
        if self.stage == DataCollectionStage.PROJECT_START:
            return self.enrollment.entry_date
        if self.stage == DataCollectionStage.PROJECT_EXIT:
            return self.enrollment.exit_date or timezone.localdate()
        if self.is_bound:
            try:
                day = self.fields["information_date"].clean(
                    self.data.get(self.add_prefix("information_date"))
                )
            except ValidationError:
                day = None
            if day is not None:
                return day
        return timezone.localdate()

    @property
    def protected_asked(self) -> bool:
        """Whether the form holds protected questions (4.10, 4.11)."""
        return bool(self.asked & {"disabilities", "dv"})

    def sections(self) -> list[Section]:
        """The fieldsets, in HUD's order, each with its bound fields."""
        sections = []
        for element, question, sources, specify, legend, amounts in SOURCE_ELEMENTS:
            if element not in self.asked:
                continue
            section = Section(key=element, legend=legend, question=self[question])
            for name, _column, _label in sources:
                section.sources.append(
                    SourceRow(self[name], self[f"{name}_amount"] if amounts else None)
                )
            section.specify = self[specify]
            if amounts:
                section.total = self.income_total()
            sections.append(section)
        if "disabilities" in self.asked:
            section = Section(key="disabilities", legend="Disabilities")
            for disability_type in DisabilityType:
                name = disability_field(disability_type)
                follow_up = f"{name}_indefinite"
                section.fields.append(
                    (self[name], self[follow_up] if follow_up in self.fields else None)
                )
            sections.append(section)
        if "dv" in self.asked:
            section = Section(key="dv", legend="Domestic violence")
            section.fields = [
                (self["dv_survivor"], None),
                (self["dv_when_occurred"], None),
                (self["dv_currently_fleeing"], None),
            ]
            sections.append(section)
        return sections

    def income_total(self) -> Decimal | None:
        """The total of the amounts of the sources ticked, as sent (None before any)."""
        if "income" not in self.asked or not self.is_bound:
            return None
        data = getattr(self, "cleaned_data", {})
        total = Decimal("0")
        for name, _column, _label in INCOME_SOURCES:
            if data.get(name) and data.get(f"{name}_amount") is not None:
                total += data[f"{name}_amount"]
        return total

    # Validation -------------------------------------------------------------------------

    def information_date(self):
        if self.stage == DataCollectionStage.PROJECT_START:
            return self.enrollment.entry_date
        if self.stage == DataCollectionStage.PROJECT_EXIT:
            return self.enrollment.exit_date
        return self.cleaned_data.get("information_date")

    def clean(self):
        data = super().clean()
        self._settle_follow_ups(data)
        assessment = self.assessment()
        if assessment.information_date is None:
            # Embedded in the exit page before its date is known, or a date to correct first:
            # the answers alone.
            found = rules.answer_errors(assessment)
        else:
            found = rules.assessment_errors(assessment)
        self._add_errors(found)
        self._check_disabilities(data)
        self._check_domestic_violence()
        self._check_one_per_stage(assessment)
        total = self.income_total()
        if total is not None and total > MAX_TOTAL_INCOME:
            self._add_errors({"income_from_any_source": "The total is too large for a month."})
        return data

    def _settle_follow_ups(self, data):
        """Clear follow-up answers HUD doesn't ask given the first answer (a person may have
        answered one before changing the first), as the entry data's 3.917 questions are."""
        for disability_type in INDEFINITE_ASKED:
            name = disability_field(disability_type)
            if f"{name}_indefinite" in data and data.get(name) not in (1, 2, 3):
                data[f"{name}_indefinite"] = None
        if "dv_survivor" in data and data.get("dv_survivor") != NoYesReasons.YES:
            data["dv_when_occurred"] = None
            data["dv_currently_fleeing"] = None

    def _add_errors(self, found: dict, names: dict | None = None):
        for key, message in found.items():
            name = (names or {}).get(key, key)
            if name in self.fields:
                if name not in self.errors:
                    self.add_error(name, message)
            elif not any(message in error for error in self.non_field_errors()):
                self.add_error(None, message)

    def _check_disabilities(self, data):
        if "disabilities" not in self.asked:
            return
        for disability_type in DisabilityType:
            name = disability_field(disability_type)
            if data.get(name) is None:
                continue
            found = rules.disability_errors(
                disability_type=disability_type,
                response=data[name],
                indefinite_and_impairs=data.get(f"{name}_indefinite"),
            )
            self._add_errors(
                found, {"response": name, "indefinite_and_impairs": f"{name}_indefinite"}
            )

    def _check_domestic_violence(self):
        answer = self.domestic_violence_answer()
        if answer is None or answer["survivor"] is None:
            return
        try:
            DomesticViolenceAnswer(**answer).clean()
        except ValidationError as error:
            self._add_errors(
                {key: " ".join(messages) for key, messages in error.message_dict.items()},
                {
                    "survivor": "dv_survivor",
                    "when_occurred": "dv_when_occurred",
                    "currently_fleeing": "dv_currently_fleeing",
                },
            )

    def _check_one_per_stage(self, assessment):
        enrollment = self.enrollment
        if enrollment.pk is None:
            return
        earlier = Assessment.objects.filter(enrollment=enrollment, stage=self.stage)
        if self.stage in (DataCollectionStage.PROJECT_START, DataCollectionStage.PROJECT_EXIT):
            if earlier.exists():
                self.add_error(
                    None,
                    f"The {SLUG_OF_STAGE[self.stage]} assessment is already recorded: "
                    "record an update instead.",
                )
        elif self.stage == DataCollectionStage.ANNUAL_ASSESSMENT and assessment.information_date:
            head_entry = rules.head_entry_date(enrollment)
            window = rules.annual_anniversary(head_entry, assessment.information_date)
            if window is None:
                return
            for other in earlier.values_list("information_date", flat=True):
                if rules.annual_anniversary(head_entry, other) == window:
                    self._add_errors(
                        {
                            "information_date": "An annual assessment is already recorded for "
                            f"the anniversary of {window:%Y-%m-%d}: record an update instead."
                        }
                    )
                    break

    # What the service saves --------------------------------------------------------------

    def assessment(self) -> Assessment:
        """The unsaved assessment holding the answers (only the questions asked)."""
        data = getattr(self, "cleaned_data", {})
        assessment = Assessment(
            enrollment=self.enrollment,
            client_id=self.enrollment.client_id,
            stage=self.stage,
            information_date=self.information_date(),
        )
        for element, question, sources, specify, _legend, amounts in SOURCE_ELEMENTS:
            if element not in self.asked:
                continue
            setattr(assessment, question, data.get(question))
            for name, _column, _label in sources:
                setattr(assessment, name, bool(data.get(name)))
                if amounts:
                    setattr(assessment, f"{name}_amount", data.get(f"{name}_amount"))
            setattr(assessment, specify, (data.get(specify) or "").strip())
        return assessment

    def disability_answers(self) -> list[dict]:
        if "disabilities" not in self.asked:
            return []
        data = self.cleaned_data
        answers = []
        for disability_type in DisabilityType:
            name = disability_field(disability_type)
            answers.append(
                {
                    "disability_type": int(disability_type),
                    "response": data.get(name),
                    "indefinite_and_impairs": data.get(f"{name}_indefinite"),
                }
            )
        return answers

    def domestic_violence_answer(self) -> dict | None:
        if "dv" not in self.asked:
            return None
        data = getattr(self, "cleaned_data", {})
        return {
            "survivor": data.get("dv_survivor"),
            "when_occurred": data.get("dv_when_occurred"),
            "currently_fleeing": data.get("dv_currently_fleeing"),
        }

    def service_arguments(self) -> dict:
        """The keyword arguments of ``services.assessment_record`` (besides ``by``)."""
        return {
            "assessment": self.assessment(),
            "disabilities": self.disability_answers(),
            "domestic_violence": self.domestic_violence_answer(),
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a refusal of the service beside the fields it names (the rest above)."""
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                name = key if key in self.fields else None
                for message in messages:
                    self.add_error(name, message)
        else:
            self.add_error(None, error.messages)


class NewAssessmentForm(SingleSubmissionForm, AssessmentForm):
    """The assessment page's form: one assessment per submission."""


def assessment_form(enrollment, stage, data=None, *, prefix=None, single_submission=False):
    """The form HUD's questions for this person at this stage (``stage``: a
    ``DataCollectionStage`` or its slug: entry, update, annual, exit)."""
    if isinstance(stage, str):
        stage = STAGE_SLUGS[stage]
    form_class = NewAssessmentForm if single_submission else AssessmentForm
    return form_class(data, enrollment=enrollment, stage=stage, prefix=prefix)
