"""Writes about people and organisations: the demo set-up and assigning measures to owners."""

import csv
from dataclasses import dataclass
from pathlib import Path

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


#: Which way is better for the reference scorecard's measures, by measure name, as an admin
#: would set it in the catalogue; measures named otherwise are left alone.
DEMO_POLARITY = Path(__file__).with_name("demo_polarity.csv")


@dataclass
class DemoSummary:
    organisations: int
    users: int
    measures_assigned: int
    polarities_set: int


@transaction.atomic
def demo_load(password: str) -> DemoSummary:
    """Create the contract's demo organisations and accounts; safe to run again."""
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
    return DemoSummary(
        len(organisations), len(DEMO_USERS), measures_assign_by_source(), _demo_polarities()
    )


def _demo_polarities() -> int:
    """Set the demo polarities on measures still without a judgement (never overriding one)."""
    from scorecard.compute import Polarity
    from scorecard.models import Measure

    with DEMO_POLARITY.open(encoding="utf-8", newline="") as file:
        wanted = {row["measure"]: row["polarity"] for row in csv.DictReader(file)}
    measures = list(Measure.objects.filter(name__in=wanted, polarity=Polarity.NO_JUDGEMENT.value))
    for measure in measures:
        measure.polarity = wanted[measure.name]
    Measure.objects.bulk_update(measures, ["polarity"])
    return len(measures)


def measures_assign_by_source() -> int:
    """Give every measure without an owner to the organisation its source names."""
    from scorecard.models import Measure
    from scorecard.services import organisation_for_source

    organisations = list(Organisation.objects.all())
    assigned = 0
    for measure in Measure.objects.filter(organisation__isnull=True):
        owner = organisation_for_source(measure.source, organisations)
        if owner is not None:
            measure.organisation = owner
            measure.save(update_fields=["organisation"])
            assigned += 1
    return assigned
