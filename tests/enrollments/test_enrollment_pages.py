"""Program enrollment pages: intake enrols, entry data with HUD's 3.917 conditional questions,
households, leaving the program; and who may open which page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.services import clients_reassign
from enrollments import services
from enrollments.hud import LivingSituation, NoYesMissing, RelationshipToHead
from enrollments.models import Enrollment, Household, Organization, Project
from tests.factories import INTAKE_FORM, ClientFactory, client_of
from tests.placements.factories import housed

pytestmark = pytest.mark.django_db

START = date(2024, 1, 15)  # ClientFactory's program start


@pytest.fixture
def project(db):
    organization = Organization.objects.create(name="Demo organization")
    return Project.objects.create(
        organization=organization,
        name="PSH",
        coc_code="XX-501",
        operating_start_date=date(2015, 1, 1),
        is_default=True,
    )


@pytest.fixture
def enrolled(program, project):
    """The case manager's client, enrolled (as intake would)."""
    return services.enrollment_start(client=program.client, by=program.case_manager)


def url(name, client):
    return reverse(f"enrollments:{name}", kwargs={"client_id": client.pk})


ENTRY_FORM = {
    "entry_date": START.isoformat(),
    "enrollment_coc": "XX-501",
    "disabling_condition": "1",
}


def post_entry(browser, enrollment, **answers):
    data = {**ENTRY_FORM, "version": enrollment.version, **answers}
    return browser.post(url("edit", enrollment.client), data)


def test_intake_enrols_the_client_in_the_default_project_as_head_of_a_new_household(
    program, project, login
):
    browser = login(program.case_manager)
    response = browser.post(reverse("clients:create"), INTAKE_FORM)
    assert response.status_code == 302
    client = Client.objects.get(last_name="Brooks")
    enrollment = Enrollment.objects.get(client=client)
    assert enrollment.project == project
    assert enrollment.entry_date == date(2025, 2, 1)
    assert enrollment.relationship_to_head == RelationshipToHead.SELF
    assert enrollment.household.enrollments.count() == 1
    assert enrollment.enrollment_coc == "XX-501"
    assert enrollment.history.first().history_user == program.case_manager
    # The client page says what is still missing.
    page = browser.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "Entry data to complete" in page and "prior living situation" in page


def test_without_a_project_intake_enrols_nobody(program, login):
    browser = login(program.case_manager)
    browser.post(reverse("clients:create"), INTAKE_FORM)
    assert not Enrollment.objects.exists()


def test_a_rental_with_a_short_stay_and_no_night_on_the_street_asks_no_homeless_history(
    program, enrolled, login
):
    browser = login(program.case_manager)
    response = post_entry(
        browser,
        enrolled,
        living_situation=LivingSituation.RENTAL_NO_SUBSIDY,
        length_of_stay=11,  # two to six nights: under the 7-night threshold
        previous_street_essh=NoYesMissing.NO,
        # answered before the person changed an earlier answer: HUD doesn't ask these now
        date_to_street_essh="2023-06-01",
        times_homeless_past_three_years=2,
        months_homeless_past_three_years=105,
    )
    assert response.status_code == 302
    enrolled.refresh_from_db()
    assert enrolled.los_under_threshold == NoYesMissing.YES
    assert enrolled.previous_street_essh == NoYesMissing.NO
    assert (
        enrolled.date_to_street_essh,
        enrolled.times_homeless_past_three_years,
        enrolled.months_homeless_past_three_years,
    ) == (None, None, None)


def test_a_long_institutional_stay_asks_nothing_more_and_the_street_always_asks_the_history(
    program, enrolled, login
):
    browser = login(program.case_manager)
    post_entry(
        browser,
        enrolled,
        living_situation=LivingSituation.HOSPITAL,
        length_of_stay=4,  # 90 days or more
        previous_street_essh=NoYesMissing.YES,
    )
    enrolled.refresh_from_db()
    assert (enrolled.los_under_threshold, enrolled.previous_street_essh) == (NoYesMissing.NO, None)
    post_entry(
        browser,
        enrolled,
        living_situation=LivingSituation.PLACE_NOT_MEANT_FOR_HABITATION,
        length_of_stay=5,
        date_to_street_essh="2022-03-01",
        times_homeless_past_three_years=4,
        months_homeless_past_three_years=113,
    )
    enrolled.refresh_from_db()
    assert enrolled.los_under_threshold is None
    assert enrolled.date_to_street_essh == date(2022, 3, 1)
    assert enrolled.months_homeless_past_three_years == 113


