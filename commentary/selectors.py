"""Reads of measures' commentary: the approved one each measure shows, the one in hand, who may
see which, the approvers' queue and a data lead's list. A fixed number of queries each, however
many measures there are."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from commentary.models import Commentary
from portal.errors import Missing
from portal.permissions import can
from scorecard.models import Measure
from submissions.models import OPEN_STATUSES, Status


def _with_people(queryset: QuerySet[Commentary]) -> QuerySet[Commentary]:
    return queryset.select_related(
        "measure", "organisation", "about_period", "created_by", "decided_by"
    )


def approved_by_measure(measure_ids: Iterable[int] | None = None) -> dict[int, Commentary]:
    """Each measure's latest approved commentary (what the scorecard shows), in one query;
    every measure's when `measure_ids` is None."""
    latest = (
        Commentary.objects.filter(measure=OuterRef("measure"), status=Status.APPROVED)
        .order_by("-decided_at", "-pk")
        .values("pk")[:1]
    )
    chosen = Commentary.objects.filter(status=Status.APPROVED, pk=Subquery(latest))
    if measure_ids is not None:
        chosen = chosen.filter(measure_id__in=list(measure_ids))
    return {c.measure_id: c for c in _with_people(chosen)}


def in_hand(measure: Measure) -> Commentary | None:
    """The measure's commentary being written or waiting for approval, if any (at most one)."""
    return _with_people(
        Commentary.objects.filter(measure=measure, status__in=OPEN_STATUSES)
    ).first()


def commentary_for(user: Any, pk: int) -> Commentary:
    """The commentary if `user` may see it at this stage; Missing otherwise (an approved one is
    on the scorecard for every reader, one in hand only for its organisation and reviewers)."""
    commentary = _with_people(Commentary.objects.filter(pk=pk)).first()
    if commentary is None:
        raise Missing(f"There is no commentary {pk}.")
    if commentary.status == Status.APPROVED and can(user, "view_scorecard"):
        return commentary
    if not can(user, "view_commentary", commentary):
        raise Missing(f"There is no commentary {pk}.")
    return commentary


def awaiting_approval() -> list[Commentary]:
    """Submitted commentary, oldest first: the approvers' queue, with its editors (who may not
    approve it) loaded in the same two queries."""
    return list(
        _with_people(Commentary.objects.filter(status=Status.SUBMITTED))
        .prefetch_related("editors")
        .order_by("submitted_at", "pk")
    )


@dataclass(frozen=True)
class MeasureCommentary:
    """A measure of a data lead's organisation: its approved commentary and the one in hand."""

    measure: Measure
    approved: Commentary | None
    in_hand: Commentary | None


def organisation_commentary(organisation_id: int) -> list[MeasureCommentary]:
    """The organisation's active measures, each with its commentary, in number order."""
    measures = list(
        Measure.objects.filter(organisation_id=organisation_id, active=True).order_by("number")
    )
    ids = [m.pk for m in measures]
    approved = approved_by_measure(ids)
    open_ones = {
        c.measure_id: c
        for c in Commentary.objects.filter(measure_id__in=ids, status__in=OPEN_STATUSES)
    }
    return [MeasureCommentary(m, approved.get(m.pk), open_ones.get(m.pk)) for m in measures]
