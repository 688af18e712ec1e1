"""Writing the audit trail. Callers write the event in the same transaction as the change it
records, so there is never a change without its event, nor an event for a change rolled back."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import Action, Event

#: Fields whose values are never written to the trail (only that they changed).
SECRET_FIELDS = frozenset({"password"})


def audit_event(
    *, by: Any, action: Action, target: models.Model, changes: Mapping[str, Any] | None = None
) -> Event:
    """Record that `by` (a user, or None for the system) did `action` to `target`."""
    return audit_events([(action, target, changes or {})], by=by)[0]


def audit_events(
    entries: Iterable[tuple[Action, models.Model, Mapping[str, Any]]], *, by: Any
) -> list[Event]:
    """Several events by one actor, in one insert."""
    actor = by if getattr(by, "is_authenticated", False) else None
    events = [
        Event(
            actor=actor,
            action=action,
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            target_label=str(target)[:300],
            changes=dict(changes),
        )
        for action, target, changes in entries
    ]
    return Event.objects.bulk_create(events)


def field_changes(
    before: models.Model | None, after: models.Model, fields: Iterable[str]
) -> dict[str, Any]:
    """What changed in `fields` between two states of an object, as {field: [from, to]} in
    words a person reads (choice labels, related objects by name); secrets say only "changed"."""
    changes: dict[str, Any] = {}
    for name in fields:
        old = _shown(before, name) if before is not None else None
        new = _shown(after, name)
        if old != new:
            changes[name] = "changed" if name in SECRET_FIELDS else [old, new]
    return changes


def _shown(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return sorted(str(o) for o in getattr(obj, name).all()) if obj.pk else []
    value = getattr(obj, name)
    if field.is_relation:
        return None if value is None else str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))  # type: ignore[union-attr]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
