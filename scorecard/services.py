"""Writes to the scorecard: importing a published document, recomputing the live rows,
publishing an edition. Each is a plain function that takes the actor as `by=`."""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation
from scorecard import compute, selectors
from scorecard.layout import DocumentRow, ScorecardDocument, json_number, parse_edition_date
from scorecard.models import (
    Area,
    AreaKind,
    Commitment,
    DataPoint,
    Edition,
    EditionRow,
    Measure,
    PriorityArea,
    ReportingPeriod,
    ScorecardRow,
)
from scorecard.periods import PeriodError, PeriodType, infer_period_type, parse_period

logger = logging.getLogger(__name__)


class ScorecardError(ValueError):
    """A scorecard operation was refused; the message says why in plain words."""


@dataclass
class ImportResult:
    edition: Edition
    created_measures: int
    updated_measures: int
    new_data_points: int
    edition_created: bool

    @property
    def changed(self) -> bool:
        return (
            bool(self.created_measures or self.updated_measures or self.new_data_points)
            or self.edition_created
        )


# Import ------------------------------------------------------------------------------------------


def organisation_for_source(
    source: str, organisations: Iterable[Organisation]
) -> Organisation | None:
    """The partner whose listed sources include `source`, else the default owner."""
    organisations = list(organisations)
    wanted = source.strip().lower()
    for organisation in organisations:
        if wanted in (name.lower() for name in organisation.source_names()):
            return organisation
    return next((o for o in organisations if o.is_default_owner), None)


def _local_area(name: str) -> Area:
    existing = selectors.local_area()
    if existing is None:
        return Area.objects.create(name=name, kind=AreaKind.LOCAL)
    if existing.name != name:
        raise ScorecardError(
            f"This portal's local area is {existing.name}; the document is about {name}."
        )
    return existing


def england() -> Area:
    area, _ = Area.objects.get_or_create(kind=AreaKind.ENGLAND, defaults={"name": "England"})
    return area


def _unique_code(name: str, number: int, taken: set[str]) -> str:
    base = slugify(name)[:50].strip("-") or f"measure-{number}"
    code, suffix = base, 2
    while code in taken:
        code, suffix = f"{base[:46]}-{suffix}", suffix + 1
    taken.add(code)
    return code


def _period_type_for(row: DocumentRow) -> PeriodType:
    if row.latest_period:
        return parse_period(row.latest_period).type
    return infer_period_type(row.unit)


@transaction.atomic
def scorecard_import(document: ScorecardDocument, *, by: Any = None) -> ImportResult:
    """Create or update the catalogue, the latest data points and the published edition.

    Idempotent: the same document imported twice changes nothing the second time. Catalogue
    fields the document does not carry (polarity, kind, period type, owner) are set only when a
    measure is first created, so an admin's later edits survive a re-import.
    """
    edition_date = parse_edition_date(document.edition or "")
    if edition_date is None:
        raise ScorecardError("The document has no edition date line such as 'May-2024'.")
    for row in document.rows:
        if row.latest_period:
            try:
                parse_period(row.latest_period)
            except PeriodError as exc:
                raise ScorecardError(f"Measure {row.number}: {exc}") from None

    area = _local_area(document.area)
    england_area = england()
    organisations = list(Organisation.objects.all())
    priorities: dict[str, PriorityArea] = {}
    commitments: dict[tuple[str, str], Commitment] = {}
    for position, row in enumerate(document.rows):
        if row.priority_area not in priorities:
            priority, _ = PriorityArea.objects.get_or_create(
                name=row.priority_area, defaults={"position": len(priorities)}
            )
            priorities[row.priority_area] = priority
        key = (row.priority_area, row.commitment)
        if key not in commitments:
            commitments[key], _ = Commitment.objects.get_or_create(
                priority_area=priorities[row.priority_area],
                name=row.commitment,
                defaults={"position": position},
            )

    existing = {m.number: m for m in Measure.objects.all()}
    codes = {m.code for m in existing.values()}
    created = updated = 0
    measures: dict[int, Measure] = {}
    for row in document.rows:
        commitment = commitments[(row.priority_area, row.commitment)]
        measure = existing.get(row.number)
        document_fields = {
            "name": row.measure,
            "commitment_id": commitment.pk,
            "unit": row.unit,
            "source": row.source,
            "status_note": row.note,
        }
        if measure is None:
            kind = compute.infer_value_kind(row.unit)
            measure = Measure.objects.create(
                number=row.number,
                code=_unique_code(row.measure, row.number, codes),
                value_kind=kind.value,
                period_type=_period_type_for(row).value,
                comparable_with_england=compute.is_comparable_kind(kind),
                decimal_places=row.local_places,
                organisation=organisation_for_source(row.source, organisations),
                **document_fields,
            )
            created += 1
        elif any(getattr(measure, f) != v for f, v in document_fields.items()):
            for name, value in document_fields.items():
                setattr(measure, name, value)
            measure.save(update_fields=[f.removesuffix("_id") for f in document_fields])
            updated += 1
        measures[row.number] = measure

    entries = []
    for row in document.rows:
        if not row.latest_period:
            continue
        period = ReportingPeriod.for_period(parse_period(row.latest_period))
        for target, value in ((area, row.local_value), (england_area, row.england_value)):
            if value is not None:
                entries.append(ValueEntry(measures[row.number].pk, target.pk, period.pk, value))
    recorded = record_values(entries, origin=f"import {document.edition}")
    new_points = sum(1 for r in recorded if r.point is not None)

    edition, edition_created = _edition_from_document(document, area, edition_date, measures, by)
    scorecard_recompute(measure.pk for measure in measures.values())
    return ImportResult(edition, created, updated, new_points, edition_created)


