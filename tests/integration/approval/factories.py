"""Submitted returns built straight with the ORM.

The submissions engineer's services (create, edit, submit) are built in parallel; until they
exist, approval tests start from a return already in the "submitted" state, with its creator
among its editors as those services will record.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from scorecard.models import Area, AreaKind, Measure
from submissions.models import Status, Submission, SubmittedValue
from tests.factories import reporting_period


@dataclass
class Value:
    """One figure of a return, named as a data lead would write it."""

    measure: int
    period: str
    value: str
    area: str = AreaKind.LOCAL
    numerator: str | None = None
    denominator: str | None = None
    note: str = ""
    warnings: list[object] = field(default_factory=list)


def submission(
    *,
    by,
    values: list[Value],
    organisation=None,
    editors=(),
    status: str = Status.SUBMITTED,
    submitted_at=None,
) -> Submission:
    created = Submission.objects.create(
        organisation=organisation or by.organisation,
        created_by=by,
        status=status,
        submitted_at=None if status == Status.DRAFT else (submitted_at or timezone.now()),
    )
    created.editors.add(by, *editors)
    areas = {a.kind: a for a in Area.objects.filter(kind__in=[AreaKind.LOCAL, AreaKind.ENGLAND])}
    for row, spec in enumerate(values, start=1):
        SubmittedValue.objects.create(
            submission=created,
            row=row,
            measure=Measure.objects.get(number=spec.measure),
            area=areas[spec.area],
            period=reporting_period(spec.period),
            value=Decimal(spec.value),
            numerator=None if spec.numerator is None else Decimal(spec.numerator),
            denominator=None if spec.denominator is None else Decimal(spec.denominator),
            note=spec.note,
            warnings=spec.warnings,
        )
    return created


def prepared_by(user, how: str, *, organisation, lead) -> Submission:
    """A Police return that `user` created (`how="creator"`) or edited (`how="editor"`)."""
    values = [Value(1, "Nov 23", "65")]
    if how == "creator":
        return submission(by=user, organisation=organisation, values=values)
    return submission(by=lead, editors=[user], values=values)
