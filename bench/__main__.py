"""Run every benchmark against a throwaway test database and print the ratios.

Each benchmark measures two ways of doing the same work in the same run, so the ratio holds
whatever machine it runs on; absolute times are printed only for context.
"""

import os
import sys
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnop")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def timed(work: Callable[[], object], repeat: int = 3) -> float:
    """Median wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def queries(work: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as context:
        work()
    return len(context.captured_queries)


# Modules that measure issue 14's ratios; each has `run(results: Results)`.
RATIO_MODULES = ["bench.upload", "bench.recompute", "bench.pages"]


def main() -> int:
    import importlib

    from bench import benchmarks
    from bench.ratios import Results

    setup_test_environment()
    # create_test_db returns the test database's name; destroying it must restore the real one.
    real_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0)
    results = Results()
    try:
        for benchmark in benchmarks.ALL:
            print(f"\n## {benchmark.__doc__}")
            benchmark(timed, queries)
        for name in RATIO_MODULES:
            module = importlib.import_module(name)
            print(f"\n## {module.__doc__.splitlines()[0]}")
            module.run(results)
        results.write()  # while the test database exists: it asks the server for its version
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
