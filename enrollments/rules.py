"""HUD's rules for enrollment data, as plain functions of the records (no queries unless a
record's relations are needed): what is asked of whom and when, and what must agree.

The models' ``clean`` calls ``enrollment_errors`` / ``assessment_errors``; the forms show the
questions ``prior_living_questions`` names; the data-quality page and the client page use
``entry_data_missing``.
"""

from datetime import date, timedelta

from django.utils import timezone

from placements.destinations import Destination

from . import hud
from .hud import (
    BENEFIT_SOURCES,
    INCOME_SOURCES,
    INSURANCE_SOURCES,
    DataCollectionStage,
    NoYesMissing,
    NoYesReasons,
)
from .models import ADULT_AGE, age_on

ANNUAL_WINDOW_DAYS = 30

HOMELESS_HISTORY_FIELDS = (
    "date_to_street_essh",
    "times_homeless_past_three_years",
    "months_homeless_past_three_years",
)

# Which elements each stage collects (HUD's data collection stages for 4.02–4.11).
STAGE_ELEMENTS = {
    DataCollectionStage.PROJECT_START: {"income", "benefits", "insurance", "disabilities", "dv"},
    DataCollectionStage.UPDATE: {"income", "benefits", "insurance", "disabilities", "dv"},
    DataCollectionStage.ANNUAL_ASSESSMENT: {"income", "benefits", "insurance"},
    DataCollectionStage.PROJECT_EXIT: {"income", "benefits", "insurance", "disabilities"},
}
# Income, benefits and domestic violence are asked of the head of household and adults;
# health insurance and disabilities of everyone.
HEAD_AND_ADULTS_ELEMENTS = {"income", "benefits", "dv"}


def asked_as_adult(enrollment, day: date | None = None) -> bool:
    """Head of household, or an adult on ``day`` (the information date; the project start
    when not given). A member who turns 18 during the enrollment is asked the adults'
    questions from then on (HUD: income and benefits of a youth aging into adulthood)."""
    if enrollment.is_head:
        return True
    age = age_on(enrollment.client.date_of_birth, day or enrollment.entry_date)
    return age is None or age >= ADULT_AGE


def elements_asked(enrollment, stage, on: date | None = None) -> set[str]:
    """What HUD asks of this person at this stage, on the information date ``on``."""
    elements = set(STAGE_ELEMENTS[stage])
    if not asked_as_adult(enrollment, on):
        elements -= HEAD_AND_ADULTS_ELEMENTS
    return elements


def prior_living_questions(*, project_type, living_situation, length_of_stay, previous_street_essh):
    """The 3.917 questions HUD asks after the prior living situation, given the answers so far.

    Returns (asks_previous_street_essh, asks_homeless_history, los_under_threshold).
    Part A (street outreach, emergency shelter, safe haven) asks the homeless history of
    everyone. Part B (every other project type, PSH included) asks it of people coming from
    a homeless situation; of people coming from an institution after a stay under 90 days, or
    from anywhere else after a stay under 7 nights, only when they stayed on the streets, in
    emergency shelter or a safe haven the night before.
    """
    if living_situation is None:
        return False, False, None
    if project_type in hud.PART_A_PROJECT_TYPES:
        return False, True, None
    group = hud.living_situation_group(living_situation)
    if group == "homeless":
        return False, True, None
    if length_of_stay is None or length_of_stay in hud.MISSING_CODES:
        return False, False, (None if length_of_stay is None else NoYesMissing.DATA_NOT_COLLECTED)
    threshold = hud.UNDER_90_DAYS if group == "institutional" else hud.UNDER_7_NIGHTS
    if length_of_stay not in threshold:
        return False, False, NoYesMissing.NO
    return True, previous_street_essh == NoYesMissing.YES, NoYesMissing.YES


def settle_prior_living(enrollment) -> None:
    """Clear the answers to 3.917 questions HUD doesn't ask given the others (a person may
    have answered one before changing an earlier answer), and record LOSUnderThreshold."""
    asks_previous, asks_history, under_threshold = prior_living_questions(
        project_type=enrollment.project.project_type,
        living_situation=enrollment.living_situation,
        length_of_stay=enrollment.length_of_stay,
        previous_street_essh=enrollment.previous_street_essh,
    )
    enrollment.los_under_threshold = under_threshold
    if not asks_previous:
        enrollment.previous_street_essh = None
    if not asks_history:
        for field in HOMELESS_HISTORY_FIELDS:
            setattr(enrollment, field, None)
    if enrollment.living_situation != hud.LivingSituation.RENTAL_WITH_SUBSIDY:
        enrollment.rental_subsidy_type = None


