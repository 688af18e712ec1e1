"""What the board can act on, at a glance: each scorecard row's flags (worse than England,
getting worse, changed since the last edition, off target, stale, awaiting data) and how many
rows carry each. The summary's counts and the scorecard's "show only" filter both read a row's
flags here, so a count always matches the rows its link shows."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from scorecard.compute import Judgement, Trend
from scorecard.selectors import BoardRow
from scorecard.targets import Rag


class Flag(StrEnum):
    WORSE = "worse"
    WORSENING = "getting-worse"
    CHANGED = "changed"
    OFF_TARGET = "off-target"
    STALE = "stale"
    AWAITING = "awaiting-data"


FLAG_LABELS: Final = {
    Flag.WORSE: "Worse than England",
    Flag.WORSENING: "Getting worse",
    Flag.CHANGED: "Changed since the last edition",
    Flag.OFF_TARGET: "Off target",
    Flag.STALE: "Stale",
    Flag.AWAITING: "Awaiting data",
}
FLAG_HINTS: Final = {
    Flag.WORSE: "Tested against England's figure with a confidence interval",
    Flag.WORSENING: "A significant recent trend in the wrong direction",
    Flag.CHANGED: "A new period, value, arrow, comparison or trend",
    Flag.OFF_TARGET: "The latest figure misses its target, or moved the wrong way",
    Flag.STALE: "The next period's figures are past their due date",
    Flag.AWAITING: "No figures yet",
}
WORSENING_TRENDS: Final = frozenset({Trend.INCREASING_WORSE, Trend.DECREASING_WORSE})


def flags_of(row: BoardRow) -> frozenset[Flag]:
    """The row's flags: worse than England only when tested (only a tested comparison is
    judged), getting worse by the recent trend's test, off target when red."""
    document = row.document
    flags = set()
    if document.tested and document.judgement == Judgement.WORSE:
        flags.add(Flag.WORSE)
    if document.trend in WORSENING_TRENDS:
        flags.add(Flag.WORSENING)
    if row.changed:
        flags.add(Flag.CHANGED)
    if row.target_status is not None and row.target_status.rag == Rag.RED:
        flags.add(Flag.OFF_TARGET)
    if row.stale:
        flags.add(Flag.STALE)
    if document.latest_period is None:
        flags.add(Flag.AWAITING)
    return frozenset(flags)


@dataclass(frozen=True)
class Count:
    flag: Flag
    label: str
    hint: str
    count: int


def summary(rows: Iterable[BoardRow], *, changed_since: str | None) -> list[Count]:
    """How many rows carry each flag, in FLAG_LABELS order; "changed" only when there is an
    edition to compare with (`changed_since` names it)."""
    tallies = dict.fromkeys(Flag, 0)
    for row in rows:
        for flag in flags_of(row):
            tallies[flag] += 1
    counts = []
    for flag, label in FLAG_LABELS.items():
        if flag == Flag.CHANGED:
            if changed_since is None:
                continue
            label = f"Changed since {changed_since}"
        counts.append(Count(flag, label, FLAG_HINTS[flag], tallies[flag]))
    return counts


def with_flag(rows: Iterable[BoardRow], flag: Flag) -> list[BoardRow]:
    return [row for row in rows if flag in flags_of(row)]
