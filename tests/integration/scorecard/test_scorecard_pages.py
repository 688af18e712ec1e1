"""The live page tells readers when approved figures are still on their way."""

from decimal import Decimal

import pytest

from scorecard.models import Measure
from scorecard.services.recording import record_value
from tests.conftest import client_for
from tests.factories import local_area, reporting_period

pytestmark = pytest.mark.django_db


def test_the_live_page_says_when_newly_approved_figures_are_still_being_added(imported, board):
    record_value(
        Measure.objects.get(number=1),
        local_area(),
        reporting_period("Nov 23"),
        Decimal("65"),
        origin="test",
    )
    page = client_for(board).get("/scorecard/").content.decode()
    assert "Newly approved figures for 1 measure are being added" in page


def test_no_updating_banner_when_the_scorecard_is_current(imported, board):
    assert "being added" not in client_for(board).get("/scorecard/").content.decode()
