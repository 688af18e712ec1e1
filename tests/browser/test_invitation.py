"""An admin invites a data lead; the invitation e-mail's link lets them choose a password, and
they sign in to their figures."""

import re

from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility, sign_out


def test_an_admin_invites_a_lead_whose_emailed_link_sets_a_password_and_who_signs_in(
    page: Page, sign_in, demo_world, settings
):
    settings.PORTAL_BASE_URL = demo_world.live_url
    sign_in(page, "admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.get_by_role("button", name="Invite someone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite someone")
    page.set_viewport_size({"width": 1280, "height": 900})
    check_accessibility(page, "invite-1280")
    page.set_viewport_size({"width": 375, "height": 900})
    check_accessibility(page, "invite-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("E-mail address").fill("sam.lead@example.org")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Lead")
    page.get_by_label("Data lead").check()
    page.get_by_role("button", name="Send the invitation").click()
    # A data lead needs an organisation: the form says so, keeping what was typed.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the organisation this data lead enters figures for")
    expect(page.get_by_label("E-mail address")).to_have_value("sam.lead@example.org")
    check_accessibility(page, "invite-error")
    page.get_by_label("Organisation").select_option(label="Integrated Commissioning Unit")
    page.get_by_role("button", name="Send the invitation").click()

    expect(page.get_by_role("alert").filter(has_text="Invitation sent to")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Lead")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invited")
    check_accessibility(page, "person-invited")
    (message,) = mail.outbox
    assert message.to == ["sam.lead@example.org"]
    link = re.search(r"(https?://\S+/accounts/reset/\S+/)", message.body)[1]
    sign_out(page)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    check_accessibility(page, "invitation-choose-password")
    page.get_by_label("New password", exact=True).fill("a long and memorable phrase")
    page.get_by_label("Type the new password again").fill("a long and memorable phrase")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been saved")
    check_accessibility(page, "invitation-password-saved")

    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Username").fill("sam.lead@example.org")
    page.get_by_label("Password").fill("a long and memorable phrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your figures")
    expect(page.get_by_text("Integrated Commissioning Unit").first).to_be_visible()
