"""The board member reads the scorecard after an approval: the new figure and its arrow, the
measure's page, and the scorecard downloaded as XLSX."""

import re

import openpyxl
from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility, save_screenshot, screenshots_dir

MEASURE_1 = "Number of current active Drugs Networks (Southampton)"
MEASURE_7 = "Number of drugs intelligence (CPI) submissions"


def _row(page: Page, measure: str):
    table = page.get_by_role("table", name="Measures by priority area and commitment")
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=measure))


def test_board_member_sees_the_approved_figure_and_arrow_opens_the_measure_and_downloads_xlsx(
    page: Page, sign_in, approved_november, tmp_path
):
    sign_in(page, "board")
    expect(page).to_have_url(re.compile(r"/scorecard/$"))
    check_accessibility(page, "scorecard")

    # Measure 1 went from 60 (Oct 23) to 65 (Nov 23): up. Measure 7 from 33 to 31: down.
    # The period sits under the figure, in the figure's cell.
    row = _row(page, MEASURE_1)
    expect(row.get_by_role("cell", name=re.compile(r"^65(\.0)?\s*Nov 23"))).to_be_visible()
    expect(row.locator(".app-direction")).to_have_text("↑")
    expect(row).to_contain_text("Up since the previous period")  # the arrow's text alternative
    expect(row.locator("svg")).to_have_count(1)  # the sparkline, now with two points
    row_7 = _row(page, MEASURE_7)
    expect(row_7.get_by_role("cell", name=re.compile(r"^31(\.0)?\s*Nov 23"))).to_be_visible()
    expect(row_7.locator(".app-direction")).to_have_text("↓")
    expect(row_7).to_contain_text("Down since the previous period")

    # Only the rows changed since the published edition: the two approved figures.
    page.get_by_label(re.compile(r"^Only rows changed since")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Showing 2 of \d+ measures"))
    expect(_row(page, MEASURE_1)).to_be_visible()
    expect(_row(page, MEASURE_7)).to_be_visible()
    check_accessibility(page, "scorecard-changed-only")

    _row(page, MEASURE_1).get_by_role("link", name=MEASURE_1).click()
    expect(page).to_have_url(re.compile(r"/scorecard/measures/1/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MEASURE_1)
    live = page.locator(".govuk-summary-list").filter(has_text="Latest period")
    expect(live).to_contain_text("Nov 23")
    expect(live).to_contain_text(re.compile(r"65(\.0)?"))
    expect(live).to_contain_text("Up since the previous period")
    series = page.get_by_role("table", name=re.compile("The chart's figures"))
    expect(series.get_by_role("row")).to_have_count(3)  # header, Oct 23, Nov 23
    check_accessibility(page, "measure-page")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Scorecard").click()
    expect(page).to_have_url(re.compile(r"/scorecard/$"))
    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=re.compile(r"Download the live scorecard as an Excel")
        ).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    workbook = openpyxl.load_workbook(path)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Priority area")
    by_number = {
        r[2]: r for r in rows[header + 1 :] if r and len(r) > 2 and str(r[2] or "").isdigit()
    }
    measure_1 = [str(c) for c in by_number[1]]
    assert "Nov 23" in measure_1, measure_1
    assert any(re.fullmatch(r"65(\.0)?", c) for c in measure_1), measure_1
    assert "↑" in measure_1, measure_1


def test_board_member_reads_the_edition_what_changed_and_prints_the_board_pack(
    page: Page, sign_in, approved_november
):
    sign_in(page, "board", check=False)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Editions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Editions")
    editions = page.get_by_role("table", name="Published editions, newest first")
    expect(editions.get_by_role("link", name="May-2024")).to_be_visible()
    check_accessibility(page, "editions")

    editions.get_by_role("link", name="May-2024").click()
    expect(page).to_have_url(re.compile(r"/scorecard/editions/May-2024/$"))
    # The edition is frozen: measure 1 still shows its published October figure.
    row = _row(page, MEASURE_1)
    expect(row.get_by_role("cell", name=re.compile(r"^60(\.0)?\s*Oct 23"))).to_be_visible()
    check_accessibility(page, "edition")

    page.goto("/scorecard/")
    page.get_by_role("link", name="What changed since May-2024").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What changed since May-2024")
    expect(page.get_by_role("status")).to_have_text("2 rows changed.")
    changes = page.get_by_role("table").filter(has=page.get_by_role("link", name=MEASURE_1))
    expect(changes.get_by_role("link", name=MEASURE_7)).to_be_visible()
    check_accessibility(page, "what-changed")

    page.goto("/scorecard/")
    page.get_by_role("link", name=re.compile(r"^Print board pack")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Reducing Drug Harm Partnership Scorecard"
    )
    check_accessibility(page, "board-pack")
    # As printed (A4 landscape, no navigation). Not an axe check: on paper there is nothing to
    # operate, and axe's interaction rules (target size) do not apply.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Menu")).to_be_hidden()
    save_screenshot(page, "board-pack-print")
    page.pdf(path=screenshots_dir() / "board-pack.pdf", prefer_css_page_size=True)


def test_board_member_reads_each_measure_against_england_in_the_compact_view(
    page: Page, sign_in, approved_november
):
    sign_in(page, "board", check=False)
    page.get_by_label("Source").select_option("Home Office")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Compact: each measure against England").click()
    expect(page).to_have_url(re.compile(r"/scorecard/\?source=Home\+Office&view=compact$"))
    table = page.get_by_role("table", name="Each measure against England")
    expect(table.get_by_role("row")).to_have_count(4)  # header and measures 4, 5, 6
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile("^4")))
    expect(row.get_by_role("img")).to_have_accessible_name(
        "Southampton 4.9 is 163% of England's 3.0, not tested"
    )
    expect(row).to_contain_text("Not tested")
    check_accessibility(page, "scorecard-compact")
    page.set_viewport_size({"width": 375, "height": 800})
    check_accessibility(page, "scorecard-compact-375")
    # Back to the full table with the filter kept, without JavaScript doing anything.
    page.get_by_role("link", name="Full table").click()
    expect(page).to_have_url(re.compile(r"/scorecard/\?source=Home\+Office$"))
