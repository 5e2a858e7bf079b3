from django import forms

from housingfirst.forms import DateInput, ModelForm, VersionedModelForm
from housingfirst.submissions import SingleSubmissionForm

from .models import Goal, Plan, Progress, Step


def _offered_areas(field, current_id=None):
    # The topics are casenotes' model, reached through the field: plans import no domain app.
    topics = field.queryset.model.objects
    offered = topics.filter(is_active=True)
    if current_id:
        offered = offered | topics.filter(pk=current_id)
    field.queryset = offered.distinct().order_by("position", "name")
    field.label = "Area"


class GoalForm(SingleSubmissionForm, ModelForm):
    class Meta:
        model = Goal
        fields = ["in_their_words", "area", "why_it_matters"]
        widgets = {
            "in_their_words": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "why_it_matters": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offered_areas(self.fields["area"])


class GoalEditForm(VersionedModelForm):
    class Meta:
        model = Goal
        fields = ["in_their_words", "area", "why_it_matters", "status"]
        widgets = GoalForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offered_areas(self.fields["area"], self.instance.area_id)


class StepForm(SingleSubmissionForm, ModelForm):
    class Meta:
        model = Step
        fields = ["what", "who", "due_on"]
        widgets = {"due_on": DateInput(), "who": forms.RadioSelect}


class ProgressForm(SingleSubmissionForm, ModelForm):
    class Meta:
        model = Progress
        fields = ["written_on", "text"]
        widgets = {"written_on": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}


class NoPlanForm(forms.Form):
    words = forms.CharField(
        label="In the client's words (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanEditForm(VersionedModelForm):
    class Meta:
        model = Plan
        fields = ["review_on"]
        widgets = {"review_on": DateInput()}
        labels = {"review_on": "Next review"}

    def clean_review_on(self):
        value = self.cleaned_data["review_on"]
        if value is None:
            raise forms.ValidationError("Choose the day of the next review.")
        return value
