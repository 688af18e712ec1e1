"""Saving a return writes its values in bulk: the same number of queries for 100 rows as for
1,000 (but for SQLite's insert batches), and on PostgreSQL by COPY, which stores exactly what
the ORM would and still answers to every constraint; the garbage collector, paused meanwhile,
always runs again afterwards."""

import gc
import math
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from portal.bulk import BATCH_SIZE, bulk_insert, collector_paused
from scorecard.periods import Period
from scorecard.services.recording import reporting_periods
from submissions.models import Channel, Submission, SubmittedValue
from submissions.services import InvalidSubmission, submission_create
from submissions.validation import RawRow
from tests.factories import MeasureFactory, local_area

pytestmark = pytest.mark.django_db

VALUES_TABLE = '"submissions_submittedvalue"'


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (COPY): set DATABASE_URL=postgres://…")


def value_writes(queries: list[dict[str, str]]) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith((f"INSERT INTO {VALUES_TABLE}", f"COPY {VALUES_TABLE}"))
    ]


def expected_writes(rows: int) -> int:
    """One COPY on PostgreSQL; elsewhere one INSERT per batch (SQLite lowers the batch to its
    limit on query parameters)."""
    if connection.vendor == "postgresql":
        return 1
    fields = [f for f in SubmittedValue._meta.concrete_fields if not f.primary_key]
    return math.ceil(rows / min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * rows)))


def test_creating_a_return_of_1000_rows_costs_the_queries_of_100_but_insert_batches(
    frozen_today, imported, lead, organisation
):
    measures = [
        MeasureFactory(number=6000 + i, code=f"bulk-write-{i}", organisation=organisation)
        for i in range(100)
    ]
    months = [Period.month(2015, 1)]
    while len(months) < 10:
        months.append(months[-1].next())

    def create(periods: list[Period]) -> tuple[int, list[str]]:
        rows = [
            RawRow(2 + index, {"measure": str(m.number), "period": p.label, "value": "12"})
            for index, (p, m) in enumerate((p, m) for p in periods for m in measures)
        ]
        with CaptureQueriesContext(connection) as context:
            created, _ = submission_create(by=lead, rows=rows, channel=Channel.UPLOAD)
        assert created.values.count() == len(rows)
        writes = value_writes(context.captured_queries)
        return len(context.captured_queries) - len(writes), writes

    ContentType.objects.get_for_model(Submission)  # cached once per process
    small_other, small_writes = create(months[:1])
    large_other, large_writes = create(months[1:])  # 900 rows and nine new periods

    assert large_other == small_other
    assert (len(small_writes), len(large_writes)) == (expected_writes(100), expected_writes(900))
    assert SubmittedValue.objects.count() == 1000


def awkward_rows(lead) -> list[dict[str, object]]:
    """Values at the edges of what a figure, a note and a warning can hold."""
    measures = [
        MeasureFactory(number=7000 + i, code=f"copy-{i}", organisation=lead.organisation)
        for i in range(3)
    ]
    periods = reporting_periods([Period.month(2020, 1), Period.month(2020, 2)])
    area = local_area()
    figures = [
        (Decimal("0.000001"), None, None, None),
        (Decimal("99999999999999.999999"), Decimal("12345678901234.5"), Decimal(1), None),
        (Decimal("-42.5"), Decimal("0"), Decimal("3.141593"), Decimal("0.25")),
        (Decimal("1E+3"), Decimal("7.000000"), Decimal("70"), None),
        (Decimal("12.3456785"), None, None, None),  # more places than stored: rounded alike
        (Decimal(0), None, None, Decimal("0.000000")),
    ]
    notes = ["", "Tab\there, newline\nthere, back\\slash and \\N", 'Ünïcödé — ‘quotes’ "too"']
    warnings = [[], [{"kind": "outlier", "message": 'Quote " and \\ and é', "review": "…"}]]
    rows = []
    for index, (value, numerator, denominator, variance) in enumerate(figures):
        rows.append(
            {
                "row": index + 2,
                "measure_id": measures[index % 3].pk,
                "area_id": area.pk,
                "period_id": list(periods.values())[index // 3].pk,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "variance": variance,
                "note": notes[index % 3],
                "warnings": warnings[index % 2],
            }
        )
    return rows


@pytest.mark.postgres
def test_copy_stores_exactly_the_rows_the_orm_stores(imported, lead):
    needs_postgresql()
    rows = awkward_rows(lead)
    by_copy, by_orm = (
        Submission.objects.create(
            organisation=lead.organisation, channel=Channel.UPLOAD, created_by=lead
        )
        for _ in range(2)
    )

    bulk_insert(SubmittedValue, ({**row, "submission_id": by_copy.pk} for row in rows))
    SubmittedValue.objects.bulk_create(
        SubmittedValue(**row, submission_id=by_orm.pk) for row in rows
    )

    def stored(submission: Submission) -> list[tuple[object, ...]]:
        # As text too, so that a figure stored at another scale could not pass as equal.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT row, measure_id, area_id, period_id, value::text, numerator::text, "
                "denominator::text, variance::text, note, warnings::text, review_comment, "
                f"data_point_id FROM {VALUES_TABLE} WHERE submission_id = %s ORDER BY row",
                [submission.pk],
            )
            return cursor.fetchall()

    assert stored(by_copy) == stored(by_orm)
    assert len(stored(by_copy)) == len(rows)
    assert stored(by_copy)[4][4] == "12.345679"  # rounded half up to the stored six places


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"row": -1}, IntegrityError),  # PositiveIntegerField: a CHECK constraint
        ({"measure_id": None}, IntegrityError),  # NOT NULL
        ({"value": Decimal("1E+20")}, DataError),  # beyond numeric(20, 6)
        ({"value": Decimal("NaN")}, ValidationError),  # the field's own refusal, as the ORM's
    ],
    ids=["check", "not null", "precision", "not a number"],
)
def test_copy_is_refused_by_the_constraints_the_orm_is_refused_by(imported, lead, change, error):
    needs_postgresql()
    row = {**awkward_rows(lead)[0], **change}
    submission = Submission.objects.create(
        organisation=lead.organisation, channel=Channel.UPLOAD, created_by=lead
    )
    row["submission_id"] = submission.pk

    with pytest.raises(error), transaction.atomic():
        bulk_insert(SubmittedValue, [row])
    assert not SubmittedValue.objects.exists()


@pytest.mark.postgres
def test_copy_keeps_one_value_per_measure_area_and_period_in_a_return(imported, lead):
    needs_postgresql()
    row = awkward_rows(lead)[0]
    submission = Submission.objects.create(
        organisation=lead.organisation, channel=Channel.UPLOAD, created_by=lead
    )
    row["submission_id"] = submission.pk

    with (
        pytest.raises(IntegrityError, match="submitted_value_once_per_submission"),
        transaction.atomic(),
    ):
        bulk_insert(SubmittedValue, [row, {**row, "row": 99}])
    assert not SubmittedValue.objects.exists()


def test_the_garbage_collector_runs_again_after_a_return_is_saved_or_refused(
    frozen_today, imported, lead
):
    assert gc.isenabled()
    good = [RawRow(2, {"measure": "1", "period": "Nov 23", "value": "60"})]
    bad = [RawRow(2, {"measure": "1", "period": "Nov 23", "value": "sixty"})]

    submission_create(by=lead, rows=good, channel=Channel.UPLOAD)
    assert gc.isenabled()
    with pytest.raises(InvalidSubmission):
        submission_create(by=lead, rows=bad, channel=Channel.UPLOAD)
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_collector_paused_until_the_outer_one_ends():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
