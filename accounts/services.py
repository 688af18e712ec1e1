"""Writes about people and organisations: the demo organisations and accounts."""

from django.db import transaction

from accounts.models import Organisation, Role, User

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
