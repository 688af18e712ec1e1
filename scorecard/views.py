"""Scorecard pages: thin views over selectors and services.

Every page reads rows computed from approved data only (selectors), so what a board member sees
is what has been signed off. Reading needs `view_scorecard`; publishing needs `publish_edition`.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from commentary import selectors as commentary_selectors
from portal.errors import FieldError
from portal.permissions import can, requires
from scorecard import layout, measure_selectors, selectors, summary
from scorecard.caching import live_cached
from scorecard.charts import (
    ENGLAND_COLOUR,
    LOCAL_COLOUR,
    ChartLine,
    describe_series,
    series_chart,
)
from scorecard.compute import Comparison
from scorecard.figures import uk_number
from scorecard.filters import ScorecardFilter
from scorecard.forms import LIVE, EditionCompareForm, EditionPublishForm, TargetForm
from scorecard.models import Edition, Measure
from scorecard.pack import pdf_from_html
from scorecard.services import ScorecardError
from scorecard.services.publishing import edition_publish
from scorecard.services.targets import target_remove, target_set
from scorecard.tables import ChangesTable, DataPointTable, EditionTable, ScorecardTable
from scorecard.targets import TargetKind

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
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
    """The live scorecard: the summary of what needs the board's attention (each count a link
    to the rows it counts), the filters, and the table or the compact view.

    What every reader sees alike is rendered once per version of the scorecard and address
    (scorecard.caching); the freshness panel, which reads the returns tracker, is not.
    """
    page = live_cached(
        "page",
        request.get_full_path(),
        lambda: _live_parts(request),
        shared=not request.GET,  # filters: any text a reader types, so each process's own
    )
    markers = {part: _marker(part) for part in LIVE_PARTS}
    response = render(request, "scorecard/live.html", {"errors": page["errors"], "page": markers})
    response.content = _spliced(response.content, page)
    return response


#: The parts of the live page rendered once for every reader, around the freshness panel.
LIVE_PARTS = ("intro", "about", "rows")


def _live_parts(request: HttpRequest) -> dict[str, Any]:
    """The live page's parts as encoded HTML, and whether its filters were refused."""
    context = _live_context(request)
    return {
        "errors": bool(context["filter"].form.errors),
        **{
            part: render_to_string(
                f"scorecard/includes/live_{part}.html", context, request
            ).encode()
            for part in LIVE_PARTS
        },
    }


def _marker(part: str) -> SafeString:
    """Where the page's part goes, in the page rendered around it."""
    return format_html("<!--live-scorecard:{}-->", part)


def _spliced(page: bytes, parts: dict[str, Any]) -> bytes:
    """The page with each part in place of its marker. At national scale the parts are
    megabytes: joined as bytes, they are neither decoded nor encoded again per request."""
    pieces = []
    for part in LIVE_PARTS:
        before, page = page.split(_marker(part).encode(), 1)
        pieces += [before, parts[part]]
    return b"".join([*pieces, page])


def _live_context(request: HttpRequest) -> dict[str, Any]:
    """What the live page's parts show, narrowed by the request's filters."""
    latest = selectors.latest_edition()
    filterset = ScorecardFilter(
        request.GET or None,
        queryset=Measure.objects.all(),
        edition_name=latest.name if latest else None,
    )
    board = selectors.live_board(latest)
    rows = board.rows
    if filterset.narrows_measures:
        chosen = set(filterset.qs.values_list("number", flat=True))
        rows = [r for r in rows if r.document.number in chosen]
    if filterset.changed_only:
        rows = [r for r in rows if r.changed]
    if filterset.show is not None:
        rows = summary.with_flag(rows, filterset.show)
    compact = request.GET.get("view") == COMPACT
    table = ScorecardTable(
        rows,
        area=board.area,
        changed_since=latest.name if latest else None,
        caption="Measures by priority area and commitment",
    )
    counts = summary.summary(board.rows, changed_since=latest.name if latest else None)
    return {
        "board": board,
        "table": table,
        "filter": filterset,
        "shown": len(rows),
        "total": len(board.rows),
        "changed": sum(1 for r in rows if r.changed),
        "summary": [(count, _summary_link(request, count.flag)) for count in counts],
        "updating": len(selectors.stale_measure_ids()),
        "compact": compact,
        # The compact view shows the rows compared with England; it names the others.
        "compared_rows": [r for r in rows if r.document.compared != Comparison.NOT_COMPARABLE],
        "not_compared": [r for r in rows if r.document.compared == Comparison.NOT_COMPARABLE],
        "table_url": _with_view(request, None),
        "compact_url": _with_view(request, COMPACT),
    }


def _summary_link(request: HttpRequest, flag: summary.Flag) -> str:
    """The full table showing only the rows a summary count counts, other filters cleared:
    "changed" is its own filter, every other flag a "show only" choice."""
    query = QueryDict(mutable=True)
    if flag == summary.Flag.CHANGED:
        query["changed"] = "on"
    else:
        query["show"] = flag.value
    return f"{request.path}?{query.urlencode()}"


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


