"""Charts: the measure page's chart (round axis values, gaps, interval whiskers, escaping, nothing
drawn without data), the compact view's strips and the scorecard's sparklines with their text
alternatives."""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.charts import (
    ChartLine,
    comparison_strip_svg,
    describe_series,
    nice_ticks,
    series_chart,
    sparkline_svg,
)

D = Decimal
PROPERTY = settings(database=None, deadline=None, max_examples=200)
finite_decimals = st.decimals(
    min_value=D("-1000000"), max_value=D("1000000"), allow_nan=False, allow_infinity=False, places=4
)


@pytest.mark.parametrize(
    ("lowest", "highest", "expected"),
    [
        ("36.9", "38.2", ["36.5", "37.0", "37.5", "38.0", "38.5"]),
        ("0", "100", ["0", "20", "40", "60", "80", "100"]),
        ("60", "60", ["50", "55", "60", "65", "70"]),  # a flat line sits mid-chart
        ("0", "0", ["-1", "-0.5", "0", "0.5", "1"]),
        ("4.9", "0.7", ["0", "1", "2", "3", "4", "5"]),  # order does not matter
    ],
)
def test_ticks_are_round_and_cover_the_values(lowest, highest, expected):
    assert nice_ticks(D(lowest), D(highest)) == [D(t) for t in expected]


def test_ticks_cover_large_and_negative_ranges():
    ticks = nice_ticks(D("-12.5"), D("10987"))
    assert ticks[0] <= D("-12.5") and ticks[-1] >= D("10987")
    assert len(ticks) <= 7


def _values(texts):
    return [None if text is None else D(text) for text in texts]


def _chart(local, england, periods=("2021/22", "2022/23", "2023/24"), **kwargs):
    return series_chart(
        list(periods),
        [
            ChartLine("Southampton", _values(local), "#1d70b8", "circle"),
            ChartLine("England", _values(england), "#0b0c0c", "square", "8 5"),
        ],
        title=kwargs.get("title", "Rate of drug offences"),
        description="Described",
        unit=kwargs.get("unit", "Rate per 1k population"),
        places=1,
    )


def test_nothing_is_drawn_without_values():
    assert _chart([None, None, None], [None, None, None]) == ""
    assert series_chart([], [], title="t", description="d", unit="u", places=0) == ""


def test_a_gap_in_the_data_is_a_gap_in_the_line():
    svg = _chart(["4.1", None, "4.9"], ["2.8", "2.9", "3.0"])
    assert svg.count("<polyline ") == 1  # England's; the local values do not join across the gap
    assert svg.count("<circle ") == 3  # two points and the legend's sample
    assert svg.count("<rect ") == 4


def test_markers_name_their_period_and_value():
    svg = _chart(["4.1", "4.5", "4.9"], ["2.8", "2.9", "3.0"])
    assert "<title>Southampton 2023/24: 4.9</title>" in svg
    assert "<title>England 2021/22: 2.8</title>" in svg


def test_text_is_escaped():
    svg = _chart(["1", "2", "3"], ["1", "2", "3"], title="<script>", unit="a & b")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "a &amp; b" in svg


def test_every_line_needs_one_value_per_period():
    with pytest.raises(ValueError, match="one value per period"):
        _chart(["1", "2"], ["1", "2", "3"])


def test_intervals_are_whiskers_and_stretch_the_axis():
    # The plot spans y = 48..272 (TOP 48, height 320 - 48 - 48); with a 7.0 upper limit the
    # axis runs 0..8 (round ticks), so 7.0 sits at 48 + (8 - 7) / 8 * 224 = 76 and 3.0 at
    # 48 + (8 - 3) / 8 * 224 = 188; the whisker runs from the lower limit up, capped at both.
    svg = series_chart(
        ["2022/23", "2023/24"],
        [
            ChartLine(
                "Southampton",
                [D("4.9"), D("5.3")],
                "#1d70b8",
                "circle",
                intervals=[None, (3.0, 7.0)],
            )
        ],
        title="t",
        description="d",
        unit="u",
        places=1,
    )
    (whisker,) = re.findall(r'<path d="([^"]+)" stroke="#1d70b8"', svg)
    assert whisker == "M680 188V76M675 188H685M675 76H685"
    assert ">8</text>" in svg


def test_a_missing_period_is_a_shaded_band_named_for_it():
    svg = series_chart(
        ["2021/22", "2022/23", "2023/24"],
        [ChartLine("Southampton", [D("4.1"), None, D("4.9")], "#1d70b8", "circle")],
        title="t",
        description="d",
        unit="u",
        places=1,
        gaps=[1],
    )
    # Periods at x = 76, 378, 680: the band is the middle period's width around 378.
    assert '<rect x="227" y="48" width="302" height="224" fill="#f3f2f1">' in svg
    assert "<title>No figure for 2022/23</title>" in svg


