"""The benchmarks themselves; each prints a ratio of two ways of doing the same work."""

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction

Timed = Callable[[Callable[[], object], int], float]
Queries = Callable[[Callable[[], object]], int]


def _catalogue(measures: int, periods: int) -> list[int]:
    """`measures` monthly measures with `periods` months of local data each."""
    from django.utils import timezone

    from scorecard.models import Area, Commitment, DataPoint, Measure, PriorityArea, ReportingPeriod
    from scorecard.periods import Period

    local, _ = Area.objects.get_or_create(kind="local", defaults={"name": "Benchville"})
    priority, _ = PriorityArea.objects.get_or_create(name="Bench priority")
    commitment, _ = Commitment.objects.get_or_create(priority_area=priority, name="Bench")
    start = Measure.objects.count()
    created = Measure.objects.bulk_create(
        Measure(
            number=start + i + 1,
            code=f"bench-{start + i + 1}",
            name=f"Bench measure {start + i + 1}",
            commitment=commitment,
            unit="Monthly count",
            value_kind="count",
            period_type="month",
            source="Bench",
        )
        for i in range(measures)
    )
    month = Period.month(2023, 10)
    months = [month]
    for _ in range(periods - 1):
        months.insert(0, months[0].previous())
    rows = [ReportingPeriod.for_period(p) for p in months]
    now = timezone.now()
    DataPoint.objects.bulk_create(
        DataPoint(
            measure=m, area=local, period=p, value=Decimal(i), origin="bench", approved_at=now
        )
        for m in created
        for i, p in enumerate(rows)
    )
    return [m.pk for m in created]


def _reset() -> None:
    from scorecard.models import DataPoint, Measure, ScorecardRow

    ScorecardRow.objects.all().delete()
    DataPoint.objects.all().delete()
    Measure.objects.all().delete()


def recompute_batched_vs_per_measure(timed: Timed, queries: Queries) -> None:
    """Recompute: one batched call for 200 measures vs one call per measure"""
    from scorecard.models import ScorecardRow
    from scorecard.services.recomputing import scorecard_recompute

    ids = _catalogue(200, 12)

    def batched() -> None:
        ScorecardRow.objects.all().delete()
        scorecard_recompute(ids)

    def per_measure() -> None:
        ScorecardRow.objects.all().delete()
        for pk in ids:
            scorecard_recompute([pk])

    fast, slow = timed(batched, 3), timed(per_measure, 3)
    print(f"batched: {fast * 1000:.0f} ms, {queries(batched)} queries")
    print(f"per measure: {slow * 1000:.0f} ms, {queries(per_measure)} queries")
    print(f"ratio per-measure / batched: {slow / fast:.1f}x")
    _reset()


def scorecard_page_40_vs_400(timed: Timed, queries: Queries) -> None:
    """Live scorecard read: 400 measures vs 40 (queries must be equal; time should scale ~10x)"""
    from scorecard.selectors import live_scorecard
    from scorecard.services.recomputing import scorecard_recompute

    small_ids = _catalogue(40, 12)
    scorecard_recompute(small_ids)
    small_time, small_queries = timed(live_scorecard, 5), queries(live_scorecard)
    scorecard_recompute(_catalogue(360, 12))
    large_time, large_queries = timed(live_scorecard, 5), queries(live_scorecard)
    print(f"40 measures: {small_time * 1000:.1f} ms, {small_queries} queries")
    print(f"400 measures: {large_time * 1000:.1f} ms, {large_queries} queries")
    print(f"query ratio 400/40: {large_queries / small_queries:.2f}x (flat is 1.00x)")
    print(f"time ratio 400/40: {large_time / small_time:.1f}x for 10x the rows")
    _reset()


def record_values_bulk_vs_one_by_one(timed: Timed, queries: Queries) -> None:
    """Approving 2,000 values: bulk_create vs one INSERT per value"""
    from django.utils import timezone

    from scorecard.models import Area, DataPoint, Measure, ReportingPeriod
    from scorecard.periods import Period

    ids = _catalogue(200, 1)
    local = Area.objects.get(kind="local")
    measures = list(Measure.objects.filter(pk__in=ids))
    months = [ReportingPeriod.for_period(Period.month(2022, m)) for m in range(1, 11)]
    now = timezone.now()

    def points() -> list[DataPoint]:
        return [
            DataPoint(
                measure=m,
                area=local,
                period=p,
                value=Decimal(1),
                origin="bench",
                approved_at=now,
                version=1,
            )
            for m in measures
            for p in months
        ]

    def bulk() -> None:
        with transaction.atomic():
            DataPoint.objects.bulk_create(points(), batch_size=1000)
            transaction.set_rollback(True)

    def one_by_one() -> None:
        with transaction.atomic():
            for point in points():
                point.save()
            transaction.set_rollback(True)

    fast, slow = timed(bulk, 3), timed(one_by_one, 3)
    print(f"bulk_create: {fast * 1000:.0f} ms; one by one: {slow * 1000:.0f} ms")
    print(f"ratio one-by-one / bulk: {slow / fast:.1f}x")
    _reset()


def upload_1000_vs_10000_rows(timed: Timed, queries: Queries) -> None:
    """Saving an uploaded return: 10,000 rows vs 1,000 (queries flat but for insert batches)"""
    from accounts.models import Organisation, Role, User
    from audit.models import Event
    from scorecard.models import Measure
    from scorecard.periods import Period
    from submissions.models import Submission, SubmittedValue
    from submissions.services import submission_create
    from submissions.validation import RawRow

    ids = _catalogue(10, 1)
    organisation, _ = Organisation.objects.get_or_create(
        short_name="Bench", defaults={"name": "Bench partner", "sources": "Bench"}
    )
    Measure.objects.filter(pk__in=ids).update(organisation=organisation)
    lead, _ = User.objects.get_or_create(
        username="bench.lead", defaults={"role": Role.DATA_LEAD, "organisation": organisation}
    )
    numbers = list(Measure.objects.filter(pk__in=ids).values_list("number", flat=True))
    months, period = [], Period.month(1900, 1)
    for _ in range(1000):
        months.append(period.label)
        period = period.next()

    def rows(count: int) -> list[RawRow]:
        return [
            RawRow(
                i + 2,
                {
                    "measure": str(numbers[i % 10]),
                    "period": months[i // 10],
                    "value": str(100 + i % 7),
                },
            )
            for i in range(count)
        ]

    def save(count: int) -> Callable[[], object]:
        prepared = rows(count)

        def work() -> None:
            with transaction.atomic():
                # Raises InvalidSubmission if any row is refused: the benchmark must save them all.
                submission_create(by=lead, rows=prepared, channel="upload")
                transaction.set_rollback(True)

        return work

    small, large = save(1000), save(10000)
    small_time, large_time = timed(small, 3), timed(large, 3)
    small_queries, large_queries = queries(small), queries(large)
    print(f"1,000 rows: {small_time * 1000:.0f} ms, {small_queries} queries")
    print(f"10,000 rows: {large_time * 1000:.0f} ms, {large_queries} queries")
    print(f"time ratio 10,000/1,000: {large_time / small_time:.1f}x for 10x the rows")
    print(f"extra queries for 9,000 more rows: {large_queries - small_queries} (insert batches)")
    Event.objects.all().delete()
    SubmittedValue.objects.all().delete()
    Submission.objects.all().delete()
    User.objects.filter(pk=lead.pk).delete()
    _reset()


ALL = [
    recompute_batched_vs_per_measure,
    scorecard_page_40_vs_400,
    record_values_bulk_vs_one_by_one,
    upload_1000_vs_10000_rows,
]
