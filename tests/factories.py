"""factory-boy factories for the portal's models; personas are built from these in conftest."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Organisation, Role, User
from scorecard.models import (
    Area,
    AreaKind,
    Commitment,
    DataPoint,
    Measure,
    PriorityArea,
    ReportingPeriod,
)
from scorecard.periods import Period


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


class DataPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataPoint

    measure = factory.SubFactory(MeasureFactory)
    area = factory.LazyFunction(local_area)
    period = factory.LazyFunction(lambda: month(2023, 10))
    value = Decimal("10")
    origin = "test"
    approved_at = factory.LazyFunction(timezone.now)


def value_history(measure: Measure, values: list[str], *, last: date = date(2023, 10, 1)) -> None:
    """Approved monthly values for `measure` ending at the month of `last`, oldest first."""
    period = Period.month(last.year, last.month)
    periods = [period]
    for _ in values[1:]:
        periods.insert(0, periods[0].previous())
    for p, value in zip(periods, values, strict=True):
        DataPointFactory(
            measure=measure, period=ReportingPeriod.for_period(p), value=Decimal(value)
        )