def test_bad_entry_data_is_refused_field_by_field_and_nothing_is_saved(program, enrolled, login):
    browser = login(program.case_manager)
    response = post_entry(
        browser,
        enrolled,
        living_situation=LivingSituation.RENTAL_WITH_SUBSIDY,  # subsidy type missing
        length_of_stay=5,
        enrollment_coc="Boston",
        date_to_street_essh="not a date",
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"enrollment_coc", "date_to_street_essh"}
    response = post_entry(
        browser, enrolled, living_situation=LivingSituation.RENTAL_WITH_SUBSIDY, length_of_stay=5
    )
    assert "rental_subsidy_type" in response.context["form"].errors
    enrolled.refresh_from_db()
    assert enrolled.living_situation is None and enrolled.version == 1


def test_the_move_in_date_is_the_first_placements_and_rehousing_keeps_the_enrollment_open(
    program, enrolled, login
):
    first = START + timedelta(days=20)
    housed(program.client, first, exit_date=first + timedelta(days=100))
    housed(program.client, first + timedelta(days=130))
    page = login(program.case_manager).get(url("detail", program.client))
    assert page.context["enrollment"].move_in_date == first
    assert page.context["enrollment"].is_open


EXIT_ANSWERS = {
    "exit-income_from_any_source": "1",
    "exit-ssi": "on",
    "exit-ssi_amount": "943.00",
    "exit-benefits_from_any_source": "0",
    "exit-insurance_from_any_source": "1",
    "exit-medicaid": "on",
}


def exit_answers():
    from enrollments.assessment_forms import disability_field
    from enrollments.hud import DisabilityType

    answers = dict(EXIT_ANSWERS)
    answers.update({f"exit-{disability_field(kind)}": "0" for kind in DisabilityType})
    return answers


def test_leaving_the_program_records_exit_destination_and_exit_assessment_together(
    program, enrolled, login
):
    from enrollments.hud import DataCollectionStage

    browser = login(program.case_manager)
    today = timezone.localdate()
    page = browser.get(url("exit", program.client))
    assert "Exit assessment" in page.content.decode()
    response = browser.post(
        url("exit", program.client),
        {
            "exit_date": today.isoformat(),
            "destination": 410,
            "version": enrolled.version,
            **exit_answers(),
        },
    )
    assert response.status_code == 302, response.context["answers"].errors
    enrolled.refresh_from_db()
    program.client.refresh_from_db()
    assert (enrolled.exit_date, enrolled.destination) == (today, 410)
    assert program.client.status == Client.Status.EXITED
    assert enrolled.history.first().history_change_reason == services.EXITED
    exit_assessment = enrolled.assessments.get(stage=DataCollectionStage.PROJECT_EXIT)
    assert exit_assessment.information_date == today
    assert str(exit_assessment.total_monthly_income) == "943.00"


def test_an_exit_with_a_bad_answer_saves_nothing(program, enrolled, login):
    today = timezone.localdate()
    answers = {**exit_answers(), "exit-ssi_amount": "nine hundred"}
    response = login(program.case_manager).post(
        url("exit", program.client),
        {
            "exit_date": today.isoformat(),
            "destination": 410,
            "version": enrolled.version,
            **answers,
        },
    )
    assert response.status_code == 200
    assert "ssi_amount" in response.context["answers"].errors
    enrolled.refresh_from_db()
    assert enrolled.exit_date is None and not enrolled.assessments.exists()


