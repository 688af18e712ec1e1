"""Charts drawn on the server as inline SVG: the scorecard's sparklines, the chart on a measure's
page (its local series and England's, with interval whiskers), the compact view's strips (each
measure against England) and the sentences that are their text alternatives.

One module for all of them, as they share the coordinates, colours and escaping rules; that is
why it runs to some 500 lines.

Drawn on the server, so they need no JavaScript and pass the CSP (SVG presentation attributes,
no `style`). The measure chart's lines differ in dash and marker shape as well as
colour, and the legend shows both, so the chart does not rely on colour; the page's table of
values is its full text alternative.
"""

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from scorecard.figures import format_value

WIDTH, HEIGHT = 720, 320
# Room for the value labels (left), the unit and legend (top) and the period labels (bottom).
LEFT, RIGHT, TOP, BOTTOM = 76, 40, 48, 48
#: Period labels are about this wide; fewer are written when more would overlap.
LABEL_WIDTH = 84
GRID_COLOUR = "#b1b4b6"
#: The local area's line and England's (which also differ in dash and marker).
LOCAL_COLOUR, ENGLAND_COLOUR = "#1d70b8", "#0b0c0c"
TEXT_ATTRIBUTES = 'font-size="14" fill="currentColor"'


GAP_COLOUR = "#f3f2f1"


@dataclass(frozen=True)
class ChartLine:
    """One line: a label for the legend, a value (or None, a gap) for every period and, where
    known, each value's confidence interval (lower, upper), drawn as a whisker."""

    label: str
    values: Sequence[Decimal | None]
    colour: str
    marker: Literal["circle", "square"]
    dash: str = ""
    intervals: Sequence[tuple[float, float] | None] = ()


def nice_ticks(lowest: Decimal, highest: Decimal, count: int = 5) -> list[Decimal]:
    """Round axis values (steps of 1, 2 or 5 times a power of ten) covering lowest..highest.

    A flat series gets a band around its value so its line sits mid-chart rather than on an edge.
    """
    if highest < lowest:
        lowest, highest = highest, lowest
    if highest == lowest:
        pad = abs(highest) / 10 or Decimal(1)
        lowest, highest = lowest - pad, highest + pad
    rough = (highest - lowest) / count
    magnitude = Decimal(1).scaleb(rough.adjusted())
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    start = math.floor(lowest / step) * step
    end = math.ceil(highest / step) * step
    return [start + i * step for i in range(int((end - start) / step) + 1)]


