"""Reads of the scorecard: the live scorecard and editions as documents, and what changed.

Every function here issues a fixed number of queries however many measures there are.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from scorecard.compute import Comparison, Direction
from scorecard.layout import DocumentRow, ScorecardDocument
from scorecard.models import Area, AreaKind, Edition, EditionRow, Measure, ScorecardRow


def latest_edition() -> Edition | None:
    return Edition.objects.order_by("-edition_date", "-published_at").first()


def editions() -> QuerySet[Edition]:
    return Edition.objects.select_related("area", "published_by").order_by(
        "-edition_date", "-published_at"
    )


def live_rows(measures: QuerySet[Measure] | None = None) -> list[ScorecardRow]:
    """The computed row of every active measure, in scorecard order (missing rows are blank).

    `measures` narrows the rows (the page's filters); by default every measure.
    """
    queryset = Measure.objects.all() if measures is None else measures
    measures_list = list(
        queryset.filter(active=True)
        .select_related("commitment__priority_area", "row__latest_period", "organisation")
        .order_by("number")
    )
    rows = []
    for measure in measures_list:
        row = getattr(measure, "row", None)
        if row is None:
            row = ScorecardRow(
                measure=measure,
                direction=Direction.UNKNOWN.value,
                compared=Comparison.NOT_COMPARABLE.value,
                series=[],
            )
        row.measure = measure
        rows.append(row)
    return rows


def england_places(value: Decimal | None, places: int) -> int:
    """England's figures come from national releases that may carry more precision than the
    measure shows locally; keep what they carry rather than round it away."""
    if value is None:
        return places
    exponent = value.normalize().as_tuple().exponent
    return max(places, -exponent if isinstance(exponent, int) else 0)


def document_row(row: ScorecardRow) -> DocumentRow:
    measure = row.measure
    return DocumentRow(
        number=measure.number,
        priority_area=measure.commitment.priority_area.name,
        commitment=measure.commitment.name,
        measure=measure.name,
        unit=measure.unit,
        source=measure.source,
        latest_period=row.latest_period.label if row.latest_period else None,
        note=measure.status_note,
        local_value=row.local_value,
        england_value=row.england_value,
        local_places=measure.decimal_places,
        england_places=england_places(row.england_value, measure.decimal_places),
        direction=row.direction,
        compared=row.compared,
        series=row.series,
    )


def live_scorecard() -> ScorecardDocument:
    """The live scorecard, computed from approved data only."""
    rows = live_rows()
    latest = latest_edition()
    area = Area.objects.filter(kind=AreaKind.LOCAL).first()
    computed = [r.computed_at for r in rows if r.computed_at]
    return ScorecardDocument(
        title=latest.title if latest else "Scorecard",
        edition=None,
        area=area.name if area else "Local",
        rows=[document_row(r) for r in rows],
        description=latest.description if latest else "",
        period_note=latest.period_note if latest else "",
        computed_at=max(computed) if computed else None,
    )


def edition_document_row(row: EditionRow) -> DocumentRow:
    return DocumentRow(
        number=row.number,
        priority_area=row.priority_area,
        commitment=row.commitment,
        measure=row.measure_name,
        unit=row.unit,
        source=row.source,
        latest_period=row.latest_period or None,
        note=row.note,
        local_value=row.local_value,
        england_value=row.england_value,
        local_places=row.decimal_places,
        england_places=row.england_decimal_places,
        direction=row.direction,
        compared=row.compared,
        series=row.series,
    )


def edition_scorecard(edition: Edition) -> ScorecardDocument:
    return ScorecardDocument(
        title=edition.title,
        edition=edition.name,
        area=edition.area.name,
        rows=[edition_document_row(r) for r in edition.rows.order_by("number")],
        description=edition.description,
        period_note=edition.period_note,
        computed_at=edition.published_at,
    )


@dataclass(frozen=True)
class RowChange:
    number: int
    measure: str
    before: DocumentRow | None
    after: DocumentRow | None
    fields: tuple[str, ...]


COMPARED_FIELDS = ("latest_period", "local_value", "england_value", "direction", "compared")


def changed_fields(before: DocumentRow | None, after: DocumentRow | None) -> tuple[str, ...]:
    """What differs between a measure's row in two scorecards: the names of COMPARED_FIELDS, or
    ("added",) / ("removed",) when the row is in only one of them. The one rule for "changed"."""
    if before is None:
        return ("added",)
    if after is None:
        return ("removed",)
    return tuple(f for f in COMPARED_FIELDS if getattr(before, f) != getattr(after, f))


def changes_between(before: ScorecardDocument, after: ScorecardDocument) -> list[RowChange]:
    """Rows whose values, periods or arrows differ between two scorecards, in number order."""
    old = {r.number: r for r in before.rows}
    new = {r.number: r for r in after.rows}
    changes = []
    for number in sorted(old.keys() | new.keys()):
        a, b = old.get(number), new.get(number)
        fields = changed_fields(a, b)
        if fields:
            named = b if b is not None else a
            assert named is not None
            changes.append(RowChange(number, named.measure, a, b, fields))
    return changes


def previous_edition(edition: Edition) -> Edition | None:
    return (
        Edition.objects.filter(edition_date__lt=edition.edition_date)
        .order_by("-edition_date", "-published_at")
        .first()
    )
