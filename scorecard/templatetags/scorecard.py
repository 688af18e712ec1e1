"""How the scorecard's markers read on a page: arrows, comparisons, better/worse, "changed".

`{% load scorecard %}`. The tables use the same functions, so a marker reads the same on the
scorecard, an edition, a measure's page and the board pack. Every marker carries its meaning in
text (visible, or visually hidden next to a symbol); colour only reinforces it.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from scorecard.charts import describe_series, sparkline_svg
from scorecard.compute import Direction, Judgement
from scorecard.layout import DocumentRow

register = template.Library()

DIRECTION_TEXT: dict[str, str] = {
    Direction.UP: "Up since the previous period",
    Direction.DOWN: "Down since the previous period",
    Direction.SAME: "No change since the previous period",
    Direction.UNKNOWN: "No direction: fewer than two periods to compare",
}

COMPARED_TEXT: dict[str, str] = {
    "Higher": "The local value is higher than England's",
    "Lower": "The local value is lower than England's",
    "Similar": "The local value is similar to England's",
    "Not Comparable": (
        "Not compared: a count or volume depends on the size of the area, or there is no "
        "England value for the period"
    ),
}

JUDGEMENT_TEXT: dict[str, str] = {
    Judgement.BETTER: "Better",
    Judgement.WORSE: "Worse",
    Judgement.SIMILAR: "Similar",
}

CHANGE_TEXT: dict[str, str] = {
    "latest_period": "period",
    "local_value": "value",
    "england_value": "England value",
    "direction": "direction",
    "compared": "comparison",
    "added": "new measure",
    "removed": "removed",
}


@register.filter
def direction_text(direction: str) -> str:
    return DIRECTION_TEXT.get(direction, direction)


@register.filter
def direction_arrow(direction: str) -> SafeString:
    """The arrow for sighted readers, its meaning for screen readers."""
    text = direction_text(direction)
    return format_html(
        '<span class="app-direction" aria-hidden="true">{}</span>'
        '<span class="govuk-visually-hidden">{}</span>',
        direction,
        text,
    )


@register.filter
def judgement_tag(judgement: str) -> SafeString:
    """A tag saying "Better", "Worse" or "Similar", or "Not judged" in plain text."""
    text = JUDGEMENT_TEXT.get(judgement)
    if text is None:
        return format_html('<span class="app-not-judged">{}</span>', "Not judged")
    return format_html('<strong class="app-tag app-tag--{}">{}</strong>', judgement, text)


@register.filter
def change_summary(fields: Iterable[str]) -> str:
    """What changed, in words: "period, value, direction"."""
    return ", ".join(CHANGE_TEXT.get(field, field) for field in fields)


@register.filter
def changed_marker(fields: Sequence[str], edition_name: str) -> SafeString:
    """A "Changed" tag and what changed, for a row that differs from the latest edition."""
    if not fields:
        return format_html(
            '<span class="govuk-visually-hidden">Unchanged since {}</span>', edition_name
        )
    return format_html(
        '<strong class="app-tag app-tag--changed">Changed'
        '<span class="govuk-visually-hidden"> since {}</span></strong>'
        ' <span class="app-changed-fields">{}</span>',
        edition_name,
        change_summary(fields),
    )


def _series_values(series: Iterable[dict[str, Any]]) -> tuple[list[str], list[Decimal]]:
    labels, values = [], []
    for point in series:
        if point.get("value") is None:
            continue
        labels.append(str(point["period"]))
        values.append(Decimal(str(point["value"])))
    return labels, values


@register.filter
def sparkline(row: DocumentRow) -> SafeString:
    """The row's series as an inline SVG with its description as the text alternative, and the
    measure's status note (or "No data yet") where there is nothing to draw."""
    labels, values = _series_values(row.series)
    if not values:
        return format_html('<span class="app-status-note">{}</span>', row.note or "No data yet")
    note = format_html('<span class="app-status-note">{}</span>', row.note) if row.note else ""
    title = describe_series(labels, values, row.local_places)
    # sparkline_svg escapes the title and takes nothing else from users: safe to embed.
    svg = mark_safe(sparkline_svg(values, title=title))  # noqa: S308
    return format_html("{}{}", svg, note)


@register.simple_tag
def key_items() -> list[tuple[str, str]]:
    """The arrows and their meanings, for the key on the scorecard and the board pack."""
    return list(DIRECTION_TEXT.items())


@register.simple_tag
def comparison_items() -> list[tuple[str, str]]:
    return list(COMPARED_TEXT.items())
