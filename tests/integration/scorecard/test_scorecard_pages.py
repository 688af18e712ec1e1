"""The live page tells readers when approved figures are still on their way."""

import pytest

from submissions.models import Status
from tests.conftest import client_for
from tests.factories import Value, submission

pytestmark = pytest.mark.django_db


def test_the_live_page_says_when_newly_approved_figures_are_still_being_added(
    imported, board, lead, approver
):
    # Approved, and the recompute queued once the approval commits has not run yet.
    submission(
        by=lead, values=[Value(1, "Nov 23", "65")], status=Status.APPROVED, decided_by=approver
    )
    page = client_for(board).get("/scorecard/").content.decode()
    assert "Newly approved figures for 1 measure are being added" in page


def test_no_updating_banner_when_the_scorecard_is_current(imported, board):
    assert "being added" not in client_for(board).get("/scorecard/").content.decode()
