"""How the scorecard's markers read on a page: arrows, comparisons, intervals, better/worse,
recent trends, "changed", targets (RAG), stale figures, out-of-date notes and commentary.

`{% load scorecard %}`. The tables use the same functions, so a marker reads the same on the
scorecard, an edition, a measure's page and the board pack. Every marker carries its meaning in
text (visible, or visually hidden next to a symbol); colour only reinforces it.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from scorecard.charts import (
    LOCAL_COLOUR,
    ChartLine,
    comparison_strip_svg,
    describe_series,
    series_chart,
    sparkline_svg,
)
from scorecard.compute import SUPPRESSED, Comparison, Direction, Judgement, Trend
from scorecard.figures import uk_date, uk_number
from scorecard.layout import DocumentRow
from scorecard.selectors import BoardRow
from scorecard.targets import RAG_LABELS, TargetStatus

register = template.Library()

DIRECTION_TEXT: dict[str, str] = {
    Direction.UP: "Up since the previous period",
    Direction.DOWN: "Down since the previous period",
    Direction.SAME: "No change since the previous period",
    Direction.UNKNOWN: "No direction of travel",
}

COMPARED_TEXT: dict[str, str] = {
    "Higher": "The local value is higher than England's",
    "Lower": "The local value is lower than England's",
    "Similar": "The local value is similar to England's",
    "Not Comparable": (
        "Not compared: a count or volume depends on the size of the area, there is no England "
        "value for the period, or the figure is suppressed"
    ),
}

#: The tags of a tested judgement (CSS modifier by word); the others read as plain words.
JUDGEMENT_CLASSES: dict[str, str] = {
    Judgement.BETTER: "better",
    Judgement.WORSE: "worse",
    Judgement.SIMILAR: "similar",
}

TREND_TEXT: dict[str, str] = {
    Trend.INCREASING_BETTER: "A significant rise, and higher is better",
    Trend.INCREASING_WORSE: "A significant rise, and lower is better",
    Trend.DECREASING_BETTER: "A significant fall, and lower is better",
    Trend.DECREASING_WORSE: "A significant fall, and higher is better",
    Trend.INCREASING: "A significant rise; neither direction is better",
    Trend.DECREASING: "A significant fall; neither direction is better",
    Trend.NO_CHANGE: "No significant rise or fall over the latest five periods",
    Trend.CANNOT: (
        "Not five consecutive periods with numerators and denominators, or the measure has none"
    ),
}

#: The comparison with England in words, under the better/worse verdict.
COMPARED_WORDS: dict[str, str] = {
    Comparison.HIGHER: "Higher than England",
    Comparison.LOWER: "Lower than England",
    Comparison.SIMILAR: "Similar to England",
}

CHANGE_TEXT: dict[str, str] = {
    "latest_period": "period",
    "local_value": "value",
    "england_value": "England value",
    "direction": "direction",
    "compared": "comparison",
    "judgement": "better or worse",
    "trend": "recent trend",
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
    """A tag saying "Better", "Worse" or "Similar"; "Not tested" or "Not judged" in plain text."""
    modifier = JUDGEMENT_CLASSES.get(judgement)
    if modifier is None:
        return format_html('<span class="app-not-judged">{}</span>', judgement)
    return format_html('<strong class="app-tag app-tag--{}">{}</strong>', modifier, judgement)


@register.filter
def sentence(text: str) -> str:
    """A clause as a sentence: capital first letter, full stop."""
    text = text.strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _aside(text: str) -> SafeString:
    if not text:
        return SafeString("")
    return format_html('<span class="app-aside">{}</span>', sentence(text))


@register.filter
def interval_text(row: DocumentRow) -> str:
    """The local figure's confidence interval in words, one place finer than the figure so a
    limit never looks equal to England's value when it is not; "" without one."""
    if row.ci_lower is None or row.ci_upper is None:
        return ""
    places = row.local_places + 1
    level = f"{row.confidence_level}% " if row.confidence_level else ""
    return f"{level}CI {uk_number(row.ci_lower, places)} to {uk_number(row.ci_upper, places)}"


@register.filter
def local_value_cell(row: DocumentRow) -> SafeString:
    """The local figure (or "Suppressed (small numbers)") with its interval beneath."""
    if row.suppressed:
        return format_html('<span class="app-suppressed">{}</span>', SUPPRESSED)
    value = uk_number(row.local_value, row.local_places)
    interval = interval_text(row)
    if not interval:
        return format_html("{}", value)
    return format_html('{}<span class="app-aside">{}</span>', value, interval)


