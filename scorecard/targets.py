"""Targets and RAG: what a measure is aiming for, and whether its latest figure is on target.

A target is a value with a deadline ("at least 60% by 2025/26", "at most 12 by 2026 Q1") or a
direction ("reduce it", "increase it"). The status is red, amber or green (RAG, as council
performance reports have it), always with its words ("Off target", "Not yet on target", "On
target") and the reason, so it never rests on colour alone:

- a value target is green when the latest figure meets it; before its deadline (the latest
  figure is for an earlier period) a figure that misses it is amber; from the deadline on, or
  with no deadline, red;
- a direction target follows the direction of travel since the previous period: the way wanted
  is green, no change amber, the other way red.

A figure that is missing or suppressed is not assessed. Pure standard library, like
`scorecard.periods`: the selectors, the editions and the tests read RAG through `assess` alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from scorecard.compute import Direction
from scorecard.figures import uk_number
from scorecard.periods import Period


class TargetKind(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    INCREASE = "increase"
    DECREASE = "decrease"


#: The kinds as an admin or approver chooses them.
TARGET_KIND_LABELS: Final = {
    TargetKind.AT_LEAST: "At least a value",
    TargetKind.AT_MOST: "At most a value",
    TargetKind.INCREASE: "Increase it",
    TargetKind.DECREASE: "Reduce it",
}
VALUE_KINDS: Final = frozenset({TargetKind.AT_LEAST, TargetKind.AT_MOST})


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


#: The words of each status: what a reader sees in the tag, whatever its colour.
RAG_LABELS: Final = {Rag.GREEN: "On target", Rag.AMBER: "Not yet on target", Rag.RED: "Off target"}
NOT_ASSESSED: Final = "Not assessed"


@dataclass(frozen=True)
class Target:
    """A measure's target: a value (and the period it is due by, if any) or a direction."""

    kind: TargetKind
    value: Decimal | None = None
    by: Period | None = None

    def __post_init__(self) -> None:
        if (self.kind in VALUE_KINDS) != (self.value is not None):
            raise ValueError("A value target needs its value; a direction target has none.")
        if self.by is not None and self.kind not in VALUE_KINDS:
            raise ValueError("Only a value target is due by a period.")

    def describe(self, places: int = 0) -> str:
        """The target in words: "At least 60.0 by 2025/26", "Reduce it"."""
        if self.kind not in VALUE_KINDS:
            return TARGET_KIND_LABELS[self.kind]
        word = "At least" if self.kind == TargetKind.AT_LEAST else "At most"
        by = f" by {self.by.label}" if self.by is not None else ""
        return f"{word} {uk_number(self.value, places)}{by}"


@dataclass(frozen=True)
class TargetStatus:
    """A target's status for the latest figure: RAG (None when not assessed), its words and
    why."""

    rag: Rag | None
    reason: str

    @property
    def label(self) -> str:
        return RAG_LABELS[self.rag] if self.rag is not None else NOT_ASSESSED


_DIRECTION_WORDS: Final = {
    Direction.UP: "up",
    Direction.DOWN: "down",
}


def assess(
    target: Target,
    *,
    latest: Period | None,
    value: Decimal | None,
    direction: str,
    places: int = 0,
) -> TargetStatus:
    """The status of the latest figure (`value` for period `latest`, `direction` of travel since
    the previous period) against `target`. `value` is None when there is no figure to show (none
    yet, or suppressed)."""
    if latest is None or value is None:
        return TargetStatus(None, "There is no figure to assess.")
    if target.kind in VALUE_KINDS:
        return _against_value(target, latest, value, places)
    return _against_direction(target, direction)


def _against_value(target: Target, latest: Period, value: Decimal, places: int) -> TargetStatus:
    assert target.value is not None
    met = value >= target.value if target.kind == TargetKind.AT_LEAST else value <= target.value
    shown = f"{uk_number(value, places)} for {latest.label}"
    described = target.describe(places)
    wanted = described[0].lower() + described[1:]
    if met:
        return TargetStatus(Rag.GREEN, f"{shown} meets the target ({wanted}).")
    if target.by is not None and latest.end < target.by.end:
        return TargetStatus(
            Rag.AMBER, f"{shown} does not meet the target yet ({wanted}); it is due by then."
        )
    return TargetStatus(Rag.RED, f"{shown} misses the target ({wanted}).")


def _against_direction(target: Target, direction: str) -> TargetStatus:
    wanted = Direction.UP if target.kind == TargetKind.INCREASE else Direction.DOWN
    aim = "increase" if target.kind == TargetKind.INCREASE else "reduce"
    if direction == wanted:
        return TargetStatus(
            Rag.GREEN, f"Went {_DIRECTION_WORDS[wanted]} since the previous period, as wanted."
        )
    if direction == Direction.SAME:
        return TargetStatus(
            Rag.AMBER, f"No change since the previous period; the target is to {aim} it."
        )
    if direction in _DIRECTION_WORDS:
        return TargetStatus(
            Rag.RED,
            f"Went {_DIRECTION_WORDS[Direction(direction)]} since the previous period; "
            f"the target is to {aim} it.",
        )
    return TargetStatus(None, "There is no direction of travel to assess.")
