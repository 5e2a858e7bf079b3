"""Form pieces every app uses: native date inputs and optimistic locking."""

from django import forms
from django.db import transaction


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


STALE_EDIT_MESSAGE = (
    "Someone else saved this record while you were editing it, so your changes were not saved. "
    "The form below still holds your entries; check them against the record and save again."
)


class StaleEdit(Exception):
    pass


class VersionedModelForm(forms.ModelForm):
    """Refuses to overwrite a record that changed since the form was opened.

    The model needs a ``version`` integer field. The check runs under a row lock at save time,
    so two people saving at once cannot both win.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)

    def _current_version(self, lock=False):
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if lock:
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def _refuse_stale(self, current):
        # Let a deliberate second save go through: the person has now seen the newer record.
        data = self.data.copy()
        data[self.add_prefix("version")] = current
        self.data = data
        self.add_error(None, STALE_EDIT_MESSAGE)

    def clean(self):
        cleaned = super().clean()
        current = self._current_version()
        if cleaned.get("version") is not None and current != cleaned["version"]:
            self._refuse_stale(current)
        return cleaned

    def save(self, commit=True):
        assert commit, "versioned forms save at once, under a lock"
        with transaction.atomic():
            current = self._current_version(lock=True)
            if current != self.cleaned_data["version"]:
                self._refuse_stale(current)
                raise StaleEdit
            self.instance.version = current + 1
            return super().save(commit=True)
