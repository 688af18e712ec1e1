"""Fixtures for the approval tests: returns awaiting approval, and on-commit callbacks run as a
real commit would run them."""

import pytest

from tests.factories import Value, submission


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` runs the on-commit callbacks (recompute, e-mails) at the end, as a
    committed transaction would; plain test transactions never commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def police_return(imported, lead):
    """Police's November figure for measure 1 (October's approved value is 60)."""
    return submission(by=lead, values=[Value(1, "Nov 23", "65", note="Two new networks mapped")])


@pytest.fixture
def persona(request):
    """Parametrise with a fixture name, or None for an anonymous visitor."""
    return request.getfixturevalue(request.param) if request.param else None
