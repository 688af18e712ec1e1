"""django-tables2 tables for the scorecard pages: the grouped scorecard (live, editions, board
pack), the list of editions, what changed between two scorecards, and a measure's history."""

from collections.abc import Callable
from itertools import groupby
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_tables2.rows import BoundRow

from scorecard.compute import SUPPRESSED
from scorecard.figures import uk_date, uk_month, uk_number
from scorecard.layout import DocumentRow
from scorecard.measure_selectors import HistoryLine
from scorecard.models import Edition
from scorecard.selectors import BoardRow, RowChange
from scorecard.templatetags.scorecard import (
    change_summary,
    changed_marker,
    comparison_cell,
    direction_arrow,
    direction_cell,
    figure_cell,
    judgement_tag,
    measure_cell,
    sparkline,
    target_cell,
    trend_cell,
)

NUMERIC = {"td": {"class": "numeric"}, "th": {"class": "numeric"}}


def _link(url_name: str, key: object, text: str) -> SafeString:
    url = reverse(url_name, args=[key])
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, text)


class CaptionedTable(tables.Table):
    """A table named by a caption (tables/govuk_table.html renders `caption`): screen readers
    announce it, and the scrolling container is labelled by it."""

    def __init__(self, data: Any, *, caption: str = "", **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.caption = caption


class ScorecardTable(CaptionedTable):
    """The scorecard as the board reads it, narrow enough for a 1280-pixel screen: the
    published document's columns, with unit and source under the measure's name, the period
    under the figure, and better/worse with the comparison; then the recent trend, the target
    (when any row has one) and, on the live scorecard, what changed since the latest edition.
    Rows are BoardRows in scorecard order; the template groups them by priority area and
    commitment (see `groups`) and turns each row into a card on a narrow screen."""

    number = tables.Column(accessor="document__number", verbose_name="No.")
    measure = tables.Column(accessor="document__measure", verbose_name="Measure")
    trend = tables.Column(accessor="document", verbose_name="Sparkline", empty_values=())
    local_value = tables.Column(
        accessor="document__local_value", verbose_name="Local value", empty_values=(), attrs=NUMERIC
    )
    england_value = tables.Column(
        accessor="document__england_value",
        verbose_name="England value",
        empty_values=(),
        attrs=NUMERIC,
    )
    direction = tables.Column(accessor="document__direction", verbose_name="Direction of travel")
    compared = tables.Column(
        accessor="document__compared", verbose_name="Compared with England", empty_values=()
    )
    recent_trend = tables.Column(
        accessor="document__trend", verbose_name="Recent trend", empty_values=()
    )
    target = tables.Column(verbose_name="Against target", empty_values=())
    changed = tables.Column(verbose_name="Changed", empty_values=())

    class Meta:
        orderable = False
        template_name = "scorecard/scorecard_table.html"
        attrs = {"class": "app-scorecard-table app-scorecard-table--board"}
        empty_text = "No measures match these filters."

    def __init__(
        self, data: list[BoardRow], *, area: str, changed_since: str | None = None, **kwargs: Any
    ) -> None:
        """`changed_since` names the edition the "Changed" column compares with; without it the
        column is left out (an edition's own rows, or no edition yet). The target column is left
        out when no row has a target."""
        left_out = () if changed_since else ("changed",)
        if not any(row.target for row in data):
            left_out = (*left_out, "target")
        super().__init__(data, exclude=left_out, **kwargs)
        self.changed_since = changed_since
        self.columns["local_value"].column.verbose_name = f"{area} value"
        if changed_since:
            self.columns["changed"].column.verbose_name = f"Changed since {changed_since}"

    def groups(self) -> list[tuple[str, list[tuple[str, list[BoundRow]]]]]:
        """The rows as runs of the same priority area and, within it, the same commitment."""

        def field(name: str) -> Callable[[BoundRow], str]:
            return lambda row: str(getattr(row.record.document, name))

        return [
            (priority, [(c, list(rows)) for c, rows in groupby(in_area, key=field("commitment"))])
            for priority, in_area in groupby(self.rows, key=field("priority_area"))
        ]

    def render_measure(self, record: BoardRow) -> SafeString:
        return measure_cell(record)

    def render_trend(self, value: DocumentRow) -> SafeString:
        return sparkline(value)

    def render_local_value(self, record: BoardRow) -> SafeString:
        return figure_cell(record.document)

    def render_england_value(self, record: BoardRow) -> str:
        return uk_number(record.document.england_value, record.document.england_places)

    def render_direction(self, record: BoardRow) -> SafeString:
        return direction_cell(record.document)

    def render_compared(self, record: BoardRow) -> SafeString:
        return comparison_cell(record.document)

    def render_recent_trend(self, record: BoardRow) -> SafeString:
        return trend_cell(record.document)

    def render_target(self, record: BoardRow) -> SafeString:
        return target_cell(record)

    def render_changed(self, record: BoardRow) -> SafeString:
        return changed_marker(record.changed, self.changed_since or "")


class EditionTable(CaptionedTable):
    name = tables.Column(verbose_name="Edition")
    edition_date = tables.Column(verbose_name="Month")
    published_at = tables.Column(verbose_name="Published")
    published_by = tables.Column(verbose_name="Published by", empty_values=())

    class Meta:
        model = Edition
        fields = ["name", "edition_date", "published_at", "published_by"]
        orderable = False
        empty_text = "No editions have been published yet."

    def render_name(self, value: str) -> SafeString:
        return _link("scorecard:edition", value, value)

    def render_edition_date(self, value: Any) -> str:
        return uk_month(value)

    def render_published_at(self, value: Any) -> str:
        return uk_date(value)

    def render_published_by(self, record: Edition) -> str:
        # Editions loaded by import_scorecard have no publisher: they were published elsewhere.
        by = record.published_by
        return by.display_name if by is not None else "Imported from the published document"


def _before_after(
    change: RowChange, show: Callable[[DocumentRow], str | SafeString], field: str
) -> str | SafeString | None:
    """The field's value now; where it changed, what it was and what it is, in words too."""
    before = show(change.before) if change.before else None
    after = show(change.after) if change.after else None
    if field not in change.fields or before is None or after is None:
        return after if after is not None else before
    return format_html(
        '<span class="govuk-visually-hidden">Was </span>{} <span aria-hidden="true">→</span>'
        '<span class="govuk-visually-hidden">, now</span> <strong>{}</strong>',
        before,
        after,
    )


class ChangesTable(CaptionedTable):
    """Rows that changed between two scorecards, each changed field as "before → after"."""

    number = tables.Column(verbose_name="No.")
    measure = tables.Column(verbose_name="Measure")
    fields = tables.Column(verbose_name="What changed")
    latest_period = tables.Column(verbose_name="Latest period", empty_values=())
    local_value = tables.Column(verbose_name="Local value", empty_values=(), attrs=NUMERIC)
    england_value = tables.Column(verbose_name="England value", empty_values=(), attrs=NUMERIC)
    direction = tables.Column(verbose_name="Direction of travel", empty_values=())
    compared = tables.Column(verbose_name="Compared with England", empty_values=())
    judgement = tables.Column(verbose_name="Better or worse", empty_values=())
    trend = tables.Column(verbose_name="Recent trend", empty_values=())

    class Meta:
        orderable = False
        attrs = {"class": "app-scorecard-table"}
        empty_text = "Nothing has changed: every row has the same period, values and arrows."

    def __init__(self, data: list[RowChange], *, area: str, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.columns["local_value"].column.verbose_name = f"{area} value"

    def render_measure(self, record: RowChange) -> SafeString | str:
        if record.after is None:
            return record.measure
        return _link("scorecard:measure", record.number, record.measure)

    def render_fields(self, value: tuple[str, ...]) -> str:
        summary = change_summary(value)
        return summary[:1].upper() + summary[1:]

    def render_latest_period(self, record: RowChange) -> Any:
        return _before_after(record, lambda r: r.latest_period or "No value", "latest_period")

    def render_local_value(self, record: RowChange) -> Any:
        return _before_after(
            record, lambda r: uk_number(r.local_value, r.local_places), "local_value"
        )

    def render_england_value(self, record: RowChange) -> Any:
        return _before_after(
            record, lambda r: uk_number(r.england_value, r.england_places), "england_value"
        )

    def render_direction(self, record: RowChange) -> Any:
        return _before_after(record, lambda r: direction_arrow(r.direction), "direction")

    def render_compared(self, record: RowChange) -> Any:
        return _before_after(record, lambda r: r.compared, "compared")

    def render_judgement(self, record: RowChange) -> Any:
        return _before_after(record, lambda r: judgement_tag(r.judgement), "judgement")

    def render_trend(self, record: RowChange) -> Any:
        return _before_after(record, lambda r: r.trend, "trend")


class DataPointTable(CaptionedTable):
    """Every approved figure of a measure with all its versions: the audit trail of its values.
    A local figure on small numbers reads "Suppressed (small numbers)", as on the scorecard."""

    period = tables.Column(accessor="point__period", verbose_name="Period")
    area = tables.Column(accessor="point__area", verbose_name="Area")
    value = tables.Column(accessor="point__value", verbose_name="Value", attrs=NUMERIC)
    numerator = tables.Column(
        accessor="point__numerator", verbose_name="Numerator", attrs=NUMERIC, default=""
    )
    denominator = tables.Column(
        accessor="point__denominator", verbose_name="Denominator", attrs=NUMERIC, default=""
    )
    version = tables.Column(verbose_name="Version", empty_values=())
    submitted_by = tables.Column(
        accessor="point__submitted_by", verbose_name="Submitted by", default=""
    )
    approved_by = tables.Column(
        accessor="point__approved_by", verbose_name="Approved by", default=""
    )
    approved_at = tables.Column(accessor="point__approved_at", verbose_name="Approved")
    origin = tables.Column(accessor="point__origin", verbose_name="Origin")
    note = tables.Column(accessor="point__note", verbose_name="Note", default="")

    class Meta:
        orderable = False
        attrs = {"class": "app-scorecard-table"}
        empty_text = "No approved figures yet."
        row_attrs = {
            "class": lambda record: "" if record.point.is_current else "app-row--superseded"
        }

    def __init__(self, data: list[HistoryLine], *, places: int, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.places = places

    def render_value(self, value: Any, record: HistoryLine) -> str:
        return SUPPRESSED if record.suppressed else uk_number(value, self.places)

    def render_numerator(self, value: Any, record: HistoryLine) -> str:
        return "" if record.suppressed else uk_number(value)

    def render_denominator(self, value: Any, record: HistoryLine) -> str:
        return "" if record.suppressed else uk_number(value)

    def render_version(self, record: HistoryLine) -> SafeString:
        point = record.point
        if point.is_current:
            return format_html(
                '{} <strong class="app-tag app-tag--current">Current</strong>', point.version
            )
        return format_html(
            '{} <strong class="app-tag app-tag--superseded">Superseded</strong>', point.version
        )

    def render_submitted_by(self, value: Any) -> str:
        return str(value.display_name)

    def render_approved_by(self, value: Any) -> str:
        return str(value.display_name)

    def render_approved_at(self, value: Any) -> str:
        return uk_date(value)
