"""Upload: 100,000 rows through the upload service vs django-import-export and bulk_create

One data lead's organisation owns a catalogue of a few hundred measures reported monthly,
quarterly and yearly, for the local area and England, some with numerator and denominator, and
some already approved (so part of the file corrects approved figures). The same long-format file
goes three ways, side by side in one run:

- ours: the CSV bytes parsed (`resources.read_values_file`), validated and previewed
  (`services.upload_stage`), then confirmed (`services.upload_confirm`, which validates again and
  saves the return): what the upload pages do;
- the peer: django-import-export's default row-by-row import of the same rows into the same model
  (`SubmittedValue`), through a plain ModelResource;
- bare `bulk_create` of the same rows as model instances built beforehand (not timed).

Each run is rolled back, so the three write into the same empty table.
"""

from __future__ import annotations

import csv
import io
import resource
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from bench.ratios import Results
from portal.bulk import collector_paused

ROWS = 100_000
#: Rows the peer imports; its time is scaled up to ROWS (it is linear: one row at a time).
PEER_ROWS = 5_000
MEMORY_TARGET_MB = 500
#: Measures of each reporting frequency, and how many of their latest periods the file carries.
#: 380 x 2 areas x 120 months + 90 x 2 x 40 quarters + 80 x 2 x 10 years = 100,000 rows.
CATALOGUE = (("month", 380, 120), ("financial_quarter", 90, 40), ("financial_year", 80, 10))
#: Every how many measures one has a numerator and denominator (a percentage).
PERCENTAGE_EVERY = 3
#: Every how many (measure, area) series one has approved figures the file partly corrects.
APPROVED_EVERY = 10


@dataclass
class World:
    lead: Any
    content: bytes
    rows: list[dict[str, str]]
    #: (measure id, area id, Period) of each row, for building model instances.
    keys: list[tuple[int, int, Any]]


def run(results: Results) -> None:
    world = _world()
    print(f"{len(world.rows):,} rows, {len(world.content) / 1e6:.1f} MB of CSV")
    with override_settings(UPLOAD_MAX_ROWS=ROWS):
        before = _rss_mb()
        with _PeakMemory() as peak:
            first = _ours(world)
        ours = min(first, _ours(world))
    peer_sample = _peer(world)
    peer = peer_sample * len(world.rows) / PEER_ROWS
    bulk = min(_bulk_create(world), _bulk_create(world))  # best of two, as ours
    with collector_paused():
        bulk_paused = _bulk_create(world)
    print(
        f"ours: {ours:.2f} s ({len(world.rows) / ours:,.0f} rows/s); "
        f"bulk_create: {bulk:.2f} s ({len(world.rows) / bulk:,.0f} rows/s; "
        f"{bulk_paused:.2f} s with the garbage collector paused as ours pauses it); "
        f"peer: {peer_sample:.2f} s for {PEER_ROWS:,} rows ({PEER_ROWS / peer_sample:,.0f} rows/s)"
    )
    if connection.vendor == "postgresql":
        writes = "COPY"
    else:
        writes = "bulk_create"
        print("Not PostgreSQL: the COPY path was skipped (ours saved with bulk_create).")
    results.record(
        "upload_vs_peer",
        peer,
        ours,
        note=(
            f"{len(world.rows):,} rows (UPLOAD_MAX_ROWS raised to allow them) parsed, "
            f"validated, previewed and saved ({writes}); the "
            f"peer imported {PEER_ROWS:,} rows, its time scaled by {len(world.rows) / PEER_ROWS:g}"
        ),
    )
    results.record(
        "upload_vs_bulk_create",
        bulk,
        ours,
        note=(
            "a bare bulk_create of instances built beforehand (ORM defaults); with the garbage "
            f"collector paused it took {bulk_paused:.2f} s, {bulk_paused / ours:.3g}x ours"
        ),
    )
    met = "met" if peak.mb < MEMORY_TARGET_MB else "NOT met"
    results.record(
        "upload_peak_mb",
        peak.mb,
        1,
        note=(
            f"target < {MEMORY_TARGET_MB} MB: {met}. Peak resident size of the whole bench "
            f"process during the first upload ({before:.0f} MB before it, the benchmark's own "
            "copy of the rows included)"
        ),
    )
    _clean(world)


