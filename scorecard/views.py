"""Scorecard pages: thin views over selectors and services.

Every page reads rows computed from approved data only (selectors), so what a board member sees
is what has been signed off. Reading needs `view_scorecard`; publishing needs `publish_edition`.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from portal.permissions import can, requires
from scorecard import layout, measure_selectors, selectors
from scorecard.charts import ChartLine, describe_series, series_chart
from scorecard.compute import Comparison
from scorecard.filters import ScorecardFilter
from scorecard.forms import LIVE, EditionCompareForm, EditionPublishForm
from scorecard.models import Edition, Measure
from scorecard.services import ScorecardError
from scorecard.services.publishing import edition_publish
from scorecard.tables import ChangesTable, DataPointTable, EditionTable, ScorecardTable

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LOCAL_COLOUR, ENGLAND_COLOUR = "#1d70b8", "#0b0c0c"
#: The `view` query parameter of the scorecard page's compact view.
COMPACT = "compact"


def _edition_or_404(name: str) -> Edition:
    edition = selectors.edition_by_name(name)
    if edition is None:
        raise Http404("No such edition")
    return edition


def _download(document: layout.ScorecardDocument, fmt: str, name: str) -> HttpResponse:
    """The document in the reference layout as an attachment (CSV/XLSX neutralise formulas)."""
    filename = f"{slugify(f'{document.area} scorecard {name}')}.{fmt}"
    return HttpResponse(
        layout.render(document, fmt),
        content_type=CONTENT_TYPES[fmt],
        headers={
            "Content-Disposition": content_disposition_header(True, filename),
            "Cache-Control": "private, no-store",
        },
    )


# The live scorecard ------------------------------------------------------------------------------


@requires("view_scorecard")
def live(request: HttpRequest) -> HttpResponse:
    latest = selectors.latest_edition()
    filterset = ScorecardFilter(
        request.GET or None,
        queryset=Measure.objects.all(),
        edition_name=latest.name if latest else None,
    )
    board = selectors.live_board(latest, filterset.qs)
    rows = [r for r in board.rows if r.changed] if filterset.changed_only else board.rows
    compact = request.GET.get("view") == COMPACT
    table = ScorecardTable(
        rows,
        area=board.area,
        changed_since=latest.name if latest else None,
        caption="Measures by priority area and commitment",
    )
    return render(
        request,
        "scorecard/live.html",
        {
            "board": board,
            "table": table,
            "filter": filterset,
            "shown": len(rows),
            "total": selectors.active_measure_count() if filterset.active else len(rows),
            "changed": sum(1 for r in board.rows if r.changed),
            "updating": len(selectors.stale_measure_ids()),
            "compact": compact,
            # The compact view shows the rows compared with England; it names the others.
            "compared_rows": [r for r in rows if r.document.compared != Comparison.NOT_COMPARABLE],
            "not_compared": [r for r in rows if r.document.compared == Comparison.NOT_COMPARABLE],
            "table_url": _with_view(request, None),
            "compact_url": _with_view(request, COMPACT),
        },
    )


def _with_view(request: HttpRequest, view: str | None) -> str:
    """This page's address with its filters (blank ones left out) and the given view: a
    bookmarkable GET link."""
    query = request.GET.copy()
    query.pop("view", None)
    for name, values in list(query.lists()):
        if not any(values):
            query.pop(name)
    if view:
        query["view"] = view
    return f"{request.path}?{query.urlencode()}" if query else request.path


@requires("view_scorecard")
def live_download(request: HttpRequest, fmt: str) -> HttpResponse:
    return _download(selectors.live_scorecard(), fmt, f"live {timezone.localdate():%Y-%m-%d}")


@requires("view_scorecard")
def live_changes(request: HttpRequest) -> HttpResponse:
    latest = selectors.latest_edition()
    if latest is None:
        changes = []
        area = selectors.local_area_name()
    else:
        live_document = selectors.live_scorecard()
        changes = selectors.changes_between(selectors.edition_scorecard(latest), live_document)
        area = live_document.area
    return render(
        request,
        "scorecard/changes.html",
        {
            "table": ChangesTable(changes, area=area, caption="Changed rows"),
            "before": latest,
            "after": None,
            "count": len(changes),
        },
    )


@requires("view_scorecard")
def board_pack(request: HttpRequest, name: str | None = None) -> HttpResponse:
    """The scorecard laid out for printing (the print stylesheet does the paper layout)."""
    if name is None:
        board = selectors.live_board(selectors.latest_edition())
        changed_since = board.edition.name if board.edition else None
    else:
        board = selectors.edition_board(_edition_or_404(name))
        changed_since = None
    table = ScorecardTable(
        board.rows,
        area=board.area,
        changed_since=changed_since,
        caption="Measures by priority area and commitment",
    )
    return render(
        request,
        "scorecard/board_pack.html",
        {"board": board, "table": table, "live": name is None, "printed": timezone.now()},
    )


# A measure ---------------------------------------------------------------------------------------


@requires("view_scorecard")
def measure_detail(request: HttpRequest, number: int) -> HttpResponse:
    page = measure_selectors.measure_page(number)
    if page is None:
        raise Http404("No such measure")
    places = page.measure.decimal_places
    periods = [point.period for point in page.series]
    local = [point.local for point in page.series]
    england = [point.england for point in page.series]
    intervals = [
        (point.interval.lower, point.interval.upper) if point.interval else None
        for point in page.series
    ]
    lines = [ChartLine(page.area, local, LOCAL_COLOUR, "circle", intervals=intervals)]
    if any(value is not None for value in england):
        lines.append(ChartLine("England", england, ENGLAND_COLOUR, "square", dash="8 5"))
    description = " ".join(
        f"{line.label}: {describe_series(*_present(periods, line.values), places)}."
        for line in lines
    )
    if any(intervals):
        description += f" Each {page.area} figure with an interval has it drawn as a whisker."
    if page.missing:
        description += f" No {page.area} figure for {', '.join(page.missing)}: the line breaks."
    chart = series_chart(
        periods,
        lines,
        title=f"{page.measure.name}: {page.area} and England by period",
        description=description,
        unit=page.measure.unit,
        places=places,
        gaps=[i for i, point in enumerate(page.series) if not point.held],
    )
    return render(
        request,
        "scorecard/measure.html",
        {
            "page": page,
            "measure": page.measure,
            "chart": chart,
            # Limits one place finer than the figure, as the scorecard shows them.
            "interval_places": places + 1,
            "history": DataPointTable(
                page.history,
                places=places,
                caption="Every value and its versions",
            ),
        },
    )


def _present(labels: Sequence[str], values: Sequence[Any]) -> tuple[list[str], list[Any]]:
    """The periods that have a value, for describing a line with gaps."""
    pairs = [(label, v) for label, v in zip(labels, values, strict=True) if v is not None]
    return [label for label, _ in pairs], [v for _, v in pairs]


# Editions ----------------------------------------------------------------------------------------


@requires("view_scorecard")
def edition_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scorecard/editions.html",
        {
            "table": EditionTable(selectors.editions(), caption="Published editions, newest first"),
            "can_publish": can(request.user, "publish_edition"),
        },
    )


@requires("view_scorecard")
def edition_detail(request: HttpRequest, name: str) -> HttpResponse:
    edition = _edition_or_404(name)
    board = selectors.edition_board(edition)
    return render(
        request,
        "scorecard/edition.html",
        {
            "edition": edition,
            "board": board,
            "table": ScorecardTable(
                board.rows,
                area=board.area,
                caption=f"The {edition.name} edition's measures by priority area and commitment",
            ),
            "previous": selectors.previous_edition(edition),
        },
    )


@requires("view_scorecard")
def edition_download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    edition = _edition_or_404(name)
    return _download(selectors.edition_scorecard(edition), fmt, edition.name)


@requires("view_scorecard")
def edition_changes(request: HttpRequest, name: str) -> HttpResponse:
    edition = _edition_or_404(name)
    previous = selectors.previous_edition(edition)
    after = selectors.edition_scorecard(edition)
    changes = (
        selectors.changes_between(selectors.edition_scorecard(previous), after) if previous else []
    )
    return render(
        request,
        "scorecard/changes.html",
        {
            "table": ChangesTable(changes, area=after.area, caption="Changed rows"),
            "before": previous,
            "after": edition,
            "count": len(changes),
        },
    )


@requires("view_scorecard")
def edition_compare(request: HttpRequest) -> HttpResponse:
    """Any two scorecards side by side: what changed between two editions, or since one."""
    editions = list(selectors.editions())
    form = EditionCompareForm(request.GET or None, editions=editions)
    context: dict[str, Any] = {"form": form, "editions": editions}
    if form.is_bound and form.is_valid():
        before = selectors.edition_by_name(form.cleaned_data["before"])
        chosen = form.cleaned_data["after"]
        after = None if chosen == LIVE else selectors.edition_by_name(chosen)
        assert before is not None
        after_document = selectors.edition_scorecard(after) if after else selectors.live_scorecard()
        changes = selectors.changes_between(selectors.edition_scorecard(before), after_document)
        context.update(
            before=before,
            after=after,
            count=len(changes),
            table=ChangesTable(changes, area=after_document.area, caption="Changed rows"),
        )
    return render(request, "scorecard/compare.html", context)


@requires("publish_edition")
def publish(request: HttpRequest) -> HttpResponse:
    """Freeze the live scorecard as a named edition (approvers and admins): a name, then a
    preview of what the edition will contain and what changed, then the confirmation."""
    form = EditionPublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        if request.POST.get("confirm") != name:
            return _publish_preview(request, name)
        try:
            edition = edition_publish(name, by=request.user)
        except ScorecardError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(
                request, f"Edition {edition.name} is published. It is frozen and cannot be changed."
            )
            return redirect("scorecard:edition", edition.name)
    latest = selectors.latest_edition()
    changes = _changes_since(latest)
    return render(
        request, "scorecard/publish.html", {"form": form, "latest": latest, "changes": changes}
    )


def _changes_since(edition: Edition | None) -> list[selectors.RowChange] | None:
    if edition is None:
        return None
    return selectors.changes_between(
        selectors.edition_scorecard(edition), selectors.live_scorecard()
    )


def _publish_preview(request: HttpRequest, name: str) -> HttpResponse:
    latest = selectors.latest_edition()
    changes = _changes_since(latest) or []
    board = selectors.live_board(latest)
    return render(
        request,
        "scorecard/publish_preview.html",
        {
            "name": name,
            "board": board,
            "latest": latest,
            "count": len(changes),
            "changes": ChangesTable(changes, area=board.area, caption=f"Changed since {latest}")
            if latest
            else None,
            "table": ScorecardTable(
                board.rows, area=board.area, caption=f"The {name} edition as it will be published"
            ),
        },
    )
