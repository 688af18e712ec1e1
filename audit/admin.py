"""The audit trail in the admin: read-only for admins, since events are append-only."""

from django.contrib import admin

from audit.models import Event
from portal.admin import PortalAdminMixin


@admin.register(Event)
class EventAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["at", "actor", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type"]
    list_select_related = ["actor", "target_type"]
    search_fields = ["target_label", "actor__username"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "changes",
    ]
