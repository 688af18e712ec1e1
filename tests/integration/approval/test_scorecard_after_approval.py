"""What the board reads after sign-off: approved figures reach the live scorecard, with new
periods, arrows and comparisons, and nothing else moves."""

from dataclasses import replace
from decimal import Decimal

import pytest

from scorecard.selectors import live_scorecard
from submissions.approval import submission_approve, submission_send_back
from tests.factories import Value, submission

pytestmark = pytest.mark.django_db


def rows_by_number():
    return {row.number: row for row in live_scorecard().rows}


def test_approved_new_periods_reach_the_live_scorecard_and_every_other_row_is_unchanged(
    imported, lead, icu_lead, approver, commit
):
    before = rows_by_number()
    police = submission(by=lead, values=[Value(1, "Nov 23", "65")])
    icu = submission(
        by=icu_lead, values=[Value(4, "2023/24", "5.2"), Value(4, "2023/24", "3.1", area="England")]
    )

    with commit():
        submission_approve(police.pk, by=approver)
        submission_approve(icu.pk, by=approver)

    after = rows_by_number()
    measure_1, measure_4 = after[1], after[4]
    assert (measure_1.latest_period, measure_1.local_value, measure_1.england_value) == (
        "Nov 23",
        Decimal("65"),
        None,
    )
    assert (measure_1.direction, measure_1.compared) == ("↑", "Not Comparable")  # 65 > 60, a count
    assert measure_1.series == [
        {"period": "Oct 23", "value": 60},
        {"period": "Nov 23", "value": 65},
    ]
    assert (measure_4.latest_period, measure_4.local_value, measure_4.england_value) == (
        "2023/24",
        Decimal("5.2"),
        Decimal("3.1"),
    )
    assert (measure_4.direction, measure_4.compared) == ("↑", "Higher")  # 5.2 > 4.9; 5.2 > 3.1
    assert measure_4.series == [
        {"period": "2022/23", "value": 4.9},
        {"period": "2023/24", "value": 5.2},
    ]
    assert {n: r for n, r in after.items() if n not in (1, 4)} == {
        n: r for n, r in before.items() if n not in (1, 4)
    }
    # Row 4 has no numerator and denominator: compared on the values only, never judged.
    assert (measure_4.method, measure_4.tested, measure_4.judgement) == (
        "values only",
        False,
        "Not tested",
    )
    # Rows 1 and 4 differ only in what the new figures change: the arrow is now computed from
    # two consecutive periods rather than stated by May-2024, and two periods are held.
    assert (measure_1.direction_reason, measure_1.trend_note) == (
        "",
        "it needs five consecutive periods and 2 periods are held",
    )
    assert (
        replace(
            measure_1,
            latest_period=before[1].latest_period,
            local_value=before[1].local_value,
            series=before[1].series,
            direction_reason=before[1].direction_reason,
            trend_note=before[1].trend_note,
        )
        == before[1]
    )


def test_unapproved_and_sent_back_figures_never_reach_the_live_scorecard(
    imported, lead, approver, commit
):
    before = rows_by_number()
    waiting = submission(by=lead, values=[Value(1, "Nov 23", "65")])
    returned = submission(by=lead, values=[Value(7, "Nov 23", "40")])

    with commit():
        submission_send_back(returned.pk, by=approver, comment="Please check")

    assert rows_by_number() == before
    assert waiting.status == "submitted"
