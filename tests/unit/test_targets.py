"""RAG against target (scorecard.targets): value targets with and without a deadline, direction
targets, and what is not assessed; the words always say what the colour says."""

from decimal import Decimal

import pytest

from scorecard.periods import parse_period
from scorecard.targets import NOT_ASSESSED, RAG_LABELS, Rag, Target, TargetKind, assess

Q1, Q2, Q4 = (parse_period(p) for p in ("2026/27 Q1", "2026/27 Q2", "2026/27 Q4"))


def _rag(target, latest=Q1, value="50", direction="↑"):
    return assess(
        target,
        latest=latest,
        value=Decimal(value) if value else None,
        direction=direction,
        places=1,
    )


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (TargetKind.AT_LEAST, "50.0", Rag.GREEN),  # met exactly
        (TargetKind.AT_LEAST, "49.9", Rag.RED),
        (TargetKind.AT_MOST, "50.0", Rag.GREEN),
        (TargetKind.AT_MOST, "50.1", Rag.RED),
    ],
)
def test_a_value_target_without_a_deadline_is_met_or_missed(kind, value, expected):
    assert _rag(Target(kind, Decimal("50")), value=value).rag is expected


def test_before_its_deadline_a_missed_value_target_is_amber_then_red_from_the_deadline():
    target = Target(TargetKind.AT_LEAST, Decimal("60"), by=Q2)
    early = _rag(target, latest=Q1, value="55")
    assert (early.rag, early.label) == (Rag.AMBER, "Not yet on target")
    assert early.reason == (
        "55.0 for 2026/27 Q1 does not meet the target yet (at least 60.0 by 2026/27 Q2); it is "
        "due by then."
    )
    assert _rag(target, latest=Q2, value="55").rag is Rag.RED
    assert _rag(target, latest=Q4, value="55").rag is Rag.RED
    met = _rag(target, latest=Q1, value="61")
    assert (met.rag, met.label) == (Rag.GREEN, "On target")


@pytest.mark.parametrize(
    ("kind", "direction", "expected"),
    [
        (TargetKind.DECREASE, "↓", Rag.GREEN),
        (TargetKind.DECREASE, "↔", Rag.AMBER),
        (TargetKind.DECREASE, "↑", Rag.RED),
        (TargetKind.INCREASE, "↑", Rag.GREEN),
        (TargetKind.INCREASE, "↓", Rag.RED),
        (TargetKind.INCREASE, "×", None),
    ],
)
def test_a_direction_target_follows_the_direction_of_travel(kind, direction, expected):
    status = _rag(Target(kind), direction=direction)
    assert status.rag is expected
    assert status.label == (RAG_LABELS[expected] if expected else NOT_ASSESSED)


def test_no_figure_or_a_suppressed_one_is_not_assessed():
    target = Target(TargetKind.AT_MOST, Decimal("4"))
    for latest, value in ((None, "3"), (Q1, None)):
        status = _rag(target, latest=latest, value=value)
        assert (status.rag, status.label) == (None, "Not assessed")
        assert status.reason == "There is no figure to assess."


def test_targets_in_words():
    assert Target(TargetKind.AT_LEAST, Decimal("1500"), by=Q4).describe(0) == (
        "At least 1,500 by 2026/27 Q4"
    )
    assert Target(TargetKind.AT_MOST, Decimal("4")).describe(1) == "At most 4.0"
    assert Target(TargetKind.DECREASE).describe() == "Reduce it"


def test_a_target_refuses_a_value_it_cannot_have():
    with pytest.raises(ValueError, match="needs its value"):
        Target(TargetKind.AT_LEAST)
    with pytest.raises(ValueError, match="needs its value"):
        Target(TargetKind.INCREASE, Decimal("3"))
    with pytest.raises(ValueError, match="due by a period"):
        Target(TargetKind.DECREASE, by=Q1)
