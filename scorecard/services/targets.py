"""Setting and removing a measure's target (scorecard.targets has the rule that judges it).

An approver or an admin decides it (`set_target`); every change is written to the audit trail
against the measure, as the target in words before and after, in the same transaction.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_event
from portal.errors import FieldError, NotAllowed
from portal.permissions import can
from scorecard.models import Measure, ReportingPeriod, Target
from scorecard.periods import PERIOD_TYPE_LABELS, Period
from scorecard.targets import VALUE_KINDS, TargetKind
from scorecard.targets import Target as TargetRule


def _require(by: Any) -> None:
    if not can(by, "set_target"):
        raise NotAllowed("Only approvers and admins set measures' targets.")


def _described(target: Target | None, measure: Measure) -> str | None:
    return target.rule.describe(measure.decimal_places) if target is not None else None


def _current(measure: Measure) -> Target | None:
    return Target.objects.select_related("by_period").filter(measure=measure).first()


@transaction.atomic
def target_set(
    measure: Measure,
    *,
    by: Any,
    kind: TargetKind,
    value: Decimal | None = None,
    by_period: Period | None = None,
) -> Target:
    """Give the measure this target (replacing any other). Raises NotAllowed or FieldError
    (a value target without its value, a direction target with one, a period of another type)."""
    _require(by)
    if kind in VALUE_KINDS and value is None:
        raise FieldError("value", "Enter the value the measure should reach.")
    if kind not in VALUE_KINDS and (value is not None or by_period is not None):
        raise FieldError(
            "kind" if value is None else "value",
            "A target to increase or reduce a measure has no value or period: clear them, or "
            "choose 'at least' or 'at most' a value.",
        )
    if by_period is not None and by_period.type != measure.periods_of:
        kind_label = PERIOD_TYPE_LABELS[measure.periods_of].lower()
        raise FieldError(
            "by_period", f"The measure reports each {kind_label}: enter a period of that kind."
        )
    rule = TargetRule(kind, value, by_period)  # the rule's own checks, as a last word
    before = _current(measure)
    old = _described(before, measure)
    target, _ = Target.objects.update_or_create(
        measure=measure,
        defaults={
            "kind": rule.kind.value,
            "value": rule.value,
            "by_period": ReportingPeriod.for_period(by_period) if by_period else None,
            "set_by": by,
            "set_at": timezone.now(),
        },
    )
    new = rule.describe(measure.decimal_places)
    if old != new:
        audit_event(by=by, action=Action.CHANGE, target=measure, changes={"target": [old, new]})
    return target


@transaction.atomic
def target_remove(measure: Measure, *, by: Any) -> bool:
    """Remove the measure's target; False when it had none."""
    _require(by)
    before = _current(measure)
    if before is None:
        return False
    old = _described(before, measure)
    before.delete()
    audit_event(by=by, action=Action.CHANGE, target=measure, changes={"target": [old, None]})
    return True
