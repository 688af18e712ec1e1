"""Organisations, users and their sign-in records in Django's admin, for admins
(`manage_catalogue`)."""

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.admin import AuthTokenAdmin
from knox.models import AuthToken

from accounts.models import Organisation, User
from audit.models import Action
from audit.services import audit_event
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


class SignInRecordAdmin(PortalAdminMixin):
    """Records the portal makes about signing in (authenticators, API tokens, failed attempts):
    admins (`manage_catalogue`) may look and remove (an authenticator lost, a token to revoke,
    a lockout to lift), never add or edit. Removing an authenticator or a token is written to
    the audit trail of the person it belonged to."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit(request, [obj])
        obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._audit(request, list(queryset))
        queryset.delete()

    def _audit(self, request: HttpRequest, objects: list[Any]) -> None:
        for obj in objects:
            owner = getattr(obj, "user", None)
            if isinstance(owner, User):
                audit_event(
                    by=request.user,
                    action=Action.DELETE,
                    target=owner,
                    changes={"removed": str(obj._meta.verbose_name)},
                )


admin.site.unregister(Group)  # roles decide what people may do (portal.permissions), not groups
for model, model_admin in (
    (TOTPDevice, TOTPDeviceAdmin),
    (AuthToken, AuthTokenAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (SignInRecordAdmin, model_admin), {}))
