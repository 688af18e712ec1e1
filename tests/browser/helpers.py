"""What every journey does on every page: check it with axe-core, keep a screenshot, sign in.

axe-core injection and the portal's CSP (`script-src 'self'`): `page.add_script_tag(path=...)`
inserts the file as an inline <script>, which the CSP blocks (verified: "Executing inline script
violates the following Content Security Policy directive"). Rather than switch the CSP off for
the whole context (`bypass_csp=True`, which would also hide the pages' own CSP mistakes), the
context answers a same-origin URL, AXE_URL, with node_modules/axe-core/axe.min.js through
`context.route` (see `serve_axe`), and the helper adds `<script src=AXE_URL>`: allowed by
`'self'`, and the portal's server never sees the request.
"""

import json
import os
import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, Route, expect

REPO = Path(__file__).resolve().parent.parent.parent
AXE_PATH = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL_PATH = "/__browser-tests__/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Also run (and record, never fail on) axe's best practices: useful in the .axe.json reports.
RECORDED_TAGS = [*WCAG_TAGS, "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}


def screenshots_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def serve_axe(context: BrowserContext) -> None:
    """Answer AXE_URL on any origin with the local axe-core file (never reaches the server)."""
    body = AXE_PATH.read_bytes()

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, body=body, content_type="text/javascript; charset=utf-8")

    context.route(re.compile(re.escape(AXE_URL_PATH) + r"$"), fulfil)


class PageProblems:
    """Console errors and uncaught exceptions a page raised (CSP violations, missing assets,
    JavaScript errors): each check reports and clears what has been seen since the last one."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"uncaught exception: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.messages.append(f"console error: {message.text} ({where})")

    def take(self) -> list[str]:
        taken, self.messages = self.messages, []
        return taken


_problems: dict[int, PageProblems] = {}


def watch(page: Page) -> PageProblems:
    """Start collecting `page`'s errors (the `page` fixture does this for every test)."""
    problems = PageProblems(page)
    _problems[id(page)] = problems
    return problems


def _write(path: Path, content: bytes) -> None:
    """Replace `path` at once: with xdist two workers may save the same page (sign-in)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(content)
    os.replace(partial, path)


def _describe(violation: dict) -> str:
    nodes = "\n".join(
        f"      - {', '.join(map(str, node['target']))}: {node['html'][:160]}"
        for node in violation["nodes"][:10]
    )
    more = len(violation["nodes"]) - 10
    if more > 0:
        nodes += f"\n      … and {more} more"
    return (
        f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n"
        f"    {violation['helpUrl']}\n{nodes}"
    )


def save_screenshot(page: Page, name: str) -> Path:
    """The whole page as var/screenshots/<name>.png."""
    path = screenshots_dir() / f"{name}.png"
    page.wait_for_load_state("load")
    _write(path, page.screenshot(full_page=True))
    return path


def check_accessibility(page: Page, name: str) -> list[dict]:
    """Screenshot the page to var/screenshots/<name>.png, run axe-core's WCAG 2.0/2.1/2.2 A and
    AA rules and fail on any serious or critical violation (or any console error or uncaught
    exception the page raised). Writes every violation, of any impact, and axe's best-practice
    findings (recorded only) to <name>.axe.json. Returns them all."""
    folder = screenshots_dir()
    save_screenshot(page, name)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL_PATH)
    results = page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html,
                                          summary: n.failureSummary})),
            }));
        }""",
        RECORDED_TAGS,
    )
    report_json = json.dumps({"url": page.url, "violations": results}, indent=2)
    _write(folder / f"{name}.axe.json", report_json.encode("utf-8"))
    failing = [
        v
        for v in results
        if v["impact"] in FAILING_IMPACTS and any(tag in WCAG_TAGS for tag in v["tags"])
    ]
    problems = _problems[id(page)].take() if id(page) in _problems else []
    report = []
    if failing:
        report.append(
            f"axe-core found {len(failing)} serious or critical WCAG violation(s) on "
            f"{name} ({page.url}):\n" + "\n".join(_describe(v) for v in failing)
        )
    if problems:
        report.append(f"The page {name} ({page.url}) raised:\n  " + "\n  ".join(problems))
    assert not report, "\n".join(report)
    return results


def sign_in(page: Page, username: str, password: str, *, check: bool = True) -> None:
    """Sign in through the real form at /accounts/login/ and wait for the next page to load (its
    address changes before its stylesheet has arrived, and a test may measure the layout)."""
    page.goto("/accounts/login/")
    if check:
        check_accessibility(page, "sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.wait_for_load_state("load")
    if "/accounts/two-factor/" in page.url:
        second_step(page, username, check=check)


def second_step(page: Page, username: str, *, check: bool = True) -> None:
    """Approvers and admins (with DEBUG off, as in the suite): on a first sign-in, set up an
    authenticator with the key the page shows, as a person types it into their app; after
    that, enter the code their (confirmed) authenticator shows now."""
    from base64 import b32decode

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import totp_code

    if "/setup/" in page.url:
        if check:
            check_accessibility(page, "two-factor-setup")
        secret = page.locator("#secret").inner_text().replace(" ", "")
        code = f"{TOTP(b32decode(secret)).token():06d}"
        button = "Confirm and continue"
    else:
        if check:
            check_accessibility(page, "two-factor")
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        code = totp_code(device)
        button = "Continue"
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name=button).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/two-factor/"))
    page.wait_for_load_state("load")


def sign_out(page: Page) -> None:
    """Sign out with the header's button (a POST form); Django then shows the sign-in page."""
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


VALUES_HEADER = ("measure", "period", "area", "value", "numerator", "denominator", "note")


def write_values_csv(path: Path, rows: list[tuple[object, ...]]) -> Path:
    """A long-format values file (the contract's header row), one tuple of cells per row."""
    lines = [",".join(VALUES_HEADER)]
    for row in rows:
        cells = [str(cell) for cell in row]
        lines.append(",".join(cells + [""] * (len(VALUES_HEADER) - len(cells))))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tab_to(page: Page, target: Locator, *, limit: int = 60) -> int:
    """Press Tab until `target` has the focus, as a keyboard user would; fail if it never
    does within `limit` presses. Returns the number of presses."""
    target.wait_for()
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return presses
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML")
    raise AssertionError(
        f"{target} not reached after {limit} Tab presses; focus is on {str(focused)[:200]}"
    )
