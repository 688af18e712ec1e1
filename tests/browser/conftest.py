"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

- Chromium: `playwright install` cannot download here, so the suite launches /usr/bin/chromium
  (override of pytest-playwright's `browser_type_launch_args`) and is skipped, with the reason,
  when that binary is missing.
- Every test collected under tests/browser/ is marked `browser` and put in the xdist group
  "browser", so that with `-n 2 --dist loadgroup` one worker runs them all (one browser, one
  live server) while the other worker runs the rest of the suite.
- Playwright's sync API keeps an asyncio loop running in the main thread, and Django refuses ORM
  calls from a thread with a running loop. The tests and their fixtures use the ORM, and the
  Playwright session lives until the end of the pytest session (later tests in this worker run
  with it too), so DJANGO_ALLOW_ASYNC_UNSAFE is set for the whole process, here, before the live
  server or Playwright starts.
- The demo world (contract organisations, six accounts with a known password, the imported
  reference scorecard) is loaded for each test: live_server needs real commits
  (`transactional_db`), which are flushed after every test.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import helpers
from tests.browser.helpers import serve_axe, watch

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "browser-test-demo-password"


def _chromium_missing_reason() -> str | None:
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        return (
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(playwright install cannot download browsers here)"
        )
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests; tryfirst so that xdist's loadgroup sees the group mark."""
    missing = _chromium_missing_reason()
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.xdist_group("browser"))
        if missing:
            item.add_marker(pytest.mark.skip(reason=missing))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    reason = _chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Relative URLs in page.goto() go to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # The portal's CSP stays in force (no bypass_csp): axe is served from the portal's own origin
    # by a route (see accessibility.py), so a page that breaks its own CSP still shows up.
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def _prepared_page(context: BrowserContext, page: Page) -> Iterator[None]:
    """Every test's page: axe-core served on the portal's origin, console errors collected,
    and short timeouts (the live server answers in well under a second, so a locator that has
    not matched in 10 s is a failure, not a slow page)."""
    serve_axe(context)
    watch(page)
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    yield


@dataclass
class DemoWorld:
    password: str
    live_url: str


@pytest.fixture
def demo_world(live_server, transactional_db, settings) -> DemoWorld:
    """The `make run` world without synthetic history: the contract's organisations and six
    accounts (password DEMO_PASSWORD) and the reference scorecard with measures assigned to
    their owners."""
    from scorecard.demo import demo_load

    # A fast hasher: six accounts are created per test and every sign-in checks a password.
    # The live server runs in this process, so it sees the same settings.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load(DEMO_PASSWORD)
    return DemoWorld(password=DEMO_PASSWORD, live_url=live_server.url)


@pytest.fixture
def sign_in(demo_world: DemoWorld) -> Callable[..., None]:
    """sign_in(page, username): through the real login form, with the demo password."""

    def _sign_in(page: Page, username: str, *, check: bool = True) -> None:
        helpers.sign_in(page, username, demo_world.password, check=check)

    return _sign_in


def _raw_rows(figures: list[tuple[int, str, str]]) -> list:
    from submissions.validation import RawRow

    return [
        RawRow(index, {"measure": str(measure), "period": period, "area": "", "value": value})
        for index, (measure, period, value) in enumerate(figures, start=2)
    ]


@dataclass
class Returns:
    """Two returns from lead.police awaiting approval (made through submissions.services)."""

    november: int  # measures 1 (65, was 60 for Oct 23) and 7 (31, was 33) for Nov 23
    october: int  # measure 2: 80 for Oct 23 (was 84 for Sept 23)


@pytest.fixture
def submitted_returns(demo_world: DemoWorld) -> Returns:
    from accounts.models import User
    from submissions import services
    from submissions.models import Channel

    lead = User.objects.get(username="lead.police")
    november, _ = services.submission_create(
        by=lead,
        rows=_raw_rows([(1, "Nov 23", "65"), (7, "Nov 23", "31")]),
        channel=Channel.UPLOAD,
        submit=True,
    )
    october, _ = services.submission_create(
        by=lead, rows=_raw_rows([(2, "Oct 23", "80")]), channel=Channel.FORM, submit=True
    )
    return Returns(november=november.pk, october=october.pk)


@pytest.fixture
def approved_november(submitted_returns: Returns) -> int:
    """The November return approved by the approver (Celery recomputes the rows eagerly once
    the approval commits)."""
    from accounts.models import User
    from submissions import approval

    approver = User.objects.get(username="approver")
    approval.submission_approve(submitted_returns.november, by=approver)
    return submitted_returns.november
