"""The board pack as a PDF: made on the server by WeasyPrint from the print page, the summary
page first, then the table, then a page per measure with its commentary; read back with
poppler's pdftotext (Debian's poppler-utils)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from commentary.services import commentary_approve, commentary_save
from scorecard.models import Measure
from scorecard.pack import StaticFilesOnly
from scorecard.services.publishing import edition_publish
from tests.integration.scorecard.helpers import anonymous, get

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(
    PDFTOTEXT is None,
    reason="pdftotext not found: install poppler-utils (apt-get install -y poppler-utils)",
)


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-raw", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]  # a form feed ends each page


@needs_poppler
def test_the_live_board_pack_pdf_starts_with_the_summary_and_has_a_page_per_measure(
    frozen_today, imported, board, lead, approver, tmp_path
):
    measure = Measure.objects.get(number=1)
    written = commentary_save(
        measure, by=lead, commentary="Networks replaced within weeks.", actions="Joint operation."
    )
    commentary_approve(
        commentary_save(
            measure, by=lead, commentary=written.commentary, actions=written.actions, submit=True
        ).pk,
        by=approver,
    )

    response = get(board, "/scorecard/board-pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="southampton-board-pack-live-2026-11-29.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    pages = _pages(response.content, tmp_path)

    summary = " ".join(pages[0].split())
    assert "Reducing Drug Harm Partnership Scorecard" in summary
    assert "At a glance: 39 measures" in summary
    # Each count then what it counts, in the page's order (-raw keeps it).
    for words in ("0 Worse than England", "0 Getting worse", "32 Stale", "7 Awaiting data"):
        assert words in summary
    assert "No measure is worse than England on a tested comparison." in summary
    assert "Measures by priority area and commitment" not in summary  # the table comes next
    assert "Measures by priority area and commitment" in pages[1]

    measure_pages = [p for p in pages if "Unit and source" in p]
    assert len(measure_pages) == 39
    first = " ".join(measure_pages[0].split())
    assert "1. Number of current active Drugs Networks (Southampton)" in first
    assert "Networks replaced within weeks." in first and "Joint operation." in first
    assert "No commentary has been approved" in " ".join(measure_pages[1].split())


@needs_poppler
def test_an_editions_board_pack_pdf_is_the_edition_as_published(imported, board, tmp_path):
    response = get(board, "/scorecard/editions/May-2024/board-pack.pdf")
    assert response["Content-Disposition"] == (
        'attachment; filename="southampton-board-pack-may-2024.pdf"'
    )
    pages = _pages(response.content, tmp_path)
    assert "Edition: May-2024" in " ".join(pages[0].split())
    assert len([p for p in pages if "Unit and source" in p]) == 39


def test_the_pdf_needs_a_signed_in_reader_and_an_existing_edition(imported, board):
    assert anonymous().get("/scorecard/board-pack.pdf").status_code == 302
    assert get(board, "/scorecard/editions/Dec-1999/board-pack.pdf").status_code == 404


def test_the_pdf_reads_only_the_portals_static_files(settings):
    fetcher = StaticFilesOnly()
    css = fetcher.fetch("http://testserver/static/govuk/portal.css")
    assert css.content_type == "text/css"
    for url in (
        "http://evil.example/steal.css",
        "http://testserver/static/../portal/settings.py",
        "http://testserver/static/no-such-file.css",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_print_page_and_the_pdf_are_the_same_page(imported, board):
    page = get(board, "/scorecard/board-pack/").content.decode()
    assert 'href="/scorecard/board-pack.pdf"' in page
    assert page.index('class="app-pack-summary"') < page.index('class="app-pack-table"')
    assert page.index('class="app-pack-table"') < page.index('class="app-pack-measure"')
    assert page.count('class="app-pack-measure"') == 39


def test_a_published_edition_pack_counts_changes_since_the_edition_before(
    imported, board, approver
):
    edition_publish("Jun-2024", by=approver)
    page = get(board, "/scorecard/editions/Jun-2024/board-pack/").content.decode()
    assert "Changed since May-2024" in page