@dataclass(frozen=True)
class ValueEntry:
    """A figure to make current: ids of its measure, area and period, and the figure itself."""

    measure_id: int
    area_id: int
    period_id: int
    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.measure_id, self.area_id, self.period_id)


@dataclass(frozen=True)
class Recorded:
    """What recording an entry did: the new version (None when the figure was already current)
    and the version it replaced (None for a first figure)."""

    entry: ValueEntry
    point: DataPoint | None
    previous: DataPoint | None


def record_values(
    entries: Iterable[ValueEntry],
    *,
    origin: str,
    submitted_by: Any = None,
    approved_by: Any = None,
) -> list[Recorded]:
    """Make each entry the current figure, keeping every earlier version; in bulk.

    The caller holds the transaction. Current rows are locked in one statement, in a fixed order,
    so two approvals touching the same figures serialise rather than deadlock; the database's
    one-current-value constraint stops two first versions of the same figure.
    """
    entries = list(entries)
    if not entries:
        return []
    keys = {e.key for e in entries}
    current = {
        (p.measure_id, p.area_id, p.period_id): p
        for p in DataPoint.objects.select_for_update()
        .filter(
            measure_id__in={k[0] for k in keys},
            area_id__in={k[1] for k in keys},
            period_id__in={k[2] for k in keys},
            is_current=True,
        )
        .order_by("pk")
        if (p.measure_id, p.area_id, p.period_id) in keys
    }
    now = timezone.now()
    results: list[Recorded] = []
    replaced: list[int] = []
    new_points: list[DataPoint] = []
    for entry in sorted(entries, key=lambda e: e.key):
        previous = current.get(entry.key)
        if previous is not None and (previous.value, previous.numerator, previous.denominator) == (
            entry.value,
            entry.numerator,
            entry.denominator,
        ):
            results.append(Recorded(entry, None, previous))
            continue
        if previous is not None:
            replaced.append(previous.pk)
        point = DataPoint(
            measure_id=entry.measure_id,
            area_id=entry.area_id,
            period_id=entry.period_id,
            value=entry.value,
            numerator=entry.numerator,
            denominator=entry.denominator,
            note=entry.note,
            version=previous.version + 1 if previous else 1,
            origin=origin,
            submitted_by=submitted_by,
            approved_by=approved_by,
            approved_at=now,
        )
        new_points.append(point)
        results.append(Recorded(entry, point, previous))
    if replaced:
        DataPoint.objects.filter(pk__in=replaced).update(is_current=False)
    DataPoint.objects.bulk_create(new_points, batch_size=1000)
    return results


