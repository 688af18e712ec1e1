"""Reads of the scorecard: the live scorecard and editions as documents, what changed, and the
rows as the board reads them (with freshness by collection.due, targets by scorecard.targets and
the owners' approved commentary).

Every function here issues a fixed number of queries however many measures there are. The live
rows come from ScorecardRow, which is computed from approved data points only: nothing here reads
submissions, so the board never sees an unapproved figure. Some 430 lines: the documents and the
board rows built from them share their row-building helpers.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from collection.due import Schedule, staleness
from commentary.models import Commentary
from commentary.selectors import approved_by_measure
from scorecard.compute import SUPPRESSED, Comparison, Direction, Judgement
from scorecard.layout import DocumentRow, ScorecardDocument
from scorecard.models import (
    VERDICT_FIELDS,
    Area,
    AreaKind,
    Edition,
    EditionRow,
    LiveVersion,
    Measure,
    ScorecardRow,
    Target,
)
from scorecard.targets import Rag, TargetStatus, assess


def live_version() -> str:
    """The live scorecard's version (scorecard.services.versioning); empty until the first
    change. One query."""
    token = LiveVersion.objects.filter(pk=LiveVersion.ROW).values_list("token", flat=True).first()
    return "" if token is None else str(token)


def latest_edition() -> Edition | None:
    """The most recent edition (Edition's Meta ordering is the one order of editions)."""
    return Edition.objects.first()


def editions() -> QuerySet[Edition]:
    return Edition.objects.select_related("area", "published_by")


def live_rows(measures: QuerySet[Measure] | None = None) -> list[ScorecardRow]:
    """The computed row of every active measure, in scorecard order (missing rows are blank).

    `measures` narrows the rows (the page's filters); by default every measure.
    """
    queryset = Measure.objects.all() if measures is None else measures
    measures_list = list(
        queryset.filter(active=True)
        .select_related(
            "commitment__priority_area",
            "row__latest_period",
            "organisation",
            "target__by_period",
        )
        .order_by("number")
    )
    return [row_of(measure) for measure in measures_list]


def row_of(measure: Measure) -> ScorecardRow:
    """The measure's computed row (loaded with it), or a blank one if it was never computed."""
    row = getattr(measure, "row", None)
    if row is None:
        row = ScorecardRow(
            measure=measure,
            direction=Direction.UNKNOWN.value,
            compared=Comparison.NOT_COMPARABLE.value,
            series=[],
        )
    row.measure = measure
    return row


def england_places(value: Decimal | None, places: int) -> int:
    """England's figures come from national releases that may carry more precision than the
    measure shows locally; keep what they carry rather than round it away."""
    if value is None:
        return places
    exponent = value.normalize().as_tuple().exponent
    return max(places, -exponent if isinstance(exponent, int) else 0)


def _verdicts(row: ScorecardRow | EditionRow) -> dict[str, object]:
    return {name: getattr(row, name) for name in VERDICT_FIELDS}


def _note(status_note: str, suppressed: bool) -> str:
    """The row's note; a suppressed figure says so where the document has room for words (the
    layout's value cell takes only a number or "No Value")."""
    return "; ".join(n for n in (SUPPRESSED if suppressed else "", status_note) if n)


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
        note=_note(measure.status_note, row.suppressed),
        local_value=row.local_value,
        england_value=row.england_value,
        local_places=measure.decimal_places,
        england_places=england_places(row.england_value, measure.decimal_places),
        direction=row.direction,
        compared=row.compared,
        series=row.series,
        polarity=measure.polarity,
        confidence_level=measure.confidence_level if row.tested else "",
        **_verdicts(row),  # type: ignore[arg-type]
    )


