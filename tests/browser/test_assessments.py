"""On a phone: the entry assessment. An unticked source's amount is hidden, the total follows
the amounts, "long-continued and indefinite" appears after a yes, and the page fits 390 px."""

import pytest
from playwright.sync_api import expect

from enrollments.models import Assessment
from tests.factories import ProjectFactory, enrol

pytestmark = pytest.mark.django_db(transaction=True)


def test_entry_assessment_on_a_phone(program, page, sign_in):
    enrol(program.client, project=ProjectFactory(is_default=True))
    sign_in(program.case_manager)
    page.goto(f"/clients/{program.client.pk}/assessments/")
    page.get_by_role("link", name="Entry assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Entry assessment")

    amount = page.get_by_label("Supplemental Security Income (SSI), monthly amount ($):")
    expect(amount).to_be_hidden()
    page.locator("input[name=income_from_any_source][value='1']").check()
    page.get_by_label("Supplemental Security Income (SSI):", exact=True).check()
    expect(amount).to_be_visible()
    amount.fill("943")
    page.get_by_label("Earned income (i.e., employment income):", exact=True).check()
    earned = page.get_by_label("Earned income (i.e., employment income), monthly amount ($):")
    earned.fill("1,100.50")
    expect(page.locator("[data-income-total]")).to_have_text("$2043.50")

    page.locator("input[name=benefits_from_any_source][value='0']").check()
    page.locator("input[name=insurance_from_any_source][value='1']").check()
    page.get_by_label("Medicaid:", exact=True).check()
    for name in ("physical", "developmental", "chronic_health", "hiv_aids", "substance_use"):
        page.locator(f"input[name=disability_{name}][value='0']").check()
    follow_up = page.locator("input[name=disability_mental_health_indefinite]").first
    expect(follow_up).to_be_hidden()
    page.locator("input[name=disability_mental_health][value='1']").check()
    expect(follow_up).to_be_visible()
    page.locator("input[name=disability_mental_health_indefinite][value='1']").check()
    expect(page.get_by_label("If so: when the experience occurred:")).to_be_hidden()
    page.locator("input[name=dv_survivor][value='9']").check()

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Save the entry assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Entry assessment of")
    expect(page.locator("main")).to_contain_text("Total monthly income: $2043.50")
    assessment = Assessment.objects.get()
    assert assessment.total_monthly_income == 2043.50
    assert assessment.domestic_violence.survivor == 9
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
