"""Form pieces every app uses: native date inputs and optimistic locking."""

from django import forms

from .versioning import StaleEdit, current_version


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


class VersionedModelForm(forms.ModelForm):
    """An edit form that carries the version the person started from (``housingfirst.
    versioning``). It saves nothing itself: the view hands ``form.instance`` and
    ``form.cleaned_data["version"]`` to a service, which saves with ``save_versioned``; when
    that raises ``StaleEdit`` the view calls ``form.refuse_stale(error)``.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and cleaned.get("version") is not None:
            current = current_version(type(self.instance), self.instance.pk)
            if current != cleaned["version"]:
                self.refuse_stale(StaleEdit(current))
        return cleaned

    def refuse_stale(self, error: StaleEdit) -> None:
        """Say the record changed meanwhile; keep the person's entries. A deliberate second
        save then goes through: the person has now seen the newer record."""
        data = self.data.copy()
        data[self.add_prefix("version")] = error.current_version
        self.data = data
        self.add_error(None, STALE_EDIT_MESSAGE)
