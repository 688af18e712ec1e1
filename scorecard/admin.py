"""The catalogue in Django's admin, for admins (`manage_catalogue`, via PortalAdminMixin).

Measures, priority areas, commitments, areas and reporting periods are edited here; the measure
catalogue also imports and exports as a spreadsheet. Approved figures, computed rows and
published editions are shown read-only: history is append-only and editions are frozen.
"""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin

from portal.admin import PortalAdminMixin
from portal.permissions import can
from scorecard.models import (
    Area,
    Commitment,
    DataPoint,
    Edition,
    EditionRow,
    Measure,
    PriorityArea,
    ReportingPeriod,
    ScorecardRow,
)
from scorecard.resources import MeasureResource
from scorecard.services.recomputing import scorecard_recompute


@admin.register(Measure)
class MeasureAdmin(PortalAdminMixin, ImportExportModelAdmin):
    resource_classes = [MeasureResource]
    list_display = [
        "number",
        "name",
        "source",
        "organisation",
        "period_type",
        "value_kind",
        "multiplier",
        "confidence_level",
        "polarity",
        "active",
    ]
    list_display_links = ["number", "name"]
    list_filter = [
        "commitment__priority_area",
        "organisation",
        "source",
        "period_type",
        "value_kind",
        "comparison_method",
        "confidence_level",
        "polarity",
        "comparable_with_england",
        "publish_small_numbers",
        "active",
    ]
    search_fields = ["=number", "code", "name", "definition", "source"]
    list_select_related = ["organisation"]
    ordering = ["number"]
    # A source link typed without its scheme is taken to be https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["number", "code", "name", "commitment", "active"]}),
        (
            "Explanation",
            {
                "description": "What the measure's page tells readers about it.",
                "fields": [
                    "definition",
                    "numerator_definition",
                    "denominator_definition",
                    "caveats",
                    "source_url",
                ],
            },
        ),
        (
            "Figures",
            {"fields": ["unit", "value_kind", "multiplier", "period_type", "decimal_places"]},
        ),
        (
            "Comparison with England",
            {
                "fields": [
                    "comparable_with_england",
                    "comparison_method",
                    "confidence_level",
                    "polarity",
                ],
                "description": (
                    "How the scorecard compares this measure with England and judges it better "
                    "or worse. Saving recomputes the live row; published editions keep the "
                    "method they were judged by."
                ),
            },
        ),
        ("Small numbers", {"fields": ["small_number_threshold", "publish_small_numbers"]}),
        (
            "Responsibility",
            {"fields": ["source", "organisation", "status_note", "status_note_until"]},
        ),
        (
            "Collection",
            {
                "description": (
                    "When partners' figures for this measure are due, and when data leads are "
                    "reminded. The returns tracker shows each period's due date."
                ),
                "fields": [
                    "release_lag_days",
                    "release_month",
                    "awaiting_release_until",
                    "reminder_days",
                ],
            },
        ),
    ]

    def save_model(self, request: HttpRequest, obj: Measure, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Its row is judged by the method saved: recompute it now, in this transaction.
        scorecard_recompute([obj.pk])

    def has_import_permission(self, request: HttpRequest) -> bool:
        return can(request.user, "manage_catalogue")

    def has_export_permission(self, request: HttpRequest) -> bool:
        return can(request.user, "manage_catalogue")


class CommitmentInline(PortalAdminMixin, admin.TabularInline):
    model = Commitment
    fields = ["name", "position"]
    extra = 0


@admin.register(PriorityArea)
class PriorityAreaAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "priority_area", "position"]
    list_filter = ["priority_area"]
    list_select_related = ["priority_area"]
    search_fields = ["name"]


@admin.register(Area)
class AreaAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["label", "period_type", "start", "end"]
    list_filter = ["period_type"]
    search_fields = ["label"]
    date_hierarchy = "end"
    # A period's dates and label are what figures were reported against: fixed once it exists.
    # (Due dates depend on the measure too: they are set on each measure's release schedule.)
    fields = ["label", "period_type", "start", "end"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["label", "period_type", "start", "end"] if obj is not None else []


EDITION_ROW_FIELDS = (
    "number",
    "measure_name",
    "latest_period",
    "local_value",
    "england_value",
    "direction",
    "compared",
    "method",
    "ci_lower",
    "ci_upper",
    "polarity",
    "judgement",
    "trend",
    "target",
    "target_rag",
    "stale",
    "commentary",
)


class EditionRowInline(PortalAdminMixin, admin.TabularInline):
    model = EditionRow
    read_only = True
    fields = EDITION_ROW_FIELDS
    readonly_fields = EDITION_ROW_FIELDS
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Edition)
class EditionAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["name", "edition_date", "published_at", "published_by"]
    list_select_related = ["published_by"]
    search_fields = ["name"]
    inlines = [EditionRowInline]


@admin.register(DataPoint)
class DataPointAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = [
        "measure",
        "area",
        "period",
        "value",
        "version",
        "is_current",
        "origin",
        "approved_by",
        "approved_at",
    ]
    list_filter = ["is_current", "area", "period__period_type", "origin"]
    list_select_related = ["measure", "area", "period", "approved_by"]
    search_fields = ["=measure__number", "measure__name", "origin", "note"]
    date_hierarchy = "approved_at"


@admin.register(ScorecardRow)
class ScorecardRowAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = [
        "measure",
        "latest_period",
        "local_value",
        "england_value",
        "direction",
        "compared",
        "method",
        "judgement",
        "trend",
        "computed_at",
    ]
    list_filter = ["compared", "direction", "judgement", "trend", "tested", "suppressed"]
    list_select_related = ["measure", "latest_period"]
    search_fields = ["=measure__number", "measure__name"]
