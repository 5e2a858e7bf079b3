"""Property: any client and enrollment the forms accept exports to a zip the validator passes.

Hypothesis fills the intake form, the entry-data form and (sometimes) the exit form with
anything a person could type or pick; whatever the forms accept is saved through the services,
as the pages do, and the whole program is exported and validated after each example."""

import contextlib
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients.forms import IntakeForm
from clients.models import (
    Client,
    DobDataQuality,
    HudResponse,
    NameDataQuality,
    RaceEthnicityNone,
    Sex,
    SsnDataQuality,
)
from clients.services import client_intake
from enrollments import hud, services
from enrollments.forms import EnrollmentForm, ExitForm
from enrollments.models import Enrollment, Organization, Project
from hmis.export import ExportOptions, write_export
from hmis.validator import validate
from placements.destinations import grouped_destination_choices
from tests.factories import TeamFactory, make_case_manager

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 15)  # the clock fixture's day


def codes(choices) -> st.SearchStrategy[str]:
    return st.sampled_from([str(value) for value, _label in choices])


def maybe(strategy) -> st.SearchStrategy:
    return st.one_of(st.just(""), strategy)


def typed_text(max_size) -> st.SearchStrategy[str]:
    # Any characters a phone keyboard can send, accents and other scripts included.
    return st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=max_size)


def day(first=date(1900, 1, 1), last=TODAY) -> st.SearchStrategy[str]:
    return st.dates(first, last).map(date.isoformat)


intake_data = st.fixed_dictionaries(
    {
        "first_name": typed_text(30),
        "last_name": typed_text(30),
        "program_start_date": day(date(2015, 1, 1)),
        "name_data_quality": codes(NameDataQuality.choices),
        "dob_data_quality": codes(DobDataQuality.choices),
        "ssn_data_quality": codes(SsnDataQuality.choices),
        "sex": codes(Sex.choices),
        "veteran_status": codes(HudResponse.choices),
        "disabling_condition": codes(HudResponse.choices),
    },
    optional={
        "middle_name": typed_text(20),
        "name_suffix": typed_text(5),
        "date_of_birth": day(),
        "ssn": st.one_of(st.from_regex(r"\A\d{4}\Z"), st.from_regex(r"\A\d{9}\Z")),
        "race_asian": st.just("on"),
        "race_white": st.just("on"),
        "race_hispanic_latina_e_o": st.just("on"),
        "race_none": codes(RaceEthnicityNone.choices),
        "additional_race_ethnicity": typed_text(40),
    },
)

entry_data = st.fixed_dictionaries(
    {
        "entry_date": day(date(2015, 1, 1)),
        "enrollment_coc": st.sampled_from(["XX-501", "AA-999", "xx-501", "501"]),
        "disabling_condition": codes(hud.NoYesReasons.choices),
        "living_situation": maybe(codes(hud.LivingSituation.choices)),
        "length_of_stay": maybe(codes(hud.LengthOfStay.choices)),
        "previous_street_essh": maybe(st.sampled_from(["0", "1"])),
        "date_to_street_essh": maybe(day(date(2000, 1, 1))),
        "times_homeless_past_three_years": maybe(codes(hud.TimesHomeless.choices)),
        "months_homeless_past_three_years": maybe(codes(hud.MonthsHomeless.choices)),
        "date_of_engagement": maybe(day(date(2015, 1, 1))),
    }
)

destinations = [
    str(value) for _group, options in grouped_destination_choices() for value, _ in options
]
exit_data = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "exit_date": day(date(2015, 1, 1)),
            "destination": st.sampled_from(destinations),
            "other_destination": maybe(typed_text(20)),
        }
    ),
)


@pytest.fixture
def program_world(db):
    organization = Organization.objects.create(name="Ünïcode Housing Org")
    Project.objects.create(
        organization=organization,
        name="PSH",
        coc_code="XX-501",
        operating_start_date=date(2010, 1, 1),
        is_default=True,
    )
    team = TeamFactory(name="Team P")
    return team, make_case_manager(team, username="cm_property")


def admit(team, case_manager, data) -> Client | None:
    form = IntakeForm(
        {**data, "confirm_new_person": "on"},
        teams=type(team).objects.filter(pk=team.pk),
        case_managers=None,
        assign_to=case_manager,
    )
    if not form.is_valid():
        return None
    return client_intake(
        client=form.save(commit=False), created_by=case_manager, case_manager=case_manager
    )


def save_accepted(form_class, enrollment, data, service, by) -> None:
    """What the page does: a valid form goes to the service; its refusals are form errors."""
    enrollment.refresh_from_db()
    form = form_class({**data, "version": enrollment.version}, instance=enrollment)
    if form.is_valid():
        with contextlib.suppress(ValidationError):
            service(enrollment=form.instance, by=by, expected_version=form.cleaned_data["version"])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(intake=intake_data, entry=entry_data, leaving=exit_data)
def test_whatever_the_forms_accept_exports_to_a_valid_zip(
    clock, program_world, intake, entry, leaving
):
    team, case_manager = program_world
    client = admit(team, case_manager, intake)
    if client is not None:
        enrollment = Enrollment.objects.filter(client=client).get()
        save_accepted(EnrollmentForm, enrollment, entry, services.enrollment_update, case_manager)
        if leaving is not None:
            save_accepted(ExitForm, enrollment, leaving, services.enrollment_exit, case_manager)
    buffer = io.BytesIO()
    write_export(ExportOptions(start=date(2000, 1, 1), end=TODAY), buffer)
    buffer.seek(0)
    report = validate(buffer)
    assert report.ok, [str(problem) for problem in report.problems][:5]
