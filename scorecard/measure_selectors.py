"""Reads for a measure's page: its live row, every approved figure with its versions, and the
series by period with each local figure's confidence interval, gaps included.

Small numbers are suppressed here as on the scorecard (scorecard.methods.is_small_number), so
the page never shows a figure that the board's scorecard hides.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from collection.due import Schedule, describe_schedule
from scorecard import compute, methods
from scorecard.models import AreaKind, DataPoint, Measure
from scorecard.periods import Period
from scorecard.selectors import BoardRow, board_rows, local_area_name, row_of

#: A gap longer than this is not drawn period by period (a measure's periods share one type, so
#: only a wrongly typed figure could make one).
MAX_SERIES = 400


@dataclass(frozen=True)
class SeriesPoint:
    """A period's current local and England figures (None where there is none), the local
    figure's interval (or why it has none) and whether it is suppressed; `held` is False for a
    period missing between the first and the last."""

    period: str
    local: Decimal | None
    england: Decimal | None
    interval: compute.Interval | None = None
    untested: str = ""
    suppressed: bool = False
    held: bool = True


@dataclass(frozen=True)
class HistoryLine:
    """An approved figure and whether the board may see it."""

    point: DataPoint
    suppressed: bool


@dataclass(frozen=True)
class NextDue:
    """The period after the latest figure, when its figures are due, and whether that date has
    passed."""

    period: str
    due: date
    overdue: bool


@dataclass(frozen=True)
class MeasurePage:
    measure: Measure
    row: BoardRow
    history: list[HistoryLine]
    series: list[SeriesPoint]
    area: str
    method: list[str]
    schedule: str
    next_due: NextDue | None

    @property
    def missing(self) -> list[str]:
        return [point.period for point in self.series if not point.held]


_AREA_ORDER = {AreaKind.LOCAL: 0, AreaKind.ENGLAND: 1}


def measure_history(measure: Measure) -> list[HistoryLine]:
    """Every approved figure of a measure with all its versions, current and superseded: newest
    period first, the local area before England, the newest version first.

    Data points are approved by definition, so this never shows a figure awaiting sign-off.
    """
    method = measure.method
    points = sorted(
        # The points' measure is `measure`: its method and name need no query per point.
        DataPoint.objects.filter(measure=measure).select_related(
            "period", "area", "submitted_by", "approved_by"
        ),
        key=lambda p: (
            -p.period.end.toordinal(),
            -p.period.start.toordinal(),
            _AREA_ORDER.get(AreaKind(p.area.kind), 2),
            p.area.name,
            -p.version,
        ),
    )
    for point in points:
        point.measure = measure
    return [
        HistoryLine(
            point,
            point.area.kind == AreaKind.LOCAL
            and methods.is_small_number(method, point.observation),
        )
        for point in points
    ]


def measure_series(measure: Measure, history: Iterable[HistoryLine]) -> list[SeriesPoint]:
    """The current local and England figure of each period, oldest first, with the periods
    missing between them, and each local figure's interval by the measure's method."""
    method = measure.method
    local: dict[Period, HistoryLine] = {}
    national: dict[Period, Decimal] = {}
    for line in history:
        point = line.point
        if not point.is_current:
            continue
        if point.area.kind == AreaKind.LOCAL:
            local[point.period.period] = line
        elif point.area.kind == AreaKind.ENGLAND:
            national[point.period.period] = point.value
    periods = _span(sorted(local.keys() | national.keys()))
    series = []
    for period in periods:
        held = local.get(period)
        england = national.get(period)
        if held is None:
            series.append(SeriesPoint(period.label, None, england, held=False))
            continue
        if held.suppressed:
            series.append(SeriesPoint(period.label, None, england, suppressed=True))
            continue
        interval = compute.confidence_interval(method, held.point.observation)
        series.append(
            SeriesPoint(
                period.label,
                held.point.value,
                england,
                interval if isinstance(interval, compute.Interval) else None,
                interval.reason if isinstance(interval, compute.NoInterval) else "",
            )
        )
    return series


def _span(periods: list[Period]) -> list[Period]:
    """The periods from the first to the last, every one between included."""
    if not periods or len({p.type for p in periods}) > 1:
        return periods
    span = [periods[0]]
    while span[-1] < periods[-1] and len(span) < MAX_SERIES:
        span.append(span[-1].next())
    return span if span[-1] == periods[-1] else periods


def measure_page(number: int, *, today: date | None = None) -> MeasurePage | None:
    """Everything a measure's page shows, in five queries; None if there is no such measure."""
    measure = (
        Measure.objects.select_related(
            "commitment__priority_area", "organisation", "row__latest_period", "target__by_period"
        )
        .filter(number=number)
        .first()
    )
    if measure is None:
        return None
    today = today or timezone.localdate()
    history = measure_history(measure)
    row = row_of(measure)
    schedule = Schedule.of(measure)
    following = row.latest_period.period.next() if row.latest_period else None
    due = schedule.due(following) if following else None
    return MeasurePage(
        measure,
        board_rows([row], None, today=today)[0],
        history,
        measure_series(measure, history),
        local_area_name(),
        methods.describe_method(measure.method),
        describe_schedule(schedule, today),
        NextDue(following.label, due, due < today) if following and due else None,
    )