# The three ways ------------------------------------------------------------------------------


def _ours(world: World) -> float:
    """The upload pages' work: parse, validate and stage (the upload), then confirm."""
    from submissions import resources, services

    def stage() -> str:
        """The upload page's request: the file parsed, validated and staged for its preview."""
        parsed = resources.read_values_file("figures.csv", world.content)
        assert not parsed.issues, parsed.issues[:3]
        return services.upload_stage(
            by=world.lead, filename="figures.csv", rows=parsed.rows, ignored=parsed.ignored
        )

    with transaction.atomic():
        start = time.perf_counter()
        token = stage()
        # The preview page's confirmation: a request of its own.
        staged = services.upload_load(token, user=world.lead)
        assert staged is not None
        submission = services.upload_confirm(staged, by=world.lead)
        elapsed = time.perf_counter() - start
        assert submission.values.count() == len(world.rows)
        transaction.set_rollback(True)
    return elapsed


def _peer(world: World) -> float:
    import tablib
    from import_export import resources

    from scorecard.services.recording import reporting_periods
    from submissions.models import SubmittedValue

    class SubmittedValueResource(resources.ModelResource):
        class Meta:
            model = SubmittedValue

    with transaction.atomic():
        submission = _empty_return(world)
        keys = world.keys[:PEER_ROWS]
        periods = reporting_periods(period for _, _, period in keys)
        headers = ["id", "submission", "row", "measure", "area", "period", "value"]
        headers += ["numerator", "denominator", "note"]
        dataset = tablib.Dataset(headers=headers)
        for index, ((measure, area, period), row) in enumerate(
            zip(keys, world.rows, strict=False), start=2
        ):
            dataset.append(
                [
                    "",
                    submission.pk,
                    index,
                    measure,
                    area,
                    periods[period].pk,
                    row["value"],
                    row["numerator"],
                    row["denominator"],
                    "",
                ]
            )
        start = time.perf_counter()
        result = SubmittedValueResource().import_data(dataset, raise_errors=True)
        elapsed = time.perf_counter() - start
        assert result.totals["new"] == PEER_ROWS, result.totals
        transaction.set_rollback(True)
    return elapsed


def _bulk_create(world: World) -> float:
    from portal.bulk import BATCH_SIZE
    from scorecard.services.recording import reporting_periods
    from submissions.models import SubmittedValue

    with transaction.atomic():
        submission = _empty_return(world)
        periods = reporting_periods(period for _, _, period in world.keys)
        instances = [
            SubmittedValue(
                submission=submission,
                row=index,
                measure_id=measure,
                area_id=area,
                period=periods[period],
                value=Decimal(row["value"]),
                numerator=Decimal(row["numerator"]) if row["numerator"] else None,
                denominator=Decimal(row["denominator"]) if row["denominator"] else None,
            )
            for index, ((measure, area, period), row) in enumerate(
                zip(world.keys, world.rows, strict=True), start=2
            )
        ]
        start = time.perf_counter()
        SubmittedValue.objects.bulk_create(instances, batch_size=BATCH_SIZE)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def _empty_return(world: World) -> Any:
    from submissions.models import Channel, Submission

    lead = world.lead
    return Submission.objects.create(
        organisation_id=lead.organisation_id, channel=Channel.UPLOAD, created_by=lead
    )


class _PeakMemory:
    """The process's peak resident size while inside, in MB, sampled every few milliseconds
    from /proc (Linux); elsewhere the high-water mark of the whole process so far."""

    def __init__(self) -> None:
        self.mb = 0.0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> _PeakMemory:
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._sampler.join()
        self.mb = max(self.mb, _rss_mb())

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.mb = max(self.mb, _rss_mb())


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return pages * resource.getpagesize() / 2**20


# The world -----------------------------------------------------------------------------------


