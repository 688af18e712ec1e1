"""Publishing: the live scorecard frozen as a named edition, and the one rule for edition names
that imported documents follow too."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_event
from scorecard import selectors
from scorecard.layout import DocumentRow
from scorecard.models import VERDICT_FIELDS, Edition, EditionRow, Measure
from scorecard.periods import edition_name, month_of_name
from scorecard.services import ScorecardError
from scorecard.services.versioning import scorecard_changed


def edition_named(text: str) -> tuple[str, date]:
    """The canonical edition name for `text` and the month it speaks for; ScorecardError when
    `text` does not name a month, as in "Jun-2024"."""
    name = edition_name(text)
    month = month_of_name(text)
    if name is None or month is None:
        raise ScorecardError(f"'{text.strip()}' is not an edition name such as 'Jun-2024'.")
    return name, month


@transaction.atomic
def edition_publish(name: str, *, by: Any) -> Edition:
    """Freeze the live scorecard as a named edition (e.g. `Jun-2024`)."""
    name, edition_date = edition_named(name)
    if selectors.edition_exists(name):
        raise ScorecardError(f"An edition called {name} already exists; editions are frozen.")
    area = selectors.local_area()
    if area is None:
        raise ScorecardError("There is no local area yet: import a scorecard first.")
    previous = selectors.latest_edition()
    board = selectors.live_board(previous)
    document = selectors.live_scorecard()
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
    rows = [
        edition_row(r.document, numbers.get(r.document.number), series=r.document.series)
        for r in board.rows
    ]
    for row, read in zip(rows, board.rows, strict=True):
        row.edition = edition
        _freeze_board_content(row, read)
    EditionRow.objects.bulk_create(rows)
    scorecard_changed()
    changed = (
        selectors.changes_between(selectors.edition_scorecard(previous), document)
        if previous
        else []
    )
    audit_event(
        by=by,
        action=Action.PUBLISH,
        target=edition,
        changes={
            "rows": len(rows),
            "since": previous.name if previous else None,
            "changed": [c.number for c in changed],
        },
    )
    return edition


def _freeze_board_content(row: EditionRow, read: selectors.BoardRow) -> None:
    """What the board read beside the figures, as it read then: target and status, freshness,
    the approved commentary (which is never changed afterwards)."""
    row.target = read.target
    status = read.target_status
    row.target_rag = status.rag.value if status is not None and status.rag is not None else ""
    row.target_reason = status.reason if status is not None else ""
    row.stale = read.stale
    row.commentary = read.commentary


def edition_row(row: DocumentRow, measure_id: int | None, *, series: list[Any]) -> EditionRow:
    """A frozen copy of a scorecard row, as it reads in the published document, with
    everything that judged it (polarity, method, confidence level, interval, verdicts)."""
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
        polarity=row.polarity,
        confidence_level=row.confidence_level,
        **{name: getattr(row, name) for name in VERDICT_FIELDS},
    )
