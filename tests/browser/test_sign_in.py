"""Signing in and out through the real form, as each kind of user."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility, sign_out


def test_wrong_password_shows_the_error_summary_and_keeps_the_username(page: Page, demo_world):
    page.goto("/accounts/login/")
    check_accessibility(page, "sign-in")

    page.get_by_label("Username").fill("lead.police")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("alert")).to_contain_text(re.compile("username|password", re.I))
    # GOV.UK Frontend moves focus to the summary so screen readers announce it at once.
    expect(summary).to_be_focused()
    expect(page.get_by_label("Username")).to_have_value("lead.police")
    expect(page.get_by_label("Password")).to_have_value("")
    check_accessibility(page, "sign-in-error")


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("lead.police", r"/submissions/$"),
        ("approver", r"/submissions/review/$"),
        ("board", r"/scorecard/$"),
    ],
)
def test_each_role_signs_in_to_the_page_that_starts_their_job_and_signs_out(
    page: Page, sign_in, username: str, landing: str
):
    sign_in(page, username, check=False)
    expect(page).to_have_url(re.compile(landing))
    check_accessibility(page, f"home-{username}")
    # The header says who is signed in.
    expect(page.locator(".app-account__name")).to_contain_text("Signed in as")

    sign_out(page)
    page.goto("/scorecard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/scorecard/"))