def live_scorecard() -> ScorecardDocument:
    """The live scorecard, computed from approved data only."""
    rows = live_rows()
    latest = latest_edition()
    computed = [r.computed_at for r in rows if r.computed_at]
    return ScorecardDocument(
        title=latest.title if latest else "Scorecard",
        edition=None,
        area=local_area_name(),
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
        polarity=row.polarity,
        confidence_level=row.confidence_level,
        **_verdicts(row),  # type: ignore[arg-type]
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


COMPARED_FIELDS = (
    "latest_period",
    "local_value",
    "england_value",
    "direction",
    "compared",
    "judgement",
    "trend",
)


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
    return Edition.objects.filter(edition_date__lt=edition.edition_date).first()


def edition_by_name(name: str) -> Edition | None:
    """The edition of this name, ignoring case (names are unique ignoring case)."""
    return Edition.objects.select_related("area", "published_by").filter(name__iexact=name).first()


def edition_exists(name: str) -> bool:
    """Whether an edition of this name exists, ignoring case ("jun-2024" is "Jun-2024")."""
    return Edition.objects.filter(name__iexact=name).exists()


def local_area() -> Area | None:
    """The area the live scorecard is about (at most one, by constraint)."""
    return Area.objects.filter(kind=AreaKind.LOCAL).first()


def local_area_name() -> str:
    area = local_area()
    return area.name if area else "Local"


def measure_sources() -> list[str]:
    """The distinct sources of the active measures, for the scorecard's source filter."""
    return list(
        Measure.objects.filter(active=True)
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()
    )


def active_measure_count() -> int:
    return Measure.objects.filter(active=True).count()


# The scorecard as the board reads it ------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    """A scorecard row as the board reads it: the document row (with its stored judgement),
    what changed since the latest edition (COMPARED_FIELDS names, "added", or empty when
    unchanged), and what the board reads beside the figures: how overdue the next figures are
    (`stale`, empty when up to date), the target in words and its status (None: no target),
    the owner's approved commentary, and the date a status note was meant to apply until, once
    past (`note_expired`)."""

    document: DocumentRow
    changed: tuple[str, ...] = ()
    has_measure_page: bool = True
    stale: str = ""
    target: str = ""
    target_status: TargetStatus | None = None
    commentary: Commentary | None = None
    note_expired: date | None = None

    @property
    def judgement(self) -> Judgement:
        return Judgement(self.document.judgement)


def _live_extras(row: ScorecardRow, document: DocumentRow, today: date) -> dict[str, Any]:
    """A live row's freshness, target status and status note's expiry (no query: the measure
    was loaded with its target and the row with its period)."""
    measure = row.measure
    latest = row.latest_period.period if row.latest_period else None
    stale = staleness(Schedule.of(measure), latest, today) if latest else None
    extras: dict[str, Any] = {"stale": stale.text if stale else ""}
    target: Target | None = getattr(measure, "target", None)
    if target is not None:
        rule = target.rule
        extras["target"] = rule.describe(measure.decimal_places)
        extras["target_status"] = assess(
            rule,
            latest=latest,
            value=None if document.suppressed else document.local_value,
            direction=document.direction,
            places=measure.decimal_places,
        )
    until = measure.status_note_until
    if measure.status_note and until is not None and until < today:
        extras["note_expired"] = until
    return extras


def board_rows(
    rows: Iterable[ScorecardRow], edition: Edition | None, *, today: date | None = None
) -> list[BoardRow]:
    """Live rows with their judgement, what changed since `edition` (normally the latest),
    freshness on `today`, target status and approved commentary.

    Two queries however many rows: the edition's rows and the commentary are each loaded once
    and matched by measure.
    """
    rows = list(rows)
    today = today or timezone.localdate()
    published: dict[int, DocumentRow] = {}
    if edition is not None:
        published = {r.number: edition_document_row(r) for r in edition.rows.all()}
    commentary = approved_by_measure([row.measure.pk for row in rows])
    board = []
    for row in rows:
        document = document_row(row)
        changed = changed_fields(published.get(document.number), document) if edition else ()
        board.append(
            BoardRow(
                document,
                changed,
                commentary=commentary.get(row.measure.pk),
                **_live_extras(row, document, today),
            )
        )
    return board


def edition_board_rows(edition: Edition, *, since: Edition | None = None) -> list[BoardRow]:
    """An edition's frozen rows, judged as they were when published (targets, freshness and
    commentary included), and what changed `since` an earlier edition, if given; one query per
    edition. A row whose measure has since gone from the catalogue has no measure page."""
    earlier = {r.number: edition_document_row(r) for r in since.rows.all()} if since else {}
    documents = [
        (row, edition_document_row(row))
        for row in edition.rows.select_related(
            "commentary__organisation", "commentary__about_period", "commentary__decided_by"
        ).order_by("number")
    ]
    return [
        BoardRow(
            document,
            changed_fields(earlier.get(document.number), document) if since else (),
            has_measure_page=row.measure_id is not None,
            stale=row.stale,
            target=row.target,
            target_status=TargetStatus(
                Rag(row.target_rag) if row.target_rag else None, row.target_reason
            )
            if row.target
            else None,
            commentary=row.commentary,
        )
        for row, document in documents
    ]


@dataclass(frozen=True)
class Board:
    """A scorecard ready for a page: its rows as the board reads them and what heads them.

    `edition` is the edition the live rows are compared with, or the edition shown.
    """

    title: str
    area: str
    rows: list[BoardRow]
    edition: Edition | None
    as_at: datetime | None
    description: str = ""
    period_note: str = ""
    #: Computed from synthetic demo figures (`load_demo --history`) as well as real ones.
    synthetic: bool = False


def live_board(
    latest: Edition | None,
    measures: QuerySet[Measure] | None = None,
    *,
    today: date | None = None,
) -> Board:
    """The live scorecard (narrowed to `measures`) compared with `latest`, the latest edition,
    with its freshness on `today` (by default, today)."""
    rows = live_rows(measures)
    return Board(
        title=latest.title if latest else "Scorecard",
        area=local_area_name(),
        rows=board_rows(rows, latest, today=today),
        edition=latest,
        as_at=max((r.computed_at for r in rows if r.computed_at), default=None),
        description=latest.description if latest else "",
        period_note=latest.period_note if latest else "",
        synthetic=any(r.synthetic for r in rows),
    )


def edition_board(edition: Edition, *, since: Edition | None = None) -> Board:
    """An edition as published; with `since`, its rows marked where they changed since it."""
    return Board(
        title=edition.title,
        area=edition.area.name,
        rows=edition_board_rows(edition, since=since),
        edition=edition,
        as_at=edition.published_at,
        description=edition.description,
        period_note=edition.period_note,
    )


def stale_measure_ids() -> list[int]:
    """Measures whose approved data is newer than their computed row (or that have data but no
    row yet); a measure without data has nothing to compute."""
    return list(
        Measure.objects.annotate(latest=Max("data_points__id"))
        .filter(
            Q(latest__isnull=False) & (Q(row__isnull=True) | Q(latest__gt=F("row__data_version")))
        )
        .values_list("pk", flat=True)
    )
