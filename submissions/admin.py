"""Read-only admin for returns and their audit trail: figures change only through the workflow
(services and approval), and audit events are append-only, so the admin can look but not touch."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from submissions.models import AuditEvent, Submission, SubmittedValue


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


class AuditEventInline(ReadOnlyMixin, admin.TabularInline):
    model = AuditEvent
    fields = ("at", "actor", "action", "changes")
    readonly_fields = fields
    extra = 0


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "organisation", "status", "channel", "created_by", "created_at"]
    list_filter = ["status", "organisation", "channel"]
    list_select_related = ["organisation", "created_by"]
    date_hierarchy = "created_at"
    inlines = [SubmittedValueInline, AuditEventInline]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "submission", "action", "actor"]
    list_filter = ["action"]
    list_select_related = ["submission", "actor"]
    date_hierarchy = "at"
