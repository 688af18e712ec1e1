"""Read-only admin for returns, for admins (`manage_catalogue`, via PortalAdminMixin): figures
change only through the workflow (services and approval), so the admin can look but not touch.
Their history is in the audit trail (audit.admin)."""

from django.contrib import admin

from portal.admin import PortalAdminMixin
from submissions.models import Submission, SubmittedValue


class SubmittedValueInline(PortalAdminMixin, admin.TabularInline):
    read_only = True
    model = SubmittedValue
    read_only = True
    fields = ("row", "measure", "area", "period", "value", "numerator", "denominator", "note")
    readonly_fields = fields
    extra = 0
    show_change_link = False


@admin.register(Submission)
class SubmissionAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["id", "organisation", "status", "channel", "created_by", "created_at"]
    list_filter = ["status", "organisation", "channel"]
    list_select_related = ["organisation", "created_by"]
    date_hierarchy = "created_at"
    inlines = [SubmittedValueInline]
