"""Load test: 50 data leads submitting and 5 approvers approving, for a bounded time, against
gunicorn and PostgreSQL on this machine, while one client uploads hostile files. Passes when
no response is a 5xx, nothing submitted or approved is lost or duplicated, and sign-in's p95
is under a second. Not part of `make test`; run with `make bench-load` (PostgreSQL needed):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal make bench-load SECONDS=60

It makes (and afterwards drops) its own database `<name>_load` beside DATABASE_URL's, serves
the portal with `gunicorn --no-control-socket` on a free local port, as a production machine
would (DEBUG off, static files collected, two-factor sign-in for approvers), with Celery tasks
run in the web process (no REDIS_URL). Each virtual user comes through a pretend reverse proxy
(TRUSTED_PROXY_HOPS=1 and its own X-Forwarded-For), as behind the proxy the README prescribes.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import requests

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password-2026"
LEADS, APPROVERS = 50, 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Session(requests.Session):
    """A browser over plain HTTP to a portal whose cookies are Secure (DEBUG off): the cookies
    are kept and sent anyway, as a browser would through the TLS-terminating proxy."""

    def __init__(self, address: str, results: Results) -> None:
        super().__init__()
        self.results = results
        self.headers["X-Forwarded-For"] = address
        # A new connection each time: reusing one the server has just closed (gunicorn keeps
        # idle connections 2 s) fails on the client's side, before the portal sees it.
        self.headers["Connection"] = "close"

    def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        started = time.monotonic()
        response = super().request(method, url, *args, **kwargs)
        path = urlparse(url).path
        label = f"{method} {re.sub(r'/[0-9]+/', '/{id}/', path)}"
        with self.results.lock:
            self.results.latency[label].append(time.monotonic() - started)
        for cookie in self.cookies:
            cookie.secure = False
        return response


@dataclass
class Results:
    started: float = field(default_factory=time.monotonic)
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    sign_ins: list[float] = field(default_factory=list)
    created: dict[int, str] = field(default_factory=dict)  # submission id → value sent
    submitted: set[int] = field(default_factory=set)
    approved: dict[int, str] = field(default_factory=dict)  # submission id → approver
    conflicts: int = 0
    hostile: Counter[str] = field(default_factory=Counter)
    latency: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    client_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seen(self, response: requests.Response, what: str) -> requests.Response:
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.server_errors.append(f"{what}: {response.status_code}")
        return response


class Portal:
    def __init__(self, base: str, results: Results, deadline: float) -> None:
        self.base, self.results, self.deadline = base, results, deadline

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def sign_in(self, session: Session, username: str, code: str | None = None) -> None:
        page = session.get(f"{self.base}/accounts/login/")
        self.results.seen(page, "sign-in page")
        started = time.monotonic()
        response = self.results.seen(
            session.post(
                f"{self.base}/accounts/login/",
                {
                    "username": username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": session.cookies["csrftoken"],
                },
                allow_redirects=False,
            ),
            "sign in",
        )
        with self.results.lock:
            self.results.sign_ins.append(time.monotonic() - started)
        assert response.status_code == 302, (username, response.status_code)

    def token(self, session: Session, username: str, otp: str | None = None) -> str:
        body = {"username": username, "password": PASSWORD, **({"otp": otp} if otp else {})}
        response = self.results.seen(session.post(f"{self.base}/api/v1/token/", json=body), "token")
        assert response.status_code == 200, (username, response.status_code, response.text)
        return str(response.json()["token"])


def lead(portal: Portal, index: int, username: str, figures: list[tuple[int, str, bool]]) -> None:
    results, base = portal.results, portal.base
    session = Session(f"198.51.100.{index + 1}", results)
    time.sleep(index * 0.5)  # people arrive over the first 25 seconds
    portal.sign_in(session, username)
    api = Session(f"198.51.100.{index + 1}", results)
    api.headers["Authorization"] = f"Token {portal.token(api, username)}"
    signed_in_again = False
    while portal.running():
        measure, period, percentage = random.choice(figures)
        value = str(random.randint(1, 99) if percentage else random.randint(50, 150))
        body = {"values": [{"measure": measure, "period": period, "value": value, "note": "Load"}]}
        created = results.seen(api.post(f"{base}/api/v1/submissions/", json=body), "create")
        if created.status_code == 201:
            number = created.json()["id"]
            with results.lock:
                results.created[number] = value
            sent = results.seen(api.post(f"{base}/api/v1/submissions/{number}/submit/"), "submit")
            if sent.status_code == 200:
                with results.lock:
                    results.submitted.add(number)
        results.seen(session.get(f"{base}/submissions/"), "home page")
        if not signed_in_again and time.monotonic() - results.started > 35:
            signed_in_again = True  # a second sign-in each, in the thick of it
            results.seen(
                session.post(
                    f"{base}/accounts/logout/",
                    {"csrfmiddlewaretoken": session.cookies["csrftoken"]},
                ),
                "sign out",
            )
            portal.sign_in(session, username)
            # Signing out revoked the script's token too: it asks for a new one.
            api.headers["Authorization"] = f"Token {portal.token(api, username)}"
        time.sleep(random.uniform(2.0, 4.0))


def approver(portal: Portal, index: int, username: str, key: bytes) -> None:
    from django_otp.oath import TOTP

    results, base = portal.results, portal.base
    time.sleep(2 + index * 2)
    web = Session(f"203.0.113.{index + 1}", results)
    portal.sign_in(web, username)
    api = Session(f"203.0.113.{index + 1}", results)
    api.headers["Authorization"] = (
        f"Token {portal.token(api, username, f'{TOTP(key).token():06d}')}"
    )
    while portal.running():
        queue = api.get(f"{base}/api/v1/submissions/", params={"status": "submitted"})
        listed = results.seen(queue, "queue")
        waiting = [s["id"] for s in listed.json() if s["status"] == "submitted"]
        for number in random.sample(waiting, min(3, len(waiting))):
            response = results.seen(
                api.post(f"{base}/api/v1/submissions/{number}/approve/"), "approve"
            )
            with results.lock:
                if response.status_code == 200:
                    assert number not in results.approved, f"{number} approved twice"
                    results.approved[number] = username
                elif response.status_code == 409:
                    results.conflicts += 1
        time.sleep(random.uniform(1.0, 2.0))


def attacker(portal: Portal, username: str) -> None:
    """One client uploading hostile files, one after another."""
    from tests.hostile import HOSTILE

    files = [(name, filename, make()) for name, (filename, make) in HOSTILE.items()]
    results, base = portal.results, portal.base
    session = Session("192.0.2.66", results)
    portal.sign_in(session, username)
    while portal.running():
        for name, filename, content in files:
            if not portal.running():
                break
            page = results.seen(session.get(f"{base}/submissions/upload/"), "upload page")
            response = results.seen(
                session.post(
                    f"{base}/submissions/upload/",
                    data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
                    files={"file": (filename, content)},
                    allow_redirects=False,
                ),
                f"hostile upload {name}",
            )
            refused = page.status_code == 200 and response.status_code == 200
            with results.lock:
                results.hostile["refused" if refused else f"answered {response.status_code}"] += 1
            time.sleep(1)


def guarded(results: Results, work, *args) -> None:  # type: ignore[no-untyped-def]
    """Run a virtual user; a failure on the client's side is recorded, never silent."""
    try:
        work(*args)
    except Exception as exc:
        with results.lock:
            results.client_errors.append(f"{work.__name__}: {exc!r}")