def _places(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _xy(number: float) -> str:
    return f"{number:.1f}".removesuffix(".0")


def series_chart(
    periods: Sequence[str],
    lines: Sequence[ChartLine],
    *,
    title: str,
    description: str,
    unit: str,
    places: int,
    chart_id: str = "chart",
    gaps: Sequence[int] = (),
) -> SafeString:
    """The chart as an SVG string: value axis with round ticks, period axis, legend, lines with
    their interval whiskers, and a shaded band at each period in `gaps` (indexes of periods
    with no figure), where the lines break.

    Empty when no line has a value. Every text comes in through format_html, so measure names
    and period labels are escaped.
    """
    values = [v for line in lines for v in line.values if v is not None]
    if not values or not periods:
        return SafeString("")
    for line in lines:
        if len(line.values) != len(periods):
            raise ValueError(f"{line.label}: one value per period expected")
        if line.intervals and len(line.intervals) != len(periods):
            raise ValueError(f"{line.label}: one interval (or None) per period expected")
    limits = [
        Decimal(repr(limit))
        for line in lines
        for interval in line.intervals
        if interval is not None
        for limit in interval
    ]
    values = [*values, *limits]
    # The value axis starts at zero (unless values go below it), so a small change is not drawn
    # as a dramatic one.
    ticks = nice_ticks(min(*values, Decimal(0)), max(values))
    bottom_value, top_value = float(ticks[0]), float(ticks[-1])
    tick_places = _places(ticks[1] - ticks[0])
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(index: int) -> float:
        if len(periods) == 1:
            return LEFT + plot_width / 2
        return LEFT + index * plot_width / (len(periods) - 1)

    def y_of(value: Decimal | float) -> float:
        return TOP + (top_value - float(value)) / (top_value - bottom_value) * plot_height

    parts: list[SafeString] = [
        _opening(HEIGHT, chart_id, title, description),
        format_html(
            '<text x="{}" y="{}" {}>{}</text>',
            LEFT,
            TOP - 28,
            SafeString(TEXT_ATTRIBUTES),
            unit,
        ),
    ]
    for tick in ticks:
        tick_y = _xy(y_of(tick))
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" {}>{}</text>',
                LEFT,
                WIDTH - RIGHT,
                tick_y,
                tick_y,
                GRID_COLOUR,
                LEFT - 8,
                _xy(y_of(tick) + 5),
                SafeString(TEXT_ATTRIBUTES),
                f"{tick:,.{tick_places}f}",
            )
        )
    step = plot_width / max(1, len(periods) - 1)
    for index in gaps:
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
                _xy(x_of(index) - step / 2),
                TOP,
                _xy(step),
                plot_height,
                GAP_COLOUR,
                f"No figure for {periods[index]}",
            )
        )
    every = max(1, math.ceil(len(periods) * LABEL_WIDTH / plot_width))
    for index, period in enumerate(periods):
        if index % every:
            continue
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" {}>{}</text>',
                _xy(x_of(index)),
                HEIGHT - BOTTOM + 22,
                SafeString(TEXT_ATTRIBUTES),
                period,
            )
        )
    for position, line in enumerate(lines):
        parts.append(_legend_entry(line, WIDTH - RIGHT - 170 * (len(lines) - position), TOP - 28))
        points = [
            (x_of(i), y_of(value), period, value)
            for i, (period, value) in enumerate(zip(periods, line.values, strict=True))
            if value is not None
        ]
        for segment in _segments(line.values, points):
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{}/>',
                    " ".join(f"{_xy(x)},{_xy(y)}" for x, y, _, _ in segment),
                    line.colour,
                    format_html(' stroke-dasharray="{}"', line.dash) if line.dash else "",
                )
            )
        for index, interval in enumerate(line.intervals):
            if interval is not None and line.values[index] is not None:
                parts.append(
                    _whisker(
                        line,
                        x_of(index),
                        y_of(interval[0]),
                        y_of(interval[1]),
                    )
                )
        for x, y, period, value in points:
            parts.append(_marker(line, x, y, f"{line.label} {period}: {value:,.{places}f}"))
    parts.append(SafeString("</svg>"))
    return format_html_join("", "{}", ((part,) for part in parts))


def _opening(height: int, chart_id: str, title: str, description: str) -> SafeString:
    """A chart's <svg> tag with its title and description, which name it for screen readers."""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" width="{}" height="{}" '
        'viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        WIDTH,
        height,
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
    )


def _segments(
    values: Sequence[Decimal | None], points: list[tuple[float, float, str, Decimal]]
) -> list[list[tuple[float, float, str, Decimal]]]:
    """Runs of consecutive periods with values: a gap in the data is a gap in the line."""
    segments: list[list[tuple[float, float, str, Decimal]]] = []
    remaining = iter(points)
    current: list[tuple[float, float, str, Decimal]] = []
    for value in values:
        if value is None:
            if len(current) > 1:
                segments.append(current)
            current = []
        else:
            current.append(next(remaining))
    if len(current) > 1:
        segments.append(current)
    return segments


def _whisker(line: ChartLine, x: float, top: float, bottom: float) -> SafeString:
    """A confidence interval: a vertical line between its limits, capped at both ends."""
    return format_html(
        '<path d="M{} {}V{}M{} {}H{}M{} {}H{}" stroke="{}" stroke-width="1.5" fill="none"/>',
        _xy(x),
        _xy(top),
        _xy(bottom),
        _xy(x - 5),
        _xy(top),
        _xy(x + 5),
        _xy(x - 5),
        _xy(bottom),
        _xy(x + 5),
        line.colour,
    )


def _marker(line: ChartLine, x: float, y: float, label: str) -> SafeString:
    if line.marker == "square":
        return format_html(
            '<rect x="{}" y="{}" width="9" height="9" fill="{}"><title>{}</title></rect>',
            _xy(x - 4.5),
            _xy(y - 4.5),
            line.colour,
            label,
        )
    return format_html(
        '<circle cx="{}" cy="{}" r="5" fill="#ffffff" stroke="{}" stroke-width="2.5">'
        "<title>{}</title></circle>",
        _xy(x),
        _xy(y),
        line.colour,
        label,
    )


def _legend_entry(line: ChartLine, x: float, y: float) -> SafeString:
    sample = format_html(
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2.5"{}/>',
        _xy(x),
        _xy(x + 36),
        _xy(y - 5),
        _xy(y - 5),
        line.colour,
        format_html(' stroke-dasharray="{}"', line.dash) if line.dash else "",
    )
    return format_html(
        '{}{}<text x="{}" y="{}" {}>{}</text>',
        sample,
        _marker(line, x + 18, y - 5, line.label),
        _xy(x + 44),
        _xy(y),
        SafeString(TEXT_ATTRIBUTES),
        line.label,
    )


