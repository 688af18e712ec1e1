"""The audit trail in words: each event as a sentence saying who did what to what, with the
details of what changed, for any kind of event (a return's workflow, publishing, importing, the
catalogue, people). Every page that shows a history builds it here, so a return reads the same
on its own page and on the review page.

Events are append-only and their `changes` have had different shapes over time, so every reader
here tolerates missing keys: an event always gets at least its "who did what" sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType

from audit.models import Action, Event
from scorecard.figures import uk_number

#: At most this many detail lines per event; the rest are counted.
MAX_DETAILS = 50
#: Notes and comments longer than this are shortened in a history.
MAX_TEXT = 300

CHANNELS = {
    "form": "on the form",
    "upload": "from a file",
    "api": "through the API",
    "command": "from the command line",
    "spreadsheet": "from a spreadsheet",
}
#: Field names as people say them, where "First name" from "first_name" will not do.
FIELD_LABELS = {
    "is_active": "Can sign in",
    "is_staff": "Django admin access",
    "is_superuser": "Superuser",
    "email": "E-mail address",
    "value_kind": "Kind of value",
    "period_type": "Period type",
    "comparable_with_england": "Compared with England",
    "is_default_owner": "Owns national datasets",
}


@dataclass(frozen=True)
class HistoryEntry:
    """One event in words: `sentence` says who did what; `details` what changed."""

    at: datetime
    who: str
    action: str
    sentence: str
    details: list[str] = field(default_factory=list)


def history(events: Iterable[Event]) -> list[HistoryEntry]:
    """The events, in the order given, as entries (select the events' actors beforehand)."""
    return [history_entry(event) for event in events]


def history_entry(event: Event) -> HistoryEntry:
    who = event.actor.display_name if event.actor else "The system"
    changes: Mapping[str, Any] = event.changes if isinstance(event.changes, dict) else {}
    builder = _BUILDERS.get(event.action, _generic)
    sentence, details = builder(who, _target(event), changes, event)
    if len(details) > MAX_DETAILS:
        details = [*details[:MAX_DETAILS], f"And {len(details) - MAX_DETAILS:,} more."]
    return HistoryEntry(event.at, who, event.action, sentence, details)


def _target(event: Event) -> str:
    """What the event was about, as a sentence names it: "submission 12", "measure 3. …"."""
    model = _model(event)
    if model == "submission":
        return f"submission {event.target_id}"
    if model in ("measure", "edition", "organisation"):
        return f"{model} {event.target_label}"
    return event.target_label


def _model(event: Event) -> str:
    return str(ContentType.objects.get_for_id(event.target_type_id).model)


# A return's workflow ---------------------------------------------------------------------------


Built = tuple[str, list[str]]


def _created(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    return (
        f"{who} created {target} with {_count(c.get('values'), 'figure')}{_channel(c)}.",
        _warnings(c) + _corrections(c),
    )


def _edited(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    details = []
    for item in _items(c.get("changed")):
        name = str(item.get("field", "value"))
        details.append(
            f"{_capital(_where(item))}: {name} changed from {_shown(item.get('from'), name)} to "
            f"{_shown(item.get('to'), name)}."
        )
    details += [f"Added {_where(i)}: {_figure(i.get('value'))}." for i in _items(c.get("added"))]
    details += [
        f"Removed {_where(i)}: {_figure(i.get('value'))}." for i in _items(c.get("removed"))
    ]
    return f"{who} changed the figures in {target}{_channel(c)}.", details


def _submitted(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    again = " again" if c.get("from") == "sent_back" else ""
    return (
        f"{who} submitted {target}{again} for approval with {_count(c.get('values'), 'figure')}.",
        _warnings(c) + _corrections(c),
    )


def _approved(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    figures = _count(c.get("values"), "figure")
    sentence = f"{who} approved {target}: {figures} recorded"
    if c.get("new_versions") is not None:
        sentence += f" ({c.get('new_versions')} new, {c.get('unchanged', 0)} already approved)"
    details = []
    returned = _items(c.get("sent_back"))
    if returned:
        as_return = f" as submission {c['returned_as']}" if c.get("returned_as") else ""
        details.append(
            f"{_count(len(returned), 'figure')} sent back to the data lead{as_return}, with "
            "a comment each:"
        )
        details += [_capital(_figure_comment(i)) for i in returned]
    return f"{sentence}.", details


def _sent_back(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    figures = _items(c.get("figures"))
    if c.get("split_from"):
        sentence = (
            f"{who} sent {_count(len(figures), 'figure')} of submission {c['split_from']} back "
            f"to the data lead as {target}, approving the rest."
        )
    else:
        sentence = f"{who} sent {target} back to the data lead."
    details = [f"Comment: “{_short(c['comment'])}”"] if c.get("comment") else []
    details += [_capital(_figure_comment(i)) for i in figures if i.get("comment")]
    return sentence, details


def _corrected(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    version = f", now version {c['new_version']}" if c.get("new_version") else ""
    sentence = (
        f"{who} approved a correction to {_where(c)}: from {_figure(c.get('old'))} to "
        f"{_figure(c.get('new'))}{version}."
    )
    return sentence, [f"Reason: “{_short(c['reason'])}”"] if c.get("reason") else []


# The scorecard, the catalogue and people ---------------------------------------------------------


def _published(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    details = []
    if c.get("since"):
        changed = len(_items_or_values(c.get("changed")))
        details.append(f"{_count(changed, 'row')} changed since {c['since']}.")
    return f"{who} published {target} with {_count(c.get('rows'), 'row')}.", details


def _imported(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    details = [
        f"{_count(c.get('measures_created'), 'measure')} added and "
        f"{c.get('measures_updated', 0)} updated.",
        f"{_count(c.get('new_values'), 'new approved figure')}.",
    ]
    return f"{who} imported a scorecard as {target}.", details


def _added(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    return f"{who} added {target}{_channel(c)}.", _field_changes(c)


#: How someone came to set their own password, as `accounts` records it.
PASSWORD_WAYS = {
    "invitation": "chose their password from their invitation",
    "reset": "reset their password",
    "change": "changed their password",
}


def _changed(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    own = event.actor_id == event.target_id
    if set(c) == {"password"} and own and _model(event) == "user":
        way = PASSWORD_WAYS.get(str(c["password"]), "changed their password")
        return f"{who} {way}.", []
    return f"{who} changed {target}{_channel(c)}.", _field_changes(c)


def _deleted(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    return f"{who} deleted {target}.", _field_changes(c)


def _invited(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    details = [f"The invitation was e-mailed to {c['email']}."] if c.get("email") else []
    again = " again" if c.get("again") else ""
    fields = {k: v for k, v in c.items() if k not in ("email", "again")}
    return f"{who} invited {target}{again}.", details + _field_changes(fields)


def _generic(who: str, target: str, c: Mapping[str, Any], event: Event) -> Built:
    return f"{who}: {event.get_action_display().lower()} {target}.", _field_changes(c)


_BUILDERS: dict[str, Callable[[str, str, Mapping[str, Any], Event], Built]] = {
    Action.CREATE: _created,
    Action.EDIT: _edited,
    Action.SUBMIT: _submitted,
    Action.APPROVE: _approved,
    Action.SEND_BACK: _sent_back,
    Action.CORRECT: _corrected,
    Action.PUBLISH: _published,
    Action.IMPORT: _imported,
    Action.ADD: _added,
    Action.CHANGE: _changed,
    Action.DELETE: _deleted,
    Action.INVITE: _invited,
}


# Pieces -----------------------------------------------------------------------------------------


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _items_or_values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _count(number: Any, noun: str) -> str:
    number = number if isinstance(number, int) else 0
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def _channel(c: Mapping[str, Any]) -> str:
    channel = CHANNELS.get(str(c.get("channel")), "")
    return f" {channel}" if channel else ""


def _where(item: Mapping[str, Any]) -> str:
    """A figure's place: "measure 12, Southampton, Oct 23"."""
    parts = [f"measure {item.get('measure', '?')}"]
    parts += [str(item[key]) for key in ("area", "period") if item.get(key)]
    return ", ".join(parts)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _figure(text: Any) -> str:
    return "no value" if text in (None, "") else uk_number(text)


def _shown(value: Any, name: str) -> str:
    if name == "note":
        return f"“{_short(value)}”" if value else "no note"
    return _figure(value)


def _short(text: Any) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _warnings(c: Mapping[str, Any]) -> list[str]:
    warnings = c.get("warnings")
    if isinstance(warnings, int) and warnings:
        return [f"{_count(warnings, 'warning')} raised."]
    return []


def _corrections(c: Mapping[str, Any]) -> list[str]:
    lines = []
    for item in _items(c.get("corrections")):
        line = (
            f"Corrects {_where(item)} from {_figure(item.get('from'))} to "
            f"{_figure(item.get('to'))}."
        )
        if item.get("reason"):
            line += f" Reason: “{_short(item['reason'])}”"
        lines.append(line)
    return lines


def _figure_comment(item: Mapping[str, Any]) -> str:
    value = f" ({_figure(item['value'])})" if item.get("value") not in (None, "") else ""
    comment = f": “{_short(item['comment'])}”" if item.get("comment") else ""
    return f"{_where(item)}{value}{comment}"


def _field_changes(c: Mapping[str, Any]) -> list[str]:
    """Fields changed, as recorded by audit.services.field_changes: {name: [from, to]}, or
    "changed" for a secret. In the order of their labels: PostgreSQL's jsonb keeps no order."""
    lines = []
    labelled = sorted(
        (
            (FIELD_LABELS.get(name, name.replace("_", " ").capitalize()), change)
            for name, change in c.items()
            if name != "channel"
        ),
        key=lambda item: item[0],
    )
    for label, change in labelled:
        if isinstance(change, list) and len(change) == 2:
            old, new = (_field_value(v) for v in change)
            if change[0] in (None, "", []):
                lines.append(f"{label}: {new}.")
            else:
                lines.append(f"{label} changed from {old} to {new}.")
        elif change == "changed":
            lines.append(f"{label} changed.")
        elif isinstance(change, str | int | float | bool) or change is None:
            lines.append(f"{label}: {_field_value(change)}.")
    return lines


def _field_value(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value in (None, "", []):
        return "none"
    if isinstance(value, list):
        return ", ".join(f"“{_short(v)}”" for v in value)
    return f"“{_short(value)}”"
