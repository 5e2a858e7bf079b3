from housingfirst.forms import DateTimeInput, ModelForm, VersionedModelForm
from housingfirst.submissions import SingleSubmissionForm

from .models import Appointment

FIELDS = ["starts_at", "what", "place", "already_happened"]
WIDGETS = {"starts_at": DateTimeInput()}


class AppointmentForm(SingleSubmissionForm, ModelForm):
    class Meta:
        model = Appointment
        fields = FIELDS
        widgets = WIDGETS


class AppointmentEditForm(VersionedModelForm):
    class Meta:
        model = Appointment
        fields = FIELDS
        widgets = WIDGETS