# Sparklines --------------------------------------------------------------------------------


_SPARK_PADDING = 2


def _coordinate(number: float) -> str:
    """Short SVG coordinate: two decimals at most, no trailing zeros."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def sparkline_svg(
    points: Sequence[Decimal], *, width: int = 120, height: int = 32, title: str = ""
) -> str:
    """A small inline SVG line of the series, oldest first, for a scorecard row.

    Inline and self-contained (no scripts, no external references) so it passes a strict CSP and
    can be embedded in exports; role="img" with a <title> gives screen readers the text
    alternative, normally describe_series(). Empty for no points, a dot for one.
    """
    if width <= 2 * _SPARK_PADDING or height <= 2 * _SPARK_PADDING:
        raise ValueError("sparkline must be larger than its padding")
    if not points:
        return ""
    inner_width = width - 2 * _SPARK_PADDING
    inner_height = height - 2 * _SPARK_PADDING
    lowest, highest = min(points), max(points)
    span = highest - lowest

    def y_of(value: Decimal) -> float:
        if span == 0:
            return height / 2
        # Decimal for the ratio so huge or tiny figures do not overflow a float.
        return _SPARK_PADDING + float((highest - value) / span) * inner_height

    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<title>{html.escape(title)}</title>"
    )
    if len(points) == 1:
        shape = (
            f'<circle cx="{_coordinate(width / 2)}" cy="{_coordinate(y_of(points[0]))}" r="2" '
            'fill="currentColor"/>'
        )
    else:
        step = inner_width / (len(points) - 1)
        coordinates = " ".join(
            f"{_coordinate(_SPARK_PADDING + index * step)},{_coordinate(y_of(value))}"
            for index, value in enumerate(points)
        )
        shape = (
            f'<polyline points="{coordinates}" fill="none" stroke="currentColor" '
            'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    return f"{opening}{shape}</svg>"


def describe_series(labels: Sequence[str], values: Sequence[Decimal], places: int) -> str:
    """Text alternative for a sparkline: span of periods, first and last, lowest and highest.

    Sparklines are pictures, so this sentence is what screen-reader users (and the SVG <title>)
    get instead; figures are shown at the measure's precision like the rest of the row.
    """
    if len(labels) != len(values):
        raise ValueError("labels and values must be the same length")
    if not values:
        return "No values yet"
    if len(values) == 1:
        return f"{labels[0]}: {format_value(values[0], places)} (1 value)"
    return (
        f"{labels[0]} to {labels[-1]}: "
        f"from {format_value(values[0], places)} to {format_value(values[-1], places)}, "
        f"lowest {format_value(min(values), places)}, "
        f"highest {format_value(max(values), places)} ({len(values)} values)"
    )


# Shares as bars ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareBar:
    """One bar: what it measures (written beside it, so colour is never the only cue) and a
    whole percentage, or None when there is nothing to measure."""

    name: str
    percent: int | None
    colour: str
    outline: bool = False


_BAR_LABEL_WIDTH, _BAR_TEXT_WIDTH, _BAR_HEIGHT, _BAR_GAP, _GROUP_GAP = 120, 150, 18, 4, 16


def share_chart(
    groups: Sequence[tuple[str, Sequence[ShareBar]]],
    *,
    title: str,
    description: str,
    chart_id: str = "shares",
) -> SafeString:
    """Horizontal bars from 0 to 100%, a group of bars per label (say, per partner), each bar
    followed by its percentage and name ("75% approved"); a solid and an outlined bar tell two
    measures apart without colour. Empty when there are no groups."""
    if not groups:
        return SafeString("")
    plot_left = _BAR_LABEL_WIDTH
    plot_width = WIDTH - _BAR_LABEL_WIDTH - _BAR_TEXT_WIDTH
    top = 28
    group_height = max(len(bars) for _, bars in groups) * (_BAR_HEIGHT + _BAR_GAP) + _GROUP_GAP
    height = top + group_height * len(groups) + 8
    parts: list[SafeString] = [_opening(height, chart_id, title, description)]
    for tick in (0, 25, 50, 75, 100):
        x = _xy(plot_left + plot_width * tick / 100)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="middle" {}>{}%</text>',
                x,
                x,
                top - 4,
                height - 8,
                GRID_COLOUR,
                x,
                top - 10,
                SafeString(TEXT_ATTRIBUTES),
                tick,
            )
        )
    for index, (label, bars) in enumerate(groups):
        y = top + index * group_height
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" {}>{}</text>',
                plot_left - 10,
                _xy(y + _BAR_HEIGHT - 4),
                SafeString(TEXT_ATTRIBUTES),
                label,
            )
        )
        for position, bar in enumerate(bars):
            bar_y = y + position * (_BAR_HEIGHT + _BAR_GAP)
            width = plot_width * (bar.percent or 0) / 100
            fill = "#ffffff" if bar.outline else bar.colour
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                    'stroke-width="2"/><text x="{}" y="{}" {}>{}</text>',
                    plot_left,
                    bar_y,
                    _xy(max(width, 1)),
                    _BAR_HEIGHT,
                    fill,
                    bar.colour,
                    _xy(plot_left + width + 8),
                    _xy(bar_y + _BAR_HEIGHT - 4),
                    SafeString(TEXT_ATTRIBUTES),
                    f"{'–' if bar.percent is None else f'{bar.percent}%'} {bar.name}",
                )
            )
    parts.append(SafeString("</svg>"))
    return format_html_join("", "{}", ((part,) for part in parts))


# The compact view: each measure against England -------------------------------------------------

#: The strip's scale runs from 0% to this share of England's value (England at the middle).
STRIP_MAX = 2.0
STRIP_WIDTH, STRIP_HEIGHT, STRIP_PAD = 220, 28, 8
#: Fill of the local figure's marker by judgement; the words are in the next column.
STRIP_COLOURS = {
    "Better": "#00703c",
    "Worse": "#d4351c",
    "Similar": "#505a5f",
}


def comparison_strip_svg(
    local: float,
    england: float,
    interval: tuple[float, float] | None,
    *,
    judgement: str,
    title: str,
) -> SafeString:
    """The local figure (and its interval, when tested) as a share of England's value on a
    shared scale, 0% to 200%, England the line in the middle: how far off England a measure
    is, at a glance, comparable across measures of different units. Beyond 200% the marker sits
    at the edge as an arrow. `title` is the text alternative; empty when England's value is not
    positive (no share of it can be drawn)."""
    if england <= 0:
        return SafeString("")
    inner = STRIP_WIDTH - 2 * STRIP_PAD
    middle = STRIP_HEIGHT / 2

    def x_of(value: float) -> float:
        share = min(max(value / england, 0.0), STRIP_MAX)
        return STRIP_PAD + share / STRIP_MAX * inner

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="app-strip" width="{}" height="{}" '
            'viewBox="0 0 {} {}" role="img"><title>{}</title>',
            STRIP_WIDTH,
            STRIP_HEIGHT,
            STRIP_WIDTH,
            STRIP_HEIGHT,
            title,
        ),
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            STRIP_PAD,
            STRIP_WIDTH - STRIP_PAD,
            _xy(middle),
            _xy(middle),
            GRID_COLOUR,
        ),
    ]
    for share, width in ((0.5, 1), (1.5, 1), (1.0, 2)):
        tick = _xy(x_of(england * share))
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="2" y2="{}" stroke="{}" stroke-width="{}"/>',
                tick,
                tick,
                STRIP_HEIGHT - 2,
                "currentColor" if share == 1.0 else GRID_COLOUR,
                width,
            )
        )
    if interval is not None:
        low, high = _xy(x_of(interval[0])), _xy(x_of(interval[1]))
        parts.append(
            format_html(
                '<path d="M{} {}H{}M{} {}V{}M{} {}V{}" stroke="currentColor" stroke-width="1.5" '
                'fill="none"/>',
                low,
                _xy(middle),
                high,
                low,
                _xy(middle - 5),
                _xy(middle + 5),
                high,
                _xy(middle - 5),
                _xy(middle + 5),
            )
        )
    colour = STRIP_COLOURS.get(judgement, "#ffffff")
    x = x_of(local)
    if local / england > STRIP_MAX:
        parts.append(
            format_html(
                '<path d="M{} {}L{} {}L{} {}Z" fill="{}" stroke="currentColor" '
                'stroke-width="1.5"/>',
                _xy(x - 8),
                _xy(middle - 6),
                _xy(x),
                _xy(middle),
                _xy(x - 8),
                _xy(middle + 6),
                colour,
            )
        )
    else:
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="5" fill="{}" stroke="currentColor" '
                'stroke-width="1.5"/>',
                _xy(x),
                _xy(middle),
                colour,
            )
        )
    parts.append(SafeString("</svg>"))
    return format_html_join("", "{}", ((part,) for part in parts))
