"""The scorecard's domain: catalogue (priority areas, commitments, measures), areas, reporting
periods, approved data points with their history, computed live rows and frozen editions.

One module (some 500 lines) because these models refer to one another, and a measure's method
fields carry the help text admins read."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from scorecard.compute import NOT_COMPARED, Comparison, Direction, Judgement, Trend
from scorecard.methods import (
    COMPARISON_METHOD_LABELS,
    POLARITY_LABELS,
    RATIO_KINDS,
    VALUE_KIND_LABELS,
    ComparisonMethod,
    ConfidenceLevel,
    Method,
    Observation,
    Polarity,
    ValueKind,
)
from scorecard.periods import MONTH_NAMES, YEARLY_PERIOD_TYPES, Period, PeriodType
from scorecard.targets import RAG_LABELS, TARGET_KIND_LABELS, VALUE_KINDS, TargetKind
from scorecard.targets import Target as TargetRule


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
    "numerator_definition",
    "denominator_definition",
    "caveats",
    "commitment",
    "unit",
    "value_kind",
    "period_type",
    "source",
    "source_url",
    "organisation",
    "comparable_with_england",
    "multiplier",
    "confidence_level",
    "comparison_method",
    "small_number_threshold",
    "publish_small_numbers",
    "polarity",
    "decimal_places",
    "status_note",
    "status_note_until",
    "active",
]

#: The multipliers a percentage or rate is expressed with ("per 1,000" is 1000).
MULTIPLIERS = [1, 100, 1_000, 10_000, 100_000]


_KIND_OF = {kind.value: kind for kind in ValueKind}
_PERIOD_TYPE_OF = {kind.value: kind for kind in PeriodType}


class Measure(models.Model):
    number = models.PositiveIntegerField(
        unique=True, help_text="Row number shown on the scorecard."
    )
    code = models.SlugField(
        max_length=60, unique=True, help_text="Stable identifier used in files and the API."
    )
    name = models.TextField()
    definition = models.TextField(blank=True, help_text="What the measure counts, in plain words.")
    numerator_definition = models.TextField(
        blank=True, help_text="For a percentage or rate: what the numerator counts."
    )
    denominator_definition = models.TextField(
        blank=True,
        help_text="For a percentage or rate: what the denominator counts (the population).",
    )
    caveats = models.TextField(
        blank=True,
        help_text=(
            "What a reader should bear in mind: coverage, changes of definition, known gaps. "
            "Shown on the measure's page."
        ),
    )
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="measures")
    unit = models.CharField(max_length=120, help_text="As written on the scorecard.")
    value_kind = models.CharField(
        "value type",
        max_length=20,
        choices=[(k.value, label) for k, label in VALUE_KIND_LABELS.items()],
        help_text=(
            "What the figure is. A proportion or percentage is a numerator out of a "
            "denominator; a crude rate is events per population; a directly standardised rate "
            "is weighted to a standard population (such as deaths per 100,000, age-standardised). "
            "Counts and volumes depend on the size of the area and are never compared with "
            "England."
        ),
    )
    period_type = models.CharField(
        max_length=20,
        choices=[(t.value, t.value.replace("_", " ").capitalize()) for t in PeriodType],
    )
    source = models.CharField(max_length=120)
    source_url = models.URLField(
        "source link",
        max_length=500,
        blank=True,
        help_text="A public page where the source publishes the figures (https://…).",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text="The partner responsible for submitting this measure's figures.",
    )
    comparable_with_england = models.BooleanField(
        default=True,
        help_text=(
            "Untick when England's figure means something else (a count or volume is never "
            "compared, whatever this says)."
        ),
    )
    multiplier = models.PositiveIntegerField(
        null=True,
        blank=True,
        choices=[(m, f"{m:,}") for m in MULTIPLIERS],
        help_text=(
            "What the numerator ÷ denominator is multiplied by: 100 for a percentage, 1,000 for "
            "a rate per 1,000, 100,000 for a rate per 100,000 (a standardised rate is expressed "
            "per it too). Submitted figures must match their numerator and denominator at this "
            "multiplier. Needed by percentages and rates."
        ),
    )
    confidence_level = models.CharField(
        max_length=4,
        choices=[(c.value, c.label) for c in ConfidenceLevel],
        default=ConfidenceLevel.C95.value,
        help_text=(
            "Of the confidence intervals and the recent trend's test. 95% is Fingertips' usual "
            "level; 99.8% (about three standard errors) flags fewer differences, for measures "
            "with many areas or periods compared."
        ),
    )
    comparison_method = models.CharField(
        max_length=20,
        choices=[(m.value, label) for m, label in COMPARISON_METHOD_LABELS.items()],
        default=ComparisonMethod.INTERVAL.value,
        help_text=(
            "By confidence interval (Wilson score for proportions, Byar's method with exact "
            "Poisson limits below 10 events for crude rates, Dobson's method for directly "
            "standardised rates), a figure submitted with what its interval needs (numerator and "
            "denominator; for a standardised rate, the event count and the rate's variance) is "
            "tested and judged better or worse; one without is compared on the values and reads "
            "'Not tested'. Choose 'values only' where an interval would mislead, e.g. a "
            "denominator that is itself an estimate."
        ),
    )
    small_number_threshold = models.PositiveSmallIntegerField(
        default=5,
        help_text=(
            "A percentage or rate built on at least 1 and fewer than this many events is flagged "
            "to the data lead and suppressed from the board's pages, downloads and editions."
        ),
    )
    publish_small_numbers = models.BooleanField(
        "publishable despite small numbers",
        default=False,
        help_text=(
            "Tick only when figures on few events may be published (e.g. the source already "
            "publishes them): they are then shown, still flagged to the data lead."
        ),
    )
    polarity = models.CharField(
        max_length=20,
        choices=[(p.value, label) for p, label in POLARITY_LABELS.items()],
        default=Polarity.NO_JUDGEMENT.value,
        help_text="Which way is better; a tested comparison is then judged better or worse.",
    )
    decimal_places = models.PositiveSmallIntegerField(default=0)
    status_note = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'New data flows being established'."
    )
    status_note_until = models.DateField(
        "status note applies until",
        null=True,
        blank=True,
        help_text=(
            "After this date the scorecard and the measure's page flag the note as out of date, "
            "so someone updates it; downloads and editions keep the note as written. Leave blank "
            "for a note without an end."
        ),
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
        return _KIND_OF[self.value_kind]  # a lookup: validating a large file asks for it often

    @property
    def method(self) -> Method:
        """The measure's method as the scorecard's rules read it (scorecard.compute)."""
        return Method(
            kind=self.kind,
            multiplier=self.multiplier,
            confidence=ConfidenceLevel(self.confidence_level),
            comparison=ComparisonMethod(self.comparison_method),
            comparable=self.comparable_with_england,
            places=self.decimal_places,
            polarity=Polarity(self.polarity),
            small_number_threshold=self.small_number_threshold,
            publish_small_numbers=self.publish_small_numbers,
        )

    @property
    def periods_of(self) -> PeriodType:
        return _PERIOD_TYPE_OF[self.period_type]

    def clean(self) -> None:
        super().clean()
        if self.status_note_until is not None and not self.status_note.strip():
            raise ValidationError(
                {"status_note_until": "Write the status note, or clear its date."}
            )
        if self.value_kind in RATIO_KINDS and self.multiplier is None:
            raise ValidationError(
                {"multiplier": "A percentage or rate needs its multiplier (100 for per cent)."}
            )
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
    variance = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="A directly standardised rate's variance, in its units squared (Dobson).",
    )
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
            models.CheckConstraint(
                condition=Q(variance__isnull=True) | Q(variance__gte=0),
                name="data_point_variance_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["measure", "is_current"])]

    def __str__(self) -> str:
        return f"{self.measure.number} {self.area} {self.period}: {self.value} (v{self.version})"

    @property
    def observation(self) -> Observation:
        """The figure as the scorecard's rules read it (scorecard.compute)."""
        return Observation(
            self.period.period, self.value, self.numerator, self.denominator, self.variance
        )


