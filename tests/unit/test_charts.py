"""The measure page's chart: round axis values, gaps, escaping, and nothing drawn without data."""

from decimal import Decimal

import pytest

from scorecard.charts import ChartLine, nice_ticks, series_chart

D = Decimal


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


def test_many_periods_write_fewer_labels():
    periods = [f"P{i}" for i in range(40)]
    svg = _chart([str(i) for i in range(40)], [None] * 40, periods=periods)
    labels = [p for p in periods if f">{p}</text>" in svg]
    assert labels[0] == "P0" and 5 <= len(labels) < 40
