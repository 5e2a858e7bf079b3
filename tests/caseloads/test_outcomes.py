"""Program outcomes on a small, explicit program (clock frozen at noon on 2025-03-14),
checked against numbers worked out by hand."""

import re
from datetime import date

import pytest
from django.urls import reverse

from caseloads.selectors import caseload_sizes, outcome_scope, program_outcomes
from referrals.models import Referral, ServiceType

from ..factories import ClientFactory, client_of
from ..placements.factories import housed
from ..referrals.factories import referral_at
from .factories import past_assignment

pytestmark = pytest.mark.django_db
Status = Referral.Status


@pytest.fixture
def outcomes_data(clock, program):
    """Team A's housing story:

    - Rosa: moved in 2024-01-10, still housed. Housed at 6 and 12 months.
    - Sam: moved in 2024-02-01, left 2024-05-01 (emergency shelter, 116). Not at 6 or 12.
    - Cleo: moved in 2024-03-01, left 2024-06-01 (rental, 410), rehoused 2024-07-15. Housed at
      6 (2024-09-01) and 12 months (2025-03-01).
    - Hal: moved in 2024-10-01: six months not yet passed, in no cohort.
    - Ida: moved in 2024-08-01, left 2025-01-15 (treatment facility, 205): not housed at 6
      months (2025-02-01); 12 months not yet passed.

    6 months: cohort 4 (Rosa, Sam, Cleo, Ida), 2 housed, 50%.
    12 months: cohort 3 (Rosa, Sam, Cleo), 2 housed, 67%.
    Exits: homeless 1, institutional 1, permanent 1.
    Team B: Olga moved in 2024-01-01 and left 2024-02-01 (shelter, 101).
    """
    cm = program.case_manager
    rosa = program.client
    sam = client_of(cm, first_name="Sam", last_name="S")
    cleo = client_of(cm, first_name="Cleo", last_name="C")
    hal = client_of(cm, first_name="Hal", last_name="H")
    ida = client_of(cm, first_name="Ida", last_name="I")
    housed(rosa, date(2024, 1, 10))
    housed(sam, date(2024, 2, 1), date(2024, 5, 1), exit_destination=116)
    housed(cleo, date(2024, 3, 1), date(2024, 6, 1), exit_destination=410)
    housed(cleo, date(2024, 7, 15))
    housed(hal, date(2024, 10, 1))
    housed(ida, date(2024, 8, 1), date(2025, 1, 15), exit_destination=205)
    housed(program.other_client, date(2024, 1, 1), date(2024, 2, 1), exit_destination=101)

    # Referrals of team A, by service type (hand count below).
    referral_at(Status.OFFERED, client=rosa, by=cm)
    referral_at(Status.ACCEPTED, client=sam, by=cm)
    referral_at(Status.COMPLETED, client=cleo, by=cm)
    referral_at(Status.DECLINED, client=hal, by=cm)
    referral_at(Status.CLOSED, client=rosa, by=cm, service_type=ServiceType.EMPLOYMENT)
    referral_at(Status.DECLINED, client=sam, by=cm, service_type=ServiceType.EMPLOYMENT)
    referral_at(Status.ENGAGED, client=ida, by=cm, service_type=ServiceType.SUBSTANCE_USE)
    # Team B's referral: never in team A's figures.
    referral_at(Status.COMPLETED, client=program.other_client, by=program.other_case_manager)


def test_retention_equals_the_hand_computed_values(outcomes_data, program):
    result = program_outcomes(program.supervisor)
    six, twelve = result.retention[6], result.retention[12]
    assert (six.cohort, six.retained) == (4, 2)
    assert (twelve.cohort, twelve.retained) == (3, 2)
    assert six.rate == 0.5


def test_program_wide_retention_for_administrators(outcomes_data, program):
    result = program_outcomes(program.admin)
    assert result.scope.program_wide
    assert (result.retention[6].cohort, result.retention[6].retained) == (5, 2)
    assert (result.retention[12].cohort, result.retention[12].retained) == (4, 2)
    team_only = program_outcomes(program.admin, program.team.pk)
    assert not team_only.scope.program_wide
    assert team_only.retention[6].cohort == 4


def test_exits_by_destination_group(outcomes_data, program):
    exits = {row.group: row.exits for row in program_outcomes(program.supervisor).exits}
    assert exits == {
        "homeless": 1,
        "institutional": 1,
        "temporary": 0,
        "permanent": 1,
        "other": 0,
    }
    admin_exits = {row.group: row.exits for row in program_outcomes(program.admin).exits}
    assert admin_exits["homeless"] == 2


def test_referral_acceptance_and_completion_by_service_type(outcomes_data, program):
    rows = {row.service_type: row for row in program_outcomes(program.supervisor).referrals}

    # Mental health: offered 4; accepted 2 (accepted, completed); declined 1; completed 1.
    mental = rows[ServiceType.MENTAL_HEALTH]
    assert (mental.offered, mental.accepted, mental.declined, mental.completed) == (4, 2, 1, 1)
    assert mental.acceptance_rate == pytest.approx(2 / 3)
    assert mental.completion_rate == 0.5
    # Employment: one closed before the client decided, one declined: 0 of 1 decided.
    employment = rows[ServiceType.EMPLOYMENT]
    assert (employment.offered, employment.accepted, employment.declined) == (2, 0, 1)
    assert employment.acceptance_rate == 0
    assert employment.completion_rate is None
    # Substance use: accepted and engaged, not completed yet.
    substance = rows[ServiceType.SUBSTANCE_USE]
    assert (substance.offered, substance.accepted, substance.completed) == (1, 1, 0)
    assert substance.acceptance_rate == 1 and substance.completion_rate == 0
    assert rows[ServiceType.OTHER].offered == 0


