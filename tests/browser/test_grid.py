"""The ICU's data lead enters 35 measures on one grid page (each for the period now due), checks
them, explains the one the portal warns about, and submits; the grid at 1280 and 375 pixels."""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility


def icu_measures_with_a_figure_to_type() -> list[tuple[int, str]]:
    """The ICU's 35 measures (the demo's 34 and one added as an admin would), each with a figure
    as its latest approved one, so that only the figure typed odd on purpose raises a warning."""
    from accounts.models import Organisation
    from scorecard.models import DataPoint, Measure
    from tests.factories import MeasureFactory

    icu = Organisation.objects.get(short_name="ICU")
    MeasureFactory(
        number=40,
        code="naloxone-kits",
        name="Naloxone kits given out",
        unit="Annual count",
        value_kind="count",
        period_type="financial_year",
        source="ICU",
        organisation=icu,
    )
    figures = []
    for measure in Measure.objects.filter(organisation=icu, active=True).order_by("number"):
        latest = (
            DataPoint.objects.filter(measure=measure, area__kind="local", is_current=True)
            .order_by("-period__end")
            .first()
        )
        value = latest.value if latest else Decimal(50 if measure.kind == "percentage" else 120)
        figures.append((measure.number, f"{value.normalize():f}"))
    return figures


def test_the_icu_lead_enters_35_measures_on_one_grid_page_and_submits(page: Page, sign_in):
    figures = icu_measures_with_a_figure_to_type()
    assert len(figures) == 35
    sign_in(page, "lead.icu")
    page.get_by_role("button", name="Enter figures", exact=True).click()
    expect(page.get_by_label("Period", exact=True)).to_have_value("due")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the figures now due")
    expect(page.get_by_role("table", name="35 measures to fill in")).to_be_visible()
    check_accessibility(page, "grid-empty")
    for number, value in figures:
        odd = value if number != 8 else str(Decimal(value) * 3)  # treatment numbers tripled
        page.get_by_label(re.compile(rf"^Southampton value, Measure {number} \(")).fill(odd)

    page.get_by_role("button", name="Check figures").click()
    warnings = page.get_by_role("region", name="Check these figures")
    expect(warnings).to_contain_text("Measure 8 (Numbers in treatment (18+) - Opiates)")
    expect(warnings).to_contain_text("3 times the latest approved figure")
    warned = page.get_by_label(re.compile(r"^Southampton value, Measure 8 \("))
    expect(warned).to_have_attribute("aria-describedby", re.compile(r"-warning$"))
    page.set_viewport_size({"width": 1280, "height": 900})
    check_accessibility(page, "grid-checked-1280")
    # The grid with a warning, a variance and England's column still fits a 1280-pixel screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    page.set_viewport_size({"width": 375, "height": 900})
    check_accessibility(page, "grid-checked-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The summary links to the note the warning needs; the note is beside the figure.
    page.get_by_role("link", name=re.compile(r"^Measure 8 .*needs a note")).click()
    note = page.get_by_label(re.compile(r"^Note, Measure 8 \("))
    expect(note).to_be_focused()
    note.fill("A new provider's caseload was counted for the first time.")
    page.get_by_role("button", name="Save and submit").click()

    banner = page.get_by_role("alert").filter(has_text="submitted for approval")
    expect(banner).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    expect(page.locator(".govuk-summary-list")).to_contain_text("35, of which 0 corrections")
    check_accessibility(page, "grid-submitted")
