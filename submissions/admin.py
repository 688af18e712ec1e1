"""Read-only admin for returns and their audit trail, for admins (`manage_catalogue`, via
PortalAdminMixin): figures change only through the workflow (services and approval), and audit
events are append-only, so the admin can look but not touch."""

from django.contrib import admin

from portal.admin import PortalAdminMixin
from submissions.models import AuditEvent, Submission, SubmittedValue


class SubmittedValueInline(PortalAdminMixin, admin.TabularInline):
    model = SubmittedValue
    read_only = True
    fields = ("row", "measure", "area", "period", "value", "numerator", "denominator", "note")
    readonly_fields = fields
    extra = 0
    show_change_link = False


class AuditEventInline(PortalAdminMixin, admin.TabularInline):
    model = AuditEvent
    read_only = True
    fields = ("at", "actor", "action", "changes")
    readonly_fields = fields
    extra = 0


@admin.register(Submission)
class SubmissionAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["id", "organisation", "status", "channel", "created_by", "created_at"]
    list_filter = ["status", "organisation", "channel"]
    list_select_related = ["organisation", "created_by"]
    date_hierarchy = "created_at"
    inlines = [SubmittedValueInline, AuditEventInline]


@admin.register(AuditEvent)
class AuditEventAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["at", "submission", "action", "actor"]
    list_filter = ["action"]
    list_select_related = ["submission", "actor"]
    date_hierarchy = "at"
