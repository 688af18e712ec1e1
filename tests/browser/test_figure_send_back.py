"""An approver sends back one figure of five with a comment and approves the other four; the
data lead corrects it and submits again; the approver sees what changed and approves it."""

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility, sign_out


def five_figures() -> int:
    from accounts.models import User
    from submissions import services
    from submissions.models import Channel
    from submissions.validation import RawRow

    lead = User.objects.get(username="lead.police")
    figures = [
        ("1", "Nov 23", "65"),
        ("2", "Nov 23", "80"),
        ("7", "Nov 23", "31"),
        ("1", "Dec 23", "64"),
        ("7", "Dec 23", "30"),
    ]
    rows = [
        RawRow(i, {"measure": m, "period": p, "value": v})
        for i, (m, p, v) in enumerate(figures, start=1)
    ]
    submission, _ = services.submission_create(
        by=lead, rows=rows, channel=Channel.FORM, submit=True
    )
    return submission.pk


def test_an_approver_sends_back_one_figure_of_five_and_approves_four(
    page: Page, sign_in, demo_world
):
    five = five_figures()
    sign_in(page, "approver")
    page.get_by_role("link", name=f"Review submission {five}", exact=True).click()
    figures = page.get_by_role("table", name=re.compile(r"^Figures"))
    expect(figures.get_by_role("row")).to_have_count(6)  # the header and five figures
    seizures = figures.get_by_role("row").filter(has_text="2. Volume of drug seizures")
    expect(seizures).to_contain_text("Approved Sept 23: 84.0 (1 value); 80.0 for Nov 23 now.")
    page.set_viewport_size({"width": 1280, "height": 900})
    check_accessibility(page, "review-1280")
    page.set_viewport_size({"width": 375, "height": 900})
    check_accessibility(page, "review-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    seizures.get_by_label(re.compile(r"^Send back measure 2")).check()
    comment = seizures.get_by_label(re.compile(r"^What needs to change in measure 2"))
    expect(comment).to_be_visible()  # revealed by the tick
    comment.fill("Cannabis seizures look low against the custody records: please check.")
    page.get_by_role("button", name="Approve", exact=True).click()

    banner = page.get_by_role("alert").filter(has_text=f"Submission {five} from Police")
    expect(banner).to_contain_text("4 figures approved; 1 sent back to the data lead as")
    returned = re.search(r"as submission (\d+)", banner.inner_text())[1]
    check_accessibility(page, "review-approved-in-part")
    sign_out(page)

    sign_in(page, "lead.police", check=False)
    page.goto(f"/submissions/{returned}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sent back")
    sent_back = page.get_by_role("table", name=re.compile(r"^Figures")).get_by_role("row").nth(1)
    expect(sent_back).to_contain_text("Sent back Cannabis seizures look low")
    check_accessibility(page, "submission-figure-sent-back")
    page.get_by_role("link", name="Change the figures").click()
    value = page.get_by_label(re.compile(r"^Southampton value, Measure 2 \("))
    value.fill("95")
    page.get_by_label(re.compile(r"^Note, Measure 2 \(")).fill("Two late seizures added.")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    sign_out(page)

    sign_in(page, "approver", check=False)
    page.goto(f"/submissions/{returned}/review/")
    expect(page.get_by_text("1 figure changed since then")).to_be_visible()
    changed = page.get_by_role("table", name=re.compile(r"^Figures")).get_by_role("row").nth(1)
    expect(changed).to_contain_text("Changed since sent back")
    expect(changed).to_contain_text("Value: 80 → 95")
    check_accessibility(page, "review-changed-since-sent-back")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="approved")).to_be_visible()
