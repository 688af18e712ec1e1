"""Fixtures for the scorecard pages: new approved figures after the reference import."""

from decimal import Decimal

import pytest
from django.db import transaction

from scorecard.models import Area, AreaKind, Measure
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.recording import record_value
from tests.factories import reporting_period


@pytest.fixture
def new_figures(imported, lead, approver):
    """A new month for measure 1 and a new financial year for measure 4, approved and computed:
    rows 1 and 4 differ from the May-2024 edition, every other row is as published."""
    local = Area.objects.get(kind=AreaKind.LOCAL)
    england = Area.objects.get(kind=AreaKind.ENGLAND)
    one, four = Measure.objects.get(number=1), Measure.objects.get(number=4)
    with transaction.atomic():
        record_value(
            one,
            local,
            reporting_period("Nov 23"),
            Decimal("64"),
            origin="submission 1",
            submitted_by=lead,
            approved_by=approver,
        )
        year = reporting_period("2023/24")
        for area, value in ((local, "5.3"), (england, "3.2")):
            record_value(
                four,
                area,
                year,
                Decimal(value),
                origin="submission 2",
                submitted_by=lead,
                approved_by=approver,
            )
    scorecard_recompute([one.pk, four.pk])
    return {1, 4}
