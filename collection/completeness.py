"""Completeness and timeliness of returns: the arithmetic, on plain values (no Django).

Over the periods a partner (or a measure) was expected to return in the last twelve months (due
by today): the share approved, the share that reached the approvers by the due date, and the
median number of days late of those that reached them after it.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction


@dataclass(frozen=True)
class Expected:
    """One period a return was expected for: its due date, whether a figure is approved, and
    when the figure first reached the approvers (None: not yet)."""

    due: date
    approved: bool
    received_on: date | None


@dataclass(frozen=True)
class Completeness:
    expected: int
    approved: int
    on_time: int
    days_late: tuple[int, ...]

    @property
    def approved_share(self) -> Fraction | None:
        return Fraction(self.approved, self.expected) if self.expected else None

    @property
    def on_time_share(self) -> Fraction | None:
        return Fraction(self.on_time, self.expected) if self.expected else None

    @property
    def median_days_late(self) -> Fraction | None:
        """The median over returns received late (a half-day when their count is even)."""
        if not self.days_late:
            return None
        return Fraction(statistics.median(self.days_late))

    @property
    def late(self) -> int:
        return len(self.days_late)


def completeness(periods: Iterable[Expected]) -> Completeness:
    expected = approved = on_time = 0
    days_late: list[int] = []
    for period in periods:
        expected += 1
        approved += period.approved
        if period.received_on is None:
            continue
        if period.received_on <= period.due:
            on_time += 1
        else:
            days_late.append((period.received_on - period.due).days)
    return Completeness(expected, approved, on_time, tuple(sorted(days_late)))


def percent(share: Fraction | None) -> int | None:
    """A share as a whole percentage, halves rounded up (2/3 → 67); None stays None."""
    if share is None:
        return None
    return int(share * 100 + Fraction(1, 2))


def days_text(days: Fraction) -> str:
    """A number of days as written: whole, or with a half ("2.5"), as a median can be."""
    return f"{float(days):g}"