class Target(models.Model):
    """What a measure aims for (scorecard.targets): a value, due by a period or not, or a
    direction. One per measure; set by an admin or an approver, every change audited."""

    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, primary_key=True, related_name="target"
    )
    kind = models.CharField(
        max_length=20, choices=[(k.value, label) for k, label in TARGET_KIND_LABELS.items()]
    )
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    by_period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=sorted(k.value for k in VALUE_KINDS), value__isnull=False)
                    | (
                        ~Q(kind__in=sorted(k.value for k in VALUE_KINDS))
                        & Q(value__isnull=True, by_period__isnull=True)
                    )
                ),
                name="target_value_only_for_value_kinds",
            )
        ]

    def __str__(self) -> str:
        return f"Target for measure {self.measure_id}: {self.rule.describe()}"

    @property
    def rule(self) -> TargetRule:
        """The target as scorecard.targets reads it."""
        by = self.by_period.period if self.by_period is not None else None
        return TargetRule(TargetKind(self.kind), self.value, by)


class RowVerdicts(models.Model):
    """How a row was compared, judged and trended, and why not where it was not: what the
    board decides on, stored with the row so that an edition freezes it."""

    method = models.CharField(
        max_length=40,
        default=NOT_COMPARED,
        help_text="e.g. 'Wilson 95%', 'Byar 95%', 'values only', 'not compared', 'as published'.",
    )
    tested = models.BooleanField(
        default=False, help_text="The comparison used a confidence interval."
    )
    ci_lower = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    ci_upper = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    judgement = models.CharField(
        max_length=20,
        choices=[(j.value, j.value) for j in Judgement],
        default=Judgement.NOT_TESTED.value,
    )
    trend = models.CharField(
        max_length=40, choices=[(t.value, t.value) for t in Trend], default=Trend.CANNOT.value
    )
    comparison_reason = models.TextField(
        blank=True, help_text="Why the row is not compared or not tested."
    )
    direction_reason = models.TextField(
        blank=True, help_text="Why there is no direction, or where a stated one comes from."
    )
    trend_note = models.TextField(
        blank=True, help_text="Why the trend cannot be calculated, or how it was tested."
    )
    suppressed = models.BooleanField(
        default=False, help_text="The latest local figure rests on small numbers and is hidden."
    )

    class Meta:
        abstract = True


