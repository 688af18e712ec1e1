"""Organisations and users in Django's admin. People are managed on the service's own pages
(/people/, for admins); the user admin stays for superusers only and shows neither the password
hash nor raw permissions and groups, which the portal does not use (roles decide)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
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
    """Users for superusers: name, e-mail, role and organisation, whether they can sign in, and
    (for a superuser) the admin-site flags. No adding here: invite people from /people/."""

    list_display = ("username", "email", "first_name", "last_name", "role", "organisation")
    list_filter = ("role", "organisation", "is_active", "is_superuser")
    list_select_related = ("organisation",)
    readonly_fields = ("last_login", "date_joined")

    def _manages(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False)) and super()._manages(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets: list[tuple[str | None, dict[str, Any]]] = [
            (None, {"fields": ("username",)}),
            ("Personal info", {"fields": ("first_name", "last_name", "email")}),
            ("Portal role", {"fields": ("role", "organisation", "is_active")}),
            ("Dates", {"fields": ("last_login", "date_joined")}),
        ]
        if getattr(request.user, "is_superuser", False):
            fieldsets.insert(3, ("Django admin", {"fields": ("is_staff", "is_superuser")}))
        return fieldsets


# The portal's roles decide who does what; Django's groups and permissions are not used.
admin.site.unregister(Group)
