"""The assessment pages: the form asks what HUD asks of this person at this stage, bad input
is a field error (never a 500, never a partial save), the list and the detail."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from enrollments import services
from enrollments.assessment_forms import assessment_form
from enrollments.hud import DataCollectionStage, RelationshipToHead
from enrollments.models import Assessment, DisabilityAnswer, DomesticViolenceAnswer
from tests.clock import at
from tests.factories import ClientFactory

from .conftest import ENTRY, answers, record

pytestmark = pytest.mark.django_db


def new_url(client, stage):
    return reverse("enrollments:assessment_new", args=[client.pk]) + f"?stage={stage}"


def list_url(client):
    return reverse("enrollments:assessments", args=[client.pk])


def detail_url(assessment):
    return reverse(
        "enrollments:assessment_detail",
        kwargs={"client_id": assessment.client_id, "assessment_id": assessment.pk},
    )


def nothing_saved():
    return (
        not Assessment.objects.exists()
        and not DisabilityAnswer.objects.exists()
        and not DomesticViolenceAnswer.objects.exists()
    )


def member_of(enrollment, by, born, relationship=RelationshipToHead.CHILD):
    client = ClientFactory(date_of_birth=born, program_start_date=enrollment.entry_date)
    return services.household_add_member(
        head=enrollment, client=client, relationship=relationship, by=by
    )


# What is asked -----------------------------------------------------------------------------


def test_the_entry_form_asks_every_element_of_the_head(enrollment):
    form = assessment_form(enrollment, "entry")
    assert [section.key for section in form.sections()] == [
        "income",
        "benefits",
        "insurance",
        "disabilities",
        "dv",
    ]
    assert "information_date" not in form.fields  # dated on the project start
    assert "disability_developmental_indefinite" not in form.fields
    assert "disability_hiv_aids_indefinite" not in form.fields
    assert "disability_substance_use_indefinite" in form.fields
    assert "ssi_amount" in form.fields and "snap_amount" not in form.fields


def test_a_child_is_asked_insurance_and_disabilities_only(program, enrollment):
    child = member_of(enrollment, program.case_manager, born=date(2016, 4, 2))
    form = assessment_form(child, "entry")
    assert [section.key for section in form.sections()] == ["insurance", "disabilities"]
    assert "income_from_any_source" not in form.fields and "dv_survivor" not in form.fields


def test_the_annual_form_asks_no_disabilities_or_domestic_violence(enrollment):
    form = assessment_form(enrollment, "annual")
    assert [section.key for section in form.sections()] == ["income", "benefits", "insurance"]
    assert "information_date" in form.fields


def test_a_member_who_turned_18_is_asked_income_at_an_update(program, enrollment, clock):
    member = member_of(enrollment, program.case_manager, born=date(2007, 3, 1))  # 18 on 1 Mar
    assert "income_from_any_source" not in assessment_form(member, "entry").fields
    form = assessment_form(member, "update", {"information_date": "2025-03-10"})
    assert "income_from_any_source" in form.fields
    earlier = assessment_form(member, "update", {"information_date": "2025-02-10"})
    assert "income_from_any_source" not in earlier.fields


def test_missing_data_reasons_are_offered_wherever_hud_allows_them(program, login, enrollment):
    page = login(program.case_manager).get(new_url(program.client, "entry")).content.decode()
    for name in ("income_from_any_source", "disability_substance_use", "dv_survivor"):
        for code in ("8", "9", "99"):
            assert f'name="{name}" value="{code}"' in page


def test_every_field_has_a_label_and_the_page_has_no_inline_script(program, login, enrollment):
    page = login(program.case_manager).get(new_url(program.client, "entry")).content.decode()
    ids = set(re.findall(r'<input[^>]*type="(?:text|checkbox|date)"[^>]*id="([^"]+)"', page))
    ids |= set(re.findall(r'<select[^>]*id="([^"]+)"', page))
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in page, field_id
    assert page.count("<fieldset") >= 5 and "<legend>Disabilities</legend>" in page
    assert "<script>" not in page and "js/assessment-form.js" in page
    assert " style=" not in page


# Saving ---------------------------------------------------------------------------------------


def test_an_entry_assessment_is_saved_with_its_answers_and_total(program, login, enrollment):
    browser = login(program.case_manager)
    response = browser.post(
        new_url(program.client, "entry"),
        answers(earned="on", earned_amount="1,250.50", pension_amount=""),
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(assessment)
    assert assessment.stage == DataCollectionStage.PROJECT_START
    assert assessment.information_date == ENTRY
    assert assessment.recorded_by == program.case_manager
    assert assessment.total_monthly_income == Decimal("2193.50")
    assert assessment.disabilities.count() == 6
    mental = assessment.disabilities.get(disability_type=9)
    assert (mental.response, mental.indefinite_and_impairs) == (1, 1)
    assert assessment.disabilities.get(disability_type=5).indefinite_and_impairs is None
    assert assessment.domestic_violence.survivor == 0
    page = browser.get(detail_url(assessment)).content.decode()
    assert "$2193.50" in page and "Supplemental Security Income (SSI)" in page


def test_the_total_is_worked_out_not_typed(program, login, enrollment):
    login(program.case_manager).post(
        new_url(program.client, "entry"), answers(total_monthly_income="5000000")
    )
    assert Assessment.objects.get().total_monthly_income == Decimal("943")


def test_answers_to_follow_ups_not_asked_are_cleared(program, login, enrollment):
    login(program.case_manager).post(
        new_url(program.client, "entry"),
        answers(
            disability_physical="0",
            disability_physical_indefinite="1",
            dv_when_occurred="1",
            dv_currently_fleeing="1",
        ),
    )
    assessment = Assessment.objects.get()
    assert assessment.disabilities.get(disability_type=5).indefinite_and_impairs is None
    assert assessment.domestic_violence.when_occurred is None


def test_an_update_is_dated_by_the_person(program, login, enrollment, clock):
    day = date(2025, 3, 1)
    login(program.case_manager).post(
        new_url(program.client, "update"), answers(information_date=day.isoformat())
    )
    assert Assessment.objects.get().information_date == day


def test_an_annual_assessment_inside_the_window_is_saved_and_outside_refused(
    program, login, enrollment, clock
):
    browser = login(program.case_manager)
    annual = {k: v for k, v in answers().items() if not k.startswith(("disability", "dv"))}
    refused = browser.post(
        new_url(program.client, "annual"), {**annual, "information_date": "2025-03-01"}
    )
    assert refused.status_code == 200
    assert "within 30 days" in str(refused.context["form"].errors["information_date"])
    saved = browser.post(
        new_url(program.client, "annual"), {**annual, "information_date": "2025-02-14"}
    )
    assert saved.status_code == 302
    again = browser.post(
        new_url(program.client, "annual"), {**annual, "information_date": "2024-12-20"}
    )
    assert "already recorded" in str(again.context["form"].errors["information_date"])
    assert Assessment.objects.count() == 1


def test_the_annual_assessment_is_due_on_the_list_from_30_days_before(
    program, login, enrollment, clock
):
    clock.move_to(at(date(2025, 12, 15)))
    assert "next due" in login(program.case_manager).get(list_url(program.client)).content.decode()
    clock.move_to(at(date(2025, 12, 16)))
    page = login(program.case_manager).get(list_url(program.client)).content.decode()
    assert "due now" in page and "2026-01-15" in page


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        ({"ssi_amount": "nine hundred"}, "ssi_amount", "Enter an amount in dollars"),
        ({"ssi_amount": "-20"}, "ssi_amount", "cannot be negative"),
        ({"ssi_amount": "12.345"}, "ssi_amount", "2 decimal places"),
        ({"ssi_amount": "1e400"}, "ssi_amount", "under $10,000,000"),
        ({"ssi_amount": "NaN"}, "ssi_amount", "Enter an amount"),
        ({"ssi_amount": "99999999999"}, "ssi_amount", "under $10,000,000"),
        ({"ssi": None, "ssi_amount": None}, "income_from_any_source", "at least one source"),
        ({"ssi_amount": ""}, "ssi_amount", "monthly amount"),
        ({"earned_amount": "100"}, "earned_amount", "Tick the source"),
        ({"income_from_any_source": "0"}, "income_from_any_source", "only when the answer"),
        ({"income_from_any_source": None}, "income_from_any_source", "Answer, or choose"),
        ({"income_from_any_source": "7"}, "income_from_any_source", "Choose from the list"),
        ({"income_from_any_source": "x"}, "income_from_any_source", "Choose from the list"),
        ({"other_insurance": "on"}, "other_insurance_identify", "Say what the other source"),
        ({"disability_physical": "1"}, "disability_physical_indefinite", "Answer, or choose"),
        ({"disability_physical": "2"}, "disability_physical", "Choose from the list"),
        ({"disability_substance_use": "2"}, "disability_substance_use_indefinite", "Answer"),
        ({"disability_developmental": None}, "disability_developmental", "Answer, or choose"),
        ({"dv_survivor": "1"}, "dv_when_occurred", "Say when it happened"),
        ({"dv_survivor": "1", "dv_when_occurred": "1"}, "dv_currently_fleeing", "Answer"),
        ({"dv_survivor": "1", "dv_when_occurred": "6"}, "dv_when_occurred", "Choose from"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(
    program, login, enrollment, sent, field, message
):
    response = login(program.case_manager).post(new_url(program.client, "entry"), answers(**sent))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in str(errors[field]), errors
    assert 'class="field has-error' in response.content.decode()
    assert nothing_saved()


def test_a_bad_update_date_is_a_field_error(program, login, enrollment, clock):
    browser = login(program.case_manager)
    for day, message in (
        ("2025-03-16", "in the future"),
        ("2023-12-31", "before the project start"),
        ("15/03/2025", "valid date"),
        ("", "Enter the date"),
    ):
        response = browser.post(new_url(program.client, "update"), answers(information_date=day))
        assert message in str(response.context["form"].errors["information_date"])
    assert nothing_saved()


def test_a_failure_while_saving_leaves_nothing_half_saved(program, enrollment, monkeypatch):
    form = assessment_form(enrollment, "entry", answers())
    assert form.is_valid()
    arguments = form.service_arguments()
    arguments["domestic_violence"]["when_occurred"] = 3  # not asked of a non-survivor
    with pytest.raises(services.ValidationError):
        services.assessment_record(by=program.case_manager, **arguments)
    assert nothing_saved()


def test_the_service_refuses_answers_hud_does_not_ask(program, enrollment):
    child = member_of(enrollment, program.case_manager, born=date(2016, 4, 2))
    form = assessment_form(child, "entry", answers())
    assert form.is_valid(), form.errors
    arguments = form.service_arguments()
    with pytest.raises(services.ValidationError) as refused:
        services.assessment_record(
            by=program.case_manager,
            **{**arguments, "domestic_violence": {"survivor": 0}},
        )
    assert "domestic_violence" in refused.value.message_dict
    bad_disability = [*arguments["disabilities"][:-1], {"disability_type": 10, "response": 7}]
    with pytest.raises(services.ValidationError):
        services.assessment_record(
            by=program.case_manager, **{**arguments, "disabilities": bad_disability}
        )
    assert nothing_saved()


def test_a_second_entry_assessment_is_refused(program, login, enrollment):
    browser = login(program.case_manager)
    first = browser.post(new_url(program.client, "entry"), answers())
    assessment = Assessment.objects.get()
    assert first["Location"] == detail_url(assessment)
    again = browser.get(new_url(program.client, "entry"))
    assert again.status_code == 302 and again["Location"] == detail_url(assessment)
    form = assessment_form(enrollment, "entry", answers())
    assert not form.is_valid() and "already recorded" in str(form.non_field_errors())


def test_a_double_tap_saves_one_assessment(program, login, enrollment):
    browser = login(program.case_manager)
    page = browser.get(new_url(program.client, "entry"))
    token = page.context["form"]["submission_token"].value()
    data = {**answers(), "submission_token": str(token)}
    browser.post(new_url(program.client, "entry"), data)
    second = browser.post(new_url(program.client, "entry"), data)
    assert second.status_code == 302 and Assessment.objects.count() == 1


def test_an_unknown_stage_asks_which_one(program, login, enrollment):
    browser = login(program.case_manager)
    for query in ("", "?stage=", "?stage=yearly", "?stage=%00"):
        response = browser.get(
            reverse("enrollments:assessment_new", args=[program.client.pk]) + query
        )
        assert response.status_code == 200 and "Which assessment?" in response.content.decode()
    assert browser.post(new_url(program.client, "sometime"), answers()).status_code == 200
    assert nothing_saved()


def test_the_exit_assessment_waits_for_the_program_exit(program, login, enrollment, clock):
    browser = login(program.case_manager)
    response = browser.get(new_url(program.client, "exit"))
    assert "Record the program exit" in response.content.decode()
    assert browser.post(new_url(program.client, "exit"), answers()).status_code == 200
    assert nothing_saved()


def test_the_exit_assessment_after_the_program_exit(program, login, enrollment, clock):
    enrollment.exit_date = date(2025, 3, 1)
    enrollment.destination = 116
    services.enrollment_exit(
        enrollment=enrollment, by=program.case_manager, expected_version=enrollment.version
    )
    browser = login(program.case_manager)
    form = browser.get(new_url(program.client, "exit")).context["form"]
    assert "dv_survivor" not in form.fields and "information_date" not in form.fields
    exit_answers = {k: v for k, v in answers().items() if not k.startswith("dv")}
    response = browser.post(new_url(program.client, "exit"), exit_answers)
    assessment = Assessment.objects.get()
    assert response["Location"] == detail_url(assessment)
    assert assessment.information_date == date(2025, 3, 1)
    assert assessment.stage == DataCollectionStage.PROJECT_EXIT


def test_the_form_embedded_in_the_program_exit(program, enrollment, clock):
    """The exit page builds the form before the exit date is set, then records both."""
    exit_answers = {f"assessment-{k}": v for k, v in answers().items() if not k.startswith("dv")}
    form = assessment_form(enrollment, "exit", exit_answers, prefix="assessment")
    assert form.is_valid(), form.errors
    enrollment.exit_date = date(2025, 3, 1)
    enrollment.destination = 116
    services.enrollment_exit(
        enrollment=enrollment,
        by=program.case_manager,
        expected_version=enrollment.version,
        exit_assessment=form.assessment(),
        disabilities=form.disability_answers(),
    )
    saved = Assessment.objects.get(stage=DataCollectionStage.PROJECT_EXIT)
    assert saved.total_monthly_income == Decimal("943") and saved.disabilities.count() == 6


def test_the_embedded_form_checks_the_answers_before_the_exit_date_is_known(
    program, enrollment, clock
):
    sent = answers(income_from_any_source="1", ssi=None, ssi_amount=None, dv_survivor=None)
    form = assessment_form(
        enrollment, "exit", {f"assessment-{k}": v for k, v in sent.items()}, prefix="assessment"
    )
    assert not form.is_valid()
    assert "at least one source" in str(form.errors["income_from_any_source"])
    assert 'name="assessment-income_from_any_source"' in str(form["income_from_any_source"])


def test_a_bad_date_does_not_hide_the_answers_errors(program, login, enrollment, clock):
    response = login(program.case_manager).post(
        new_url(program.client, "update"),
        answers(information_date="soon", ssi=None, ssi_amount=None),
    )
    errors = response.context["form"].errors
    assert "information_date" in errors and "income_from_any_source" in errors
    assert nothing_saved()


def test_a_client_without_enrollment_is_sent_to_the_list(program, login):
    browser = login(program.case_manager)
    response = browser.get(new_url(program.client, "entry"))
    assert response.status_code == 302 and response["Location"] == list_url(program.client)
    assert "not enrolled" in browser.get(list_url(program.client)).content.decode()


# List and detail -------------------------------------------------------------------------------


def test_the_list_groups_assessments_by_enrollment_and_stage(program, login, enrollment, clock):
    record(enrollment, program.case_manager)
    record(enrollment, program.case_manager, DataCollectionStage.UPDATE, day=date(2025, 3, 1))
    page = login(program.case_manager).get(list_url(program.client))
    group = page.context["groups"][0]
    assert [(title, len(found)) for title, found in group["stages"]] == [
        ("Entry assessment", 1),
        ("Update", 1),
        ("Annual assessment", 0),
        ("Exit assessment", 0),
    ]
    text = page.content.decode()
    assert "Maple Street PSH" in text and "$943.00 a month" in text


def test_list_and_detail_queries_do_not_grow_with_assessments(
    program, login, enrollment, clock, django_assert_max_num_queries
):
    browser = login(program.case_manager)
    record(enrollment, program.case_manager)
    record(enrollment, program.case_manager, DataCollectionStage.UPDATE, day=date(2025, 3, 1))
    with django_assert_max_num_queries(20) as few:
        browser.get(list_url(program.client))
    for day in range(2, 12):
        record(
            enrollment,
            program.case_manager,
            DataCollectionStage.UPDATE,
            day=date(2025, 3, 1) + timedelta(days=day),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        browser.get(list_url(program.client))
    latest = Assessment.objects.filter(stage=DataCollectionStage.UPDATE).first()
    with django_assert_max_num_queries(20):
        assert browser.get(detail_url(latest)).status_code == 200


def test_an_assessment_of_another_client_is_not_found_through_this_one(
    program, login, enrollment, project
):
    from tests.factories import client_of, enrol

    other = client_of(program.case_manager, first_name="Eli", last_name="Other")
    theirs = record(enrol(other, project=project), program.case_manager)
    url = reverse(
        "enrollments:assessment_detail",
        kwargs={"client_id": program.client.pk, "assessment_id": theirs.pk},
    )
    assert login(program.case_manager).get(url).status_code == 404
