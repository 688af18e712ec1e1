"""Organisations and users in Django's admin, for admins (`manage_catalogue`)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Roles replace Django's groups and permissions, and staff status follows the role
        # (User.save): only a superuser may grant superuser status or Django permissions.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _superuser_out_of_reach(request, obj) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _superuser_out_of_reach(request, obj) and super().has_delete_permission(
            request, obj
        )


def _superuser_out_of_reach(request: HttpRequest, obj: Any) -> bool:
    """An admin who is not a superuser may see a superuser's account but not change it (its
    password or e-mail) or delete it: either would be a way to superuser status."""
    return obj is not None and obj.is_superuser and not request.user.is_superuser
