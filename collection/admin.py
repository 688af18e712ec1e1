"""What was e-mailed, read-only, for admins answering "did I get a reminder?"; e-mail
preferences are each person's own (their e-mail preferences page)."""

from django.contrib import admin

from collection.models import SentDigest, SentReminder
from portal.admin import PortalAdminMixin


@admin.register(SentReminder)
class SentReminderAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["sent_at", "user", "measure", "period", "kind", "due_date"]
    list_filter = ["kind"]
    list_select_related = ["user", "measure", "period"]
    search_fields = ["user__username", "=measure__number", "period__label"]
    date_hierarchy = "sent_at"


@admin.register(SentDigest)
class SentDigestAdmin(PortalAdminMixin, admin.ModelAdmin):
    read_only = True
    list_display = ["sent_at", "user", "week"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
