"""Writes about people and organisations: inviting someone (an e-mail with a one-time link to
choose their password, through Django's password-reset tokens), changing a person's role,
deactivating and reactivating them, adding and changing organisations, and the demo accounts.

Each takes the actor as `by=` and writes its audit event in the same transaction. The rules that
keep an admin from locking people out (their own account, the last admin, a superuser) live
here, so every page and command gets them.
"""

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Organisation, Role, User
from audit.models import Action
from audit.services import audit_event, field_changes
from portal.errors import FieldError, NotAllowed
from portal.permissions import can

#: What an admin may change about a person, as the audit trail records it.
PERSON_FIELDS = ("first_name", "last_name", "email", "role", "organisation")
ORGANISATION_FIELDS = ("name", "short_name", "sources", "is_default_owner")


def _require_admin(by: Any) -> None:
    if not can(by, "manage_people"):
        raise NotAllowed("Only an admin can manage people and organisations.")


def _require_may_change(person: User, by: Any) -> None:
    _require_admin(by)
    if person.is_superuser and not by.is_superuser:
        raise NotAllowed("Only a superuser can change a superuser’s account.")


# People -------------------------------------------------------------------------------------------


@transaction.atomic
def user_invite(
    *,
    by: Any,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    organisation: Organisation | None,
) -> User:
    """Create an account for `email` (also its username) with no password, and e-mail it a
    one-time link to choose one. Raises FieldError when the address already has an account."""
    _require_admin(by)
    email = email.strip().lower()
    if (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        raise FieldError("email", "There is already an account for this e-mail address")
    person = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        organisation=organisation,
    )
    person.set_unusable_password()
    _check_organisation(person)
    person.full_clean(exclude=["password"])
    person.save()
    changes = field_changes(None, person, PERSON_FIELDS)
    audit_event(by=by, action=Action.INVITE, target=person, changes={**changes, "email": email})
    _send_invitation(person, by=by)
    return person


@transaction.atomic
def invitation_resend(person: User, *, by: Any) -> None:
    """E-mail a new one-time link to someone who has not yet chosen a password."""
    _require_may_change(person, by)
    if person.has_usable_password():
        raise FieldError(
            "person", f"{person.display_name} has already chosen a password: they can sign in."
        )
    audit_event(
        by=by,
        action=Action.INVITE,
        target=person,
        changes={"email": person.email, "again": True},
    )
    _send_invitation(person, by=by)


def invitation_link(person: User) -> str:
    """The one-time link to choose a password: Django's password-reset confirmation, so it
    stops working once the password is set (the token signs the password hash)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _send_invitation(person: User, *, by: Any) -> None:
    context = {
        "person": person,
        "inviter": by.display_name,
        "role": person.get_role_display().lower(),
        "organisation": person.organisation,
        "link": invitation_link(person),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "partnership_name": settings.PARTNERSHIP_NAME,
        "sign_in": settings.PORTAL_BASE_URL.rstrip("/") + reverse("login"),
    }
    subject = render_to_string("accounts/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/invitation_email.txt", context)
    # After commit: nobody is invited to an account that was rolled back.
    transaction.on_commit(
        partial(send_mail, subject, body, None, [person.email], fail_silently=False)
    )


@transaction.atomic
def user_change(person: User, *, by: Any, **values: Any) -> User:
    """Change a person's name, e-mail address, role or organisation."""
    _require_may_change(person, by)
    if person.pk == by.pk and values.get("role", person.role) != person.role:
        raise FieldError("role", "You cannot change your own role: ask another admin")
    before = User.objects.get(pk=person.pk)
    for name in PERSON_FIELDS:
        if name in values:
            setattr(person, name, values[name])
    if before.role == Role.ADMIN and person.role != Role.ADMIN:
        _keep_an_admin(person)
        # The admin site goes with the role (a superuser keeps it: being one is not a role).
        person.is_staff = person.is_superuser
    _check_organisation(person)
    person.full_clean(exclude=["password"])
    person.save()
    changes = field_changes(before, person, PERSON_FIELDS)
    if changes:
        audit_event(by=by, action=Action.CHANGE, target=person, changes=changes)
    return person


