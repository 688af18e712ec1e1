"""An independent reader of the scorecard text layout, for checking exports against sources.

Deliberately simpler than scorecard.layout and sharing no code with it, so a bug there cannot
hide itself in the tests.
"""

from decimal import Decimal
from pathlib import Path

from scorecard.periods import parse_period

COLUMNS = [
    "priority_area",
    "commitment",
    "number",
    "measure",
    "unit",
    "source",
    "latest_period",
    "note",
    "local_value",
    "england_value",
    "direction",
    "compared",
]


def _normalise(column: str, text: str) -> object:
    text = text.strip()
    if column in ("local_value", "england_value"):
        return None if text == "No Value" else Decimal(text)
    if column == "latest_period":
        return None if text == "No Value" else parse_period(text)
    if column == "number":
        return int(text)
    return text


def rows_from_text(text: str) -> list[dict[str, object]]:
    """Data rows below the header, merged cells filled from above, values as numbers and
    periods as periods."""
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Priority area\t"))
    rows: list[dict[str, object]] = []
    priority = commitment = ""
    for line in lines[header + 1 :]:
        if not line.strip():
            continue
        cells = line.split("\t")
        if not cells[2].strip().isdigit():  # the priority-area cell was merged away
            cells = ["", *cells[:-1]] if cells[-1] == "" else ["", *cells]
        cells = cells[:12]
        priority = cells[0] or priority
        commitment = cells[1] or commitment
        cells[0], cells[1] = priority, commitment
        rows.append({c: _normalise(c, v) for c, v in zip(COLUMNS, cells, strict=True)})
    return rows


def rows_from_file(path: Path) -> list[dict[str, object]]:
    return rows_from_text(path.read_text(encoding="utf-8"))
