"""The scorecard document reader copes with the layout as councils actually produce it."""

from decimal import Decimal

import pytest

from scorecard.layout import LayoutError, parse_document, read_document
from scorecard.periods import edition_name, month_of_name

HEADER = [
    "Priority area",
    "Commitment",
    "Measure",
    "Unit",
    "Source",
    "Latest time period",
    "Townsville Sparkline",
    "Townsville value",
    "England value",
    "Direction of travel (last 2 time periods)",
    "Compared to England value",
    "",
]
PREAMBLE = [[""], ["A Scorecard"], ["Jun-2024"], ["What it is for."], ["Periods note."]]


def doc(*rows: list[str]):
    return parse_document([*PREAMBLE, HEADER, *rows])


def test_reads_preamble_area_and_edition():
    document = doc(
        ["P", "C", "1", "M", "Count", "ICU", "2022/23", "", "5", "No Value", "↑", "Not Comparable"]
    )
    assert document.title == "A Scorecard"
    assert document.edition == "Jun-2024"
    assert document.description == "What it is for."
    assert document.period_note == "Periods note."
    assert document.area == "Townsville"


def test_blank_priority_area_and_commitment_mean_same_as_above():
    document = doc(
        [
            "P1",
            "C1",
            "1",
            "M1",
            "Count",
            "ICU",
            "2022/23",
            "",
            "5",
            "No Value",
            "↑",
            "Not Comparable",
        ],
        ["", "", "2", "M2", "Count", "ICU", "2022/23", "", "6", "No Value", "↓", "Not Comparable"],
        [
            "",
            "C2",
            "3",
            "M3",
            "Count",
            "ICU",
            "2022/23",
            "",
            "7",
            "No Value",
            "↔",
            "Not Comparable",
        ],
    )
    assert [(r.priority_area, r.commitment) for r in document.rows] == [
        ("P1", "C1"),
        ("P1", "C1"),
        ("P1", "C2"),
    ]


def test_row_shifted_left_keeps_priority_area_and_reads_commitment():
    document = doc(
        [
            "P1",
            "C1",
            "1",
            "M1",
            "Count",
            "ICU",
            "2022/23",
            "",
            "5",
            "No Value",
            "↑",
            "Not Comparable",
        ],
        ["C2", "2", "M2", "Rate", "ONS", "2022/23", "", "4.5", "4.1", "↑", "Higher", ""],
    )
    shifted = document.rows[1]
    assert (shifted.priority_area, shifted.commitment, shifted.number) == ("P1", "C2", 2)
    assert shifted.local_value == Decimal("4.5")
    assert shifted.england_value == Decimal("4.1")
    assert shifted.compared == "Higher"


def test_no_value_status_note_and_places():
    document = doc(
        [
            "P",
            "C",
            "1",
            "M",
            "Count",
            "ICU",
            "No Value",
            "New data flows being established",
            "No Value",
            "No Value",
            "×",
            "Not Comparable",
        ],
        ["", "", "2", "M2", "Count", "ICU", "Oct 23", "", "60.0", "10987.0", "↑", "Not Comparable"],
    )
    first, second = document.rows
    assert first.latest_period is None and first.local_value is None
    assert first.note == "New data flows being established"
    assert (second.local_places, second.england_places) == (1, 1)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "no measures"),
        ([["P", "C", "x", "M"]], "no measure number"),
        (
            [
                [
                    "P",
                    "C",
                    "1",
                    "M",
                    "Count",
                    "ICU",
                    "2022/23",
                    "",
                    "abc",
                    "No Value",
                    "↑",
                    "Not Comparable",
                ]
            ],
            "'abc' is not a number",
        ),
        (
            [
                [
                    "P",
                    "C",
                    "1",
                    "M",
                    "Count",
                    "ICU",
                    "2022/23",
                    "",
                    "1",
                    "No Value",
                    "up",
                    "Not Comparable",
                ]
            ],
            "direction 'up'",
        ),
        (
            [["P", "C", "1", "M", "Count", "ICU", "2022/23", "", "1", "No Value", "↑", "Better"]],
            "comparison 'Better'",
        ),
    ],
)
def test_malformed_rows_are_refused_with_a_reason(rows, message):
    with pytest.raises(LayoutError, match=message):
        doc(*rows)


def test_document_without_header_or_edition_is_refused():
    with pytest.raises(LayoutError, match="No header row"):
        parse_document([["hello"]])
    with pytest.raises(LayoutError, match="edition date"):
        parse_document([["Title"], HEADER])


def test_repeated_measure_numbers_are_refused():
    row = [
        "P",
        "C",
        "1",
        "M",
        "Count",
        "ICU",
        "2022/23",
        "",
        "5",
        "No Value",
        "↑",
        "Not Comparable",
    ]
    with pytest.raises(LayoutError, match="repeat"):
        doc(row, row)


@pytest.mark.parametrize(
    ("text", "expected", "name"),
    [
        ("May-2024", (2024, 5), "May-2024"),
        ("June 2024", (2024, 6), "June-2024"),
        ("Sept-2023", (2023, 9), "Sept-2023"),
        (" may/2024 ", (2024, 5), "May-2024"),
        ("2024", None, None),
        ("Mayday-2024", None, None),
    ],
)
def test_edition_names_are_read_and_written_one_way(text, expected, name):
    parsed = month_of_name(text)
    assert ((parsed.year, parsed.month) if parsed else None) == expected
    assert edition_name(text) == name


def test_reference_document_reads_all_39_rows(reference_path):
    document = read_document(reference_path)
    assert len(document.rows) == 39
    assert document.edition == "May-2024"
    assert document.area == "Southampton"
    row28 = next(r for r in document.rows if r.number == 28)
    assert row28.priority_area == "Deliver a world-class treatment and recovery system"
    assert row28.commitment.startswith("Improving employment opportunities")
    assert row28.compared == "Lower"


def test_unsupported_file_type_is_refused(tmp_path):
    path = tmp_path / "scorecard.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(LayoutError, match=r"must be a \.tsv, \.csv or \.xlsx"):
        read_document(path)
