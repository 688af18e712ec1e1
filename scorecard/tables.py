"""django-tables2 tables for the scorecard pages."""

import django_tables2 as tables

from scorecard.compute import format_value
from scorecard.models import ScorecardRow


class ScorecardTable(tables.Table):
    """The scorecard's columns, as the published document has them."""

    number = tables.Column(accessor="measure__number", verbose_name="No.")
    measure = tables.Column(accessor="measure__name", verbose_name="Measure")
    unit = tables.Column(accessor="measure__unit", verbose_name="Unit")
    source = tables.Column(accessor="measure__source", verbose_name="Source")
    latest_period = tables.Column(verbose_name="Latest period", default="No value")
    local_value = tables.Column(
        verbose_name="Local value", attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )
    england_value = tables.Column(
        verbose_name="England value", attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )
    direction = tables.Column(verbose_name="Direction of travel")
    compared = tables.Column(verbose_name="Compared to England")

    class Meta:
        orderable = False
        template_name = "scorecard/scorecard_table.html"

    def render_local_value(self, value: object, record: ScorecardRow) -> str:
        return format_value(record.local_value, record.measure.decimal_places)

    def render_england_value(self, value: object, record: ScorecardRow) -> str:
        return format_value(record.england_value, record.measure.decimal_places)