def _board_pack(request: HttpRequest, name: str | None) -> HttpResponse:
    """The board pack page: the summary first, the grouped table and its key, then a page per
    measure with its chart, figures, target, commentary and actions. `name` is an edition's
    (its rows as published, changes counted since the edition before), None the live one."""
    if name is None:
        board = selectors.live_board(selectors.latest_edition())
        changed_since = board.edition.name if board.edition else None
    else:
        edition = _edition_or_404(name)
        previous = selectors.previous_edition(edition)
        board = selectors.edition_board(edition, since=previous)
        changed_since = previous.name if previous else None
    table = ScorecardTable(
        board.rows,
        area=board.area,
        changed_since=changed_since,
        caption="Measures by priority area and commitment",
    )
    counts = summary.summary(board.rows, changed_since=changed_since)
    return render(
        request,
        "scorecard/board_pack.html",
        {
            "board": board,
            "table": table,
            "live": name is None,
            "printed": timezone.now(),
            "summary": [(count, None) for count in counts],
            "worse": summary.with_flag(board.rows, summary.Flag.WORSE),
            "worsening": summary.with_flag(board.rows, summary.Flag.WORSENING),
            "off_target": summary.with_flag(board.rows, summary.Flag.OFF_TARGET),
            "pdf_url": reverse("scorecard:board_pack_pdf")
            if name is None
            else reverse("scorecard:edition_board_pack_pdf", args=[name]),
        },
    )


@requires("view_scorecard")
def board_pack(request: HttpRequest, name: str | None = None) -> HttpResponse:
    """The board pack laid out for printing (the print stylesheet does the paper layout)."""
    return _board_pack(request, name)


@requires("view_scorecard")
def board_pack_pdf(request: HttpRequest, name: str | None = None) -> HttpResponse:
    """The board pack page as a PDF, made on the server from the same HTML and CSS."""
    page = _board_pack(request, name)
    document = pdf_from_html(page.content.decode(), base_url=request.build_absolute_uri("/"))
    label = name or f"live {timezone.localdate():%Y-%m-%d}"
    filename = f"{slugify(f'{selectors.local_area_name()} board pack {label}')}.pdf"
    return HttpResponse(
        document,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(True, filename),
            "Cache-Control": "private, no-store",
        },
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
    in_hand = commentary_selectors.in_hand(page.measure)
    return render(
        request,
        "scorecard/measure.html",
        {
            "page": page,
            "measure": page.measure,
            "chart": chart,
            "can_set_target": can(request.user, "set_target"),
            "can_write_commentary": can(request.user, "write_commentary", page.measure),
            # The commentary being written or awaiting approval, for those who may see it.
            "in_hand": in_hand
            if in_hand is not None and can(request.user, "view_commentary", in_hand)
            else None,
            # Limits one place finer than the figure, as the scorecard shows them.
            "interval_places": places + 1,
            "history": DataPointTable(
                page.history,
                places=places,
                caption="Every value and its versions",
            ),
        },
    )


@requires("set_target")
@require_http_methods(["GET", "POST"])
def target(request: HttpRequest, number: int) -> HttpResponse:
    """Set, change or remove a measure's target (approvers and admins)."""
    measure = Measure.objects.select_related("target__by_period").filter(number=number).first()
    if measure is None:
        raise Http404("No such measure")
    current = getattr(measure, "target", None)
    if request.method == "POST" and request.POST.get("action") == "remove":
        if target_remove(measure, by=request.user):
            messages.success(request, f"The target of measure {measure.number} is removed.")
        return redirect("scorecard:measure", measure.number)
    initial = None
    if current is not None:
        initial = {
            "kind": current.kind,
            "value": uk_number(current.value, measure.decimal_places)
            if current.value is not None
            else "",
            "by_period": current.by_period.label if current.by_period else "",
        }
    form = TargetForm(request.POST or None, initial=initial, period_type=measure.periods_of)
    if request.method == "POST" and form.is_valid():
        try:
            target_set(
                measure,
                by=request.user,
                kind=TargetKind(form.cleaned_data["kind"]),
                value=form.cleaned_data["value"],
                by_period=form.cleaned_data["by_period"],
            )
        except FieldError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"The target of measure {measure.number} is saved.")
            return redirect("scorecard:measure", measure.number)
    return render(
        request, "scorecard/target.html", {"measure": measure, "form": form, "current": current}
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
            "summary": [
                (count, None)
                for count in summary.summary(
                    board.rows, changed_since=latest.name if latest else None
                )
            ],
            "with_commentary": sum(1 for row in board.rows if row.commentary),
            "with_target": sum(1 for row in board.rows if row.target),
            "changes": ChangesTable(changes, area=board.area, caption=f"Changed since {latest}")
            if latest
            else None,
            "table": ScorecardTable(
                board.rows, area=board.area, caption=f"The {name} edition as it will be published"
            ),
        },
    )
