"""Benchmark data at national scale: N areas x M measures x P periods, recorded through the
services as approvals record them, with the mix of period and value kinds a real scorecard has.

The first area is the local one and the second England (the live scorecard compares the two);
any more are comparator areas, which the scorecard holds but does not show.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from scorecard.models import Area, AreaKind, Commitment, Measure, PriorityArea
from scorecard.periods import Period, PeriodType
from scorecard.services.recording import ValueEntry, record_values, reporting_periods

#: (period type, value kind, multiplier) in the proportions of the reference scorecard: mostly
#: monthly counts, then quarterly and yearly rates and percentages.
MIX: list[tuple[PeriodType, str, int | None]] = [
    *[(PeriodType.MONTH, "count", None)] * 5,
    (PeriodType.MONTH, "percentage", 100),
    (PeriodType.FINANCIAL_QUARTER, "rate", 100_000),
    (PeriodType.CALENDAR_QUARTER, "count", None),
    (PeriodType.FINANCIAL_YEAR, "percentage", 100),
    (PeriodType.CALENDAR_YEAR, "rate", 100_000),
]

#: The latest period of each type; series run back from it.
LATEST = {
    PeriodType.MONTH: Period.month(2024, 3),
    PeriodType.FINANCIAL_QUARTER: Period.financial_quarter(2023, 4),
    PeriodType.CALENDAR_QUARTER: Period.calendar_quarter(2024, 1),
    PeriodType.FINANCIAL_YEAR: Period.financial_year(2023),
    PeriodType.CALENDAR_YEAR: Period.calendar_year(2023),
}

ORIGIN = "bench"
SOURCE = "Bench"


@dataclass(frozen=True)
class Generated:
    measures: list[Measure]
    areas: list[Area]

    @property
    def measure_ids(self) -> list[int]:
        return [m.pk for m in self.measures]


def series(period_type: PeriodType, count: int) -> list[Period]:
    """`count` consecutive periods of the type, oldest first, ending at LATEST."""
    periods = [LATEST[period_type]]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods[::-1]


def areas(count: int) -> list[Area]:
    """The local area, England, then comparator areas: `count` in all (at least 2)."""
    local = Area.objects.filter(kind=AreaKind.LOCAL).first() or Area.objects.create(
        kind=AreaKind.LOCAL, name="Benchton"
    )
    england = Area.objects.get_or_create(kind=AreaKind.ENGLAND, defaults={"name": "England"})[0]
    others = [
        Area.objects.get_or_create(name=f"Comparator {i}", defaults={"kind": AreaKind.COMPARATOR})[
            0
        ]
        for i in range(1, count - 1)
    ]
    return [local, england, *others]


def bench_measures(count: int, *, periods: int) -> list[Measure]:
    """`count` of the measures an earlier benchmark of this run generated, or new ones (with
    local and England figures), in number order."""
    made = list(Measure.objects.filter(source=SOURCE).order_by("number")[:count])
    if len(made) < count:
        made += generate(areas_count=2, measures=count - len(made), periods=periods).measures
    return made


def generate(*, areas_count: int, measures: int, periods: int, seed: int = 14) -> Generated:
    """`measures` active measures, each with `periods` figures in each of `areas_count` areas,
    recorded as approved figures (scorecard.services.recording) but not yet computed; numbered
    after the catalogue's last."""
    rng = random.Random(seed)
    first_number = (Measure.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    where = areas(areas_count)
    priority, _ = PriorityArea.objects.get_or_create(name="Bench priority area")
    commitments = [
        Commitment.objects.get_or_create(priority_area=priority, name=f"Bench commitment {i}")[0]
        for i in range(10)
    ]
    created = Measure.objects.bulk_create(
        Measure(
            number=first_number + i,
            code=f"bench-{first_number + i}",
            name=f"Bench measure {first_number + i}",
            commitment=commitments[i % len(commitments)],
            unit=f"{kind.title()} per {period_type.value.replace('_', ' ')}",
            value_kind=kind,
            multiplier=multiplier,
            period_type=period_type.value,
            source=SOURCE,
            polarity=("lower_is_better", "higher_is_better", "no_judgement")[i % 3],
            decimal_places=0 if multiplier is None else 1,
        )
        for i, (period_type, kind, multiplier) in ((i, MIX[i % len(MIX)]) for i in range(measures))
    )
    by_type = {t: series(t, periods) for t in LATEST}
    rows = reporting_periods(p for ps in by_type.values() for p in ps)
    entries = []
    for measure in created:
        multiplier = measure.multiplier
        for area in where:
            level = rng.uniform(20, 400)
            for period in by_type[PeriodType(measure.period_type)]:
                level = max(1.0, level * rng.uniform(0.9, 1.1))
                if multiplier is None:
                    entries.append(
                        ValueEntry(measure.pk, area.pk, rows[period].pk, Decimal(round(level)))
                    )
                    continue
                denominator = Decimal(rng.randrange(2_000, 50_000))
                numerator = Decimal(round(level))
                value = (numerator * multiplier / denominator).quantize(Decimal("0.000001"))
                entries.append(
                    ValueEntry(measure.pk, area.pk, rows[period].pk, value, numerator, denominator)
                )
    with transaction.atomic():
        record_values(entries, origin=ORIGIN)
    return Generated(created, where)
