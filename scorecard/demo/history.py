"""Synthetic history for the demo, so that it reads as a portal in use at today's date.

The published May-2024 scorecard holds one period per measure, ending in 2023/24. Built from
each measure's latest published value, this adds a back series (years before it) and the
periods since, up to the one before the latest ended period, which is left for the data leads
to enter. Figures move by a seeded random walk of plausible size, in the measure's own kind
and at its multiplier as the catalogue states them: whole counts, percentages with numerators
and denominators, crude rates from event counts in a population, directly standardised rates
with their event count and variance (so that they can be tested like real submissions). They
are recorded as approved data points whose origin says they are synthetic
(`DataPoint.SYNTHETIC_ORIGIN`), so the pages can say so, approved around their due dates (the
demo's returns tracker then shows some late); a period the reference already holds is never
touched, and frozen editions never change.
"""

import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from collection.due import Schedule
from scorecard.figures import at_precision
from scorecard.methods import ValueKind
from scorecard.models import Area, AreaKind, DataPoint, Measure
from scorecard.periods import Period, PeriodType, latest_ended
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.recording import ValueEntry, record_values, reporting_periods

#: How many periods of history go before the reference's own, by period type.
BACK_PERIODS = {
    PeriodType.MONTH: 24,
    PeriodType.CALENDAR_QUARTER: 8,
    PeriodType.FINANCIAL_QUARTER: 8,
    PeriodType.FINANCIAL_YEAR: 5,
    PeriodType.CALENDAR_YEAR: 5,
    PeriodType.MULTI_YEAR: 3,
}
#: Period-to-period variation (a relative standard deviation): local figures move more.
SPREAD = {AreaKind.LOCAL: 0.07, AreaKind.ENGLAND: 0.02}
#: The populations rates are drawn from (Southampton's and England's, mid-2022, rounded).
POPULATION = {AreaKind.LOCAL: 253_000, AreaKind.ENGLAND: 57_100_000}
#: People counted in a local percentage's denominator (England's is a hundred times more).
PERCENT_BASE = (150, 900)
#: A standardised rate's variance relative to a crude rate's (its value² / events): weighting
#: to the standard population widens the interval a little; seeded per period within this range.
DSR_DESIGN_EFFECT = (1.05, 1.4)


def synthetic_history(today: date) -> int:
    """Add the synthetic figures (idempotent: held periods are skipped) and recompute the
    scorecard; returns how many figures were added."""
    areas = {a.kind: a for a in Area.objects.filter(kind__in=[AreaKind.LOCAL, AreaKind.ENGLAND])}
    if AreaKind.LOCAL not in areas:
        return 0
    held: dict[tuple[int, int], dict[Period, DataPoint]] = defaultdict(dict)
    for point in DataPoint.objects.filter(is_current=True).select_related("period"):
        held[(point.measure_id, point.area_id)][point.period.period] = point
    planned: list[tuple[Measure, Area, Period, Figures]] = []
    for measure in Measure.objects.filter(active=True).order_by("number"):
        local = held.get((measure.pk, areas[AreaKind.LOCAL].pk))
        if not local:
            continue
        anchor_period = max(local)
        rng = random.Random(measure.number)  # noqa: S311 (made-up figures, repeatable on purpose)
        for kind, area in areas.items():
            series = held.get((measure.pk, area.pk), {})
            anchor = series.get(anchor_period)
            if anchor is None:
                continue
            for period, figures in _walk(measure, kind, anchor, anchor_period, today, rng):
                if period not in series:
                    planned.append((measure, area, period, figures))
    periods = reporting_periods(p for _, _, p, _ in planned)
    entries = [
        ValueEntry(
            measure.pk,
            area.pk,
            periods[period].pk,
            figures.value,
            figures.numerator,
            figures.denominator,
            variance=figures.variance,
            approved_at=_approved_at(measure, period, today),
        )
        for measure, area, period, figures in planned
    ]
    recorded = record_values(entries, origin=DataPoint.SYNTHETIC_ORIGIN)
    scorecard_recompute()
    return sum(1 for r in recorded if r.point is not None)


