"""The data lead's journey without a mouse: only Tab, Enter, arrow keys and typing."""

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility, tab_to


def test_data_lead_signs_in_enters_a_figure_fixes_an_error_and_submits_by_keyboard_only(
    page: Page, demo_world
):
    keyboard = page.keyboard
    page.goto("/accounts/login/")
    username = page.get_by_label("Username")
    # Nothing is autofocused: the first Tab reaches the skip link.
    keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(page, username)
    keyboard.type("lead.police")
    keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    keyboard.type(demo_world.password)
    keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/submissions/$"))
    check_accessibility(page, "keyboard-data-lead-home")
    # The first Tab reaches the skip link, which takes the focus to the main content.
    keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    # From the main content, the first stop is the tracker's link to what is most urgent.
    keyboard.press("Tab")
    expect(page.get_by_role("link", name=re.compile(r"^Overdue \(\d+\)$"))).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Enter figures", exact=True))
    keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Which period are the figures for?")
    check_accessibility(page, "keyboard-choose-period")
    period = page.get_by_label("Period", exact=True)
    tab_to(page, period)
    keyboard.press("ArrowDown")  # the latest month that has ended
    chosen = period.input_value()
    assert chosen, "the arrow key did not choose a period"
    tab_to(page, page.get_by_role("button", name="Continue"))
    keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Enter figures for {chosen}")
    check_accessibility(page, "keyboard-entry")
    value = page.get_by_label(re.compile(r"^Southampton value, Measure 1 \("))
    tab_to(page, value)
    keyboard.type("sixty-two")
    keyboard.press("Enter")  # submits the form with its first button, "Save and submit"

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    check_accessibility(page, "keyboard-entry-error")
    error_link = summary.get_by_role("link").first
    expect(error_link).to_contain_text("Measure 1")
    keyboard.press("Tab")
    expect(error_link).to_be_focused()
    keyboard.press("Enter")  # GOV.UK Frontend moves the focus to the field in error
    value = page.get_by_label(re.compile(r"^Southampton value, Measure 1 \("))
    expect(value).to_be_focused()
    expect(value).to_have_value("sixty-two")
    keyboard.press("ControlOrMeta+A")
    keyboard.type("62")
    tab_to(page, page.get_by_role("button", name="Save and submit"))
    keyboard.press("Enter")

    banner = page.get_by_role("alert").filter(has_text="submitted for approval")
    expect(banner).to_be_visible()
    expect(banner).to_be_focused()  # a success banner takes the focus, so it is announced
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    expect(page.get_by_role("table", name=re.compile("Figures"))).to_contain_text("62")
    check_accessibility(page, "keyboard-submitted")
