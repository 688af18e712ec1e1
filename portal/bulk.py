"""Working with many rows at once: inserting them (PostgreSQL's COPY where the database is
PostgreSQL, bulk_create elsewhere) and keeping Python's cyclic garbage collector out of the way.

COPY is several times faster than a multi-row INSERT for a large return and still enforces
every constraint (NOT NULL, CHECK, UNIQUE; foreign keys at commit, as Django declares them
deferred), so it saves time without weakening what the database keeps true. Each value is
prepared by its model field exactly as the ORM would prepare it for an INSERT, so both paths
store the same rows.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from itertools import islice
from typing import Any, cast

from django.db import connections, models, router

#: Rows per INSERT where rows go in batches (bulk_create, bulk_update).
BATCH_SIZE = 1000


def bulk_insert(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert `rows` (each a mapping of field attnames, e.g. `measure_id`, to values) into
    `model`'s table, in the current transaction. Fields a row leaves out take their default;
    primary keys come from the database. Nothing is returned, so nothing is read back."""
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created)]
    if connection.vendor != "postgresql":
        # Instances a batch at a time, so a large return never holds them all at once.
        size = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * BATCH_SIZE))
        remaining = iter(rows)
        while batch := [model(**row) for row in islice(remaining, size)]:
            model._default_manager.bulk_create(batch, batch_size=size)
        return
    # A concrete field always has its column (the stubs allow None for the others).
    columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    prepare = [(f.attname, _preparer(f), f.get_default(), _unchanged(f)) for f in fields]
    start = time.monotonic()
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            cells = []
            for name, save, default, unchanged in prepare:
                value = row.get(name, default)
                # Skipping the field's preparation where it would change nothing halves the
                # time a large return takes to write.
                if unchanged is not None and (value is None or unchanged(value)):
                    cells.append(value)
                else:
                    cells.append(save(value, connection))
            copy.write_row(cells)
    if connection.queries_logged:
        # COPY bypasses Django's cursor wrapper; log it like any query, so counts include it.
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - start:.3f}"})


def copy_rows(
    source: models.QuerySet[Any], model: type[models.Model], fixed: Mapping[str, Any]
) -> int:
    """Insert into `model`'s table a row for each row of `source`, inside the database, in one
    INSERT … SELECT: each column takes `fixed`'s value for its attname if given, else the source
    column of the same attname, else its field's default. How many rows went in."""
    connection = connections[router.db_for_write(model)]
    copied = {f.attname for f in source.model._meta.concrete_fields if not f.primary_key}
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created)]
    selected: dict[str, models.Value | models.F] = {}
    for field in fields:
        if field.attname in fixed or field.attname not in copied:
            value = fixed.get(field.attname, field.get_default())
            selected[f"_{field.attname}"] = models.Value(value, output_field=field)
        else:
            selected[f"_{field.attname}"] = models.F(field.attname)
    query = source.order_by().annotate(**selected).values_list(*selected)
    sql, params = query.query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        return cursor.rowcount


def _preparer(field: models.Field) -> Callable[[Any, Any], Any]:
    """How COPY's text format takes a field's value: JSON as its text (the database parses it as
    it would the ORM's adapted value, without an adapter object for each row), others as the
    ORM prepares them for an INSERT."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value, connection: None if value is None else json.dumps(value, cls=encoder)
    return field.get_db_prep_save


def _unchanged(field: models.Field) -> Callable[[Any], bool] | None:
    """A test for the values (besides None) that `field` prepares for the database unchanged:
    ints for integers and foreign keys to integer keys, str for text, finite Decimals for
    decimals (the field refuses NaN and infinities, so those go through it). None for other
    fields, whose every value goes through the field."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, models.IntegerField | models.AutoField):
        return lambda value: type(value) is int
    if isinstance(target, models.CharField | models.TextField):
        return lambda value: type(value) is str
    if isinstance(target, models.DecimalField):
        return lambda value: type(value) is Decimal and value.is_finite()
    return None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the work inside (usable as a decorator).

    A 100,000-row file becomes millions of objects that live until the request ends; each full
    collection walks every one of them, and the collector ran often enough to take nearly half
    of an upload's time while finding nothing to free. It resumes (if it was running) when the
    work ends; reference counting frees memory meanwhile as usual.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
