"""On a phone, a case manager takes a client from intake through the HUD data of the program:
entry data and assessment, move-in, the annual assessment when it falls due, and leaving the
program with the exit assessment."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from enrollments.assessment_forms import disability_field
from enrollments.hud import DataCollectionStage, DisabilityType
from enrollments.models import Enrollment, Organization, Project

pytestmark = pytest.mark.django_db(transaction=True)


def answer(page, name, value, prefix=""):
    page.locator(f"input[name='{prefix}{name}'][value='{value}']").check()


def answer_assessment(page, *, prefix="", disabilities=True, dv=True):
    answer(page, "income_from_any_source", 1, prefix)
    page.locator(f"input[name='{prefix}ssi']").check()
    page.locator(f"input[name='{prefix}ssi_amount']").fill("943.00")
    answer(page, "benefits_from_any_source", 0, prefix)
    answer(page, "insurance_from_any_source", 1, prefix)
    page.locator(f"input[name='{prefix}medicaid']").check()
    if disabilities:
        for kind in DisabilityType:
            answer(page, disability_field(kind), 0, prefix)
    if dv:
        answer(page, "dv_survivor", 0, prefix)


def test_intake_to_exit_with_hud_data_on_a_phone(program, page, sign_in):
    today = timezone.localdate()
    start = today - timedelta(days=350)  # the first anniversary is 15 days away
    organization = Organization.objects.create(name="Demo organization")
    Project.objects.create(
        organization=organization,
        name="Permanent Supportive Housing",
        coc_code="XX-501",
        operating_start_date=date(2015, 1, 1),
        is_default=True,
    )
    sign_in(program.case_manager)

    # Intake enrols the client; the client page says what the entry data still needs.
    page.goto("/clients/new/")
    page.locator("#id_first_name").fill("Nia")
    page.locator("#id_last_name").fill("Brooks")
    page.locator("#id_date_of_birth").fill("1975-03-02")
    page.locator("#id_program_start_date").fill(start.isoformat())
    page.get_by_role("button", name="Enrol client").click()
    client = Client.objects.get(last_name="Brooks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nia Brooks")
    enrollment_card = page.get_by_role("region", name="Program enrollment")
    expect(enrollment_card).to_contain_text("Entry data to complete")
    enrollment_card.get_by_role("link", name="Complete it").click()

    # Entry data: HUD's follow-up questions appear as the answers call for them.
    page.get_by_role("link", name="Edit entry data").click()
    stay = page.locator("#id_length_of_stay")
    night_before = page.locator("#id_previous_street_essh")
    expect(stay).to_be_hidden()
    page.locator("#id_living_situation").select_option("410")  # a rental, no subsidy
    expect(stay).to_be_visible()
    stay.select_option("11")  # two to six nights
    expect(night_before).to_be_visible()
    night_before.select_option("0")
    expect(page.locator("#id_date_to_street_essh")).to_be_hidden()  # no homeless history
    page.locator("#id_living_situation").select_option("116")  # then: the street
    stay.select_option("5")
    expect(night_before).to_be_hidden()
    page.locator("#id_date_to_street_essh").fill((start - timedelta(days=400)).isoformat())
    page.locator("#id_times_homeless_past_three_years").select_option("4")
    page.locator("#id_months_homeless_past_three_years").select_option("113")
    page.locator("#id_disabling_condition").select_option("1")
    page.get_by_role("button", name="Save entry data").click()
    expect(page.get_by_role("status").first).to_contain_text("Entry data saved")

    # The entry assessment.
    page.get_by_role("link", name="Entry assessment").click()
    answer_assessment(page)
    expect(page.get_by_text("$943.00").first).to_be_visible()
    page.get_by_role("button", name=re.compile("^Save the")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("assessment")
    page.screenshot(path="/tmp/enrollment-entry-assessment-phone.png", full_page=True)

    # Move-in, through the placement pages.
    page.goto(f"/clients/{client.pk}/placements/new/")
    page.locator("#id_address").fill("12 Elm St, Apt 4")
    page.locator("#id_search_started_on").fill(start.isoformat())
    page.locator("#id_move_in_date").fill((start + timedelta(days=20)).isoformat())
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nia Brooks")
    page.goto(f"/clients/{client.pk}/enrollment/")
    expect(page.get_by_role("main")).to_contain_text((start + timedelta(days=20)).isoformat())

    # The annual assessment is due now (from 30 days before the anniversary).
    page.goto(f"/clients/{client.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Annual assessment due")
    page.goto(f"/clients/{client.pk}/assessments/new/?stage=annual")
    answer_assessment(page, disabilities=False, dv=False)
    page.get_by_role("button", name=re.compile("^Save the")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("nnual assessment")
    page.goto(f"/clients/{client.pk}/")
    expect(page.get_by_role("main")).not_to_contain_text("Annual assessment due")

    # Leaving the program: exit, destination and the exit assessment on one page.
    page.goto(f"/clients/{client.pk}/enrollment/")
    page.get_by_role("link", name="Record leaving the program").click()
    page.locator("#id_exit_date").fill(today.isoformat())
    page.locator("#id_destination").select_option("410")
    answer_assessment(page, prefix="exit-", dv=False)
    page.screenshot(path="/tmp/enrollment-exit-phone.png", full_page=True)
    page.get_by_role("button", name="Record leaving the program").click()
    expect(page.get_by_role("main")).to_contain_text("Left the program")

    enrollment = Enrollment.objects.get(client=client)
    assert (enrollment.exit_date, enrollment.destination) == (today, 410)
    stages = sorted(enrollment.assessments.values_list("stage", flat=True))
    assert stages == sorted(
        [
            DataCollectionStage.PROJECT_START,
            DataCollectionStage.ANNUAL_ASSESSMENT,
            DataCollectionStage.PROJECT_EXIT,
        ]
    )
    client.refresh_from_db()
    assert client.status == Client.Status.EXITED
