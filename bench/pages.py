"""Pages: the scorecard page and API at 40 and 1,000 measures, against a minimal signed-in page

The minimal page is the account's API tokens page (`/accounts/api-tokens/`): the same stack
(sessions, sign-in, middleware, the base template with its header) and one query of its own. All
three are read as a board member. In process, each figure is the median of repeated requests
through Django's test client, after one request has filled the cache (the first, uncached, is
printed too). Concurrent reads run gunicorn in a subprocess against this run's database, with 50
client threads for a few seconds per address (PostgreSQL only: SQLite's test database is in
memory, out of the server's reach).
"""

import gc
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from accounts.models import Role, User
from bench.data import bench_measures
from bench.ratios import Results
from scorecard.models import Measure
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.versioning import scorecard_changed

MINIMAL, PAGE, API = "/accounts/api-tokens/", "/scorecard/", "/api/v1/scorecard/"
PERIODS = 120
REPEAT = 15
CLIENTS, SECONDS = 50, 8
REPO = Path(__file__).resolve().parent.parent


def run(results: Results) -> None:
    _collect_static()
    measures = bench_measures(1_000, periods=PERIODS)
    board, _ = User.objects.get_or_create(
        username="bench.board", defaults={"role": Role.BOARD_MEMBER}
    )
    client = Client()
    client.force_login(board)

    for count in (40, 1_000):
        _show_only(measures[:count])
        gc.collect()  # the figures just generated and computed are garbage: not the pages'
        minimal, page, api = _medians(client, [MINIMAL, PAGE, API], count)
        suffix = "" if count == 1_000 else f"_{count}"
        results.record(f"scorecard_page{suffix}_vs_minimal", page, minimal)
        results.record(f"scorecard_api{suffix}_vs_minimal", api, minimal)

    if connection.vendor != "postgresql":
        print("Concurrent reads skipped: they need PostgreSQL (set DATABASE_URL).")
        return
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with _gunicorn() as base:
        api_rps, api_p95 = _concurrent(base, API, cookie)
        minimal_rps, minimal_p95 = _concurrent(base, MINIMAL, cookie)
    print(f"{CLIENTS} clients, {SECONDS} s each, gunicorn 3 workers x 4 threads:")
    print(f"  API at 1,000 measures: {api_rps:.1f} requests/s, p95 {api_p95 * 1000:.0f} ms")
    print(f"  minimal page: {minimal_rps:.1f} requests/s, p95 {minimal_p95 * 1000:.0f} ms")
    # The ratio is of requests/s; Results takes times, so it is given the time per request.
    results.record(
        "scorecard_api_rps_vs_minimal",
        1 / minimal_rps,
        1 / api_rps,
        note="seconds per request, minimal / API: the ratio of requests per second, API / minimal",
    )


def _collect_static() -> None:
    """The production stack serves hashed static files from a manifest, as a deployment
    collects them (some 15 s, so only when none have been collected)."""
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)


def _show_only(measures: list[Measure]) -> None:
    """Make exactly these measures the active catalogue, with their rows computed. A bulk
    update sends no signal, so it changes the live version itself, as services do."""
    ids = [m.pk for m in measures]
    Measure.objects.exclude(pk__in=ids).update(active=False)
    Measure.objects.filter(pk__in=ids).update(active=True)
    scorecard_changed()
    scorecard_recompute(ids)


def _medians(client: Client, paths: list[str], measures: int) -> list[float]:
    """Median seconds of REPEAT requests of each path, once the first has filled the cache;
    the paths take turns, so that whatever else the machine does weighs on each alike."""
    times: dict[str, list[float]] = {path: [] for path in paths}
    sizes = {}
    for _ in range(REPEAT + 1):
        for path in paths:
            start = time.perf_counter()
            response = client.get(path, secure=True)
            times[path].append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
            sizes[path] = len(response.content)
    medians = []
    for path in paths:
        cold, *warm = times[path]
        medians.append(statistics.median(warm))
        print(
            f"{path} at {measures:,} measures: {medians[-1] * 1000:.1f} ms "
            f"({sizes[path] / 1000:,.0f} kB); first request {cold * 1000:.0f} ms"
        )
    return medians


class _gunicorn:
    """gunicorn serving this run's database on a free port, for the `with` block."""

    def __enter__(self) -> str:
        from bench.load import free_port

        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}"
            f"/{db['NAME']}",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
        self.server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "portal.wsgi", "--no-control-socket"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "3", "--threads", "4"),
                *("--timeout", "60", "--log-level", "warning"),
            ],
            cwd=REPO,
            env=env,
        )
        self.port = port
        for _ in range(150):
            try:
                _get(port, MINIMAL, "")
                break
            except OSError:
                time.sleep(0.2)
        return str(port)

    def __exit__(self, *exc: object) -> None:
        self.server.terminate()
        self.server.wait(timeout=30)


def _get(
    port: int, path: str, cookie: str, conn: http.client.HTTPConnection | None = None
) -> tuple[int, int]:
    """GET `path` accepting gzip, as browsers and HTTP libraries do; the status and the bytes
    sent. The body is read, not decompressed: as with any load generator, the client's own work
    would otherwise take the machine's two cores from the server it measures."""
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Host": "127.0.0.1", "Accept-Encoding": "gzip"}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, len(response.read())


def _concurrent(port: str, path: str, cookie: str) -> tuple[float, float]:
    """Requests per second and p95 seconds of CLIENTS threads each requesting `path` in turn,
    over a kept-alive connection, for SECONDS; every answer must be a 200."""
    status, size = _get(int(port), path, cookie)  # fills the cache
    assert status == 200, (path, status)
    print(f"  {path}: {size / 1000:,.0f} kB a response as sent")
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    until = time.perf_counter() + SECONDS

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
        mine = []
        while time.perf_counter() < until:
            start = time.perf_counter()
            try:
                status, _ = _get(int(port), path, cookie, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
                continue
            mine.append(time.perf_counter() - start)
            if status != 200:
                with lock:
                    failures.append(status)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    _each(threads, threading.Thread.start)
    _each(threads, threading.Thread.join)
    elapsed = time.perf_counter() - started
    assert not failures, f"{path}: {len(failures)} answers were not 200 ({failures[:3]})"
    latencies.sort()
    return len(latencies) / elapsed, latencies[int(0.95 * (len(latencies) - 1))]


def _each(threads: list[threading.Thread], action: Callable[[threading.Thread], None]) -> None:
    for thread in threads:
        action(thread)
