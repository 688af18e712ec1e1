"""A data lead downloads the blank template, fills in half its rows, and uploads it: the rows
left blank are ignored and counted, the rest saved and submitted."""

import csv
import io
import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility


def test_the_downloaded_template_with_half_its_rows_blank_is_accepted_and_the_blanks_counted(
    page: Page, sign_in, tmp_path
):
    sign_in(page, "lead.police")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV template").click()
    template = tmp_path / "template.csv"
    download.value.save_as(template)
    rows = list(csv.DictReader(io.StringIO(template.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 4
    rows[0]["value"], rows[3]["value"] = "61", "34"  # measures 1 and 7; 2 and 3 left blank
    filled = tmp_path / "police-figures.csv"
    with filled.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    page.get_by_role("button", name="Upload a file").click()
    expect(page.get_by_text("How to write your periods")).to_be_visible()
    page.get_by_label("Upload a file").set_input_files(filled)
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the figures in police-figures.csv"
    )
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(
        page.get_by_text(
            "2 rows left blank were ignored: no value, numerator, denominator or note."
        )
    ).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Rows"))
    expect(table.get_by_role("row").filter(has_text="1. Number of current active")).to_have_count(1)
    expect(table.get_by_role("row").filter(has_text="7. ")).to_contain_text("New")
    check_accessibility(page, "upload-template-preview")

    page.get_by_role("button", name="Save as a draft submission").click()
    expect(page.get_by_role("alert").filter(has_text="saved as a draft")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("2, of which 0 corrections")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
