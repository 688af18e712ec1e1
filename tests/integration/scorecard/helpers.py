"""Helpers for the scorecard page tests: a reader of rendered tables."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import Client

from tests.conftest import client_for

READING_PERSONAS = ["lead", "other_lead", "approver", "board", "admin_user"]


def get(user, url: str, **extra):
    return client_for(user).get(url, **extra)


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    html: str = ""


@dataclass
class Row:
    attrs: dict[str, str | None]
    cells: list[Cell] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return "app-group-row" in (self.attrs.get("class") or "")

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


class _TableReader(HTMLParser):
    """The rows of every table in a page: each cell's tag, attributes, text and raw markup."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.cell: Cell | None = None
        self.depth = 0
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append(Row(dict(attrs)))
        elif tag in ("td", "th") and self.in_body and self.rows and self.cell is None:
            self.cell = Cell(tag, dict(attrs))
            self.rows[-1].cells.append(self.cell)
            return
        if self.cell is not None:
            rendered = "".join(f' {k}="{v}"' if v is not None else f" {k}" for k, v in attrs)
            self.cell.html += f"<{tag}{rendered}>"

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th") and self.cell is not None and self.cell.tag == tag:
            self.cell.text = " ".join(self.cell.text.split())
            self.cell = None
        elif self.cell is not None:
            self.cell.html += f"</{tag}>"

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.text += data
            self.cell.html += data


def body_rows(content: bytes) -> list[Row]:
    reader = _TableReader()
    reader.feed(content.decode())
    return reader.rows


def measure_rows(content: bytes) -> dict[int, Row]:
    """The scorecard's measure rows by number (the first cell)."""
    return {
        int(row.cells[0].text): row
        for row in body_rows(content)
        if not row.is_group and row.cells and row.cells[0].text.isdigit()
    }


def anonymous() -> Client:
    return Client()


def cell(row: Row, label: str) -> Cell:
    """A scorecard row's cell by its column's name (its `data-label`); "Measure" is the row's
    header."""
    if label == "Measure":
        return next(c for c in row.cells if c.tag == "th")
    return next(c for c in row.cells if (c.attrs.get("data-label") or "").startswith(label))


def figure_and_period(row: Row) -> tuple[str, str]:
    """The local figure (or "Suppressed (small numbers)") and the period beneath it."""
    html = cell(row, "Southampton value").html
    figure = re.search(r'class="app-(?:figure|suppressed)">([^<]*)<', html)
    period = re.search(r'class="app-aside app-period">([^<]*)<', html)
    assert figure and period, html
    return figure.group(1), period.group(1)
