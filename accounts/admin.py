"""Organisations, users and their sign-in records in Django's admin. People are managed on the
service's own pages (/people/, for admins); the user admin stays for superusers only and shows
neither the password hash nor raw permissions and groups, which the portal does not use (roles
decide). Admins may look at and remove sign-in records (authenticators, API tokens, lockouts)."""

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
