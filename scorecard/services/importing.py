"""Importing a published scorecard document: the catalogue, each measure's latest figures and
the edition the document is, all or nothing and idempotent."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation
from audit.models import Action
from audit.services import audit_event
from scorecard import compute, methods, selectors
from scorecard.figures import json_number
from scorecard.layout import DocumentRow, ScorecardDocument
from scorecard.models import (
    Area,
    AreaKind,
    Commitment,
    Edition,
    EditionRow,
    Measure,
    PriorityArea,
    ReportingPeriod,
)
from scorecard.periods import PeriodError, PeriodType, edition_name, infer_period_type, parse_period
from scorecard.services import ScorecardError
from scorecard.services.publishing import edition_named, edition_row
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.recording import ValueEntry, record_values
from scorecard.services.versioning import scorecard_changed


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


def measures_assign_by_source() -> int:
    """Give every measure without an owner to the organisation its source names; returns how
    many were assigned. An admin's assignment is never overridden."""
    organisations = list(Organisation.objects.all())
    unowned = list(Measure.objects.filter(organisation__isnull=True))
    assigned = []
    for measure in unowned:
        owner = organisation_for_source(measure.source, organisations)
        if owner is not None:
            measure.organisation = owner
            assigned.append(measure)
    Measure.objects.bulk_update(assigned, ["organisation"])
    if assigned:
        scorecard_changed()
    return len(assigned)


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
    if not document.edition or edition_name(document.edition) is None:
        raise ScorecardError("The document has no edition date line such as 'May-2024'.")
    name, edition_date = edition_named(document.edition)
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
            # A first guess from the unit, for an admin to confirm in the catalogue.
            guess = methods.guess_method(row.unit)
            measure = Measure.objects.create(
                number=row.number,
                code=_unique_code(row.measure, row.number, codes),
                value_kind=guess.kind.value,
                multiplier=guess.multiplier,
                period_type=_period_type_for(row).value,
                comparable_with_england=guess.comparable,
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

    edition, edition_created = _edition_from_document(
        document, name, edition_date, area, measures, by
    )
    scorecard_recompute(measure.pk for measure in measures.values())
    result = ImportResult(edition, created, updated, new_points, edition_created)
    if result.changed:
        audit_event(
            by=by,
            action=Action.IMPORT,
            target=edition,
            changes={
                "measures_created": created,
                "measures_updated": updated,
                "new_values": new_points,
                "edition_created": edition_created,
            },
        )
    return result


def _edition_from_document(
    document: ScorecardDocument,
    name: str,
    edition_date: date,
    area: Area,
    measures: dict[int, Measure],
    by: Any,
) -> tuple[Edition, bool]:
    rows = [
        edition_row(
            replace(
                r,
                polarity=measures[r.number].polarity,
                **compute.as_published(name, r.compared),  # type: ignore[arg-type]
            ),
            measures[r.number].pk,
            series=[{"period": r.latest_period, "value": json_number(r.local_value)}]
            if r.latest_period and r.local_value is not None
            else [],
        )
        for r in document.rows
    ]
    edition = selectors.edition_by_name(name)
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
    scorecard_changed()
    return edition, True


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
