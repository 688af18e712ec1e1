"""An approver reviews the queue: sends one return back with a comment, approves another.

There is no second factor yet (django-otp is not wired in): when it exists, sign_in must pass it.
"""

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility


def test_approver_sends_one_return_back_with_a_comment_and_approves_another(
    page: Page, sign_in, submitted_returns
):
    november, october = submitted_returns.november, submitted_returns.october
    sign_in(page, "approver")
    expect(page).to_have_url(re.compile(r"/submissions/review/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Submissions to approve")
    queue = page.get_by_role("table", name="2 submissions awaiting a decision")
    expect(queue).to_be_visible()
    check_accessibility(page, "approval-queue")

    # Send the October return back: first without a comment, which the form refuses.
    page.get_by_role("link", name=f"Review submission {october}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review submission {october}")
    figures = page.get_by_role("table", name=re.compile(r"^Figures"))
    expect(figures.get_by_role("row").filter(has_text="Oct 23")).to_contain_text("80")
    check_accessibility(page, "approval-review")

    page.get_by_role("button", name="Send back").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("Enter a comment")).click()
    comment = page.get_by_label("Comment for the data lead")
    expect(comment).to_be_focused()
    check_accessibility(page, "approval-review-error")

    comment.fill("October's seizures look low against the custody records: please check.")
    page.get_by_role("button", name="Send back").click()
    expect(page).to_have_url(re.compile(r"/submissions/review/$"))
    expect(
        page.get_by_role("alert").filter(
            has_text=f"Submission {october} sent back to Hampshire and Isle of Wight "
            "Constabulary with your comment."
        )
    ).to_be_visible()
    expect(page.get_by_role("table", name="1 submission awaiting a decision")).to_be_visible()
    expect(page.get_by_role("link", name=f"Review submission {october}")).to_have_count(0)
    check_accessibility(page, "approval-queue-sent-back")

    page.get_by_role("link", name=f"Review submission {november}", exact=True).click()
    figures = page.get_by_role("table", name=re.compile(r"^Figures"))
    measure_1 = figures.get_by_role("row").filter(has_text="Number of current active")
    expect(measure_1).to_contain_text("Nov 23")
    expect(measure_1).to_contain_text("65")
    expect(measure_1).to_contain_text("60")  # the previous approved figure, Oct 23
    page.get_by_role("button", name="Approve").click()
    expect(
        page.get_by_role("alert").filter(has_text=f"Submission {november} from Police approved.")
    ).to_be_visible()
    expect(page.get_by_text("There are no submissions waiting for approval.")).to_be_visible()
    check_accessibility(page, "approval-queue-empty")

    # The decision is on the record: the approved return says who approved it.
    page.goto(f"/submissions/{november}/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review submission {november}")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Approved by")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Alex Approver")
    check_accessibility(page, "approval-review-approved")
