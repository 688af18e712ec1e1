"""Loaded before Django is set up: the test environment's settings come from here."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("TESTING", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("AXES_ENABLED", "0")
# Tests run tasks in-process unless a test starts a real worker (tests/services/).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
