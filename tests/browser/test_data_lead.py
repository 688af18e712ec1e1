"""A data lead uploads a file, fixes the error its preview shows, saves and submits it."""

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility, write_values_csv


def test_data_lead_uploads_a_file_fixes_the_error_the_preview_names_and_submits(
    page: Page, sign_in, tmp_path
):
    sign_in(page, "lead.police")
    expect(page).to_have_url(re.compile(r"/submissions/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your figures")
    expect(page.get_by_role("heading", name="What is due")).to_be_visible()
    overdue = page.get_by_role("region", name="Overdue", exact=True)
    expect(
        overdue.get_by_role("row").filter(has_text="1. Number of current active").first
    ).to_be_visible()
    check_accessibility(page, "data-lead-home")

    page.get_by_role("button", name="Upload a file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a file of figures")
    check_accessibility(page, "upload")

    # Row 4 (the header is row 1) is for a month that has not ended.
    broken = write_values_csv(
        tmp_path / "police-nov-23.csv",
        [(1, "Nov 23", "", 65), (7, "Nov 23", "", 31), (7, "Nov 2099", "", 30)],
    )
    page.get_by_label("Upload a file").set_input_files(broken)
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the figures in police-nov-23.csv"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem with the file")
    expect(summary).to_contain_text("Nothing has been saved")
    rows = page.get_by_role("table", name=re.compile("Rows"))
    error_row = rows.get_by_role("row").filter(has_text="Nov 2099")
    expect(error_row).to_contain_text("Row 4, column ‘period’")
    expect(error_row).to_contain_text("has not ended yet")
    expect(page.get_by_role("button", name="Save as a draft submission")).to_have_count(0)
    check_accessibility(page, "upload-preview-errors")

    page.get_by_role("link", name="Upload a different file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a file of figures")
    fixed = write_values_csv(
        tmp_path / "police-nov-23-fixed.csv", [(1, "Nov 23", "", 65), (7, "Nov 23", "", 31)]
    )
    page.get_by_label("Upload a file").set_input_files(fixed)
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the figures in police-nov-23-fixed.csv"
    )
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    rows = page.get_by_role("table", name=re.compile("Rows"))
    expect(rows.get_by_role("row").filter(has_text="Nov 23")).to_have_count(2)
    expect(rows.get_by_role("row").filter(has_text="Nov 23").first).to_contain_text("New")
    check_accessibility(page, "upload-preview")

    page.get_by_role("button", name="Save as a draft submission").click()
    banner = page.get_by_role("alert").filter(has_text="saved as a draft")
    expect(banner).to_be_visible()
    number = re.search(r"Submission (\d+)", banner.inner_text()).group(1)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Submission {number}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft")
    check_accessibility(page, "submission-draft")

    page.get_by_role("button", name="Submit for approval").click()
    expect(
        page.get_by_role("alert").filter(has_text=f"Submission {number} submitted for approval")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    check_accessibility(page, "submission-submitted")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your figures").click()
    submissions = page.get_by_role("table", name="Your organisation’s submissions")
    listed = submissions.get_by_role("row").filter(
        has=page.get_by_role("link", name=f"Submission {number}", exact=True)
    )
    expect(listed).to_contain_text("Submitted")
    expect(listed).to_contain_text("File upload")
    check_accessibility(page, "data-lead-home-submitted")


def test_a_lead_pages_back_through_their_organisations_returns(page: Page, sign_in, demo_world):
    from accounts.models import User
    from submissions import services
    from submissions.models import Channel
    from submissions.validation import RawRow
    from submissions.views import RETURNS_PAGE_SIZE

    lead = User.objects.get(username="lead.police")
    rows = [RawRow(2, {"measure": "1", "period": "Nov 23", "area": "", "value": "65"})]
    made = [
        services.submission_create(by=lead, rows=rows, channel=Channel.FORM)[0].pk
        for _ in range(RETURNS_PAGE_SIZE + 2)
    ]
    total = len(made)

    sign_in(page, "lead.police")
    expect(page.get_by_text(f"Submissions 1 to {RETURNS_PAGE_SIZE} of {total}")).to_be_visible()
    expect(page.get_by_role("link", name=f"Submission {made[-1]}", exact=True)).to_be_visible()
    check_accessibility(page, "data-lead-home-returns-page-1")

    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"\?page=2#submissions$"))
    expect(
        page.get_by_text(f"Submissions {RETURNS_PAGE_SIZE + 1} to {total} of {total}")
    ).to_be_visible()
    expect(page.get_by_role("link", name=f"Submission {made[0]}", exact=True)).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    check_accessibility(page, "data-lead-home-returns-page-2-375")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.get_by_role("link", name="Previous page").click()
    expect(page).to_have_url(re.compile(r"\?page=1#submissions$"))
