"""Partner organisations and the portal's users, each with exactly one role."""

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    """A partner that is responsible for some measures and submits their figures."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=40, unique=True, help_text="Used in menus and file names, e.g. 'Police'."
    )
    sources = models.TextField(
        blank=True,
        help_text=(
            "Source names, one per line, as written on the scorecard; measures with these sources "
            "are assigned to this organisation when a scorecard is imported."
        ),
    )
    is_default_owner = models.BooleanField(
        default=False,
        help_text=(
            "Owns measures whose source names no partner of its own (national datasets). "
            "At most one organisation can be the default owner."
        ),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default_owner"],
                condition=Q(is_default_owner=True),
                name="one_default_owner_organisation",
                violation_error_message=(
                    "Another organisation already owns the national datasets: untick it there "
                    "first."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def source_names(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]


class Role(models.TextChoices):
    DATA_LEAD = "data_lead", "Data lead"
    APPROVER = "approver", "Approver"
    BOARD_MEMBER = "board_member", "Board member"
    ADMIN = "admin", "Admin"


class User(AbstractUser):
    """A person using the portal; the role decides what they can do (see portal.permissions)."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.BOARD_MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="Required for data leads: they submit figures for this organisation's measures.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.DATA_LEAD) | Q(organisation__isnull=False),
                name="data_lead_has_organisation",
                violation_error_message=(
                    "A data lead needs an organisation: choose the organisation they enter "
                    "figures for."
                ),
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django's admin site admits staff only; the admin role decides it, both ways, so a
        # person moved out of the admin role loses the admin site with it.
        self.is_staff = self.role == Role.ADMIN or self.is_superuser
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff"}
        new_password = getattr(self, "_password", None) is not None  # set_password() was called
        super().save(*args, **kwargs)
        if new_password:
            # A new password ends every API token made with the old one.
            from knox.models import AuthToken

            AuthToken.objects.filter(user_id=self.pk).delete()

    @property
    def is_invited(self) -> bool:
        """Invited but has not yet chosen a password (so cannot sign in yet)."""
        return not self.has_usable_password()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
