"""Enrollments tests: a program with a PSH project, the own client enrolled on 15 January 2024
(the clock stands on 15 March 2025 unless a test moves it)."""

from datetime import date

import pytest

from enrollments.hud import DataCollectionStage, NoYesReasons

from ..factories import ProjectFactory, enrol

ENTRY = date(2024, 1, 15)


@pytest.fixture
def project(db):
    return ProjectFactory(name="Maple Street PSH")


@pytest.fixture
def enrollment(program, project, clock):
    return enrol(program.client, entry_date=ENTRY, project=project)


def answers(**overrides) -> dict:
    """A complete, valid entry assessment as a browser sends it: income from SSI ($943),
    SNAP, Medicaid, a mental health disorder expected to be indefinite, no substance use
    disorder, not a survivor of domestic violence."""
    data = {
        "income_from_any_source": "1",
        "ssi": "on",
        "ssi_amount": "943",
        "benefits_from_any_source": "1",
        "snap": "on",
        "insurance_from_any_source": "1",
        "medicaid": "on",
        "disability_physical": "0",
        "disability_developmental": "0",
        "disability_chronic_health": "0",
        "disability_hiv_aids": "0",
        "disability_mental_health": "1",
        "disability_mental_health_indefinite": "1",
        "disability_substance_use": "0",
        "dv_survivor": "0",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def record(enrollment, by, stage=DataCollectionStage.PROJECT_START, day=None, **overrides):
    """An assessment saved through the form and the service, as the page does."""
    from enrollments import services
    from enrollments.assessment_forms import assessment_form

    data = answers(**overrides)
    if day is not None:
        data["information_date"] = day.isoformat()
    form = assessment_form(enrollment, stage, data)
    assert form.is_valid(), form.errors
    return services.assessment_record(by=by, **form.service_arguments())


__all__ = ["ENTRY", "NoYesReasons", "answers", "record"]
