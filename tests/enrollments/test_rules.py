"""HUD's rules (enrollments/rules.py), one test or more per rule, on unsaved records: no
database, no clock (every date is given)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clients.models import Client
from enrollments import rules
from enrollments.hud import (
    DataCollectionStage,
    DisabilityType,
    LengthOfStay,
    LivingSituation,
    NoYesMissing,
    NoYesReasons,
    ProjectType,
    RelationshipToHead,
    SubstanceUseResponse,
)
from enrollments.models import (
    Assessment,
    DisabilityAnswer,
    DomesticViolenceAnswer,
    Enrollment,
    Project,
)

ENTRY = date(2024, 1, 15)
START, UPDATE, ANNUAL, EXIT = (
    DataCollectionStage.PROJECT_START,
    DataCollectionStage.UPDATE,
    DataCollectionStage.ANNUAL_ASSESSMENT,
    DataCollectionStage.PROJECT_EXIT,
)


def enrollment_of(born=date(1980, 5, 17), head=True, entry=ENTRY, project_type=ProjectType.PSH):
    return Enrollment(
        client=Client(first_name="Ana", last_name="Lima", date_of_birth=born),
        project=Project(project_type=project_type, operating_start_date=date(2020, 1, 1)),
        relationship_to_head=RelationshipToHead.SELF if head else RelationshipToHead.CHILD,
        entry_date=entry,
    )


def questions(living_situation, length_of_stay=None, previous=None, project_type=ProjectType.PSH):
    return rules.prior_living_questions(
        project_type=project_type,
        living_situation=living_situation,
        length_of_stay=length_of_stay,
        previous_street_essh=previous,
    )


# 3.917 Prior living situation ---------------------------------------------------------------


def test_no_homeless_history_question_after_a_rental_of_a_week_or_more():
    asks_previous, asks_history, under = questions(
        LivingSituation.RENTAL_NO_SUBSIDY, LengthOfStay.ONE_WEEK_TO_ONE_MONTH
    )
    assert (asks_previous, asks_history, under) == (False, False, NoYesMissing.NO)


def test_a_rental_stay_under_7_nights_asks_the_night_before_and_history_only_after_a_yes():
    # Under 7 nights: "on the night before, streets, shelter or safe haven?" is asked...
    assert questions(LivingSituation.RENTAL_NO_SUBSIDY, LengthOfStay.TWO_TO_SIX_NIGHTS) == (
        True,
        False,
        NoYesMissing.YES,
    )
    # ... and no homeless-history question unless the answer is yes.
    assert questions(
        LivingSituation.RENTAL_NO_SUBSIDY, LengthOfStay.ONE_NIGHT_OR_LESS, NoYesMissing.NO
    ) == (True, False, NoYesMissing.YES)
    assert questions(
        LivingSituation.RENTAL_NO_SUBSIDY, LengthOfStay.ONE_NIGHT_OR_LESS, NoYesMissing.YES
    ) == (True, True, NoYesMissing.YES)


def test_an_institutional_stay_under_90_days_asks_the_night_before():
    for stay in (
        LengthOfStay.ONE_NIGHT_OR_LESS,
        LengthOfStay.ONE_WEEK_TO_ONE_MONTH,
        LengthOfStay.ONE_TO_THREE_MONTHS,
    ):
        assert questions(LivingSituation.JAIL_OR_PRISON, stay)[:2] == (True, False)
    assert questions(
        LivingSituation.HOSPITAL, LengthOfStay.ONE_TO_THREE_MONTHS, NoYesMissing.YES
    ) == (True, True, NoYesMissing.YES)


def test_an_institutional_stay_of_90_days_or_more_asks_nothing_more():
    for stay in (LengthOfStay.NINETY_DAYS_TO_ONE_YEAR, LengthOfStay.ONE_YEAR_OR_LONGER):
        assert questions(LivingSituation.JAIL_OR_PRISON, stay) == (False, False, NoYesMissing.NO)


def test_the_same_month_long_stay_elsewhere_than_an_institution_asks_nothing_more():
    assert questions(LivingSituation.FRIENDS_HOME, LengthOfStay.ONE_TO_THREE_MONTHS) == (
        False,
        False,
        NoYesMissing.NO,
    )


def test_people_coming_from_homelessness_are_asked_their_history():
    for situation in (
        LivingSituation.PLACE_NOT_MEANT_FOR_HABITATION,
        LivingSituation.EMERGENCY_SHELTER,
        LivingSituation.SAFE_HAVEN,
    ):
        assert questions(situation, LengthOfStay.ONE_YEAR_OR_LONGER) == (False, True, None)


@pytest.mark.parametrize(
    "project_type",
    [
        ProjectType.ES_ENTRY_EXIT,
        ProjectType.ES_NIGHT_BY_NIGHT,
        ProjectType.STREET_OUTREACH,
        ProjectType.SAFE_HAVEN,
    ],
)
def test_part_a_projects_ask_the_history_of_everyone(project_type):
    assert questions(
        LivingSituation.RENTAL_NO_SUBSIDY,
        LengthOfStay.ONE_YEAR_OR_LONGER,
        project_type=project_type,
    ) == (False, True, None)


def test_part_b_projects_are_every_other_type():
    for project_type in (ProjectType.PSH, ProjectType.RAPID_REHOUSING, ProjectType.SERVICES_ONLY):
        assert questions(
            LivingSituation.RENTAL_NO_SUBSIDY,
            LengthOfStay.ONE_YEAR_OR_LONGER,
            project_type=project_type,
        ) == (False, False, NoYesMissing.NO)


def test_a_missing_length_of_stay_asks_nothing_more():
    assert questions(LivingSituation.FRIENDS_HOME, None) == (False, False, None)
    assert questions(LivingSituation.FRIENDS_HOME, LengthOfStay.CLIENT_DOESNT_KNOW) == (
        False,
        False,
        NoYesMissing.DATA_NOT_COLLECTED,
    )
    assert questions(None) == (False, False, None)


def test_settling_clears_answers_to_questions_no_longer_asked():
    enrollment = enrollment_of()
    enrollment.living_situation = LivingSituation.RENTAL_NO_SUBSIDY
    enrollment.length_of_stay = LengthOfStay.ONE_YEAR_OR_LONGER
    enrollment.previous_street_essh = NoYesMissing.YES
    enrollment.date_to_street_essh = date(2023, 1, 1)
    enrollment.times_homeless_past_three_years = 1
    enrollment.months_homeless_past_three_years = 101
    enrollment.rental_subsidy_type = 419
    rules.settle_prior_living(enrollment)
    assert enrollment.previous_street_essh is None
    assert enrollment.date_to_street_essh is None
    assert enrollment.times_homeless_past_three_years is None
    assert enrollment.months_homeless_past_three_years is None
    assert enrollment.rental_subsidy_type is None
    assert enrollment.los_under_threshold == NoYesMissing.NO


# Annual assessment: 30 days either side of the head of household's anniversary -----------------


def test_the_annual_assessment_is_due_on_the_anniversary_of_the_entry():
    assert rules.annual_due(ENTRY, date(2024, 6, 1)) == date(2025, 1, 15)
    assert rules.annual_due(ENTRY, ENTRY) == date(2025, 1, 15)  # never the entry date itself


def test_the_annual_due_stays_until_its_window_closes_30_days_after():
    assert rules.annual_due(ENTRY, date(2025, 2, 14)) == date(2025, 1, 15)
    assert rules.annual_due(ENTRY, date(2025, 2, 15)) == date(2026, 1, 15)
    assert rules.annual_due(ENTRY, date(2027, 3, 1)) == date(2028, 1, 15)


def test_the_annual_window_is_30_days_either_side_of_the_anniversary():
    assert rules.in_annual_window(ENTRY, date(2024, 12, 16))
    assert not rules.in_annual_window(ENTRY, date(2024, 12, 15))
    assert rules.in_annual_window(ENTRY, date(2025, 2, 14))
    assert not rules.in_annual_window(ENTRY, date(2025, 2, 15))
    assert rules.annual_anniversary(ENTRY, date(2026, 1, 1)) == date(2026, 1, 15)


def test_the_entry_year_has_no_annual_window():
    assert not rules.in_annual_window(ENTRY, date(2024, 1, 20))
    assert not rules.in_annual_window(date(2024, 12, 20), date(2024, 12, 20))


def test_the_window_crosses_the_new_year():
    entry = date(2024, 1, 10)
    assert rules.annual_anniversary(entry, date(2024, 12, 20)) == date(2025, 1, 10)
    late = date(2023, 12, 20)
    assert rules.annual_anniversary(late, date(2025, 1, 15)) == date(2024, 12, 20)


def test_an_entry_on_29_february_has_its_anniversary_on_28_february():
    leap = date(2024, 2, 29)
    assert rules.anniversary(leap, 2025) == date(2025, 2, 28)
    assert rules.anniversary(leap, 2028) == date(2028, 2, 29)
    assert rules.annual_due(leap, date(2025, 3, 1)) == date(2025, 2, 28)
    assert rules.in_annual_window(leap, date(2025, 3, 30))
    assert not rules.in_annual_window(leap, date(2025, 3, 31))
    assert rules.in_annual_window(leap, date(2025, 1, 29))
    assert not rules.in_annual_window(leap, date(2025, 1, 28))


# Who is asked what, at which stage --------------------------------------------------------------


def test_the_head_and_adults_are_asked_everything_at_entry_and_update():
    for stage in (START, UPDATE):
        assert rules.elements_asked(enrollment_of(), stage) == {
            "income",
            "benefits",
            "insurance",
            "disabilities",
            "dv",
        }


def test_the_annual_assessment_asks_income_benefits_and_insurance_only():
    assert rules.elements_asked(enrollment_of(), ANNUAL) == {"income", "benefits", "insurance"}


def test_the_exit_assessment_asks_no_domestic_violence():
    assert rules.elements_asked(enrollment_of(), EXIT) == {
        "income",
        "benefits",
        "insurance",
        "disabilities",
    }


def test_a_child_member_is_asked_insurance_and_disabilities_only():
    child = enrollment_of(born=date(2015, 6, 1), head=False)
    assert rules.elements_asked(child, START) == {"insurance", "disabilities"}
    assert rules.elements_asked(child, ANNUAL) == {"insurance"}


def test_a_head_of_household_is_asked_as_an_adult_whatever_their_age():
    young_head = enrollment_of(born=date(2008, 6, 1), head=True)
    assert "income" in rules.elements_asked(young_head, START)


def test_an_adult_member_and_a_member_of_unknown_age_are_asked_as_adults():
    assert "dv" in rules.elements_asked(enrollment_of(head=False), START)
    assert "income" in rules.elements_asked(enrollment_of(born=None, head=False), START)


def test_a_member_who_turns_18_is_asked_income_from_their_birthday():
    member = enrollment_of(born=date(2006, 6, 1), head=False)  # 17 at entry
    assert "income" not in rules.elements_asked(member, START)
    assert "income" not in rules.elements_asked(member, UPDATE, date(2024, 5, 31))
    assert "income" in rules.elements_asked(member, UPDATE, date(2024, 6, 1))
    assert "income" in rules.elements_asked(member, ANNUAL, date(2025, 1, 15))


# Income, benefits, insurance: "from any source" agrees with the sources ------------------------


def assessment(stage=START, enrollment=None, **answers):
    values = {
        "income_from_any_source": NoYesReasons.NO,
        "benefits_from_any_source": NoYesReasons.NO,
        "insurance_from_any_source": NoYesReasons.NO,
    }
    values.update(answers)
    return Assessment(
        enrollment=enrollment or enrollment_of(), stage=stage, information_date=ENTRY, **values
    )


def test_consistent_answers_have_no_errors():
    assert rules.answer_errors(assessment()) == {}
    assert (
        rules.answer_errors(
            assessment(
                income_from_any_source=NoYesReasons.YES,
                ssi=True,
                ssi_amount=Decimal("943"),
                earned=True,
                earned_amount=Decimal("0"),
                benefits_from_any_source=NoYesReasons.YES,
                snap=True,
                insurance_from_any_source=NoYesReasons.YES,
                medicaid=True,
            )
        )
        == {}
    )


def test_income_yes_needs_a_source():
    errors = rules.answer_errors(assessment(income_from_any_source=NoYesReasons.YES))
    assert set(errors) == {"income_from_any_source"}


@pytest.mark.parametrize(
    "answer",
    [
        NoYesReasons.NO,
        NoYesReasons.CLIENT_DOESNT_KNOW,
        NoYesReasons.CLIENT_PREFERS_NOT_TO_ANSWER,
        NoYesReasons.DATA_NOT_COLLECTED,
    ],
)
def test_sources_are_marked_only_after_a_yes(answer):
    errors = rules.answer_errors(
        assessment(income_from_any_source=answer, ssi=True, ssi_amount=Decimal("10"))
    )
    assert "income_from_any_source" in errors


def test_every_question_needs_an_answer_or_a_reason_it_is_missing():
    errors = rules.answer_errors(
        assessment(
            income_from_any_source=None,
            benefits_from_any_source=None,
            insurance_from_any_source=None,
        )
    )
    assert set(errors) == {
        "income_from_any_source",
        "benefits_from_any_source",
        "insurance_from_any_source",
    }


def test_a_ticked_income_source_needs_its_amount_and_an_amount_its_tick():
    errors = rules.answer_errors(
        assessment(
            income_from_any_source=NoYesReasons.YES,
            ssi=True,
            earned_amount=Decimal("100"),
        )
    )
    assert set(errors) == {"ssi_amount", "earned_amount"}


def test_other_sources_say_what_they_are():
    errors = rules.answer_errors(
        assessment(
            income_from_any_source=NoYesReasons.YES,
            other_income_source=True,
            other_income_source_amount=Decimal("50"),
            benefits_from_any_source=NoYesReasons.YES,
            other_benefits_source=True,
            insurance_from_any_source=NoYesReasons.YES,
            other_insurance=True,
        )
    )
    assert set(errors) == {
        "other_income_source_identify",
        "other_benefits_source_identify",
        "other_insurance_identify",
    }


def test_benefits_and_insurance_follow_the_same_rule():
    errors = rules.answer_errors(
        assessment(
            benefits_from_any_source=NoYesReasons.YES,
            insurance_from_any_source=NoYesReasons.NO,
            medicaid=True,
        )
    )
    assert set(errors) == {"benefits_from_any_source", "insurance_from_any_source"}


def test_questions_not_asked_of_a_child_stay_empty():
    child = enrollment_of(born=date(2015, 6, 1), head=False)
    errors = rules.answer_errors(assessment(enrollment=child))
    assert set(errors) == {"income_from_any_source", "benefits_from_any_source"}
    fine = assessment(enrollment=child, income_from_any_source=None, benefits_from_any_source=None)
    assert rules.answer_errors(fine) == {}


def test_the_total_is_the_sum_of_the_amounts_of_the_sources_ticked():
    answered = assessment(
        income_from_any_source=NoYesReasons.YES,
        ssi=True,
        ssi_amount=Decimal("943.00"),
        earned=True,
        earned_amount=Decimal("410.55"),
        pension=False,
        pension_amount=Decimal("999"),
    )
    assert rules.total_monthly_income(answered) == Decimal("1353.55")


def test_the_total_is_zero_after_no_and_unknown_when_the_answer_is_missing():
    assert rules.total_monthly_income(assessment()) == 0
    assert rules.total_monthly_income(assessment(income_from_any_source=None)) is None
    unknown = assessment(income_from_any_source=NoYesReasons.CLIENT_DOESNT_KNOW)
    assert rules.total_monthly_income(unknown) is None


# Disabilities 4.05–4.10 -----------------------------------------------------------------------


def disability(disability_type, response, indefinite=None):
    return rules.disability_errors(
        disability_type=disability_type, response=response, indefinite_and_impairs=indefinite
    )


@pytest.mark.parametrize(
    "disability_type",
    [
        DisabilityType.PHYSICAL,
        DisabilityType.CHRONIC_HEALTH,
        DisabilityType.MENTAL_HEALTH,
    ],
)
def test_indefinite_is_asked_after_a_yes_to_physical_chronic_and_mental_health(disability_type):
    assert set(disability(disability_type, NoYesReasons.YES)) == {"indefinite_and_impairs"}
    assert disability(disability_type, NoYesReasons.YES, NoYesReasons.YES) == {}
    assert disability(disability_type, NoYesReasons.YES, NoYesReasons.DATA_NOT_COLLECTED) == {}
    assert disability(disability_type, NoYesReasons.NO) == {}
    assert set(disability(disability_type, NoYesReasons.NO, NoYesReasons.YES)) == {
        "indefinite_and_impairs"
    }


@pytest.mark.parametrize("disability_type", [DisabilityType.DEVELOPMENTAL, DisabilityType.HIV_AIDS])
def test_developmental_and_hiv_are_never_asked_indefinite(disability_type):
    assert disability(disability_type, NoYesReasons.YES) == {}
    assert set(disability(disability_type, NoYesReasons.YES, NoYesReasons.YES)) == {
        "indefinite_and_impairs"
    }


def test_substance_use_has_its_own_list_and_asks_indefinite_after_any_disorder():
    for response in (
        SubstanceUseResponse.ALCOHOL,
        SubstanceUseResponse.DRUGS,
        SubstanceUseResponse.BOTH,
    ):
        assert set(disability(DisabilityType.SUBSTANCE_USE, response)) == {"indefinite_and_impairs"}
        assert disability(DisabilityType.SUBSTANCE_USE, response, NoYesReasons.NO) == {}
    assert disability(DisabilityType.SUBSTANCE_USE, SubstanceUseResponse.CLIENT_DOESNT_KNOW) == {}
    assert set(disability(DisabilityType.SUBSTANCE_USE, 5)) == {"response"}


def test_the_substance_use_answers_are_not_answers_to_other_disabilities():
    assert set(disability(DisabilityType.PHYSICAL, SubstanceUseResponse.DRUGS)) == {"response"}


def test_a_disability_is_disabling_when_indefinite_or_by_definition():
    physical = DisabilityAnswer(disability_type=DisabilityType.PHYSICAL, response=1)
    assert not physical.is_disabling
    physical.indefinite_and_impairs = NoYesReasons.YES
    assert physical.is_disabling
    assert DisabilityAnswer(disability_type=DisabilityType.HIV_AIDS, response=1).is_disabling
    assert not DisabilityAnswer(disability_type=DisabilityType.HIV_AIDS, response=0).is_disabling


# Domestic violence 4.11 ------------------------------------------------------------------------


def dv_errors(**answers):
    try:
        DomesticViolenceAnswer(**answers).clean()
    except ValidationError as error:
        return set(error.message_dict)
    return set()


def test_a_survivor_is_asked_when_and_whether_currently_fleeing():
    assert dv_errors(survivor=NoYesReasons.YES) == {"when_occurred", "currently_fleeing"}
    assert dv_errors(survivor=NoYesReasons.YES, when_occurred=1, currently_fleeing=0) == set()
    assert dv_errors(survivor=NoYesReasons.YES, when_occurred=8, currently_fleeing=9) == set()


@pytest.mark.parametrize("survivor", [0, 8, 9, 99])
def test_when_and_fleeing_are_asked_only_of_survivors(survivor):
    assert dv_errors(survivor=survivor) == set()
    assert dv_errors(survivor=survivor, when_occurred=1) == {"survivor"}


def test_domestic_violence_and_substance_use_answers_are_protected():
    assert DomesticViolenceAnswer(survivor=0).is_protected
    assert str(DomesticViolenceAnswer(survivor=1)) == "Protected answer"
    substance = DisabilityAnswer(disability_type=DisabilityType.SUBSTANCE_USE, response=2)
    assert substance.is_protected and str(substance) == "Protected answer"
    assert not DisabilityAnswer(disability_type=DisabilityType.PHYSICAL, response=1).is_protected
