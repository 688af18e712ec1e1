"""The admin asks the portal's one rule set: a model admin with PortalAdminMixin is open to users
who `can(user, "manage_catalogue")`, whatever Django model permissions they hold, so the admin,
the pages and the API cannot drift apart. (Django's admin site still requires `is_staff` to
sign in at all.) Every addition, change and deletion made through it is written to the audit
trail with what changed."""

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.models import Action
from audit.services import audit_event, audit_events, field_changes
from portal.permissions import can

if TYPE_CHECKING:
    from django.forms import ModelForm


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

    def save_model(
        self, request: HttpRequest, obj: Any, form: "ModelForm[Any]", change: bool
    ) -> None:
        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        fields = [
            name
            for name in form.changed_data
            if name in {f.name for f in obj._meta.concrete_fields}
        ]
        audit_event(
            by=request.user,
            action=Action.CHANGE if change else Action.ADD,
            target=obj,
            changes=field_changes(before, obj, fields),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_event(by=request.user, action=Action.DELETE, target=obj)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[models.Model]) -> None:
        audit_events(((Action.DELETE, obj, {}) for obj in queryset), by=request.user)
        super().delete_queryset(request, queryset)  # type: ignore[misc]