#: The verdict fields of a row, as a recompute writes them and an edition copies them.
VERDICT_FIELDS = tuple(field.name for field in RowVerdicts._meta.fields)


class ScorecardRow(RowVerdicts):
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


class EditionRow(RowVerdicts):
    """A row of an edition, frozen with everything that judged it (polarity, method, confidence
    level, interval), so that later catalogue changes never alter a published edition."""

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
    polarity = models.CharField(
        max_length=20, blank=True, choices=Measure._meta.get_field("polarity").choices
    )
    confidence_level = models.CharField(
        max_length=4,
        blank=True,
        choices=Measure._meta.get_field("confidence_level").choices,
        help_text="Blank where no interval was used.",
    )
    # What the board read beside the figures when it was published.
    target = models.CharField(max_length=200, blank=True, help_text="The target, in words.")
    target_rag = models.CharField(
        "against target",
        max_length=10,
        blank=True,
        choices=[(r.value, label) for r, label in RAG_LABELS.items()],
        help_text="Blank: no target, or not assessed.",
    )
    target_reason = models.TextField(blank=True)
    stale = models.CharField(
        max_length=120,
        blank=True,
        help_text="How overdue the next figures were when published; blank when up to date.",
    )
    commentary = models.ForeignKey(
        "commentary.Commentary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="edition_rows",
        help_text="The owner's approved commentary and actions, as published.",
    )

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="edition_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id} row {self.number}"


class LiveVersion(models.Model):
    """One row whose token changes whenever anything the live scorecard shows may have changed
    (scorecard.services.versioning): pages and the API cache what they render under it."""

    #: The one row's key.
    ROW = 1

    token = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return f"Live scorecard version {self.token}"
