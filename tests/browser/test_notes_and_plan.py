"""On a phone: write a note from the client page, add a goal in the client's words with two
steps, mark a step done, and open the plan's print view."""

import pytest
from playwright.sync_api import expect

from casenotes.models import Note
from plans.models import Step
from tests.casenotes.factories import topic

pytestmark = pytest.mark.django_db(transaction=True)


def test_note_goal_steps_and_print_on_a_phone(program, page, sign_in):
    for name in ("Housing", "Benefits"):
        topic(name)  # transactional tests flush the migration's topics
    sign_in(program.case_manager)
    page.goto(f"/clients/{program.client.pk}/")

    page.get_by_role("link", name="Write a note").click()
    page.get_by_label("Topic").select_option(label="Housing")
    page.get_by_label("Text").fill("Visited the new flat.\n\nShe likes the light in the kitchen.")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case note of")
    assert Note.objects.get().written_by == program.case_manager
    page.goto(f"/clients/{program.client.pk}/")
    notes = page.locator("section", has=page.get_by_role("heading", name="Case notes"))
    expect(notes).to_contain_text("She likes the light in the kitchen.")

    page.get_by_role("link", name="Start a plan").click()
    page.get_by_role("button", name="Start a plan with the client").click()
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("The goal, in the client's words").fill("Have my kids stay over on weekends.")
    page.get_by_label("Area").select_option(label="Housing")
    page.get_by_role("button", name="Add goal").click()
    for what in ("Ask the landlord about a second bed", "Visit the furniture bank"):
        page.get_by_role("link", name="Add a step").click()
        page.get_by_label("What").fill(what)
        page.get_by_label("The client").check()
        page.get_by_role("button", name="Add step").click()
    expect(page.locator(".steps li")).to_have_count(2)
    step = page.locator(".steps li", has_text="Ask the landlord about a second bed")
    step.get_by_role("button", name="Mark done").click()
    expect(page.locator(".steps .badge")).to_contain_text("Done")
    assert Step.objects.filter(done_on__isnull=False).count() == 1

    page.get_by_role("link", name="Print the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My housing-stability plan")
    expect(page.locator("q").first).to_have_text("Have my kids stay over on weekends.")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.emulate_media(media="screen")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