@register.filter
def compared_cell(row: DocumentRow) -> SafeString:
    """The comparison with England and, when it was tested, the method."""
    if not row.tested:
        return format_html("{}", row.compared)
    return format_html('{}<span class="app-aside">{}</span>', row.compared, row.method)


@register.filter
def judgement_cell(row: DocumentRow) -> SafeString:
    """Better or worse, and why a row is not tested."""
    return format_html("{}{}", judgement_tag(row.judgement), _aside(row.comparison_reason))


@register.filter
def direction_cell(row: DocumentRow) -> SafeString:
    """The arrow, and where there is none (or it was stated by an imported edition) why."""
    return format_html("{}{}", direction_arrow(row.direction), _aside(row.direction_reason))


@register.filter
def trend_cell(row: DocumentRow) -> SafeString:
    """The recent trend's words, and why it cannot be calculated."""
    why = row.trend_note if row.trend == Trend.CANNOT else ""
    return format_html('<span class="app-trend">{}</span>{}', row.trend, _aside(why))


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
    """The row's series as an inline SVG with its description as the text alternative; in words
    where a line would say nothing (no figures, or a single period: a lone dot)."""
    labels, values = _series_values(row.series)
    if not values:
        return format_html('<span class="app-status-note">{}</span>', "No figures yet")
    if len(values) == 1:
        return format_html('<span class="app-status-note">Only {} so far</span>', labels[0])
    title = describe_series(labels, values, row.local_places)
    # sparkline_svg escapes the title and takes nothing else from users: safe to embed.
    return mark_safe(sparkline_svg(values, title=title))  # noqa: S308


@register.simple_tag
def comparison_strip(row: DocumentRow, area: str) -> SafeString:
    """The compact view's picture of a row: its figure (and interval) as a share of England's,
    with the same facts in words as its text alternative; empty where it is not compared."""
    if row.local_value is None or row.england_value is None or row.compared == "Not Comparable":
        return SafeString("")
    local, england = float(row.local_value), float(row.england_value)
    if england <= 0:
        return SafeString("")
    interval = None
    if row.ci_lower is not None and row.ci_upper is not None:
        interval = (float(row.ci_lower), float(row.ci_upper))
    shown = uk_number(row.local_value, row.local_places)
    limits = f" ({interval_text(row)})" if interval else ""
    share = uk_number(Decimal(repr(local / england * 100)), 0)
    tested = "" if row.tested else ", not tested"
    title = (
        f"{area} {shown}{limits} is {share}% of England's "
        f"{uk_number(row.england_value, row.england_places)}{tested}"
    )
    return comparison_strip_svg(local, england, interval, judgement=row.judgement, title=title)


@register.simple_tag
def key_items() -> list[tuple[str, str]]:
    """The arrows and their meanings, for the key on the scorecard and the board pack."""
    return list(DIRECTION_TEXT.items())


@register.simple_tag
def comparison_items() -> list[tuple[str, str]]:
    return list(COMPARED_TEXT.items())


@register.simple_tag
def trend_items() -> list[tuple[str, str]]:
    return list(TREND_TEXT.items())


# The board's scorecard: cells that merge what the published layout spreads over columns -------


@register.filter
def figure_cell(row: DocumentRow) -> SafeString:
    """The local figure with its period beneath (and its interval), or why there is none."""
    period = row.latest_period or "No figures yet"
    if row.suppressed:
        shown = format_html('<span class="app-suppressed">{}</span>', SUPPRESSED)
    else:
        shown = format_html(
            '<span class="app-figure">{}</span>', uk_number(row.local_value, row.local_places)
        )
    interval = interval_text(row)
    limits = format_html('<span class="app-aside">{}</span>', interval) if interval else ""
    return format_html('{}<span class="app-aside app-period">{}</span>{}', shown, period, limits)


@register.filter
def comparison_cell(row: DocumentRow) -> SafeString:
    """Better or worse (a tag when tested), then the comparison in words with its method, then
    why it is not tested; a row not compared at all says so and why."""
    if row.compared == Comparison.NOT_COMPARABLE:
        return format_html(
            '<span class="app-not-judged">Not compared</span>{}', _aside(row.comparison_reason)
        )
    compared = COMPARED_WORDS.get(row.compared, row.compared)
    if row.tested:
        compared = f"{compared}; {row.method}"
    return format_html(
        "{}{}{}", judgement_tag(row.judgement), _aside(compared), _aside(row.comparison_reason)
    )


