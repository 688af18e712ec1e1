"""Running the collection in a browser, on 29 November 2026 (the clock frozen, ticking): a data
lead sees an overdue return, enters it from the tracker and sees it leave the overdue list; an
approver sees every partner's returns, filters them and reads completeness; the board sees how
up to date the figures are. Screenshots at 1280 and 375 px."""

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility, save_screenshot, screenshots_dir

MEASURE_1 = "1. Number of current active Drugs Networks (Southampton)"


@pytest.fixture(autouse=True)
def on_29_november_2026() -> Iterator[None]:
    # Oct 26 was due on 15 November 2026: the police monthly figures for it are overdue.
    with time_machine.travel(datetime(2026, 11, 29, 10, tzinfo=ZoneInfo("Europe/London"))):
        yield


def _narrow(page: Page, name: str) -> None:
    """The page on a phone: the whole of it, and the first screenful as a person sees it."""
    page.set_viewport_size({"width": 375, "height": 800})
    save_screenshot(page, f"{name}-375")
    page.screenshot(path=screenshots_dir() / f"{name}-375-top.png")
    page.set_viewport_size({"width": 1280, "height": 900})


def _group(page: Page, title: str):
    """The table of one group of the lead's tracker ("Overdue (4)" → its rows)."""
    return page.get_by_role("region", name=title, exact=True)


def test_a_lead_enters_an_overdue_return_from_the_tracker_and_it_leaves_the_overdue_list(
    page: Page, sign_in
):
    sign_in(page, "lead.police")
    expect(page).to_have_url(re.compile(r"/submissions/$"))
    expect(page.get_by_role("heading", name="What is due")).to_be_visible()
    overdue = _group(page, "Overdue")
    row = overdue.get_by_role("row").filter(has_text=MEASURE_1).filter(has_text="Oct 26")
    expect(row).to_contain_text("14 days overdue")
    expect(row).to_contain_text("15 November 2026")
    before = overdue.get_by_role("row").count()
    check_accessibility(page, "collection-lead-tracker")
    _narrow(page, "collection-lead-tracker")

    row.get_by_role("link", name="Enter figures for measure 1, Oct 26").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter figures for Oct 26")
    page.get_by_label(re.compile(r"^Southampton value, Measure 1 \(")).fill("62")
    page.get_by_role("button", name="Save and submit", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="submitted for approval")).to_be_visible()

    page.get_by_role("link", name="Your figures", exact=True).click()
    overdue = _group(page, "Overdue")
    expect(overdue.get_by_role("row")).to_have_count(before - 1)
    expect(
        overdue.get_by_role("row").filter(has_text=MEASURE_1).filter(has_text="Oct 26")
    ).to_have_count(0)
    waiting = _group(page, "Waiting for approval")
    expect(waiting.get_by_role("row").filter(has_text=MEASURE_1)).to_contain_text("Oct 26")
    expect(
        page.get_by_role("link", name=re.compile(r"^Waiting for approval \(1\)"))
    ).to_be_visible()
    check_accessibility(page, "collection-lead-tracker-after")


def test_an_approver_filters_every_partners_returns_and_reads_completeness(
    page: Page, sign_in, submitted_returns
):
    sign_in(page, "approver")
    page.get_by_role("link", name="Returns", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners’ returns")
    check_accessibility(page, "collection-approver-tracker")
    _narrow(page, "collection-approver-tracker")

    page.get_by_label("Partner", exact=True).select_option(
        label="Hampshire and Isle of Wight Constabulary"
    )
    page.get_by_label("Overdue").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"organisation=Police.*status=overdue"))
    table = page.get_by_role("table", name="Returns by partner, measure and period")
    expect(table.get_by_role("row").filter(has_text="ICU")).to_have_count(0)
    expect(table.get_by_role("row").filter(has_text="Oct 26").first).to_contain_text("Overdue")
    check_accessibility(page, "collection-approver-tracker-filtered")

    page.get_by_role("link", name="Completeness and timeliness by partner and measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Completeness and timeliness")
    expect(page.get_by_role("img", name=re.compile("by partner"))).to_be_visible()
    check_accessibility(page, "collection-completeness")
    _narrow(page, "collection-completeness")

    page.get_by_role("link", name="Approvals", exact=True).click()
    queue = page.get_by_role("table", name=re.compile("awaiting a decision"))
    expect(queue.get_by_role("row").filter(has_text="Nov 23")).to_have_count(1)
    expect(page.get_by_role("heading", name="Recent decisions")).to_be_visible()
    check_accessibility(page, "collection-approver-queue")

    page.get_by_role("link", name="E-mail preferences").click()
    page.get_by_label("Send me the weekly digest").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("alert").filter(has_text="switched off")).to_be_visible()
    check_accessibility(page, "collection-email-preferences")


def test_the_board_sees_how_up_to_date_the_figures_are_beside_the_scorecard(page: Page, sign_in):
    sign_in(page, "board")
    panel = page.get_by_role("region", name="How up to date the figures are")
    expect(panel).to_contain_text("measures have approved figures for the latest period due")
    expect(panel.get_by_role("row", name=re.compile("^Police"))).to_contain_text("0 of 4")
    expect(page.get_by_role("link", name="Returns")).to_have_count(0)
    check_accessibility(page, "collection-board-freshness")
    _narrow(page, "collection-board-freshness")
