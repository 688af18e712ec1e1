"""Read-only admin for returns: figures change only through the workflow (services and approval),
so the admin can look but not touch. Their history is in the audit trail (audit.admin)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from submissions.models import Submission, SubmittedValue


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubmittedValueInline(ReadOnlyMixin, admin.TabularInline):
    model = SubmittedValue
    fields = ("row", "measure", "area", "period", "value", "numerator", "denominator", "note")
    readonly_fields = fields
    extra = 0
    show_change_link = False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "organisation", "status", "channel", "created_by", "created_at"]
    list_filter = ["status", "organisation", "channel"]
    list_select_related = ["organisation", "created_by"]
    date_hierarchy = "created_at"
    inlines = [SubmittedValueInline]