def test_the_strip_places_a_figure_as_a_share_of_england():
    # 220 wide, padded 8: 0% at x = 8, England (100%) at 110, 200% at 212. 46.4 against 36.1 is
    # 128.5%: 8 + 1.2853 / 2 * 204 = 139.1; its interval 42.07..50.78 is 116.5%..140.7% of
    # England, x = 8 + 1.1654 / 2 * 204 = 126.9 to 8 + 1.4066 / 2 * 204 = 151.5.
    svg = comparison_strip_svg(
        46.4, 36.1, (42.07, 50.78), judgement="Better", title="Southampton <46.4>"
    )
    assert 'role="img"><title>Southampton &lt;46.4&gt;</title>' in svg
    assert '<line x1="110" x2="110" y1="2" y2="26" stroke="currentColor" stroke-width="2"/>' in svg
    assert '<circle cx="139.1" cy="14" r="5" fill="#00703c"' in svg
    assert 'd="M126.9 14H151.5' in svg


def test_the_strip_marks_a_figure_beyond_twice_england_at_its_edge():
    # 70 against 29 is 241%: an arrow at the 200% end, unfilled for an untested row.
    svg = comparison_strip_svg(70.0, 29.0, None, judgement="Not tested", title="t")
    assert '<path d="M204 8L212 14L204 20Z" fill="#ffffff"' in svg
    assert "<circle" not in svg


def test_no_strip_without_a_positive_england_value():
    assert comparison_strip_svg(3.0, 0.0, None, judgement="Not tested", title="t") == ""


def test_many_periods_write_fewer_labels():
    periods = [f"P{i}" for i in range(40)]
    svg = _chart([str(i) for i in range(40)], [None] * 40, periods=periods)
    labels = [p for p in periods if f">{p}</text>" in svg]
    assert labels[0] == "P0" and 5 <= len(labels) < 40


# --- Sparklines and their text alternative -----------------------------------------------------


def polyline_points(svg: str) -> list[tuple[float, float]]:
    match = re.search(r'<polyline points="([^"]*)"', svg)
    assert match, svg
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in match.group(1).split())]


def test_sparkline_empty() -> None:
    assert sparkline_svg([]) == ""


def test_sparkline_single_point_is_a_dot() -> None:
    svg = sparkline_svg([D("60.0")], title="Oct 23: 60.0 (1 value)")
    assert '<circle cx="60" cy="16"' in svg
    assert "<polyline" not in svg
    assert "<title>Oct 23: 60.0 (1 value)</title>" in svg


def test_sparkline_scales_to_fit_with_padding() -> None:
    svg = sparkline_svg([D(1), D(3), D(2)], width=120, height=32)
    # Highest at the top padding (y = 2), lowest at the bottom (y = 30), x spread 2..118.
    assert polyline_points(svg) == [(2, 30), (60, 2), (118, 16)]
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert 'role="img"' in svg and 'viewBox="0 0 120 32"' in svg


def test_sparkline_flat_series_is_a_middle_line() -> None:
    assert [y for _, y in polyline_points(sparkline_svg([D(5)] * 4, height=40))] == [20] * 4


def test_sparkline_is_inert_and_escapes_title() -> None:
    svg = sparkline_svg([D(1), D(2)], title='<script>alert("x")</script> & "q"')
    assert "<script" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;q&quot;" in svg
    assert "href" not in svg and "url(" not in svg
    assert re.search(r"\son\w+=", svg) is None  # no event-handler attributes


def test_sparkline_rejects_sizes_smaller_than_padding() -> None:
    with pytest.raises(ValueError):
        sparkline_svg([D(1)], width=4)


@PROPERTY
@given(
    values=st.lists(finite_decimals, min_size=2, max_size=40),
    width=st.integers(min_value=10, max_value=400),
    height=st.integers(min_value=10, max_value=100),
)
def test_sparkline_points_stay_inside_padding(
    values: list[Decimal], width: int, height: int
) -> None:
    points = polyline_points(sparkline_svg(values, width=width, height=height))
    assert len(points) == len(values)
    for x, y in points:
        assert 2 <= x <= width - 2
        assert 2 <= y <= height - 2
    xs = [x for x, _ in points]
    assert xs == sorted(xs)


def test_describe_series_many() -> None:
    labels = [
        *(f"{month} 22" for month in ["Oct", "Nov", "Dec"]),
        *(f"{month} 23" for month in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug"]),
        *(f"{month} 23" for month in ["Sep", "Oct"]),
    ]
    values = [D(52), D(41), *[D(50)] * 10, D(60)]
    assert len(labels) == len(values) == 13
    assert describe_series(labels, values, 1) == (
        "Oct 22 to Oct 23: from 52.0 to 60.0, lowest 41.0, highest 60.0 (13 values)"
    )


def test_describe_series_one_and_none() -> None:
    assert describe_series(["Oct 23"], [D(60)], 1) == "Oct 23: 60.0 (1 value)"
    assert describe_series([], [], 1) == "No values yet"


def test_describe_series_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        describe_series(["Oct 23"], [], 1)
