"""The board pack as a PDF, made on the server with WeasyPrint from the very HTML and CSS of the
print page (`scorecard/board_pack.html` and the stylesheet's print rules), so paper and PDF
never differ.

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0, fonts; see the README). It
reads the page's stylesheet from the static files on disk, never over the network: the fetcher
below serves static files and refuses every other address, so a PDF never depends on (or leaks
a request to) anything outside the portal.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


def _static_file(name: str) -> Path | None:
    """A static file by its name under STATIC_URL: collected (hashed, in production) or found
    in the sources (development and tests)."""
    try:
        collected = Path(staticfiles_storage.path(name))
    except NotImplementedError:
        collected = None
    if collected is not None and collected.is_file():
        return collected
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


class StaticFilesOnly(URLFetcher):
    """Serves the portal's static files from disk; any other address is refused."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = unquote(urlsplit(url).path)
        if not path.startswith(settings.STATIC_URL):
            raise ValueError(f"The board pack reads only the portal's static files, not {url}.")
        name = path.removeprefix(settings.STATIC_URL)
        if ".." in Path(name).parts:
            raise ValueError(f"Not a static file: {url}")
        file = _static_file(name)
        if file is None:
            raise ValueError(f"No static file {name}.")
        mime_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": mime_type})


def pdf_from_html(html: str, *, base_url: str) -> bytes:
    """The page as printed (A4 landscape, by the stylesheet's print rules) in a PDF."""
    return HTML(string=html, base_url=base_url, url_fetcher=StaticFilesOnly()).write_pdf()
