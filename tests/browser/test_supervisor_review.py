"""On a phone (390 px), a supervisor follows every count to the people behind it, reads the
outcomes with what each share rests on, and ends a cover (or keeps it) without a "Cancel"
that could mean either. No column heading is cut off on any of these pages."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.caseloads.factories import cover
from tests.factories import client_of
from tests.placements.factories import housed
from tests.referrals.factories import referral_at

pytestmark = pytest.mark.django_db(transaction=True)

# Headings on screen whose text does not fit their cell, or that stick out of the page or of
# a scrolling box that is not a labelled region (a labelled region may scroll: it is announced
# and can be reached with the keyboard). Headings moved off screen (tables shown as cards on a
# phone) are not on screen.
CLIPPED_HEADERS = """() => {
  const clipped = [];
  for (const th of document.querySelectorAll("th")) {
    const box = th.getBoundingClientRect();
    if (!box.width || box.right <= 0 || box.left >= window.innerWidth) continue;
    const name = th.textContent.trim();
    if (th.scrollWidth > th.clientWidth + 1) clipped.push(name + " (text cut)");
    const region = th.closest(".table-scroll");
    const labelled = region && region.getAttribute("role") === "region"
      && (region.hasAttribute("aria-labelledby") || region.hasAttribute("aria-label"));
    const edge = region ? region.getBoundingClientRect().right : window.innerWidth;
    if (box.right > edge + 1 && !labelled) clipped.push(name + " (off the edge)");
  }
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth) clipped.push("page scrolls sideways");
  return clipped;
}"""


def assert_no_clipped_headers(page):
    assert page.evaluate(CLIPPED_HEADERS) == []


def test_home_says_how_many_need_attention_and_lists_them_all(program, page, sign_in):
    today = timezone.localdate()
    for n in range(7):  # never reached, enrolled long ago: not contacted, with Rosa and Tom
        client_of(program.case_manager, first_name=f"Quiet{n}", last_name="Client")
    housed(program.client, today - timedelta(days=200))  # never visited: visit overdue
    referral_at(
        "offered",
        client=program.client,
        by=program.case_manager,
        follow_up_on=today - timedelta(days=3),
    )
    days = settings.NO_CONTACT_DAYS

    sign_in(program.supervisor)
    attention = page.get_by_role("region", name="Needs attention")
    expect(
        attention.get_by_role("heading", name=f"Not contacted for {days} days (9)")
    ).to_be_visible()
    expect(attention.get_by_text("The 5 oldest of 9.")).to_be_visible()
    follow_up = attention.locator("li", has_text="follow up")
    expect(follow_up.locator(".date-overdue")).to_contain_text("(3 days overdue)")
    assert_no_clipped_headers(page)

    attention.get_by_role("link", name="See all 9").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Not contacted for {days} days")
    expect(page.locator("#list-count")).to_have_text("9 clients")
    expect(page.locator("#attention-list tbody tr")).to_have_count(9)
    expect(page.get_by_role("link", name="Quiet6 Client")).to_be_visible()
    assert_no_clipped_headers(page)

    # Narrow the list to one case manager with the labelled filter.
    page.get_by_label("Case manager").select_option(label=program.teammate.get_full_name())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#attention-list tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Tom Teammate")).to_be_visible()


def test_every_tile_on_the_caseloads_page_opens_the_clients_behind_it(program, page, sign_in):
    today = timezone.localdate()
    housed(program.client, today - timedelta(days=200))
    client_of(program.teammate, first_name="Nora", last_name="Searching")

    sign_in(program.supervisor)
    page.goto("/caseloads/")
    totals = page.get_by_role("list", name="Team totals")
    assert_no_clipped_headers(page)
    expect(totals.get_by_role("link")).to_have_count(6)

    totals.get_by_role("link", name="1 housed").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Housed")
    expect(page.locator("#attention-list tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Rosa Parker")).to_be_visible()
    assert_no_clipped_headers(page)

    page.go_back()
    totals.get_by_role("link", name="3 active clients").click()
    expect(page.locator("#attention-list tbody tr")).to_have_count(3)

    # A case manager's count in the table opens that person's clients.
    page.go_back()
    teammate = program.teammate.get_full_name()
    row = page.locator(f'tr[data-case-manager="{program.teammate.pk}"]')
    row.get_by_role("link", name="2 active clients").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(teammate)
    expect(page.locator("#attention-list tbody tr")).to_have_count(2)


def test_outcomes_on_a_phone_say_what_each_share_rests_on(program, page, sign_in):
    today = timezone.localdate()
    housed(program.client, today - timedelta(days=400))
    sign_in(program.supervisor)
    page.goto("/caseloads/outcomes/")
    retention = page.locator("#chart-retention")
    expect(retention.locator("text.chart-n").first).to_have_text("1 of 1, few people")
    expect(
        page.get_by_role(
            "region", name="Clients still housed 6 and 12 months after their first move-in"
        )
    ).to_be_visible()
    expect(page.get_by_text("(few people)").first).to_be_visible()
    assert_no_clipped_headers(page)
    # The month labels of the caseload chart stay inside the picture.
    chart = page.locator("#chart-caseloads").bounding_box()
    last_month = page.locator("#chart-caseloads text[text-anchor=middle]").last.bounding_box()
    assert last_month["x"] + last_month["width"] <= chart["x"] + chart["width"] + 0.5


def test_supervisor_keeps_a_cover_then_ends_it(program, page, sign_in):
    today = timezone.localdate()
    arranged = cover(program, starts_on=today, ends_on=today + timedelta(days=10))
    owner = program.case_manager.get_full_name()

    sign_in(program.supervisor)
    page.goto("/caseloads/covers/")
    expect(page.get_by_role("link", name="Cancel")).to_have_count(0)
    page.get_by_role("link", name=f"End this cover for {owner}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("End this cover early?")
    page.get_by_role("link", name="Keep the cover").click()
    expect(page).to_have_url(f"{page.url.split('/caseloads/')[0]}/caseloads/covers/")
    arranged.refresh_from_db()
    assert arranged.ended_at is None

    page.get_by_role("link", name=f"End this cover for {owner}").click()
    page.get_by_label("Why the cover ends early").fill("Back early")
    page.get_by_role("button", name="End this cover").click()
    expect(page.get_by_role("status")).to_contain_text("Cover ended")
    arranged.refresh_from_db()
    assert arranged.ended_at is not None
