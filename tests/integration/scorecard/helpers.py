"""Helpers for the scorecard page tests: a reader of rendered tables, and bulk measures for
query counts."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import Client

from accounts.models import Organisation
from scorecard.models import Area, AreaKind, Commitment, Measure, PriorityArea
from scorecard.services import scorecard_recompute
from tests.conftest import client_for
from tests.factories import month, record_history

READING_PERSONAS = ["lead", "other_lead", "approver", "board", "admin_user"]
SOURCES = ["ICU", "Police"]


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


def add_bulk_measures(count: int, *, start: int = 1000) -> list[Measure]:
    """`count` monthly measures in five commitments, each owned by the organisation its source
    names (Police or ICU, as the import assigns them) and with three approved months (Aug to
    Oct 23) recorded as the import records them; their rows computed."""
    owners = {o.short_name: o for o in Organisation.objects.filter(short_name__in=SOURCES)}
    priority, _ = PriorityArea.objects.get_or_create(name="Bulk priority area")
    commitments = [
        Commitment.objects.get_or_create(priority_area=priority, name=f"Bulk commitment {i}")[0]
        for i in range(5)
    ]
    measures = Measure.objects.bulk_create(
        Measure(
            number=start + i,
            code=f"bulk-{start + i}",
            name=f"Bulk measure {start + i}",
            commitment=commitments[i % 5],
            unit="Monthly count",
            value_kind="count",
            period_type="month",
            source=SOURCES[i % 2],
            organisation=owners.get(SOURCES[i % 2]),
            comparable_with_england=False,
            polarity="lower_is_better" if i % 3 else "no_judgement",
        )
        for i in range(count)
    )
    local = Area.objects.get(kind=AreaKind.LOCAL)
    months = [month(2023, m) for m in (8, 9, 10)]
    record_history(
        (measure, local, period, str(10 + step + measure.number % 7))
        for measure in measures
        for step, period in enumerate(months)
    )
    scorecard_recompute([m.pk for m in measures])
    return measures


def anonymous() -> Client:
    return Client()
