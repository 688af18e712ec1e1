"""Organisations and users in Django's admin, for admins (`manage_catalogue`)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import Organisation, User
from portal.admin import PortalAdminMixin


@admin.register(Organisation)
class OrganisationAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "is_default_owner"]
    list_filter = ["is_default_owner"]
    search_fields = ["name", "short_name", "sources"]


@admin.register(User)
class PortalUserAdmin(PortalAdminMixin, UserAdmin):
    """Django's user admin plus the portal's role and organisation, which decide what a user
    may do (portal.permissions)."""

    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Portal role", {"fields": ("role", "organisation")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Portal role", {"fields": ("role", "organisation")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "role", "organisation")
    list_filter = ("role", "organisation", "is_active", "is_staff", "is_superuser")
    list_select_related = ("organisation",)