@transaction.atomic
def user_set_active(person: User, *, by: Any, active: bool) -> User:
    """Deactivate someone (they can no longer sign in; their history stays) or reactivate them."""
    _require_may_change(person, by)
    if person.pk == by.pk:
        raise FieldError("person", "You cannot deactivate your own account: ask another admin")
    if person.is_active == active:
        return person
    if not active and person.role == Role.ADMIN:
        _keep_an_admin(person)
    before = User.objects.get(pk=person.pk)
    person.is_active = active
    person.save(update_fields=["is_active"])
    audit_event(
        by=by,
        action=Action.CHANGE,
        target=person,
        changes=field_changes(before, person, ["is_active"]),
    )
    return person


def _check_organisation(person: User) -> None:
    """The rule behind the constraint `data_lead_has_organisation`, said to a person."""
    if person.role == Role.DATA_LEAD and person.organisation_id is None:
        raise FieldError(
            "organisation",
            "Choose the organisation this data lead enters figures for: a data lead needs one",
        )


def _keep_an_admin(person: User) -> None:
    others = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=person.pk)
    if not others.exists():
        raise FieldError("role", f"{person.display_name} is the only active admin: keep them one")


def password_recorded(person: User, *, how: str) -> None:
    """Record that someone chose their password (from an invitation), reset it or changed it
    (never the password itself)."""
    audit_event(by=person, action=Action.CHANGE, target=person, changes={"password": how})


# Organisations ------------------------------------------------------------------------------------


@transaction.atomic
def organisation_save(
    organisation: Organisation, *, by: Any, values: Mapping[str, Any]
) -> Organisation:
    """Add an organisation, or change one, recording what changed."""
    _require_admin(by)
    before = Organisation.objects.filter(pk=organisation.pk).first() if organisation.pk else None
    for name in ORGANISATION_FIELDS:
        if name in values:
            setattr(organisation, name, values[name])
    if organisation.is_default_owner:
        owner = Organisation.objects.filter(is_default_owner=True).exclude(pk=organisation.pk)
        if owner.exists():
            raise FieldError(
                "is_default_owner",
                f"{owner.get().name} already owns the national datasets: untick it there first",
            )
    organisation.full_clean()
    organisation.save()
    changes = field_changes(before, organisation, ORGANISATION_FIELDS)
    if changes or before is None:
        audit_event(
            by=by,
            action=Action.CHANGE if before else Action.ADD,
            target=organisation,
            changes=changes,
        )
    return organisation


# The demo -----------------------------------------------------------------------------------------

DEMO_ORGANISATIONS = [
    # name, short name, sources, default owner of national datasets
    ("Hampshire and Isle of Wight Constabulary", "Police", ["Police"], False),
    (
        "Integrated Commissioning Unit",
        "ICU",
        ["ICU", "Home Office", "ONS", "NDTMS", "Not yet identified"],
        True,
    ),
    ("Office of the Police and Crime Commissioner", "OPCC", ["OPCC"], False),
]

DEMO_USERS: list[tuple[str, Role, str | None, str]] = [
    # username, role, organisation short name, full name
    ("lead.police", Role.DATA_LEAD, "Police", "Pat Police-Lead"),
    ("lead.icu", Role.DATA_LEAD, "ICU", "Indira ICU-Lead"),
    ("lead.opcc", Role.DATA_LEAD, "OPCC", "Omar OPCC-Lead"),
    ("approver", Role.APPROVER, "ICU", "Alex Approver"),
    ("board", Role.BOARD_MEMBER, None, "Bea Board-Member"),
    ("admin", Role.ADMIN, None, "Ada Admin"),
]


@transaction.atomic
def demo_accounts(password: str) -> tuple[int, int]:
    """Create the contract's demo organisations and accounts (every password `password`); safe
    to run again. Returns how many organisations and accounts there are."""
    organisations: dict[str, Organisation] = {}
    for name, short_name, sources, default_owner in DEMO_ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            short_name=short_name,
            defaults={
                "name": name,
                "sources": "\n".join(sources),
                "is_default_owner": default_owner,
            },
        )
        organisations[short_name] = organisation
    for username, role, member_of, full_name in DEMO_USERS:
        first, _, last = full_name.partition(" ")
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "organisation": organisations.get(member_of or ""),
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
    return len(organisations), len(DEMO_USERS)