def test_administrators_see_no_substance_use_referral_figures(outcomes_data, program, login):
    result = program_outcomes(program.admin)
    substance = next(r for r in result.referrals if r.service_type == ServiceType.SUBSTANCE_USE)
    assert substance.offered == 0
    assert result.protected_referrals_hidden
    page = login(program.admin).get(reverse("caseloads:outcomes")).content.decode()
    assert "counted only for staff with a need to know" in page


def test_caseload_sizes_at_each_month_end(clock, program):
    """Team A's assignment history (the program fixture's two clients start today):

    - Cal: case manager from 2024-04-15 to 2024-06-30 noon (gone before June ends).
    - Ann: case manager from 2024-05-10, teammate from 2024-08-20, still held.
    - Ben: case manager from 2025-01-31.
    """
    cm, mate = program.case_manager, program.teammate
    cal = ClientFactory(team=program.team, first_name="Cal")
    ann = ClientFactory(team=program.team, first_name="Ann")
    ben = ClientFactory(team=program.team, first_name="Ben")
    past_assignment(cal, cm, date(2024, 4, 15), date(2024, 6, 30))
    past_assignment(ann, cm, date(2024, 5, 10), date(2024, 8, 20))
    past_assignment(ann, mate, date(2024, 8, 20))
    past_assignment(ben, cm, date(2025, 1, 31))
    # Another team's history never counts for team A.
    past_assignment(
        program.other_client, program.other_case_manager, date(2024, 4, 1), date(2024, 12, 1)
    )

    months, per_case_manager = caseload_sizes(outcome_scope(program.supervisor).clients)

    assert [m.month for m in months] == [date(2024, 4, 1)] + [
        date(2024 + (n // 12), n % 12 + 1, 1) for n in range(4, 15)
    ]
    assert [m.clients for m in months] == [1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 2, 4]
    assert [m.case_managers for m in months] == [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2]
    assert months[-1].average == 2.0
    assert per_case_manager[cm.pk] == [1, 2, 1, 1, 0, 0, 0, 0, 0, 1, 1, 2]
    assert per_case_manager[mate.pk] == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2]


def test_outcomes_page_has_accessible_charts_each_beside_its_table(outcomes_data, program, login):
    text = login(program.supervisor).get(reverse("caseloads:outcomes")).content.decode()
    sections = re.findall(r'<section class="card outcome".*?</section>', text, re.S)
    assert len(sections) == 4
    for section in sections:
        svg = re.search(
            r'<svg class="chart" id="([\w-]+)" role="img" aria-labelledby="([^"]+)"', section
        )
        assert svg, section[:200]
        chart_id, labelled_by = svg.groups()
        assert labelled_by == f"{chart_id}-title {chart_id}-desc"
        assert f'<title id="{chart_id}-title">' in section
        assert f'<desc id="{chart_id}-desc">' in section
        assert "<table" in section and "<caption" in section
    assert "50%" in sections[0] and "67%" in sections[0]
    assert "67%" in sections[2] and "50%" in sections[2]
    assert "Team A" in text


def test_outcome_bars_say_what_each_share_rests_on(outcomes_data, program, login):
    text = login(program.supervisor).get(reverse("caseloads:outcomes")).content.decode()
    sections = re.findall(r'<section class="card outcome".*?</section>', text, re.S)
    retention, referrals = sections[0], sections[2]
    # Retention: 2 of 4 at 6 months, 2 of 3 at 12; both rest on few people.
    assert ">2 of 4, few people</text>" in retention
    assert ">2 of 3, few people</text>" in retention
    assert "Housed 6 months after moving in: 50% (2 of 4, few people)" in retention
    assert retention.count('<span class="few-people">(few people)</span>') == 2
    assert "Few people: a share of fewer than 10 people" in retention
    # Mental health: 2 accepted of 3 decided (67%), 1 completed of 2 accepted (50%).
    assert ">2 of 3, few people</text>" in referrals
    assert ">1 of 2, few people</text>" in referrals
    assert "Mental health: accepted: 67% (2 of 3, few people)" in referrals
    assert 'class="chart-bar few"' in referrals


def test_a_share_of_ten_or_more_people_is_not_called_few():
    from caseloads.selectors import FEW_PEOPLE
    from caseloads.views import _share

    assert FEW_PEOPLE == 10
    assert _share(3, 3) == {"value": 100, "percent": "100%", "count": "3 of 3", "few": True}
    assert _share(9, 10)["few"] is False and _share(9, 10)["count"] == "9 of 10"
    assert _share(0, 0) == {"value": None, "percent": "—", "count": "", "few": False}