@dataclass(frozen=True)
class Figures:
    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    variance: Decimal | None = None


def _walk(
    measure: Measure,
    kind: str,
    anchor: DataPoint,
    anchor_period: Period,
    today: date,
    rng: random.Random,
) -> Iterator[tuple[Period, Figures]]:
    """The synthetic periods around the anchor, each with its figures: backwards from the
    anchor's value into the past, then forwards from it to the last period before the one due."""
    earlier = [anchor_period.previous()]
    while len(earlier) < BACK_PERIODS[anchor_period.type]:
        earlier.append(earlier[-1].previous())
    due = latest_ended(anchor_period.type, today)
    later = []
    period = anchor_period.next()
    while period < due:
        later.append(period)
        period = period.next()
    for periods in (earlier, later):
        value = float(anchor.value)
        for period in periods:
            value = _next_value(measure, kind, value, rng)
            yield period, _figures(measure, kind, value, rng)


def _next_value(measure: Measure, kind: str, value: float, rng: random.Random) -> float:
    moved = value * math.exp(rng.gauss(0, SPREAD[AreaKind(kind)]))
    if measure.kind is ValueKind.PERCENTAGE:
        return min(99.5, max(0.5, moved))
    if measure.kind is ValueKind.COUNT:
        # Small counts move by whole events, not by a share of themselves.
        return max(0.0, moved + rng.gauss(0, 1))
    return max(0.0, moved)


def _figures(measure: Measure, kind: str, value: float, rng: random.Random) -> Figures:
    """The figure as a data lead would submit it: with its numerator and denominator where the
    measure is a percentage or a rate (at the measure's multiplier), the value then following
    from them exactly; a standardised rate with its event count and variance."""
    places, multiplier = measure.decimal_places, measure.multiplier
    if measure.kind is ValueKind.PERCENTAGE and multiplier:
        base = rng.randint(*PERCENT_BASE) * (100 if kind == AreaKind.ENGLAND else 1)
        numerator = Decimal(round(value / multiplier * base))
        denominator = Decimal(base)
        return Figures(
            at_precision(numerator / denominator * multiplier, places), numerator, denominator
        )
    if measure.kind in (ValueKind.RATE, ValueKind.DSR) and multiplier:
        population = Decimal(POPULATION[AreaKind(kind)])
        events = Decimal(round(Decimal(str(value)) * population / multiplier))
        if measure.kind is ValueKind.RATE:
            return Figures(
                at_precision(events / population * multiplier, places), events, population
            )
        rate = at_precision(Decimal(str(value)), places)
        if not events:
            return Figures(rate, events, population)
        # Var(DSR) is about rate² / events for a crude rate; weighting adds to it.
        variance = rate * rate / events * Decimal(str(rng.uniform(*DSR_DESIGN_EFFECT)))
        return Figures(rate, events, population, at_precision(variance, 6))
    if measure.kind is ValueKind.COUNT:
        return Figures(at_precision(Decimal(round(value)), places))
    return Figures(at_precision(Decimal(str(value)), places))


#: One synthetic figure in LATE_ONE_IN arrives after its due date, by up to LATE_DAYS days.
LATE_ONE_IN, LATE_DAYS, EARLY_DAYS = 6, 30, 10


def _approved_at(measure: Measure, period: Period, today: date) -> datetime:
    """When a synthetic figure was signed off: around its due date (collection.due), mostly a
    few days before it, sometimes late, never before the period ended nor after today, so the
    demo's tracker and timeliness figures look like a collection in use."""
    rng = random.Random(f"{measure.number} {period.label}")  # noqa: S311 (repeatable on purpose)
    due = Schedule.of(measure).scheduled_due(period)
    if rng.randrange(LATE_ONE_IN) == 0:
        day = due + timedelta(days=rng.randint(1, LATE_DAYS))
    else:
        day = due - timedelta(days=rng.randint(0, EARLY_DAYS))
    day = min(max(day, period.end + timedelta(days=1)), today)
    return timezone.make_aware(datetime.combine(day, time(10)))