@pytest.mark.parametrize(
    "answers, field",
    [
        ({"exit_date": "2020-01-01", "destination": 410}, "exit_date"),  # before entry
        ({"destination": 410}, "exit_date"),
        ({"exit_date": "TODAY", "destination": 999}, "destination"),  # not in the list
        ({"exit_date": "TODAY", "destination": 435}, "destination_subsidy_type"),
        ({"exit_date": "TODAY", "destination": 17}, "other_destination"),
        ({"exit_date": "TODAY"}, "destination"),
    ],
)
def test_a_bad_exit_is_refused_on_its_field_and_nothing_changes(
    program, enrolled, login, answers, field
):
    today = timezone.localdate().isoformat()
    data = {k: (today if v == "TODAY" else v) for k, v in answers.items()}
    response = login(program.case_manager).post(
        url("exit", program.client), {**data, **exit_answers(), "version": enrolled.version}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    enrolled.refresh_from_db()
    assert enrolled.exit_date is None
    program.client.refresh_from_db()
    assert program.client.status == Client.Status.ACTIVE


def test_exiting_on_the_profile_ends_the_enrollment_with_the_destination_still_to_ask(
    program, enrolled, login
):
    browser = login(program.case_manager)
    client = program.client
    edit = browser.get(reverse("clients:edit", args=[client.pk])).context["form"]
    from tests.factories import form_values

    browser.post(
        reverse("clients:edit", args=[client.pk]), {**form_values(edit), "status": "exited"}
    )
    enrolled.refresh_from_db()
    assert enrolled.exit_date == timezone.localdate() and enrolled.destination is None


def test_adding_household_members_one_head_and_no_one_from_another_household(
    program, enrolled, login
):
    browser = login(program.case_manager)
    partner = client_of(program.case_manager, first_name="Sam")
    services.enrollment_start(client=partner, by=program.case_manager)
    response = browser.post(
        url("household", program.client),
        {"client": partner.pk, "relationship": RelationshipToHead.SPOUSE_OR_PARTNER},
    )
    assert response.status_code == 302
    members = Enrollment.objects.filter(household=enrolled.household)
    assert {m.client_id for m in members} == {program.client.pk, partner.pk}
    assert Household.objects.count() == 1  # the partner's household of one is gone
    # A second head is refused.
    child = client_of(program.case_manager, first_name="Kim")
    response = browser.post(
        url("household", program.client),
        {"client": child.pk, "relationship": RelationshipToHead.SELF},
    )
    assert "relationship" in response.context["form"].errors
    # Someone who shares another household is refused.
    other_head = client_of(program.case_manager, first_name="Lee")
    other = services.enrollment_start(client=other_head, by=program.case_manager)
    services.household_add_member(head=other, client=child, relationship=2, by=program.case_manager)
    response = browser.post(
        url("household", program.client), {"client": child.pk, "relationship": 2}
    )
    assert "client" in response.context["form"].errors
    # A client outside the caseload can't be added (and isn't revealed).
    response = browser.post(
        url("household", program.client), {"client": program.other_client.pk, "relationship": 5}
    )
    assert "No client with this record number" in response.content.decode()


def test_a_new_member_goes_through_intake_and_follows_the_head_on_reassignment(
    program, enrolled, login
):
    browser = login(program.case_manager)
    response = browser.post(
        url("member_new", program.client),
        {
            **INTAKE_FORM,
            "first_name": "Ada",
            "program_start_date": START.isoformat(),
            "relationship": 2,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    member = Client.objects.get(first_name="Ada")
    membership = Enrollment.objects.get(client=member)
    assert membership.household == enrolled.household
    assert membership.relationship_to_head == RelationshipToHead.CHILD
    assert member.case_manager == program.case_manager
    # Whoever holds the head holds the members.
    clients_reassign(
        clients=[program.client],
        case_manager=program.teammate,
        reassigned_by=program.supervisor,
        reason="Caseload balance",
    )
    member.refresh_from_db()
    assert member.case_manager == program.teammate
    assert Client.objects.visible_to(program.teammate).filter(pk=member.pk).exists()
    # The members' new assignment names who moved the head.
    assert member.assignments.order_by("-started_at").first().assigned_by == program.supervisor


ALL_PAGES = ["detail", "start", "edit", "exit", "household", "member_new"]


@pytest.mark.parametrize("name", ALL_PAGES)
def test_a_case_manager_of_another_team_gets_404_everywhere(program, enrolled, login, name):
    response = login(program.other_case_manager).get(url(name, program.client))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["start", "edit", "exit", "member_new"])
def test_an_auditor_reads_but_never_writes(program, enrolled, login, name):
    browser = login(program.auditor)
    assert browser.get(url("detail", program.client)).status_code == 200
    assert browser.get(url(name, program.client)).status_code == 403
    assert browser.post(url("household", program.client), {"client": 1}).status_code == 403


@pytest.mark.parametrize("name", ["detail", "edit", "exit", "household", "member_new"])
def test_the_team_supervisor_opens_every_page(program, enrolled, login, name):
    assert login(program.supervisor).get(url(name, program.client)).status_code == 200


def test_enrollment_page_reads_a_constant_number_of_queries(
    program, enrolled, login, django_assert_max_num_queries
):
    browser = login(program.case_manager)
    for n in range(6):
        member = ClientFactory(first_name=f"M{n}")
        services.household_add_member(head=enrolled, client=member, relationship=4, by=None)
    with django_assert_max_num_queries(20):
        assert browser.get(url("detail", program.client)).status_code == 200


def test_clients_from_before_enrollments_are_enrolled_after_migrate_once(db, settings):
    from enrollments.backfill import REASON, enrol_existing_clients

    settings.HMIS_COC_CODE = "AA-999"
    staying = ClientFactory(program_start_date=date(2021, 3, 1))
    left = ClientFactory(status=Client.Status.EXITED)
    enrol_existing_clients()
    project = Project.objects.get()
    assert (project.coc_code, project.project_type, project.is_default) == ("AA-999", 3, True)
    enrollment = Enrollment.objects.get(client=staying)
    assert enrollment.entry_date == date(2021, 3, 1) and enrollment.is_open
    record = enrollment.history.earliest()
    assert (record.history_actor, record.history_change_reason) == ("command:migrate", REASON)
    assert Enrollment.objects.get(client=left).exit_date is not None
    enrol_existing_clients()
    assert Enrollment.objects.count() == 2


def test_a_new_member_is_checked_for_duplicates_like_at_intake(program, enrolled, login):
    browser = login(program.case_manager)
    data = {
        **INTAKE_FORM,
        "first_name": program.teammate_client.first_name,
        "last_name": program.teammate_client.last_name,
        "date_of_birth": "1980-05-17",
        "program_start_date": START.isoformat(),
        "relationship": 2,
    }
    response = browser.post(url("member_new", program.client), data)
    assert response.status_code == 200
    assert "confirm_new_person" in response.context["form"].errors
    assert (
        not Client.objects.filter(first_name=data["first_name"])
        .exclude(pk=program.teammate_client.pk)
        .exists()
    )


def test_a_client_who_left_can_be_enrolled_again(program, enrolled, login):
    enrolled.exit_date = enrolled.entry_date + timedelta(days=30)
    enrolled.destination = 410
    enrolled.save()
    browser = login(program.case_manager)
    assert "Enrol again" in browser.get(url("detail", program.client)).content.decode()
    today = timezone.localdate()
    response = browser.post(
        url("start", program.client),
        {"project": enrolled.project_id, "entry_date": today.isoformat()},
    )
    assert response.status_code == 302
    assert Enrollment.objects.filter(client=program.client).count() == 2
    latest = Enrollment.objects.filter(client=program.client).open().get()
    assert latest.entry_date == today and latest.household != enrolled.household


def test_a_child_is_not_asked_the_prior_living_situation(program, enrolled):
    from enrollments import rules

    child = ClientFactory(date_of_birth=START - timedelta(days=365 * 6))
    member = services.household_add_member(head=enrolled, client=child, relationship=2, by=None)
    assert "prior living situation" not in rules.entry_data_missing(member, None)
    assert "prior living situation" in rules.entry_data_missing(enrolled, None)
