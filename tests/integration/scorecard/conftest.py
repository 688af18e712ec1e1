"""Fixtures for the scorecard pages: new approved figures after the reference import."""

import pytest

from submissions.approval import submission_approve
from tests.factories import Value, submission


@pytest.fixture
def new_figures(imported, lead, icu_lead, approver, django_capture_on_commit_callbacks):
    """A new month for measure 1 (Police) and a new financial year for measure 4 (ICU), each
    returned, approved and computed as in production: rows 1 and 4 differ from the May-2024
    edition, every other row is as published."""
    police = submission(by=lead, values=[Value(1, "Nov 23", "64")])
    icu = submission(
        by=icu_lead, values=[Value(4, "2023/24", "5.3"), Value(4, "2023/24", "3.2", "England")]
    )
    with django_capture_on_commit_callbacks(execute=True):  # the recompute, run eagerly
        submission_approve(police.pk, by=approver)
        submission_approve(icu.pk, by=approver)
    return {1, 4}