def _world() -> World:
    from accounts.models import Organisation, Role, User
    from scorecard.models import (
        Area,
        AreaKind,
        Commitment,
        DataPoint,
        Measure,
        PriorityArea,
    )
    from scorecard.periods import PeriodType, latest_ended
    from scorecard.services.recording import reporting_periods

    today = timezone.localdate()
    organisation, _ = Organisation.objects.get_or_create(
        short_name="Upload bench", defaults={"name": "Upload bench partner", "sources": "Bench"}
    )
    lead, _ = User.objects.get_or_create(
        username="upload.bench.lead",
        defaults={"role": Role.DATA_LEAD, "organisation": organisation},
    )
    local, _ = Area.objects.get_or_create(kind=AreaKind.LOCAL, defaults={"name": "Benchville"})
    england, _ = Area.objects.get_or_create(kind=AreaKind.ENGLAND, defaults={"name": "England"})
    priority, _ = PriorityArea.objects.get_or_create(name="Upload bench priority")
    commitment, _ = Commitment.objects.get_or_create(priority_area=priority, name="Upload bench")
    start = (Measure.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    specs: list[tuple[Measure, int]] = []
    number = start
    for period_type, count, periods in CATALOGUE:
        for _ in range(count):
            percentage = number % PERCENTAGE_EVERY == 0
            specs.append(
                (
                    Measure(
                        number=number,
                        code=f"upload-bench-{number}",
                        name=f"Upload bench measure {number}",
                        commitment=commitment,
                        unit="Percentage" if percentage else "Count",
                        value_kind="percentage" if percentage else "count",
                        multiplier=100 if percentage else None,
                        decimal_places=1 if percentage else 0,
                        period_type=period_type,
                        source="Bench",
                        organisation=organisation,
                    ),
                    periods,
                )
            )
            number += 1
    Measure.objects.bulk_create([m for m, _ in specs])

    rows: list[dict[str, str]] = []
    keys: list[tuple[int, int, Any]] = []
    approved: list[tuple[Measure, Area, Any, str]] = []
    for series, ((measure, count), area) in enumerate(
        (spec, area) for spec in specs for area in (local, england)
    ):
        latest = latest_ended(PeriodType(measure.period_type), today)
        for step, period in enumerate(_periods(latest, count)):
            row = _row(measure, area, period, series, step)
            rows.append(row)
            keys.append((measure.pk, area.pk, period))
            if series % APPROVED_EVERY == 0:
                approved.append((measure, area, period, row["value"]))
    assert len(rows) >= ROWS, len(rows)
    rows, keys = rows[:ROWS], keys[:ROWS]
    kept = set(keys)
    periods = reporting_periods(p for _, _, p in keys)
    now = timezone.now()
    DataPoint.objects.bulk_create(
        (
            DataPoint(
                measure=measure,
                area=area,
                period=periods[period],
                # Every fifth approved figure differs from the file's: a correction.
                value=Decimal(value) + (1 if index % 5 == 0 else 0),
                origin="bench",
                approved_at=now,
            )
            for index, (measure, area, period, value) in enumerate(approved)
            if (measure.pk, area.pk, period) in kept
        ),
        batch_size=1000,
    )
    return World(lead, _csv(rows), rows, keys)


def _periods(latest: Any, count: int) -> Iterator[Any]:
    """The `count` periods up to `latest`, oldest first."""
    periods = [latest]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return reversed(periods)


def _row(measure: Any, area: Any, period: Any, series: int, step: int) -> dict[str, str]:
    """A figure that moves a little from period to period (few warnings, as in real data)."""
    wave = (step * 7 + series * 3) % 11
    if measure.value_kind == "percentage":
        denominator = 1000 + series % 50 * 10
        numerator = 400 + wave * 5
        value = (Decimal(numerator) / denominator * 100).quantize(Decimal("0.1"))
        return {
            "measure": str(measure.number),
            "period": period.label,
            "area": area.name,
            "value": str(value),
            "numerator": str(numerator),
            "denominator": str(denominator),
        }
    return {
        "measure": str(measure.number),
        "period": period.label,
        "area": area.name,
        "value": str(500 + wave * 4),
        "numerator": "",
        "denominator": "",
    }


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=["measure", "period", "area", "value", "numerator", "denominator"]
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _clean(world: World) -> None:
    from accounts.models import Organisation, User
    from audit.models import Event
    from scorecard.models import DataPoint, Measure

    organisation = world.lead.organisation
    DataPoint.objects.filter(measure__organisation=organisation).delete()
    Measure.objects.filter(organisation=organisation).delete()
    Event.objects.filter(actor=world.lead).delete()
    User.objects.filter(pk=world.lead.pk).delete()
    Organisation.objects.filter(pk=organisation.pk).delete()
