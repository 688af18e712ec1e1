"""Reads for the review page: each figure beside the measure's recent approved series and
England's figure, and what changed since the return was last sent back.

Built on `selectors.value_lines` (the figure and the approved figures it is judged against), with
a fixed number of queries however many figures the return holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from audit.models import Action
from audit.selectors import events_for
from scorecard.charts import describe_series, sparkline_svg
from scorecard.figures import decimal_text, uk_number
from scorecard.models import Area, AreaKind, DataPoint
from scorecard.periods import Period
from submissions.models import Submission
from submissions.selectors import ValueLine, value_lines
from submissions.warnings import history_start

#: The figures compared between a return as sent back and as submitted again.
COMPARED = ("value", "numerator", "denominator", "note")


@dataclass(frozen=True)
class Change:
    """How a figure differs from the same figure when the return was last sent back."""

    added: bool = False
    #: (field, before, after) for each field that differs, as text.
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    #: The approver's comment on this figure when it was sent back.
    comment: str = ""

    @property
    def changed(self) -> bool:
        return self.added or bool(self.fields)


@dataclass(frozen=True)
class SinceSentBack:
    """The return as it was last sent back, against what it holds now."""

    at: datetime
    by: str
    comment: str
    #: Figures added since, or changed, by value id (unchanged figures are left out).
    changes: dict[int, Change]
    #: Figures sent back and since removed, as the event recorded them.
    removed: list[dict[str, Any]]
    #: Comments on figures that are still as they were sent back.
    unchanged_comments: dict[int, str]

    @property
    def count(self) -> int:
        return sum(1 for c in self.changes.values() if c.changed) + len(self.removed)


@dataclass(frozen=True)
class ReviewLine:
    """A figure as the approver sees it: the value line, the measure's recent approved figures
    for the same area (oldest first, within the window warnings judge it against), England's
    figure, and what changed since it was sent back."""

    line: ValueLine
    series: list[tuple[Period, Decimal]]
    england: tuple[Period, Decimal, bool] | None
    since: Change | None = None
    comment: str = ""

    @property
    def value(self) -> Any:
        return self.line.value

    @property
    def sparkline(self) -> str:
        """The recent series and this figure as an SVG line, or "" with fewer than two points."""
        values = [v for _, v in self.series] + [self.line.value.value]
        if len(values) < 2:
            return ""
        return sparkline_svg(values, width=96, height=28, title=self.series_text)

    @property
    def series_text(self) -> str:
        places = self.line.places
        new = f"{uk_number(self.line.value.value, places)} for {self.line.period.label} now"
        if not self.series:
            return f"No approved figures in the 12 periods before; {new}."
        labels = [p.label for p, _ in self.series]
        text = describe_series(labels, [v for _, v in self.series], places)
        return f"Approved {text}; {new}."

    @property
    def england_text(self) -> str:
        if self.england is None:
            return ""
        period, value, in_return = self.england
        where = "in this return" if in_return else "approved"
        return f"England {uk_number(value, self.line.places)} for {period.label} ({where})"


def review_lines(submission: Submission) -> tuple[list[ReviewLine], SinceSentBack | None]:
    """The return's figures for review, and what changed since it was last sent back (None if
    it never was). Three queries beyond value_lines', however many figures there are."""
    lines = value_lines(submission)
    since = since_sent_back(submission, lines)
    if not lines:
        return [], since
    points: dict[tuple[int, int], list[tuple[Period, Decimal]]] = defaultdict(list)
    for point in DataPoint.objects.filter(
        is_current=True, measure_id__in={line.value.measure_id for line in lines}
    ).select_related("period", "area"):
        points[(point.measure_id, point.area_id)].append((point.period.period, point.value))
    for series in points.values():
        series.sort(key=lambda entry: entry[0])
    england_id = Area.objects.filter(kind=AreaKind.ENGLAND).values_list("pk", flat=True).first()
    in_return = {
        (line.value.measure_id, line.period): line.value.value
        for line in lines
        if line.value.area_id == england_id
    }
    result = []
    for line in lines:
        value = line.value
        start = history_start(line.period)
        series = [
            (p, v)
            for p, v in points.get((value.measure_id, value.area_id), [])
            if start <= p < line.period
        ]
        england = None
        compared = value.area.kind == AreaKind.LOCAL and value.measure.comparable_with_england
        if compared and england_id is not None:
            england = _england(line, in_return, points.get((value.measure_id, england_id), []))
        change = since.changes.get(value.pk) if since else None
        comment = (since.unchanged_comments.get(value.pk, "") if since else "") or (
            change.comment if change else ""
        )
        result.append(ReviewLine(line, series, england, change, comment))
    return result, since


def _england(
    line: ValueLine,
    in_return: dict[tuple[int, Period], Decimal],
    approved: list[tuple[Period, Decimal]],
) -> tuple[Period, Decimal, bool] | None:
    """England's figure beside a local one: this return's for the period, else the approved
    one for the period, else the latest approved before it."""
    key = (line.value.measure_id, line.period)
    if key in in_return:
        return (line.period, in_return[key], True)
    earlier = [(p, v) for p, v in approved if p <= line.period]
    if not earlier:
        return None
    period, value = earlier[-1]
    return (period, value, False)


def since_sent_back(submission: Submission, lines: list[ValueLine]) -> SinceSentBack | None:
    """What changed in the return since it was last sent back: figures added or changed (with
    each field before and after), figures removed, and the approver's comments. None when the
    return was never sent back, or its event predates the figures being kept."""
    event = events_for(submission).filter(action=Action.SEND_BACK).order_by("at", "id").last()
    figures = event.changes.get("figures") if event and isinstance(event.changes, dict) else None
    if event is None or not isinstance(figures, list):
        return None
    before = {(f.get("measure"), f.get("area"), f.get("period")): f for f in figures}
    changes: dict[int, Change] = {}
    unchanged_comments: dict[int, str] = {}
    seen = set()
    for line in lines:
        value = line.value
        key = (value.measure.number, value.area.name, line.period.label)
        seen.add(key)
        old = before.get(key)
        if old is None:
            changes[value.pk] = Change(added=True)
            continue
        now = {
            "value": decimal_text(value.value),
            "numerator": decimal_text(value.numerator),
            "denominator": decimal_text(value.denominator),
            "note": value.note,
        }
        differing = [
            (name, str(old.get(name) or ""), now[name])
            for name in COMPARED
            if str(old.get(name) or "") != now[name]
        ]
        comment = str(old.get("comment") or "")
        if differing:
            changes[value.pk] = Change(fields=differing, comment=comment)
        elif comment:
            unchanged_comments[value.pk] = comment
    removed = [f for key, f in before.items() if key not in seen]
    who = event.actor.display_name if event.actor else "The system"
    comment = str(event.changes.get("comment") or "")
    return SinceSentBack(event.at, who, comment, changes, removed, unchanged_comments)
