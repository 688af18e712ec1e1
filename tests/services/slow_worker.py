"""`python -m tests.services.slow_worker -A portal worker …`: a Celery worker whose recompute
takes three seconds per measure, so that a test can kill it halfway through one."""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from celery.__main__ import main  # noqa: E402

from scorecard.services import recomputing  # noqa: E402

_compute_row = recomputing.compute_row


def _slowly(*args, **kwargs):
    time.sleep(3)
    return _compute_row(*args, **kwargs)


recomputing.compute_row = _slowly

if __name__ == "__main__":
    sys.argv[0] = "celery"
    sys.exit(main())
