"""An empty required field shows one error, not two: the model's rule does not repeat what the
form field already said (housingfirst.forms.ModelForm), on every model form of the project."""

import importlib
import tomllib
from pathlib import Path

import pytest
from django import forms

from housingfirst.forms import ModelForm
from placements.forms import ExitForm
from plans.forms import StepForm
from tests.placements.factories import housed

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]


def project_model_forms():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("forms.py"):
            importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
    found, todo = [], [forms.ModelForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.split(".")[0] in PACKAGES:
                found.append(subclass)
    return found


def test_every_model_form_of_the_project_shows_one_error_per_field():
    model_forms = project_model_forms()
    assert len(model_forms) > 10
    assert [form for form in model_forms if not issubclass(form, ModelForm)] == []


@pytest.mark.django_db
def test_empty_required_selects_show_one_error_each_in_the_models_words(program):
    placement = housed(program.client, program.client.program_start_date)
    form = ExitForm(
        data={"version": placement.version, "exit_date": str(placement.move_in_date)},
        instance=placement,
    )
    assert not form.is_valid()
    assert form.errors["exit_reason"] == ["Choose the reason for the exit."]
    assert form.errors["exit_destination"] == ["Choose where the client went."]
    assert "exit_date" not in form.errors


@pytest.mark.django_db
def test_a_field_with_its_own_error_gets_no_second_one_from_the_model(program):
    form = StepForm(data={"what": "", "who": ""})
    assert not form.is_valid()
    assert all(len(messages) == 1 for messages in form.errors.values()), form.errors