def record_value(
    measure: Measure,
    area: Area,
    period: ReportingPeriod,
    value: Decimal,
    *,
    origin: str,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    note: str = "",
    submitted_by: Any = None,
    approved_by: Any = None,
) -> int:
    """Make one figure current (see record_values); 1 when a new version was added, else 0."""
    entry = ValueEntry(measure.pk, area.pk, period.pk, value, numerator, denominator, note)
    (recorded,) = record_values(
        [entry], origin=origin, submitted_by=submitted_by, approved_by=approved_by
    )
    return 0 if recorded.point is None else 1


def _edition_from_document(
    document: ScorecardDocument,
    area: Area,
    edition_date: Any,
    measures: dict[int, Measure],
    by: Any,
) -> tuple[Edition, bool]:
    # A date line may read "May/2024"; a name with a slash cannot appear in an edition's URL.
    name = (document.edition or "").replace("/", "-")
    rows = [
        _edition_row(
            r,
            measures[r.number].pk,
            series=[{"period": r.latest_period, "value": json_number(r.local_value)}]
            if r.latest_period and r.local_value is not None
            else [],
        )
        for r in document.rows
    ]
    edition = Edition.objects.filter(name=name).first()
    if edition is not None:
        if _edition_signature(edition.rows.all()) != _edition_signature(rows):
            raise ScorecardError(
                f"Edition {name} is already published with different figures; editions are "
                "frozen. Give the corrected document a new edition name."
            )
        return edition, False
    edition = Edition.objects.create(
        name=name,
        title=document.title,
        description=document.description,
        period_note=document.period_note,
        area=area,
        edition_date=edition_date,
        published_at=timezone.now(),
        published_by=by,
    )
    for row in rows:
        row.edition = edition
    EditionRow.objects.bulk_create(rows)
    return edition, True


def _edition_row(row: DocumentRow, measure_id: int | None, *, series: list[Any]) -> EditionRow:
    """A frozen copy of a scorecard row, as it reads in the published document."""
    return EditionRow(
        measure_id=measure_id,
        number=row.number,
        priority_area=row.priority_area,
        commitment=row.commitment,
        measure_name=row.measure,
        unit=row.unit,
        source=row.source,
        latest_period=row.latest_period or "",
        note=row.note,
        local_value=row.local_value,
        england_value=row.england_value,
        decimal_places=row.local_places,
        england_decimal_places=row.england_places,
        direction=row.direction,
        compared=row.compared,
        series=series,
    )


def _edition_signature(rows: Iterable[EditionRow]) -> list[tuple[object, ...]]:
    return sorted(
        (
            r.number,
            r.measure_name,
            r.unit,
            r.source,
            r.latest_period,
            r.note,
            r.local_value,
            r.england_value,
            r.direction,
            r.compared,
        )
        for r in rows
    )


# Recompute ---------------------------------------------------------------------------------------


def scorecard_recompute(measure_ids: Iterable[int] | None = None) -> int:
    """Recompute the live rows of the given measures (all when None); returns how many changed.

    Idempotent, and safe when two run at once: the measures are locked for the duration, in id
    order, so concurrent runs serialise per measure rather than overwrite each other.
    """
    with transaction.atomic():
        queryset = Measure.objects.select_for_update().order_by("pk")
        if measure_ids is not None:
            queryset = queryset.filter(pk__in=list(measure_ids))
        measures = list(queryset)
        if not measures:
            return 0
        ids = [m.pk for m in measures]
        area, england_area = (
            selectors.local_area(),
            Area.objects.filter(kind=AreaKind.ENGLAND).first(),
        )
        points: dict[tuple[int, int], list[DataPoint]] = defaultdict(list)
        versions: dict[int, int] = {}
        for point in (
            DataPoint.objects.filter(measure_id__in=ids, is_current=True)
            .select_related("period")
            .order_by("period__end", "period__start")
        ):
            points[(point.measure_id, point.area_id)].append(point)
        for measure_id, latest in (
            DataPoint.objects.filter(measure_id__in=ids)
            .values_list("measure_id")
            .annotate(latest=Max("id"))
        ):
            versions[measure_id] = latest
        carried = _published_directions(ids)
        existing = {row.measure_id: row for row in ScorecardRow.objects.filter(measure_id__in=ids)}
        now = timezone.now()
        to_write = []
        for measure in measures:
            local = points.get((measure.pk, area.pk), []) if area else []
            national = points.get((measure.pk, england_area.pk), []) if england_area else []
            row = compute_row(measure, local, national, carried.get(measure.pk))
            row.data_version = versions.get(measure.pk, 0)
            row.computed_at = now
            if _row_signature(existing.get(measure.pk)) != _row_signature(row):
                to_write.append(row)
        ScorecardRow.objects.bulk_create(
            to_write,
            update_conflicts=True,
            unique_fields=["measure"],
            update_fields=[
                "latest_period",
                "local_value",
                "england_value",
                "direction",
                "compared",
                "series",
                "data_version",
                "computed_at",
            ],
        )
    return len(to_write)