def load_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The load test needs PostgreSQL: set DATABASE_URL=postgres://…")
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"{parts.path.rstrip('/') or '/portal'}_load"))


def recreate(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    maintenance = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def drop(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    maintenance = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


Figures = list[tuple[int, str, bool]]


def prepare(env: dict[str, str]) -> tuple[list[tuple[str, Figures]], list[tuple[str, bytes]]]:
    """Migrate, load the demo, collect static files; make the leads and approvers. Returns each
    lead with the figures they may send (measure, period, is a percentage), and each approver
    with their authenticator's key."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Organisation, Role, User
    from scorecard.models import Measure
    from scorecard.periods import latest_ended

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--force", verbosity=0, stdout=quiet)
    call_command("collectstatic", "--noinput", verbosity=0)
    password = make_password(PASSWORD)
    leads = []
    organisations = list(Organisation.objects.order_by("short_name"))
    for index in range(LEADS + 1):  # one more: the attacker, a data lead too
        organisation = organisations[index % len(organisations)]
        user = User.objects.create(
            username=f"load.lead{index:02d}",
            role=Role.DATA_LEAD,
            organisation=organisation,
            password=password,
        )
        figures = []
        for measure in Measure.objects.filter(
            organisation=organisation, value_kind__in=["count", "percentage"], active=True
        ):
            period = latest_ended(measure.periods_of, timezone.localdate())
            for _ in range(12):  # the latest twelve ended periods of its kind
                figures.append((measure.number, period.label, measure.value_kind == "percentage"))
                period = period.previous()
        leads.append((user.username, figures))
    approvers = []
    for index in range(APPROVERS):
        user = User.objects.create(
            username=f"load.approver{index}", role=Role.APPROVER, password=password
        )
        device = TOTPDevice.objects.create(user=user, name="Load test", confirmed=True)
        approvers.append((user.username, device.bin_key))
    return leads, approvers


def check(results: Results) -> list[str]:
    """What the database holds against what the clients were told."""
    from audit.models import Action
    from scorecard.models import DataPoint
    from submissions.models import Status, Submission

    problems = []
    ours = Submission.objects.filter(created_by__username__startswith="load.lead")
    if ours.count() != len(results.created):
        problems.append(f"{ours.count()} returns saved for {len(results.created)} created")
    for submission in ours.prefetch_related("values", "events"):
        values = [format(v.value.normalize(), "f") for v in submission.values.all()]
        if values != [results.created.get(submission.pk)]:
            problems.append(f"return {submission.pk} holds {values}")
        approvals = [e for e in submission.events.all() if e.action == Action.APPROVE]
        if submission.pk in results.approved:
            if submission.status != Status.APPROVED or len(approvals) != 1:
                problems.append(f"return {submission.pk}: {submission.status}, {len(approvals)}")
            for value in submission.values.all():
                # A value already current makes no new version, so links to none: it must be
                # among the figure's versions (the current one may since come from a later return).
                if (
                    value.data_point_id is None
                    and not DataPoint.objects.filter(
                        measure_id=value.measure_id,
                        area_id=value.area_id,
                        period_id=value.period_id,
                        value=value.value,
                    ).exists()
                ):
                    problems.append(f"return {submission.pk} approved without its data point")
        elif approvals or submission.status == Status.APPROVED:
            problems.append(f"return {submission.pk} approved though no approver was told so")
        elif submission.pk in results.submitted and submission.status != Status.SUBMITTED:
            problems.append(f"return {submission.pk} is {submission.status}, not submitted")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="how long the users work")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    arguments = parser.parse_args()

    url = load_database_url()
    port = free_port()
    var = Path(tempfile.mkdtemp(prefix="portal-load-"))
    env = {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXY_HOPS": "1",
        "VAR_DIR": str(var),
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "LOG_LEVEL": "WARNING",
    }
    print(f"Preparing {url} (migrate, demo, {LEADS} leads, {APPROVERS} approvers)…", flush=True)
    recreate(url)
    leads, approvers = prepare(env)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--no-control-socket",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(arguments.workers),
            "--threads",
            str(arguments.threads),
            "--timeout",
            "30",
        ],
        cwd=REPO,
        env={**os.environ, **env},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/accounts/login/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        results = Results()
        portal = Portal(base, results, time.monotonic() + arguments.seconds)
        threads = [
            threading.Thread(target=guarded, args=(results, lead, portal, i, name, figures))
            for i, (name, figures) in enumerate(leads[:LEADS])
        ]
        threads += [
            threading.Thread(target=guarded, args=(results, approver, portal, i, name, key))
            for i, (name, key) in enumerate(approvers)
        ]
        threads.append(
            threading.Thread(target=guarded, args=(results, attacker, portal, leads[LEADS][0]))
        )
        print(f"Running for {arguments.seconds} s against gunicorn on {base}…", flush=True)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=arguments.seconds + 120)
    finally:
        server.terminate()
        server.wait(timeout=30)
    problems = check(results)
    elapsed = time.monotonic() - results.started
    sign_ins = sorted(results.sign_ins)
    p95 = sign_ins[int(0.95 * (len(sign_ins) - 1))] if sign_ins else float("nan")
    requests_made = sum(results.statuses.values())
    print(f"\nRequests: {requests_made:,} in {elapsed:.0f} s ({requests_made / elapsed:.1f}/s); "
          f"statuses {dict(sorted(results.statuses.items()))}")  # fmt: skip
    print(f"Returns created {len(results.created):,}, submitted {len(results.submitted):,}, "
          f"approved {len(results.approved):,}; approvals refused as already decided "
          f"{results.conflicts:,}")  # fmt: skip
    print(f"Hostile uploads: {dict(results.hostile)}")
    print(f"Sign-in: {len(sign_ins)} sign-ins, median {statistics.median(sign_ins):.3f} s, "
          f"p95 {p95:.3f} s, slowest {sign_ins[-1]:.3f} s")  # fmt: skip
    print("\nLatency by request (count, median, p95, slowest, seconds):")
    for label, times in sorted(results.latency.items()):
        times.sort()
        print(f"  {label:45} {len(times):5} {statistics.median(times):6.3f} "
              f"{times[int(0.95 * (len(times) - 1))]:6.3f} {times[-1]:6.3f}")  # fmt: skip
    if results.client_errors:
        problems.append(f"{len(results.client_errors)} virtual users stopped: "
                        f"{results.client_errors[:3]}")  # fmt: skip
    if results.server_errors:
        problems.append(f"{len(results.server_errors)} 5xx: {results.server_errors[:5]}")
    if p95 >= 1:
        problems.append(f"sign-in p95 {p95:.2f} s is not under a second")
    if not results.hostile or set(results.hostile) != {"refused"}:
        problems.append(f"hostile uploads: {dict(results.hostile)}")
    from django.db import connections

    connections.close_all()
    drop(url)
    print("\n" + ("FAILED:\n  " + "\n  ".join(problems) if problems else "PASSED: no 5xx, "
          "nothing lost or duplicated, sign-in p95 under a second"))  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
