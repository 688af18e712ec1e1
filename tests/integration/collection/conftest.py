"""A small collection world on a frozen clock: Police (a data lead, a monthly and a quarterly
measure), the OPCC (a lead, an annual measure), an approver; returns are made through the
submission and approval services at the dates the tests name."""

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role
from scorecard.models import Measure
from submissions.approval import submission_approve, submission_send_back
from submissions.models import Channel, Submission
from submissions.services import submission_create
from submissions.validation import RawRow
from tests.factories import MeasureFactory, UserFactory, local_area

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10) -> datetime:
    """A moment on `day` in London, for time_machine."""
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def clock():
    """`clock(day)` moves the frozen clock to 10am on `day` (London) for the rest of the test."""
    traveller = None

    def move(day: date) -> None:
        nonlocal traveller
        if traveller is not None:
            traveller.stop()
        traveller = time_machine.travel(at(day), tick=False)
        traveller.start()

    yield move
    if traveller is not None:
        traveller.stop()


@pytest.fixture
def monthly(organisation) -> Measure:
    """Police's monthly count: due 15 days after the month, reminders 7 days before."""
    local_area()
    return MeasureFactory(
        number=101, name="Drug networks disrupted", organisation=organisation, unit="Monthly count"
    )


@pytest.fixture
def quarterly(organisation) -> Measure:
    """Police's quarterly count: due 90 days after the (financial) quarter."""
    local_area()
    return MeasureFactory(
        number=102,
        name="Referrals to diversion",
        organisation=organisation,
        unit="Quarterly count",
        period_type="financial_quarter",
    )


@pytest.fixture
def annual(organisation) -> Measure:
    """Police's annual count: due 30 days after the financial year."""
    local_area()
    return MeasureFactory(
        number=103,
        name="Drug-related violent crimes",
        organisation=organisation,
        unit="Count",
        period_type="financial_year",
        release_lag_days=30,
    )


@pytest.fixture
def opcc_annual(other_organisation) -> Measure:
    local_area()
    return MeasureFactory(
        number=104,
        name="Drug testing on arrest",
        organisation=other_organisation,
        unit="Percentage",
        period_type="financial_year",
        release_lag_days=60,
    )


@pytest.fixture
def submit(clock) -> Callable[..., Submission]:
    """`submit(lead, {measure number: value}, "Oct 26", on=date)`: a return submitted that day."""

    def _submit(by, values: dict[int, str], period: str, *, on: date, draft=False) -> Submission:
        clock(on)
        rows = [
            RawRow(i, {"measure": str(number), "period": period, "area": "", "value": value})
            for i, (number, value) in enumerate(values.items(), start=1)
        ]
        submission, _ = submission_create(by=by, rows=rows, channel=Channel.FORM, submit=not draft)
        return submission

    return _submit


@pytest.fixture
def approve(clock) -> Callable[..., None]:
    def _approve(submission: Submission, by, *, on: date) -> None:
        clock(on)
        submission_approve(submission.pk, by=by)

    return _approve


@pytest.fixture
def send_back(clock) -> Callable[..., None]:
    def _send_back(submission: Submission, by, *, on: date) -> None:
        clock(on)
        submission_send_back(submission.pk, by=by, comment="Please check the source.")

    return _send_back


@pytest.fixture
def icu_lead(icu):
    return UserFactory(username="lead.icu", role=Role.DATA_LEAD, organisation=icu)