@register.filter
def target_tag(status: TargetStatus | None) -> SafeString:
    """The target's status as a tag in words (RAG colour only reinforces them)."""
    if status is None:
        return SafeString('<span class="app-not-judged">No target</span>')
    if status.rag is None:
        return format_html('<span class="app-not-judged">{}</span>', status.label)
    return format_html(
        '<strong class="app-tag app-tag--rag-{}">{}</strong>',
        status.rag.value,
        RAG_LABELS[status.rag],
    )


@register.filter
def target_cell(row: BoardRow) -> SafeString:
    """The status against target and, beneath, the target in words."""
    return format_html("{}{}", target_tag(row.target_status), _aside(row.target))


@register.filter
def stale_flag(text: str) -> SafeString:
    """ "Stale" and how overdue, for a row whose next figures are past their due date."""
    if not text:
        return SafeString("")
    return format_html(
        '<span class="app-flag"><strong class="app-tag app-tag--stale">Stale</strong> {}</span>',
        text,
    )


@register.filter
def status_note(row: BoardRow) -> SafeString:
    """The measure's status note, flagged out of date once past the date it applies until."""
    note = row.document.note
    if not note:
        return SafeString("")
    if row.note_expired is None:
        return format_html('<span class="app-status-note">{}</span>', note)
    return format_html(
        '<span class="app-status-note">{} <strong class="app-tag app-tag--out-of-date">Out of '
        'date</strong> <span class="app-flag__why">This note applied until {}.</span></span>',
        note,
        uk_date(row.note_expired),
    )


@register.filter
def commentary_text(commentary: Any) -> SafeString:
    """An approved commentary: what it says, the actions, and whose it is and when."""
    actions = (
        format_html(
            '<p class="app-commentary__heading">Actions being taken</p>'
            '<div class="app-commentary__text">{}</div>',
            linebreaks_filter(commentary.actions),
        )
        if commentary.actions
        else ""
    )
    about = (
        f", about the {commentary.about_period.label} figures" if commentary.about_period else ""
    )
    return format_html(
        '<div class="app-commentary__text">{}</div>{}<p class="app-aside">{}, approved {}{}.</p>',
        linebreaks_filter(commentary.commentary),
        actions,
        commentary.organisation.short_name,
        uk_date(timezone.localdate(commentary.decided_at)) if commentary.decided_at else "",
        about,
    )


@register.filter
def measure_cell(row: BoardRow) -> SafeString:
    """The measure's name (linking to its page), its unit and source beneath, its status note,
    "Stale" when its next figures are overdue, and the owner's approved commentary behind a
    disclosure (a native <details>: no JavaScript needed)."""
    document = row.document
    name: SafeString | str = document.measure
    if row.has_measure_page:
        name = format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            reverse("scorecard:measure", args=[document.number]),
            document.measure,
        )
    details = ""
    if row.commentary is not None:
        details = format_html(
            '<details class="govuk-details app-commentary app-no-print">'
            '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
            'Commentary and actions<span class="govuk-visually-hidden"> on measure {}</span>'
            '</span></summary><div class="govuk-details__text">{}</div></details>',
            document.number,
            commentary_text(row.commentary),
        )
    return format_html(
        '{}<span class="app-aside">{} · {}</span>{}{}{}',
        name,
        document.unit,
        document.source,
        status_note(row),
        stale_flag(row.stale),
        details,
    )


@register.simple_tag
def row_chart(row: DocumentRow, area: str) -> SafeString:
    """The row's local series as a chart (the board pack's page for a measure), with its text
    alternative; empty with fewer than two figures (the page's figures say it all)."""
    labels = [str(point["period"]) for point in row.series]
    values = [
        None if point.get("value") is None else Decimal(str(point["value"])) for point in row.series
    ]
    present_labels, present = _series_values(row.series)
    if len(present) < 2:
        return SafeString("")
    return series_chart(
        labels,
        [ChartLine(area, values, LOCAL_COLOUR, "circle")],
        title=f"{row.measure}: {area} by period",
        description=f"{area}: {describe_series(present_labels, present, row.local_places)}.",
        unit=row.unit,
        places=row.local_places,
        chart_id=f"chart-{row.number}",
        gaps=[i for i, value in enumerate(values) if value is None],
    )