def enrollment_errors(enrollment) -> dict[str, str]:
    today = timezone.localdate()
    errors = {}
    if enrollment.entry_date and enrollment.entry_date > today:
        errors["entry_date"] = "The project start date cannot be in the future."
    project = enrollment.project if enrollment.project_id else None
    if project and enrollment.entry_date:
        if enrollment.entry_date < project.operating_start_date:
            errors["entry_date"] = "The project was not operating yet on this date."
    if (
        enrollment.living_situation == hud.LivingSituation.RENTAL_WITH_SUBSIDY
        and enrollment.rental_subsidy_type is None
    ):
        errors["rental_subsidy_type"] = "Choose the type of ongoing housing subsidy."
    started = enrollment.date_to_street_essh
    if started and enrollment.entry_date and started > enrollment.entry_date:
        errors["date_to_street_essh"] = "This date cannot be after the project start date."
    engaged = enrollment.date_of_engagement
    if engaged and enrollment.entry_date:
        if engaged < enrollment.entry_date:
            errors["date_of_engagement"] = "The date of engagement cannot be before the start."
        elif engaged > today:
            errors["date_of_engagement"] = "The date of engagement cannot be in the future."
    errors.update(exit_errors(enrollment, today))
    return errors


def exit_errors(enrollment, today: date | None = None) -> dict[str, str]:
    today = today or timezone.localdate()
    errors = {}
    if enrollment.exit_date is None:
        if enrollment.destination is not None:
            errors["destination"] = "A destination is recorded with the program exit date."
        return errors
    if enrollment.entry_date and enrollment.exit_date < enrollment.entry_date:
        errors["exit_date"] = "The program exit cannot be before the project start date."
    elif enrollment.exit_date > today:
        errors["exit_date"] = "The program exit date cannot be in the future."
    if enrollment.destination is not None:
        if enrollment.destination not in Destination.values:
            errors["destination"] = "Choose a destination from the list."
        elif enrollment.destination == Destination.RENTAL_WITH_SUBSIDY:
            if enrollment.destination_subsidy_type is None:
                errors["destination_subsidy_type"] = "Choose the type of ongoing housing subsidy."
        elif enrollment.destination_subsidy_type is not None:
            errors["destination_subsidy_type"] = (
                "A subsidy type goes with 'Rental by client, with ongoing housing subsidy' only."
            )
        if enrollment.destination == Destination.OTHER and not enrollment.other_destination:
            errors["other_destination"] = "Say what the other destination is."
    return errors


def anniversary(entry_date: date, year: int) -> date:
    try:
        return entry_date.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return date(year, 2, 28)


def annual_due(head_entry_date: date, today: date) -> date | None:
    """The anniversary whose annual assessment is due or next: the first anniversary whose
    window (30 days either side) has not closed yet, never the entry date itself."""
    year = max(head_entry_date.year + 1, today.year - 1)
    while True:
        day = anniversary(head_entry_date, year)
        if day + timedelta(days=ANNUAL_WINDOW_DAYS) >= today:
            return day
        year += 1


def annual_anniversary(head_entry_date: date, information_date: date) -> date | None:
    """The anniversary whose window (30 days either side) holds this date, or None."""
    year = information_date.year
    for candidate in (year - 1, year, year + 1):
        if candidate <= head_entry_date.year:
            continue
        day = anniversary(head_entry_date, candidate)
        if abs((information_date - day).days) <= ANNUAL_WINDOW_DAYS:
            return day
    return None


def in_annual_window(head_entry_date: date, information_date: date) -> bool:
    return annual_anniversary(head_entry_date, information_date) is not None


def assessment_errors(assessment) -> dict[str, str]:
    errors = {}
    enrollment = assessment.enrollment
    day = assessment.information_date
    stage = assessment.stage
    today = timezone.localdate()
    if day is None or stage is None:
        return errors
    if day > today:
        errors["information_date"] = "The information date cannot be in the future."
    elif day < enrollment.entry_date:
        errors["information_date"] = "The information date cannot be before the project start."
    elif enrollment.exit_date and day > enrollment.exit_date:
        errors["information_date"] = "The information date cannot be after the program exit."
    elif stage == DataCollectionStage.PROJECT_START and day != enrollment.entry_date:
        errors["information_date"] = "An entry assessment is dated on the project start date."
    elif stage == DataCollectionStage.PROJECT_EXIT:
        if enrollment.exit_date is None:
            errors["stage"] = "An exit assessment is recorded with the program exit."
        elif day != enrollment.exit_date:
            errors["information_date"] = "An exit assessment is dated on the program exit date."
    elif stage == DataCollectionStage.ANNUAL_ASSESSMENT:
        head_entry = head_entry_date(enrollment)
        if not in_annual_window(head_entry, day):
            errors["information_date"] = (
                "An annual assessment is dated within 30 days of the anniversary of the head "
                f"of household's start ({head_entry:%B %-d})."
            )
    errors.update(answer_errors(assessment))
    return errors


