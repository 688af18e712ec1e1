"""Fixtures for tests against real services: PostgreSQL, Redis and a Celery worker process.

Each service fixture skips its tests, with the reason shown in the summary (`-ra`), when its
environment variable is absent, and FAILS them when the variable is set but the service does not
answer: a run that asked for PostgreSQL or Redis must never pass by quietly skipping.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/0 \\
        DEBUG=0 .venv/bin/pytest tests/services -q
"""

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from kombu import pools as kombu_pools

from portal.celery import app as celery_app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def postgres() -> str:
    """The DATABASE_URL of a reachable PostgreSQL, which the whole test run then uses.

    Session-scoped so it runs before pytest-django creates the test database: an unreachable
    server is reported here, in plain words, rather than as a connection traceback.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(f"needs PostgreSQL; DATABASE_URL is {url.split(':', 1)[0]}")
    import psycopg

    try:
        # The maintenance database, as Django uses to create `test_<name>`: the named database
        # itself need not exist for the tests.
        conninfo = url.replace("postgres://", "postgresql://", 1)
        psycopg.connect(conninfo, dbname="postgres", connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.fail(f"DATABASE_URL is set but PostgreSQL is unreachable: {exc}", pytrace=False)
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The REDIS_URL of a reachable Redis."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("needs Redis: set REDIS_URL=redis://…")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        pytest.fail(f"REDIS_URL is set but Redis is unreachable: {exc}", pytrace=False)
    return url


@contextmanager
def celery_configured(**conf: Any) -> Iterator[Any]:
    """Reconfigure the Celery app for one test (broker, eagerness, default queue), then restore.

    Celery reads Django's settings once, so overriding settings alone changes nothing; its
    connection pool and routing are cached too, so both are dropped on the way in and out.
    """
    old = {key: celery_app.conf[key] for key in conf}
    celery_app.conf.update(conf)
    _drop_connections()
    try:
        yield celery_app
    finally:
        celery_app.conf.update(old)
        _drop_connections()


def _drop_connections() -> None:
    # The app's pool lives in kombu's global registry: closing it alone leaves a closed pool
    # there for the next producer to trip over, so the registry is reset as a whole.
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


def worker_database_url() -> str:
    """A DATABASE_URL for another process to reach the database this test is using
    (pytest-django's `test_<name>`, not the one DATABASE_URL names)."""
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgresql://{credentials}@{host}/{quote(s['NAME'], safe='')}"


class Worker:
    """A `celery worker` subprocess consuming only its own queue, so it can take no other
    run's tasks and no other worker can take its."""

    def __init__(
        self,
        broker_url: str,
        *,
        queue: str | None = None,
        env: dict[str, str] | None = None,
        slow: bool = False,
    ) -> None:
        """`queue` shares another worker's queue (two workers racing for its tasks); `env` adds
        to the worker's environment (say, EMAIL_URL); `slow` makes every recompute dawdle, to be
        killed mid-task."""
        self.broker_url = broker_url
        self.queue = queue or f"test-{uuid.uuid4().hex[:12]}"
        self.slow = slow
        self.log = REPO / "var" / f"{self.queue}-{uuid.uuid4().hex[:6]}.log"
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": self.broker_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **self.env,
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.services.slow_worker" if self.slow else "celery",
                    "-A",
                    "portal",
                    "worker",
                    "--pool",
                    "solo",
                    "--concurrency",
                    "1",
                    "-Q",
                    self.queue,
                    "--hostname",
                    f"{self.log.stem}@%h",
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a lost machine would: no goodbye."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        import redis

        client = redis.Redis.from_url(self.broker_url)
        for key in client.scan_iter(match=f"*{self.queue}*"):  # the queue and kombu's bindings
            client.delete(key)
        client.close()
        self.log.unlink(missing_ok=True)


@pytest.fixture
def celery_worker(postgres, redis_url, transactional_db) -> Iterator[Worker]:
    """A real worker on the test database, with this process sending to its queue, not eager."""
    worker = Worker(redis_url)
    worker.start()
    try:
        with celery_configured(
            broker_url=redis_url, task_always_eager=False, task_default_queue=worker.queue
        ):
            yield worker
    finally:
        worker.stop()


def wait_until(condition: Callable[[], bool], *, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def race(action: Callable[[Any], Any], arguments: list[Any]) -> list[Any]:
    """Run `action(argument)` in one thread per argument, released together; each result, or the
    exception it raised. Each thread closes its own database connection."""
    barrier = threading.Barrier(len(arguments))
    results: list[Any] = [None] * len(arguments)

    def run(index: int, argument: Any) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action(argument)
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing thread is stuck (deadlock?)"
    return results
