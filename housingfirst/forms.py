"""Form pieces every app uses: native date inputs, search fields with suggestions and
optimistic locking."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse_lazy

from .versioning import Merge, StaleEdit, current_version, three_way_merge


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SuggestInput(forms.TextInput):
    """A text search field whose suggestions come, as you type, from a JSON endpoint
    (``static/js/suggestions.js`` fills a ``<datalist>``). The page never lists every choice,
    so it stays small at any size; without the script it is a plain text field."""

    def __init__(self, url_name: str, attrs=None):
        super().__init__(
            attrs={
                "data-suggest-url": reverse_lazy(url_name),
                "autocomplete": "off",
                "spellcheck": "false",
                **(attrs or {}),
            }
        )


def suggestion_text(request, max_length: int) -> str:
    """The text a suggest endpoint answers for (``?q=``), trimmed; empty when no field would
    take it (too long, a NUL character), so that a stray request never errors."""
    try:
        return forms.CharField(required=False, max_length=max_length).clean(request.GET.get("q"))
    except ValidationError:
        return ""


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ModelForm(forms.ModelForm):
    """Every model form of the project: one error per field.

    A model's ``clean()`` states its rules for every caller (services, the admin, imports),
    so it repeats some that the form field already checks ("Choose the reason for the exit"
    beside "This field is required."). Django adds the model's messages on top of the
    field's own, and an empty required field showed two errors. Here a field that already
    failed its own validation gets no second message from the model, except that the
    model's words, which say what to do, replace a bare "This field is required.".

    A model rule about a field this form doesn't show (an exit date on an entry-data form)
    is shown above the form rather than raising: Django's own ``add_error`` refuses it.
    """

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            kept = {}
            for name, messages in errors.error_dict.items():
                if name != NON_FIELD_ERRORS and name not in self.fields:
                    kept.setdefault(NON_FIELD_ERRORS, []).extend(messages)
                    continue
                if name == NON_FIELD_ERRORS:
                    kept.setdefault(NON_FIELD_ERRORS, []).extend(messages)
                    continue
                own = self._errors.get(name) if name != NON_FIELD_ERRORS else None
                if own:
                    if not all(error.code == "required" for error in own.as_data()):
                        continue
                    del self._errors[name]
                kept[name] = messages
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)


STALE_EDIT_MESSAGE = (
    "Someone else saved this record while you were editing it, so your changes were not saved. "
    "The form below still holds your entries; check them against the record and save again."
)
CONFLICT_MESSAGE = (
    "Someone else saved this record while you were editing it and changed some of the same "
    "fields. Nothing is saved yet: choose, for each field below, which value to keep."
)


class VersionedModelForm(ModelForm):
    """An edit form that carries the version the person started from (``housingfirst.
    versioning``). It saves nothing itself: the view hands ``form.instance`` and
    ``form.cleaned_data["version"]`` to a service, which saves with ``save_versioned``.

    When someone else saved the record meanwhile, the edit is merged with theirs field by
    field (``three_way_merge``): their changes are kept, this person's are applied, and a field
    both changed differently is shown side by side (``form.merge.conflicts``) until the person
    picks a value for each (``keep_<field>`` = "theirs" or "yours"). The hidden version stays
    the one the person started from until the save, so every retry merges against it.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # Model fields the form sets without a form field of the same name (e.g. from a widget
    # that stands for several columns); they are merged too.
    merge_extra_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)
        self.merge: Merge | None = None

    def merge_fields(self):
        names = {*self.fields, *self.merge_extra_fields} - {"version"}
        return [f for f in self.instance._meta.concrete_fields if f.name in names]

    def _post_clean(self):
        super()._post_clean()  # the instance now holds this person's values
        opened = self.cleaned_data.get("version")
        if self._errors or self.instance.pk is None or opened is None:
            return
        current = current_version(type(self.instance), self.instance.pk)
        if current == opened:
            return
        merge = three_way_merge(self.instance, opened_version=opened, fields=self.merge_fields())
        if merge is None:
            self.refuse_stale(StaleEdit(current))
            return
        self.merge = merge
        unresolved = []
        for conflict in merge.conflicts:
            choice = self.data.get(f"keep_{conflict.name}")
            if choice == "theirs":
                setattr(self.instance, conflict.attname, conflict.theirs_value)
            elif choice != "yours":
                unresolved.append(conflict)
        if unresolved:
            self.add_error(None, CONFLICT_MESSAGE)
            return
        self.cleaned_data["version"] = merge.current_version

    def refuse_stale(self, error: StaleEdit) -> None:
        """Someone saved between this form's check and the save: nothing was saved. The next
        submission merges against the version the person started from."""
        self.add_error(None, STALE_EDIT_MESSAGE)

    def saved_message(self, message: str) -> str:
        """The success message, naming the colleagues' changes that were kept."""
        if self.merge is None or not (self.merge.kept_theirs or self.merge.conflicts):
            return message
        by = " and ".join(self.merge.savers) or "a colleague"
        if not self.merge.kept_theirs:
            return f"{message} {by} saved this record meanwhile; your choices were saved."
        kept = ", ".join(self.merge.kept_theirs)
        return f"{message} {by} saved this record meanwhile; their changes were kept: {kept}."