def answer_errors(assessment) -> dict[str, str]:
    """The rules of the income, benefits and insurance answers themselves (4.02–4.04), apart
    from the information date: what the form checks before the program exit date is known."""
    errors = {}
    asked = elements_asked(assessment.enrollment, assessment.stage, assessment.information_date)
    errors.update(
        _any_source_errors(
            assessment, "income_from_any_source", INCOME_SOURCES, "income" in asked, amounts=True
        )
    )
    errors.update(
        _any_source_errors(
            assessment, "benefits_from_any_source", BENEFIT_SOURCES, "benefits" in asked
        )
    )
    errors.update(
        _any_source_errors(
            assessment, "insurance_from_any_source", INSURANCE_SOURCES, "insurance" in asked
        )
    )
    return errors


def head_entry_date(enrollment) -> date:
    if enrollment.is_head:
        return enrollment.entry_date
    head = enrollment.household.enrollments.filter(relationship_to_head=1).first()
    return head.entry_date if head else enrollment.entry_date


def _any_source_errors(assessment, question, sources, asked, *, amounts=False) -> dict[str, str]:
    errors = {}
    answer = getattr(assessment, question)
    marked = [field for field, _column, _label in sources if getattr(assessment, field)]
    if not asked:
        if answer is not None or marked:
            errors[question] = "HUD doesn't ask this of this person at this stage."
        return errors
    if answer is None:
        errors[question] = "Answer, or choose a reason it is missing."
    elif answer == NoYesReasons.YES and not marked:
        errors[question] = "Mark at least one source, or answer 'No'."
    elif answer != NoYesReasons.YES and marked:
        errors[question] = "Sources are marked only when the answer is 'Yes'."
    other_field = sources[-1][0]
    identify = f"{other_field}_identify"
    if getattr(assessment, other_field) and not getattr(assessment, identify).strip():
        errors[identify] = "Say what the other source is."
    if amounts:
        for field, _column, _label in sources:
            amount = getattr(assessment, f"{field}_amount")
            if getattr(assessment, field) and amount is None:
                errors[f"{field}_amount"] = "Enter the monthly amount."
            elif not getattr(assessment, field) and amount is not None:
                errors[f"{field}_amount"] = "Tick the source, or clear its amount."
    return errors


def total_monthly_income(assessment):
    """The sum of the amounts of the sources marked: 0 after "No"; None when income isn't
    asked or its answer is missing (a "client doesn't know" is not an income of 0)."""
    if assessment.income_from_any_source not in (NoYesReasons.NO, NoYesReasons.YES):
        return None
    total = sum(
        (
            getattr(assessment, f"{field}_amount") or 0
            for field, _column, _label in INCOME_SOURCES
            if getattr(assessment, field)
        ),
        start=0,
    )
    return total


def disability_errors(*, disability_type, response, indefinite_and_impairs) -> dict[str, str]:
    errors = {}
    valid = (
        hud.SubstanceUseResponse.values
        if disability_type == hud.DisabilityType.SUBSTANCE_USE
        else NoYesReasons.values
    )
    if response not in valid:
        errors["response"] = "Choose an answer from the list."
        return errors
    has_condition = response in (1, 2, 3)
    if disability_type in hud.INDEFINITE_ASKED and has_condition:
        if indefinite_and_impairs is None:
            errors["indefinite_and_impairs"] = "Answer, or choose a reason it is missing."
    elif indefinite_and_impairs is not None:
        errors["indefinite_and_impairs"] = "Asked only when the person has this condition."
    return errors


def entry_data_missing(enrollment, entry_assessment) -> list[str]:
    """What is still missing from the entry data, in words (empty when complete). The prior
    living situation (3.917) is asked of the head of household and adults only."""
    missing = []
    if not asked_as_adult(enrollment):
        pass
    elif enrollment.living_situation is None:
        missing.append("prior living situation")
    else:
        asks_previous, asks_history, _ = prior_living_questions(
            project_type=enrollment.project.project_type,
            living_situation=enrollment.living_situation,
            length_of_stay=enrollment.length_of_stay,
            previous_street_essh=enrollment.previous_street_essh,
        )
        if enrollment.length_of_stay is None:
            missing.append("length of stay")
        if asks_previous and enrollment.previous_street_essh is None:
            missing.append("the night before entry")
        if asks_history and any(getattr(enrollment, f) is None for f in HOMELESS_HISTORY_FIELDS):
            missing.append("homeless history")
    if enrollment.disabling_condition == NoYesReasons.DATA_NOT_COLLECTED:
        missing.append("disabling condition")
    if enrollment.is_head and not enrollment.enrollment_coc:
        missing.append("enrollment CoC")
    if entry_assessment is None:
        missing.append("entry assessment (income, benefits, insurance, disabilities)")
    return missing
