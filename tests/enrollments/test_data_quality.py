"""The data-quality page (/data-quality/): each HUD check finds what it should and nothing
else; supervisors see their teams' clients, administrators everyone's, others get 403; one
query per check whatever the number of clients."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from enrollments import quality
from enrollments.hud import DataCollectionStage, RelationshipToHead
from enrollments.models import Assessment, DisabilityAnswer, Enrollment, Household
from tests.factories import bulk_caseload, client_of, make_assessment, make_enrollment
from tests.placements.factories import housed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# The frozen day is 2025-03-15 (tests/clock.py). An entry on 2024-06-01 has no annual
# window closed yet; one on 2024-01-15 had its window close on 2025-02-14.
ENTRY = date(2024, 6, 1)
OLD_ENTRY = date(2024, 1, 15)
URL = "/data-quality/"
ENTRY_STAGE = DataCollectionStage.PROJECT_START
EXIT_STAGE = DataCollectionStage.PROJECT_EXIT
ANNUAL_STAGE = DataCollectionStage.ANNUAL_ASSESSMENT

ANSWERED = dict(income_from_any_source=0, benefits_from_any_source=0, insurance_from_any_source=0)
COMPLETE_PROFILE = dict(
    name_data_quality=1,
    ssn="1234",
    ssn_data_quality=2,
    dob_data_quality=1,
    race_white=True,
    sex=0,
    veteran_status=0,
    disabling_condition=0,
)


def complete(client, *, entry_date=ENTRY, **enrollment_fields) -> Enrollment:
    """Everything HUD asks recorded: the profile, an enrollment and its entry assessment."""
    Client.objects.filter(pk=client.pk).update(**COMPLETE_PROFILE)
    enrollment_fields.setdefault("disabling_condition", 0)
    enrollment = make_enrollment(client, entry_date=entry_date, **enrollment_fields)
    make_assessment(enrollment, stage=ENTRY_STAGE, **ANSWERED)
    return enrollment


def found(name) -> set[int]:
    check = quality.CHECKS_BY_NAME[name]
    clients = quality.clients_failing(check, Client.objects.all(), date(2025, 3, 15))
    return set(clients.values_list("pk", flat=True))


def set_profile(client, **fields):
    Client.objects.filter(pk=client.pk).update(**fields)


@pytest.fixture
def people(program):
    """Four of the program's case manager's clients, each complete to start with."""
    clients = [client_of(program.case_manager, first_name=f"P{n}") for n in range(4)]
    for client in clients:
        complete(client)
    return clients


def test_a_complete_record_is_found_by_no_check(people):
    for check in quality.CHECKS:
        assert found(check.name).isdisjoint({c.pk for c in people}), check.name


# Universal data elements -----------------------------------------------------------------


def test_name_not_collected_is_found_but_a_clients_choice_not_to_answer_is_not(people):
    set_profile(people[0], name_data_quality=99)
    set_profile(people[1], name_data_quality=9)
    assert found("name") & {c.pk for c in people} == {people[0].pk}


def test_ssn_not_collected_or_said_reported_without_a_number(people):
    set_profile(people[0], ssn_data_quality=99)
    set_profile(people[1], ssn="", ssn_data_quality=1)
    set_profile(people[2], ssn="", ssn_data_quality=8)
    assert found("ssn") & {c.pk for c in people} == {people[0].pk, people[1].pk}


def test_birth_date_not_collected_or_said_reported_without_a_date(people):
    set_profile(people[0], dob_data_quality=99)
    set_profile(people[1], date_of_birth=None, dob_data_quality=1)
    set_profile(people[2], date_of_birth=None, dob_data_quality=9)
    assert found("birth_date") & {c.pk for c in people} == {people[0].pk, people[1].pk}


def test_race_without_a_flag_or_a_reason(people):
    set_profile(people[0], race_white=False)
    set_profile(people[1], race_white=False, race_none=99)
    set_profile(people[2], race_white=False, race_none=9)
    set_profile(people[3], race_white=False, additional_race_ethnicity="Romani")
    assert found("race") & {c.pk for c in people} == {people[0].pk, people[1].pk}


def test_sex_not_collected(people):
    set_profile(people[0], sex=99)
    set_profile(people[1], sex=8)
    assert found("sex") & {c.pk for c in people} == {people[0].pk}


def test_veteran_status_not_collected_is_asked_of_adults_only(people):
    set_profile(people[0], veteran_status=99)
    set_profile(people[1], veteran_status=99, date_of_birth=date(2015, 1, 1))
    set_profile(people[2], veteran_status=99, date_of_birth=None)
    assert found("veteran_status") & {c.pk for c in people} == {people[0].pk, people[2].pk}


def test_disabling_condition_not_collected(program, people):
    Enrollment.objects.filter(client=people[0]).update(disabling_condition=99)
    not_enrolled = client_of(program.case_manager)  # no project yet: the client's answer
    set_profile(not_enrolled, disabling_condition=99)
    assert found("disabling_condition") & {c.pk for c in [*people, not_enrolled]} == {
        people[0].pk,
        not_enrolled.pk,
    }


# Income, benefits, insurance at entry and exit --------------------------------------------


def test_entry_assessment_missing_or_with_answers_missing(program, people):
    Assessment.objects.filter(client=people[0]).delete()
    Assessment.objects.filter(client=people[1]).update(insurance_from_any_source=99)
    Assessment.objects.filter(client=people[2]).update(income_from_any_source=None)
    # A child member: income and benefits are not asked, insurance is.
    head = Enrollment.objects.get(client=people[3])
    child = client_of(program.case_manager, date_of_birth=date(2015, 1, 1))
    set_profile(child, **{**COMPLETE_PROFILE, "date_of_birth": date(2015, 1, 1)})
    member = make_enrollment(
        child,
        entry_date=ENTRY,
        household=head.household,
        relationship=RelationshipToHead.CHILD,
        disabling_condition=0,
    )
    make_assessment(member, stage=ENTRY_STAGE, insurance_from_any_source=1, medicaid=True)
    assert found("entry_assessment") & {c.pk for c in [*people, child]} == {
        people[0].pk,
        people[1].pk,
        people[2].pk,
    }


def test_exit_without_an_exit_assessment_or_with_answers_missing(people):
    for client in people[:3]:
        Enrollment.objects.filter(client=client).update(exit_date=date(2025, 3, 1), destination=410)
    first, second, third = (Enrollment.objects.get(client=c) for c in people[:3])
    make_assessment(second, stage=EXIT_STAGE, **{**ANSWERED, "benefits_from_any_source": 99})
    make_assessment(third, stage=EXIT_STAGE, **ANSWERED)
    assert found("exit_assessment") & {c.pk for c in people} == {people[0].pk, people[1].pk}


def test_income_yes_without_a_source(people):
    Assessment.objects.filter(client=people[0]).update(income_from_any_source=1)
    Assessment.objects.filter(client=people[1]).update(
        income_from_any_source=1, earned=True, earned_amount=500
    )
    assert found("income_without_source") & {c.pk for c in people} == {people[0].pk}


# Answers that disagree, dates out of order ---------------------------------------------------


def _disability(client, disability_type, response, indefinite=None):
    assessment = Assessment.objects.get(client=client, stage=ENTRY_STAGE)
    DisabilityAnswer.objects.create(
        client=client,
        assessment=assessment,
        disability_type=disability_type,
        response=response,
        indefinite_and_impairs=indefinite,
    )


def test_disabling_condition_no_with_a_disabling_disability(people):
    _disability(people[0], 9, 1, indefinite=1)  # mental health, long-continued
    _disability(people[1], 6, 1)  # developmental: always disabling
    _disability(people[2], 9, 1, indefinite=0)  # not long-continued: not disabling
    _disability(people[3], 7, 1, indefinite=1)
    Enrollment.objects.filter(client=people[3]).update(disabling_condition=1)  # agrees
    assert found("disabling_condition_conflict") & {c.pk for c in people} == {
        people[0].pk,
        people[1].pk,
    }


def test_move_in_before_entry(people):
    housed(people[0], date(2024, 5, 20))  # before the entry on 2024-06-01
    housed(people[1], ENTRY)
    housed(people[2], date(2024, 7, 1))
    assert found("move_in_before_entry") & {c.pk for c in people} == {people[0].pk}


def test_exit_before_entry(people):
    if connection.vendor != "sqlite":
        pytest.skip("The database refuses it; only SQLite lets a test switch its checks off.")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            Enrollment.objects.filter(client=people[0]).update(
                exit_date=date(2024, 5, 1), destination=410
            )
        finally:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
    Enrollment.objects.filter(client=people[1]).update(exit_date=ENTRY, destination=410)
    assert found("exit_before_entry") & {c.pk for c in people} == {people[0].pk}


def test_exit_without_a_destination(people):
    Enrollment.objects.filter(client=people[0]).update(exit_date=date(2025, 3, 1))
    Enrollment.objects.filter(client=people[1]).update(exit_date=date(2025, 3, 1), destination=99)
    Enrollment.objects.filter(client=people[2]).update(exit_date=date(2025, 3, 1), destination=30)
    assert found("destination") & {c.pk for c in people} == {people[0].pk, people[1].pk}


def test_households_without_exactly_one_head(program, people):
    # A household whose only member is not its head.
    Enrollment.objects.filter(client=people[0]).update(relationship_to_head=2)
    # A member whose relationship was not collected.
    head = Enrollment.objects.get(client=people[1])
    Enrollment.objects.filter(client=people[2]).update(
        household=head.household, relationship_to_head=99
    )
    # A household with a head and a partner: fine.
    partner = Enrollment.objects.get(client=people[3])
    partner_household = Household.objects.create(project=head.project)
    Enrollment.objects.filter(pk=partner.pk).update(
        household=partner_household, relationship_to_head=3
    )
    other_head = client_of(program.case_manager)
    complete(other_head, household=partner_household, relationship=1)
    assert found("head_of_household") & {c.pk for c in [*people, other_head]} == {
        people[0].pk,
        people[2].pk,
    }


def test_annual_assessment_overdue_once_its_window_closed(program, people):
    late = [client_of(program.case_manager, first_name=f"Late{n}") for n in range(4)]
    enrollments = [complete(client, entry_date=OLD_ENTRY) for client in late]
    # Anniversary 2025-01-15, window 2024-12-16 to 2025-02-14: today (03-15) it has closed.
    make_assessment(enrollments[0], stage=ANNUAL_STAGE, information_date=date(2025, 2, 14))
    make_assessment(enrollments[1], stage=ANNUAL_STAGE, information_date=date(2024, 12, 15))
    Enrollment.objects.filter(pk=enrollments[2].pk).update(exit_date=date(2025, 3, 1))
    # A member who joined later: the head's anniversary counts.
    head = Enrollment.objects.get(client=people[0])
    Enrollment.objects.filter(pk=head.pk).update(entry_date=OLD_ENTRY)
    Enrollment.objects.filter(client=people[1]).update(
        household=head.household, relationship_to_head=2
    )
    assert found("annual_assessment") & {c.pk for c in [*people, *late]} == {
        late[1].pk,
        late[3].pk,
        people[0].pk,
        people[1].pk,
    }


def test_a_29_february_entry_has_its_anniversary_on_28_february(program):
    leap = client_of(program.case_manager)
    enrollment = complete(leap, entry_date=date(2024, 2, 29))
    make_assessment(enrollment, stage=ANNUAL_STAGE, information_date=date(2025, 1, 29))
    assert leap.pk not in found("annual_assessment")  # 30 days before 2025-02-28


# The page: who sees it, what it shows ----------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("case_manager", 403),
        ("auditor", 403),
        ("supervisor", 200),
        ("other_supervisor", 200),
        ("admin", 200),
    ],
)
def test_the_page_is_for_supervisors_and_administrators(program, login, who, status):
    browser = login(getattr(program, who))
    assert browser.get(URL).status_code == status
    assert browser.get(URL, {"check": "sex"}).status_code == status


def test_signed_out_visitors_go_to_the_login_page(client, program):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_url_has_a_name():
    assert reverse("data_quality:overview") == URL


def _listed(response) -> set[int]:
    return {client.pk for client in response.context["page"]}


def test_supervisors_see_their_teams_clients_only_and_administrators_everyone(program, login):
    # The program's clients have sex 'data not collected' (the factory's default).
    team_a = {program.client.pk, program.teammate_client.pk}
    own = _listed(login(program.supervisor).get(URL, {"check": "sex"}))
    other = _listed(login(program.other_supervisor).get(URL, {"check": "sex"}))
    everyone = _listed(login(program.admin).get(URL, {"check": "sex"}))
    assert own == team_a
    assert other == {program.other_client.pk}
    assert everyone == team_a | {program.other_client.pk}


def test_the_overview_counts_per_case_manager_of_the_teams(program, login):
    response = login(program.supervisor).get(URL)
    rows = {row["name"]: row for row in response.context["rows"]}
    assert set(rows) == {"cm_own", "cm_teammate"} or len(rows) == 2
    names = [row["name"] for row in response.context["rows"]]
    assert program.other_case_manager.get_full_name() not in names
    totals = dict((check.name, count) for check, count in response.context["totals"])
    assert totals["sex"] == 2
    body = response.content.decode()
    assert f'href="?check=sex&amp;case_manager={program.case_manager.pk}"' in body
    assert "<caption" in body and 'scope="col"' in body


def test_each_finding_links_to_where_it_is_fixed(program, login):
    client = program.client
    make_enrollment(client, entry_date=ENTRY)  # disabling condition not collected, no entry
    browser = login(program.supervisor)
    expected = {
        "sex": f'href="/clients/{client.pk}/edit/"',
        "disabling_condition": f'href="/clients/{client.pk}/enrollment/"',
        "entry_assessment": f'href="/clients/{client.pk}/assessments/new/?stage=entry"',
    }
    for check, href in expected.items():
        body = browser.get(URL, {"check": check}).content.decode()
        assert href in body, check


def test_a_list_for_one_case_manager_or_the_unassigned(program, login):
    browser = login(program.supervisor)
    mine = browser.get(URL, {"check": "sex", "case_manager": program.case_manager.pk})
    assert _listed(mine) == {program.client.pk}
    unassigned = Client.objects.create(
        first_name="New", last_name="Intake", team=program.team, date_of_birth=date(1990, 1, 1)
    )
    assert _listed(browser.get(URL, {"check": "sex", "case_manager": "none"})) == {unassigned.pk}


@pytest.mark.parametrize(
    "query", [{"check": "nope"}, {"check": "sex", "case_manager": "abc"}, {"check": "sex'"}]
)
def test_bad_input_answers_404_never_500(program, login, query):
    assert login(program.supervisor).get(URL, query).status_code == 404


def test_the_supervisors_home_has_a_data_quality_tile(program, login):
    body = login(program.supervisor).get("/").content.decode()
    assert "HUD data quality" in body
    assert "<strong>2</strong> clients with something missing or inconsistent" in body


def test_case_managers_home_has_no_tile_and_no_link(program, login):
    body = login(program.case_manager).get("/").content.decode()
    assert "HUD data quality" not in body
    assert 'href="/data-quality/"' not in body


def test_the_navigation_links_the_page_for_supervisors_and_administrators(program, login):
    for person in (program.supervisor, program.admin):
        body = login(person).get(URL).content.decode()
        assert 'href="/data-quality/" aria-current="page"' in body


# Queries: one per check whatever the number of clients ------------------------------------


def grow(case_manager, count):
    """``count`` enrolled clients with entry assessments, some exited, some housed (bulk)."""
    from enrollments.models import Project
    from placements.models import Placement
    from tests.factories import make_project

    clients = bulk_caseload(case_manager, count)
    project = Project.objects.first() or make_project()
    households = Household.objects.bulk_create(Household(project=project) for _ in clients)
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(
            client=client,
            project=project,
            household=household,
            entry_date=OLD_ENTRY,
            exit_date=date(2025, 3, 1) if n % 4 == 0 else None,
            destination=410 if n % 8 == 0 else None,
        )
        for n, (client, household) in enumerate(zip(clients, households, strict=True))
    )
    Assessment.objects.bulk_create(
        Assessment(
            client_id=enrollment.client_id,
            enrollment=enrollment,
            stage=ENTRY_STAGE,
            information_date=OLD_ENTRY,
            recorded_by=case_manager,
            income_from_any_source=1 if n % 3 == 0 else 0,
            benefits_from_any_source=0,
            insurance_from_any_source=99 if n % 5 == 0 else 0,
        )
        for n, enrollment in enumerate(enrollments)
    )
    Placement.objects.bulk_create(
        Placement(client=c, search_started_on=date(2023, 9, 1), move_in_date=date(2023, 12, 1))
        for c in clients[::3]
    )


def _count(browser, url, query=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url, query or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url, query",
    [
        (URL, None),
        (URL, {"check": "entry_assessment"}),
        (URL, {"check": "annual_assessment"}),
        ("/", None),
    ],
)
def test_the_page_runs_the_same_queries_for_10_and_2000_clients(
    program, login, django_assert_max_num_queries, url, query
):
    browser = login(program.supervisor)
    grow(program.case_manager, 8)  # with the program's two: ten in the team
    browser.get(url, query or {})  # warm caches (content types, permissions)
    small = _count(browser, url, query)

    grow(program.teammate, 1990)

    with django_assert_max_num_queries(small):
        response = browser.get(url, query or {})
    assert response.status_code == 200
    if query is None and url == URL:
        totals = dict((check.name, count) for check, count in response.context["totals"])
        assert totals["entry_assessment"] > 0 and totals["annual_assessment"] > 0
        assert response.context["client_count"] == 2000
