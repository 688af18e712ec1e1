"""factory-boy factories for the catalogue and the people (personas are built from these in
conftest), and builders of data in production's shape: approved history through
scorecard.services, returns through submissions.services and submissions.approval, targets and
commentary through their services."""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import factory
import time_machine
from django.db import transaction

from accounts.models import Organisation, Role, User
from commentary.services import commentary_approve, commentary_save
from scorecard.models import (
    Area,
    AreaKind,
    Commitment,
    Measure,
    PriorityArea,
    ReportingPeriod,
)
from scorecard.periods import Period
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.recording import ValueEntry, record_values
from scorecard.services.targets import target_set
from scorecard.targets import TargetKind
from submissions.approval import submission_approve, submission_send_back
from submissions.models import Channel, Status, Submission
from submissions.services import submission_create, submission_submit, submission_update
from submissions.validation import RawRow


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    short_name = factory.Sequence(lambda n: f"Org{n}")
    sources = factory.LazyAttribute(lambda o: o.short_name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.BOARD_MEMBER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PriorityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityArea

    name = factory.Sequence(lambda n: f"Priority area {n}")
    position = factory.Sequence(int)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    priority_area = factory.SubFactory(PriorityAreaFactory)
    name = factory.Sequence(lambda n: f"Commitment {n}")
    position = factory.Sequence(int)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    number = factory.Sequence(lambda n: 1000 + n)
    code = factory.Sequence(lambda n: f"measure-{n}")
    name = factory.Sequence(lambda n: f"Measure {n}")
    commitment = factory.SubFactory(CommitmentFactory)
    unit = "Monthly count"
    value_kind = "count"
    period_type = "month"
    source = "Police"
    comparable_with_england = False
    decimal_places = 0


def local_area(name: str = "Southampton") -> Area:
    area, _ = Area.objects.get_or_create(kind=AreaKind.LOCAL, defaults={"name": name})
    return area


def england() -> Area:
    area, _ = Area.objects.get_or_create(kind=AreaKind.ENGLAND, defaults={"name": "England"})
    return area


def reporting_period(label: str) -> ReportingPeriod:
    from scorecard.periods import parse_period

    return ReportingPeriod.for_period(parse_period(label))


def month(year: int, month_number: int) -> ReportingPeriod:
    return ReportingPeriod.for_period(Period.month(year, month_number))


#: Where history that tests need comes from: recorded as `import_scorecard` records a published
#: scorecard's figures (the same service, an "import <edition>" origin, no submitter or approver:
#: they were signed off before the portal). Figures approved in the portal come from returns,
#: through `submission` below.
IMPORTED = "import Nov-2023"


def record_history(
    entries: Iterable[tuple[Measure, Area, ReportingPeriod, str]], *, origin: str = IMPORTED
) -> None:
    """Record approved figures (measure, area, period, value) through scorecard.services."""
    with transaction.atomic():
        record_values(
            (ValueEntry(m.pk, a.pk, p.pk, Decimal(v)) for m, a, p, v in entries), origin=origin
        )


def approved_figure(
    measure: Measure,
    period: str,
    value: str,
    *,
    area: Area | None = None,
    numerator: str | None = None,
    denominator: str | None = None,
) -> None:
    """One approved figure (local unless `area`), recorded as record_history records them."""
    entry = ValueEntry(
        measure.pk,
        (area or local_area()).pk,
        reporting_period(period).pk,
        Decimal(value),
        None if numerator is None else Decimal(numerator),
        None if denominator is None else Decimal(denominator),
    )
    with transaction.atomic():
        record_values([entry], origin=IMPORTED)


def value_history(measure: Measure, values: list[str], *, last: date = date(2023, 10, 1)) -> None:
    """Approved monthly local figures for `measure` ending at the month of `last`, oldest first."""
    period = Period.month(last.year, last.month)
    periods = [period]
    for _ in values[1:]:
        periods.insert(0, periods[0].previous())
    area = local_area()
    record_history(
        (measure, area, ReportingPeriod.for_period(p), value)
        for p, value in zip(periods, values, strict=True)
    )


#: Sources of the bulk measures, in turn: each names an organisation of the contract.
BULK_SOURCES = ["ICU", "Police"]


def add_bulk_measures(count: int, *, start: int = 1000) -> list[Measure]:
    """`count` monthly measures in five commitments, each owned by the organisation its source
    names (Police or ICU, as the import assigns them) and with three approved months (Aug to
    Oct 23) recorded as the import records them; their rows computed."""
    owners = {o.short_name: o for o in Organisation.objects.filter(short_name__in=BULK_SOURCES)}
    priority, _ = PriorityArea.objects.get_or_create(name="Bulk priority area")
    commitments = [
        Commitment.objects.get_or_create(priority_area=priority, name=f"Bulk commitment {i}")[0]
        for i in range(5)
    ]
    measures = Measure.objects.bulk_create(
        Measure(
            number=start + i,
            code=f"bulk-{start + i}",
            name=f"Bulk measure {start + i}",
            commitment=commitments[i % 5],
            unit="Monthly count",
            value_kind="count",
            period_type="month",
            source=BULK_SOURCES[i % 2],
            organisation=owners.get(BULK_SOURCES[i % 2]),
            comparable_with_england=False,
            polarity="lower_is_better" if i % 3 else "no_judgement",
        )
        for i in range(count)
    )
    local = Area.objects.get(kind=AreaKind.LOCAL)
    months = [month(2023, m) for m in (8, 9, 10)]
    record_history(
        (measure, local, period, str(10 + step + measure.number % 7))
        for measure in measures
        for step, period in enumerate(months)
    )
    scorecard_recompute([m.pk for m in measures])
    return measures


def board_content(measures: Sequence[Measure], *, approver: User, leads: Sequence[User]) -> None:
    """What the board reads beside each measure's figures, made through the services: a target
    (every third measure a direction, the others a value) and approved commentary written by the
    lead (among `leads`) of the measure's organisation."""
    writers = {lead.organisation_id: lead for lead in leads}
    for i, measure in enumerate(measures):
        if i % 3:
            target_set(measure, by=approver, kind=TargetKind.AT_MOST, value=Decimal(12))
        else:
            target_set(measure, by=approver, kind=TargetKind.DECREASE)
        written = commentary_save(
            measure,
            by=writers[measure.organisation_id],
            commentary=f"What measure {measure.number} means.",
            actions="What is being done.",
            submit=True,
        )
        commentary_approve(written.pk, by=approver)


# Returns, made as production makes them ------------------------------------------------------


@dataclass
class Value:
    """One figure of a return, as a data lead writes it (area blank for the local area)."""

    measure: int
    period: str
    value: str
    area: str = ""
    numerator: str = ""
    denominator: str = ""
    note: str = ""

    def raw(self, row: int, *, note: str | None = None) -> RawRow:
        fields = {
            "measure": str(self.measure),
            "period": self.period,
            "area": self.area,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "note": self.note if note is None else note,
        }
        return RawRow(row, fields)


def submission(
    *,
    by: User,
    values: Sequence[Value],
    editors: Sequence[User] = (),
    status: str = Status.SUBMITTED,
    decided_by: User | None = None,
    comment: str = "Please check these figures.",
    submitted_at: datetime | None = None,
    channel: str = Channel.FORM,
) -> Submission:
    """A return made through the services, as production makes one: created by the data lead
    `by`, changed by each of `editors` in turn (data leads of the same organisation), then, unless
    `status` is draft, submitted (at `submitted_at`, if given) and, for sent back or approved,
    decided by `decided_by`. The validator finds the warnings; a value with one needs a note to
    be submitted, as in production."""

    def rows(version: int) -> list[RawRow]:
        # Every version but the last carries a provisional note on its first value, so that each
        # editor's save is a change, as an edit has to be to make them an editor.
        final = version == len(editors)
        return [
            value.raw(i, note=None if final or i > 1 else f"Provisional ({version})")
            for i, value in enumerate(values, start=1)
        ]

    created, _ = submission_create(by=by, rows=rows(0), channel=channel)
    for version, editor in enumerate(editors, start=1):
        submission_update(created, by=editor, rows=rows(version), channel=channel)
    if status == Status.DRAFT:
        return created
    with time_machine.travel(submitted_at, tick=False) if submitted_at else nullcontext():
        submission_submit(created, by=by)
    if status == Status.SENT_BACK:
        assert decided_by is not None, "a return is sent back by an approver: name decided_by"
        submission_send_back(created.pk, by=decided_by, comment=comment)
    elif status == Status.APPROVED:
        assert decided_by is not None, "a return is approved by an approver: name decided_by"
        submission_approve(created.pk, by=decided_by)
    created.refresh_from_db()
    return created


@contextmanager
def data_lead_of(user: User, organisation: Organisation) -> Iterator[User]:
    """`user` as a data lead of `organisation` for a while, then given their own role back: how
    production comes to hold a return prepared by someone who may now approve it (a data lead
    since made an approver or an admin)."""
    role, own = user.role, user.organisation
    user.role, user.organisation = Role.DATA_LEAD, organisation
    user.save()
    try:
        yield user
    finally:
        user.role, user.organisation = role, own
        user.save()


def prepared_by(user: User, how: str, *, organisation: Organisation, lead: User) -> Submission:
    """A submitted Police return that `user`, while a data lead of Police, created
    (`how="creator"`) or edited (`how="editor"`)."""
    values = [Value(1, "Nov 23", "65")]
    with data_lead_of(user, organisation):
        if how == "creator":
            return submission(by=user, values=values)
        return submission(by=lead, editors=[user], values=values)
