"""Recompute: 1,000 measures x 120 periods x 2 areas, against reading their figures (the floor)

The floor is one query reading the columns a recompute needs of the current local and England
figures, as tuples; a recompute cannot do less than that. The incremental recompute is the one
an approval enqueues (scorecard.tasks.recompute_measures) after one measure's figure changed.
"""

from decimal import Decimal

from django.db import transaction

from bench.data import ORIGIN, generate
from bench.ratios import Results
from scorecard.models import Area, AreaKind, DataPoint, ScorecardRow
from scorecard.services.recomputing import FIGURE_COLUMNS, scorecard_recompute
from scorecard.services.recording import ValueEntry, record_values
from scorecard.tasks import recompute_measures

MEASURES, PERIODS = 1_000, 120


def run(results: Results) -> None:
    from bench.__main__ import timed

    generated = generate(areas_count=2, measures=MEASURES, periods=PERIODS)
    compared = list(Area.objects.filter(kind__in=[AreaKind.LOCAL, AreaKind.ENGLAND]))

    def floor() -> None:
        list(
            DataPoint.objects.filter(is_current=True, area__in=compared).values_list(
                *FIGURE_COLUMNS
            )
        )

    def full() -> None:
        ScorecardRow.objects.all().delete()
        scorecard_recompute()

    read = timed(floor, 3)
    # The rows' deletion is in the timing; it is one statement and small beside the recompute.
    recompute = timed(full, 3)
    print(
        f"{DataPoint.objects.count():,} figures; floor {read * 1000:.0f} ms, "
        f"full recompute {recompute * 1000:.0f} ms"
    )
    results.record("recompute_vs_floor", recompute, read)

    measure = generated.measures[0]
    point = DataPoint.objects.filter(measure=measure, area=compared[0], is_current=True).latest(
        "period__end"
    )
    corrections = iter(range(1, 100))

    def approve_one() -> None:
        with transaction.atomic():
            record_values(
                [
                    ValueEntry(
                        measure.pk,
                        point.area_id,
                        point.period_id,
                        point.value + Decimal(next(corrections)),
                    )
                ],
                origin=ORIGIN,
            )

    def incremental() -> None:
        assert recompute_measures([measure.pk]) == 1

    times = []
    for _ in range(3):
        approve_one()
        times.append(timed(incremental, 1))
    one = sorted(times)[1]
    print(f"incremental recompute of 1 measure of {MEASURES:,}: {one * 1000:.1f} ms")
    results.record(
        "incremental_vs_full", one, recompute, note=f"1 of {MEASURES:,} measures changed"
    )
