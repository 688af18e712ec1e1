"""Commentary in the admin, read-only: it is written and decided on its own pages, through
commentary.services, so the workflow and its audit trail are never bypassed."""

from django.contrib import admin

from commentary.models import Commentary
from portal.admin import PortalAdminMixin


@admin.register(Commentary)
class CommentaryAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["measure", "organisation", "status", "created_by", "decided_by", "decided_at"]
    list_filter = ["status", "organisation"]
    list_select_related = ["measure", "organisation", "created_by", "decided_by"]
    search_fields = ["=measure__number", "measure__name", "commentary", "actions"]
