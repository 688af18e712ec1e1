"""The scorecard's domain: catalogue (priority areas, commitments, measures), areas, reporting
periods, approved data points with their history, computed live rows and frozen editions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from scorecard.compute import Comparison, Direction, Polarity, ValueKind
from scorecard.periods import MONTH_NAMES, YEARLY_PERIOD_TYPES, Period, PeriodType


class AreaKind(models.TextChoices):
    LOCAL = "local", "Local area"
    ENGLAND = "england", "England"
    REGION = "region", "Region"
    COMPARATOR = "comparator", "Comparator area"


class Area(models.Model):
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=AreaKind.choices)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            # The live scorecard is about one local area and compares it with one England.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind__in=["local", "england"]),
                name="one_local_area_and_one_england",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PriorityArea(models.Model):
    name = models.CharField(max_length=300, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Commitment(models.Model):
    priority_area = models.ForeignKey(
        PriorityArea, on_delete=models.PROTECT, related_name="commitments"
    )
    name = models.TextField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority_area", "name"], name="commitment_unique_in_priority_area"
            )
        ]

    def __str__(self) -> str:
        return self.name


#: The catalogue's fields as people read and edit them (API, spreadsheet), in display order.
CATALOGUE_FIELDS = [
    "number",
    "code",
    "name",
    "definition",
    "commitment",
    "unit",
    "value_kind",
    "period_type",
    "source",
    "organisation",
    "comparable_with_england",
    "polarity",
    "decimal_places",
    "status_note",
    "active",
]


class Measure(models.Model):
    number = models.PositiveIntegerField(
        unique=True, help_text="Row number shown on the scorecard."
    )
    code = models.SlugField(
        max_length=60, unique=True, help_text="Stable identifier used in files and the API."
    )
    name = models.TextField()
    definition = models.TextField(blank=True)
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="measures")
    unit = models.CharField(max_length=120, help_text="As written on the scorecard.")
    value_kind = models.CharField(
        max_length=20, choices=[(k.value, k.value.title()) for k in ValueKind]
    )
    period_type = models.CharField(
        max_length=20,
        choices=[(t.value, t.value.replace("_", " ").capitalize()) for t in PeriodType],
    )
    source = models.CharField(max_length=120)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text="The partner responsible for submitting this measure's figures.",
    )
    comparable_with_england = models.BooleanField(default=True)
    polarity = models.CharField(
        max_length=20,
        choices=[
            (Polarity.HIGHER_IS_BETTER.value, "Higher is better"),
            (Polarity.LOWER_IS_BETTER.value, "Lower is better"),
            (Polarity.NO_JUDGEMENT.value, "No judgement"),
        ],
        default=Polarity.NO_JUDGEMENT.value,
    )
    decimal_places = models.PositiveSmallIntegerField(default=0)
    status_note = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'New data flows being established'."
    )
    active = models.BooleanField(default=True)
    # When figures are due (the rule that reads these is collection.due.Schedule).
    release_lag_days = models.PositiveSmallIntegerField(
        "release lag (days)",
        null=True,
        blank=True,
        help_text=(
            "Figures for a period are due this many days after it ends. Leave blank for the "
            "default: 15 days for months, 90 days (about three months) for quarters; yearly "
            "periods then follow the release month."
        ),
    )
    release_month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(number, name) for number, name in enumerate(MONTH_NAMES, start=1)],
        help_text=(
            "Yearly and multi-year periods only, when no release lag is set: figures are due by "
            "the end of this month after the period ends (November: 2025/26 figures are due by "
            "30 November 2026). Leave blank for the default: November for financial years, "
            "October for calendar years and spans of years."
        ),
    )
    awaiting_release_until = models.DateField(
        "awaiting national release until",
        null=True,
        blank=True,
        help_text=(
            "For national figures a partner re-keys: until this date, periods that would already "
            "be due show as awaiting national release, and they fall due on this date instead. "
            "Clear it once the figures are published."
        ),
    )
    reminder_days = models.PositiveSmallIntegerField(
        "reminder (days before due)",
        default=7,
        help_text=(
            "Data leads are e-mailed this many days before figures are due, and the return shows "
            "as due soon from then (0: no reminder in advance). They are also e-mailed on the "
            "day figures become overdue."
        ),
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(decimal_places__lte=6), name="measure_places_lte_6"),
            models.CheckConstraint(
                condition=Q(release_lag_days__lte=730), name="measure_release_lag_within_2_years"
            ),
            models.CheckConstraint(
                condition=Q(release_month__gte=1, release_month__lte=12),
                name="measure_release_month_is_a_month",
            ),
            models.CheckConstraint(
                condition=Q(release_lag_days__isnull=True) | Q(release_month__isnull=True),
                name="measure_release_lag_or_month",
            ),
            models.CheckConstraint(
                condition=Q(reminder_days__lte=60), name="measure_reminder_within_60_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def kind(self) -> ValueKind:
        return ValueKind(self.value_kind)

    @property
    def periods_of(self) -> PeriodType:
        return PeriodType(self.period_type)

    def clean(self) -> None:
        super().clean()
        if self.release_month is not None:
            if self.release_lag_days is not None:
                raise ValidationError(
                    {"release_month": "Set a release lag or a release month, not both."}
                )
            if self.periods_of not in YEARLY_PERIOD_TYPES:
                raise ValidationError(
                    {
                        "release_month": "A release month is for yearly and multi-year periods; "
                        "set a release lag in days for months and quarters."
                    }
                )


class ReportingPeriod(models.Model):
    """A period figures are reported for; one row per distinct period, shared by all measures.

    Due dates belong to a measure and a period together (`collection.due`), not to the period.
    """

    period_type = models.CharField(
        max_length=20, choices=Measure._meta.get_field("period_type").choices
    )
    start = models.DateField()
    end = models.DateField()
    label = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["end", "start"]
        constraints = [
            models.UniqueConstraint(fields=["period_type", "start", "end"], name="period_unique"),
            models.CheckConstraint(condition=Q(start__lte=models.F("end")), name="period_ordered"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def period(self) -> Period:
        return Period(PeriodType(self.period_type), self.start, self.end)

    @classmethod
    def for_period(cls, period: Period) -> "ReportingPeriod":
        obj, _ = cls.objects.get_or_create(
            period_type=period.type.value,
            start=period.start,
            end=period.end,
            defaults={"label": period.label},
        )
        return obj


class DataPoint(models.Model):
    """An approved figure. A correction adds a new version; earlier versions are kept."""

    #: The origin of the demo's made-up figures (`load_demo --history`), which pages label.
    SYNTHETIC_ORIGIN = "synthetic demo data"

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="data_points")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="data_points")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=20, decimal_places=6)
    numerator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    origin = models.CharField(
        max_length=80, help_text="Where the figure came from, e.g. 'import May-2024'."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["measure", "area", "period__end", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "area", "period"],
                condition=Q(is_current=True),
                name="one_current_value_per_measure_area_period",
            ),
            models.UniqueConstraint(
                fields=["measure", "area", "period", "version"], name="data_point_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="data_point_denominator_positive",
            ),
        ]
        indexes = [models.Index(fields=["measure", "is_current"])]

    def __str__(self) -> str:
        return f"{self.measure.number} {self.area} {self.period}: {self.value} (v{self.version})"


class ScorecardRow(models.Model):
    """The live scorecard's computed row for a measure, stamped with the data it came from."""

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="row")
    latest_period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    england_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    direction = models.CharField(
        max_length=1, choices=[(d.value, d.name.title()) for d in Direction]
    )
    compared = models.CharField(max_length=20, choices=[(c.value, c.value) for c in Comparison])
    series = models.JSONField(default=list, help_text="[{period, value}], oldest first.")
    data_version = models.BigIntegerField(
        default=0, help_text="Highest data point id this row was computed from."
    )
    synthetic = models.BooleanField(
        default=False, help_text="Computed from synthetic demo figures as well as real ones."
    )
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Row for measure {self.measure_id}"


class Edition(models.Model):
    """A published scorecard, frozen: its rows are copies, never recomputed."""

    name = models.CharField(
        max_length=40, help_text="e.g. 'May-2024' (scorecard.periods.edition_name)."
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    period_note = models.TextField(blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="editions")
    edition_date = models.DateField(help_text="The month the edition speaks for.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        #: The one order of editions: newest first (selectors.latest_edition takes the first).
        ordering = ["-edition_date", "-published_at"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="edition_name_unique_ignoring_case")
        ]

    def __str__(self) -> str:
        return self.name


class EditionRow(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rows")
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="edition_rows"
    )
    number = models.PositiveIntegerField()
    priority_area = models.CharField(max_length=300)
    commitment = models.TextField()
    measure_name = models.TextField()
    unit = models.CharField(max_length=120)
    source = models.CharField(max_length=120)
    latest_period = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=200, blank=True)
    local_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    england_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    decimal_places = models.PositiveSmallIntegerField(default=0)
    england_decimal_places = models.PositiveSmallIntegerField(default=0)
    direction = models.CharField(max_length=1)
    compared = models.CharField(max_length=20)
    series = models.JSONField(default=list)

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="edition_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id} row {self.number}"