def _row_signature(row: ScorecardRow | None) -> tuple[object, ...] | None:
    if row is None:
        return None
    return (
        row.latest_period_id,
        row.local_value,
        row.england_value,
        row.direction,
        row.compared,
        row.series,
        row.data_version,
    )


def _published_directions(measure_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each measure's (latest period label, direction) in the most recent edition."""
    latest = Edition.objects.order_by("-edition_date", "-published_at").first()
    if latest is None:
        return {}
    return {
        measure_id: (period, direction)
        for measure_id, period, direction in latest.rows.filter(
            measure_id__in=measure_ids
        ).values_list("measure_id", "latest_period", "direction")
    }


def compute_row(
    measure: Measure,
    local: list[DataPoint],
    national: list[DataPoint],
    published: tuple[str, str] | None,
) -> ScorecardRow:
    """A measure's live row from its current local and England data points, oldest first.

    With a single local period that is the latest period of the most recent edition, that
    edition's published direction carries forward: an imported scorecard keeps its arrows until
    new data arrives.
    """
    places = measure.decimal_places
    series = [{"period": p.period.label, "value": json_number(p.value)} for p in local]
    if not local:
        return ScorecardRow(
            measure=measure,
            latest_period=None,
            direction=compute.Direction.UNKNOWN.value,
            compared=compute.Comparison.NOT_COMPARABLE.value,
            series=[],
        )
    latest = local[-1]
    england_point = next((p for p in national if p.period_id == latest.period_id), None)
    england_value = england_point.value if england_point else None
    if len(local) >= 2:
        direction = compute.direction_of_travel(latest.value, local[-2].value, places).value
    elif published and published[0] == latest.period.label:
        direction = published[1]
    else:
        direction = compute.Direction.UNKNOWN.value
    compared = compute.compare_with_england(
        latest.value,
        england_value,
        kind=measure.kind,
        places=places,
        comparable=measure.comparable_with_england,
        numerator=latest.numerator,
        denominator=latest.denominator,
    ).value
    return ScorecardRow(
        measure=measure,
        latest_period=latest.period,
        local_value=latest.value,
        england_value=england_value,
        direction=direction,
        compared=compared,
        series=series,
    )


# Editions ----------------------------------------------------------------------------------------


@transaction.atomic
def edition_publish(name: str, *, by: Any) -> Edition:
    """Freeze the live scorecard as a named edition (e.g. `Jun-2024`)."""
    name = name.strip()
    edition_date = parse_edition_date(name)
    if edition_date is None:
        raise ScorecardError(f"'{name}' is not an edition name such as 'Jun-2024'.")
    if Edition.objects.filter(name=name).exists():
        raise ScorecardError(f"An edition called {name} already exists; editions are frozen.")
    area = selectors.local_area()
    if area is None:
        raise ScorecardError("There is no local area yet: import a scorecard first.")
    document = selectors.live_scorecard()
    previous = Edition.objects.order_by("-edition_date", "-published_at").first()
    try:
        # The check above is a read: another approver may publish the same name meanwhile.
        with transaction.atomic():
            edition = Edition.objects.create(
                name=name,
                title=previous.title if previous else document.title,
                description=previous.description if previous else "",
                period_note=previous.period_note if previous else "",
                area=area,
                edition_date=edition_date,
                published_at=timezone.now(),
                published_by=by,
            )
    except IntegrityError:
        raise ScorecardError(
            f"An edition called {name} was published meanwhile; editions are frozen."
        ) from None
    numbers = {m.number: m.pk for m in Measure.objects.all()}
    rows = [_edition_row(r, numbers.get(r.number), series=r.series) for r in document.rows]
    for row in rows:
        row.edition = edition
    EditionRow.objects.bulk_create(rows)
    return edition
