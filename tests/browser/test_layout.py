"""Pages fit a 320 CSS pixel wide screen (WCAG 2.2 1.4.10 Reflow) without the whole page
scrolling sideways: wide tables scroll inside their own container instead."""

import re

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import check_accessibility

WIDTH = 320
PAGES = {
    "lead.police": [
        "/submissions/",
        "/submissions/new/?period=due",
        "/submissions/upload/",
        "/submissions/{november}/",
    ],
    "approver": ["/submissions/review/", "/submissions/{november}/review/"],
    "admin": ["/people/", "/people/invite/", "/people/roles/", "/people/organisations/"],
    "board": ["/scorecard/", "/scorecard/measures/1/", "/scorecard/editions/May-2024/"],
}
# Reported bugs: whoever fixes one removes its user here (strict: a fixed page XPASSes, failing).
KNOWN_OVERFLOW: dict[str, str] = {}


@pytest.mark.parametrize(
    "username",
    [
        # The data lead's pages (issue 3) keep their tables in .app-table-container now.
        pytest.param(user, marks=pytest.mark.xfail(strict=True, reason=KNOWN_OVERFLOW[user]))
        if user in KNOWN_OVERFLOW
        else pytest.param(user)
        for user in PAGES
    ],
)
def test_pages_reflow_at_320_pixels_without_scrolling_sideways(
    page: Page, sign_in, submitted_returns, username: str
):
    page.set_viewport_size({"width": WIDTH, "height": 800})
    sign_in(page, username, check=False)
    too_wide = {}
    for template in PAGES[username]:
        url = template.format(november=submitted_returns.november)
        page.goto(url)
        name = "narrow-" + re.sub(r"[^a-z0-9]+", "-", template.replace("{november}", "id")).strip(
            "-"
        )
        check_accessibility(page, name)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > WIDTH:
            too_wide[url] = width
    assert not too_wide, f"pages wider than {WIDTH}px (page scrolls sideways): {too_wide}"
