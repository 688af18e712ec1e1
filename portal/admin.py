"""The admin asks the portal's one rule set: a model admin with PortalAdminMixin is open to users
who `can(user, "manage_catalogue")`, whatever Django model permissions they hold, so the admin,
the pages and the API cannot drift apart. (Django's admin site still requires `is_staff` to
sign in at all.)"""

from typing import Any

from django.http import HttpRequest

from portal.permissions import can


class PortalAdminMixin:
    """Model-admin permissions from `can()`; `read_only` admins only view (history and frozen
    editions are never edited in place)."""

    read_only: bool = False

    def _manages(self, request: HttpRequest) -> bool:
        return can(request.user, "manage_catalogue")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._manages(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and self._manages(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and self._manages(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and self._manages(request)
