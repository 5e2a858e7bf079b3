from django import forms

from housingfirst.forms import DateInput, ModelForm, VersionedModelForm
from housingfirst.submissions import SingleSubmissionForm

from .models import NOTE_MAX_LENGTH, Addendum, Note, Topic


class _NoteFields(ModelForm):
    class Meta:
        model = Note
        fields = ["written_on", "topic", "contact", "text", "is_protected"]
        widgets = {"written_on": DateInput(), "text": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        topics = Topic.objects.offered()
        if self.instance.topic_id:
            topics = Topic.objects.filter(pk=self.instance.topic_id) | topics
        self.fields["topic"].queryset = topics.distinct()
        # Only this client's contacts (the model is reached through the field: no import).
        self.fields["contact"].queryset = (
            self.fields["contact"].queryset.filter(client=client).order_by("-occurred_at")
        )
        self.fields["contact"].label = "About the contact"
        self.fields["contact"].empty_label = "No contact: the note stands alone"
        self.fields["text"].widget.attrs["maxlength"] = NOTE_MAX_LENGTH


class NoteForm(SingleSubmissionForm, _NoteFields):
    pass


class NoteEditForm(_NoteFields, VersionedModelForm):
    pass


class AddendumForm(SingleSubmissionForm, ModelForm):
    class Meta:
        model = Addendum
        fields = ["text"]
        labels = {"text": "Addendum"}
        help_texts = {"text": "A correction or addition; it shows beside the note."}
        widgets = {"text": forms.Textarea(attrs={"rows": 5, "maxlength": NOTE_MAX_LENGTH})}


class NoteSearchForm(forms.Form):
    q = forms.CharField(label="Search the notes", required=False, max_length=200)
