"""The signing-in pages added for safety, at 1280 and 375 pixels, checked with axe-core: the
second step, a person's API tokens, and password reset."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import check_accessibility, sign_out

WIDTHS = (1280, 375)


@pytest.mark.parametrize("width", WIDTHS)
def test_password_reset_pages_are_the_services_own(page: Page, demo_world, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_accessibility(page, f"password-reset-{width}")
    page.get_by_label("Email").fill("lead.police@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    check_accessibility(page, f"password-reset-sent-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_lead_sees_and_revokes_their_api_tokens(page: Page, sign_in, width):
    from accounts.models import User
    from accounts.signin_services import api_token_issue

    api_token_issue(User.objects.get(username="lead.police"))
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "lead.police", check=False)
    page.get_by_role("link", name="API tokens").click()
    check_accessibility(page, f"api-tokens-{width}")
    page.get_by_role("button", name="Revoke all your tokens").click()
    expect(page.get_by_text("1 API token revoked.")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_approver_signs_in_again_with_a_code(page: Page, sign_in, demo_world, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "approver", check=False)  # first time: sets up the authenticator
    sign_out(page)
    page.get_by_label("Username").fill("approver")
    page.get_by_label("Password").fill(demo_world.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/"))
    check_accessibility(page, f"two-factor-{width}")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    check_accessibility(page, f"two-factor-error-{width}")
    expect(page.get_by_text("The code is wrong or has expired").first).to_be_visible()
