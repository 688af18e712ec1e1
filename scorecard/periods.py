"""Reporting periods: the one place that knows what a period label such as "Oct 23" means.

Scorecards label each figure with the period it covers, written the way analysts write them
("Sept 23", "2022/23", "2021/22 Q4", "2022 Q1", "2020 - 2022"). The importer, the submission
validator, the API and the UI all go through this module so that a label always parses to the
same dates, sorts the same way and is written back in the same canonical form.

Pure standard library on purpose: it is used outside Django (importers, scripts, tests) and must
stay cheap to import. It is about 500 lines because every way of writing a period is read here
and nowhere else; splitting the parser from the labels it must round-trip would invite drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Final


class PeriodType(StrEnum):
    """The kinds of period a measure can be reported for."""

    MONTH = "month"
    CALENDAR_QUARTER = "calendar_quarter"
    FINANCIAL_QUARTER = "financial_quarter"  # UK financial year April-March; Q1 = Apr-Jun
    FINANCIAL_YEAR = "financial_year"  # April to March
    CALENDAR_YEAR = "calendar_year"
    MULTI_YEAR = "multi_year"  # whole years: "2020 - 2022", or financial "2019/20 - 2021/22"


PERIOD_TYPE_LABELS: Final[dict[PeriodType, str]] = {
    PeriodType.MONTH: "Month",
    PeriodType.CALENDAR_QUARTER: "Calendar quarter",
    PeriodType.FINANCIAL_QUARTER: "Financial quarter",
    PeriodType.FINANCIAL_YEAR: "Financial year (April to March)",
    PeriodType.CALENDAR_YEAR: "Calendar year",
    PeriodType.MULTI_YEAR: "Multi-year span",
}

#: Periods a year or more long: released once a year (see collection.due's release month).
YEARLY_PERIOD_TYPES: Final = frozenset(
    {PeriodType.FINANCIAL_YEAR, PeriodType.CALENDAR_YEAR, PeriodType.MULTI_YEAR}
)

MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2200

#: How to write each kind of period; quoted in error messages so a data lead can fix the label.
LABEL_EXAMPLES: Final = (
    "write a month as 'Oct 23', a financial year as '2022/23', a financial quarter as "
    "'2021/22 Q4', a calendar quarter as '2022 Q1', a calendar year as '2022' or a span of "
    "years as '2020 - 2022'"
)

# UK style, as the published scorecards write them: September is "Sept".
MONTH_ABBREVIATIONS: Final = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec",
)  # fmt: skip
#: Full month names, for dates written out ("1 December 2026").
MONTH_NAMES: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_BY_NAME: Final[dict[str, int]] = {
    **{name.casefold(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].casefold(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
_TYPE_ORDER: Final = {period_type: index for index, period_type in enumerate(PeriodType)}
# Months per step of previous()/next(); a multi-year span steps one year, as rolling figures do.
_STEP_MONTHS: Final = {
    PeriodType.MONTH: 1,
    PeriodType.CALENDAR_QUARTER: 3,
    PeriodType.FINANCIAL_QUARTER: 3,
    PeriodType.FINANCIAL_YEAR: 12,
    PeriodType.CALENDAR_YEAR: 12,
    PeriodType.MULTI_YEAR: 12,
}


class PeriodError(ValueError):
    """A period label or period that makes no sense; the message tells a data lead how to fix it."""


def _first_of_month_after(day: date, months: int) -> date:
    """The first day of the month `months` months after `day`'s month (negative goes back)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month0 + 1, 1)


def _months_between(start: date, end: date) -> int:
    """Whole months from the first of `start`'s month to the day after `end`."""
    after = end + timedelta(days=1)
    return (after.year - start.year) * 12 + after.month - start.month


def _fy_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@dataclass(frozen=True)
class Period:
    """A reporting period: its kind and the first and last day it covers (both inclusive).

    Periods sort chronologically by (end, start, type), so a mixed list reads oldest first and
    a calendar quarter sorts before the financial quarter covering the same three months.
    """

    type: PeriodType
    start: date
    end: date
    #: The chronological sort key, made once: a large file or a recompute compares periods
    #: hundreds of thousands of times.
    _key: tuple[date, date, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "type", PeriodType(self.type))
        except ValueError:
            raise PeriodError(f"'{self.type}' is not a kind of period we know.") from None
        object.__setattr__(self, "_key", (self.end, self.start, _TYPE_ORDER[self.type]))
        self._check_shape()
        if self.start.year < MIN_YEAR or self.end.year > MAX_YEAR:
            raise PeriodError(
                f"{self.label} runs from {self.start.day} {self.start:%B %Y} to "
                f"{self.end.day} {self.end:%B %Y}, but periods must fall within the years "
                f"{MIN_YEAR} to {MAX_YEAR}."
            )

    def _check_shape(self) -> None:
        """Reject dates that do not make up a whole period of the type, e.g. a 'month' of 40 days.

        Checked here rather than only in the constructors because periods are also rebuilt from
        stored start and end dates.
        """
        months = _months_between(self.start, self.end)
        end_ok = (self.end + timedelta(days=1)).day == 1
        match self.type:
            case PeriodType.MONTH:
                ok = months == 1
            case PeriodType.CALENDAR_QUARTER | PeriodType.FINANCIAL_QUARTER:
                ok = months == 3 and self.start.month % 3 == 1
            case PeriodType.FINANCIAL_YEAR:
                ok = months == 12 and self.start.month == 4
            case PeriodType.CALENDAR_YEAR:
                ok = months == 12 and self.start.month == 1
            case PeriodType.MULTI_YEAR:
                ok = months % 12 == 0 and months >= 24 and self.start.month in (1, 4)
        if not (ok and end_ok and self.start.day == 1):
            kind = PERIOD_TYPE_LABELS[self.type]
            kind = kind[0].lower() + kind[1:]
            raise PeriodError(
                f"{self.start.isoformat()} to {self.end.isoformat()} is not a whole {kind}."
            )

    # Constructors -------------------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month `month` (1-12) of `year`."""
        if not 1 <= month <= 12:
            raise PeriodError(
                f"There is no month {month}: months run 1 (January) to 12 (December)."
            )
        start = date(_checked_year(year), month, 1)
        return cls(PeriodType.MONTH, start, _first_of_month_after(start, 1) - timedelta(days=1))

    @classmethod
    def calendar_quarter(cls, year: int, quarter: int) -> Period:
        """Quarter 1-4 of the calendar year: Q1 is January to March."""
        start = date(_checked_year(year), 3 * _checked_quarter(quarter) - 2, 1)
        return cls(
            PeriodType.CALENDAR_QUARTER, start, _first_of_month_after(start, 3) - timedelta(days=1)
        )

    @classmethod
    def financial_quarter(cls, fy_start_year: int, quarter: int) -> Period:
        """Quarter 1-4 of the financial year starting April `fy_start_year`: Q1 is April-June."""
        april = date(_checked_year(fy_start_year), 4, 1)
        start = _first_of_month_after(april, 3 * (_checked_quarter(quarter) - 1))
        return cls(
            PeriodType.FINANCIAL_QUARTER, start, _first_of_month_after(start, 3) - timedelta(days=1)
        )

    @classmethod
    def financial_year(cls, start_year: int) -> Period:
        """The financial year 1 April `start_year` to 31 March the year after ("2022/23")."""
        year = _checked_year(start_year)
        return cls(PeriodType.FINANCIAL_YEAR, date(year, 4, 1), date(year + 1, 3, 31))

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        """January to December of `year`."""
        year = _checked_year(year)
        return cls(PeriodType.CALENDAR_YEAR, date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def multi_year(cls, first_year: int, last_year: int, financial: bool = False) -> Period:
        """Whole years `first_year` to `last_year` inclusive ("2020 - 2022").

        With `financial`, the years are financial years named by the year they start in, so
        multi_year(2019, 2021, financial=True) is "2019/20 - 2021/22".
        """
        first, last = _checked_year(first_year), _checked_year(last_year)
        if last <= first:
            example = "'2019/20 - 2021/22'" if financial else "'2020 - 2022'"
            raise PeriodError(
                f"A span of years must end after it starts, as in {example}; "
                f"{first} to {last} does not."
            )
        if financial:
            return cls(PeriodType.MULTI_YEAR, date(first, 4, 1), date(last + 1, 3, 31))
        return cls(PeriodType.MULTI_YEAR, date(first, 1, 1), date(last, 12, 31))

    @classmethod
    def containing(cls, period_type: PeriodType, day: date, *, span_years: int = 3) -> Period:
        """The period of `period_type` that `day` falls in.

        A day falls in many multi-year spans; this picks the calendar span of `span_years` years
        ending in `day`'s year, the way rolling figures are published.
        """
        match period_type:
            case PeriodType.MONTH:
                return cls.month(day.year, day.month)
            case PeriodType.CALENDAR_QUARTER:
                return cls.calendar_quarter(day.year, (day.month + 2) // 3)
            case PeriodType.FINANCIAL_QUARTER:
                fy = _fy_start_year(day)
                return cls.financial_quarter(fy, (day.month - 4) % 12 // 3 + 1)
            case PeriodType.FINANCIAL_YEAR:
                return cls.financial_year(_fy_start_year(day))
            case PeriodType.CALENDAR_YEAR:
                return cls.calendar_year(day.year)
            case PeriodType.MULTI_YEAR:
                return cls.multi_year(day.year - span_years + 1, day.year)
        raise PeriodError(f"'{period_type}' is not a kind of period we know.")  # pragma: no cover

    # Reading ------------------------------------------------------------------------------------

    @property
    def is_financial_span(self) -> bool:
        """Whether this is a multi-year span of financial years ("2019/20 - 2021/22")."""
        return self.type is PeriodType.MULTI_YEAR and self.start.month == 4

    @property
    def label(self) -> str:
        """The canonical label, written as the published scorecards write it."""
        year = self.start.year
        match self.type:
            case PeriodType.MONTH:
                # Two-digit years mean 20YY, so other centuries keep all four digits to round-trip.
                short = f"{year % 100:02d}" if 2000 <= year <= 2099 else str(year)
                return f"{MONTH_ABBREVIATIONS[self.start.month - 1]} {short}"
            case PeriodType.CALENDAR_QUARTER:
                return f"{year} Q{(self.start.month + 2) // 3}"
            case PeriodType.FINANCIAL_QUARTER:
                quarter = (self.start.month - 4) % 12 // 3 + 1
                return f"{_fy_label(_fy_start_year(self.start))} Q{quarter}"
            case PeriodType.FINANCIAL_YEAR:
                return _fy_label(year)
            case PeriodType.CALENDAR_YEAR:
                return str(year)
            case PeriodType.MULTI_YEAR:
                if self.is_financial_span:
                    return f"{_fy_label(year)} - {_fy_label(self.end.year - 1)}"
                return f"{year} - {self.end.year}"
        raise PeriodError(f"'{self.type}' is not a kind of period we know.")  # pragma: no cover

    def __str__(self) -> str:
        return self.label

    def previous(self) -> Period:
        """The period of the same type and length just before; a span moves back one year."""
        return self._shifted(-1)

    def next(self) -> Period:
        """The period of the same type and length just after; a span moves on one year."""
        return self._shifted(1)

    def _shifted(self, steps: int) -> Period:
        months = _STEP_MONTHS[self.type] * steps
        start = _first_of_month_after(self.start, months)
        end = _first_of_month_after(self.end, months + 1) - timedelta(days=1)
        return Period(self.type, start, end)

    def has_ended(self, today: date) -> bool:
        """Whether the whole period is in the past, so its figures can be due."""
        return self.end < today

    # Ordering -----------------------------------------------------------------------------------

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key < other._key

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key <= other._key

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key > other._key

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key >= other._key


def _fy_start_year(day: date) -> int:
    """The calendar year in which the financial year containing `day` began."""
    return day.year if day.month >= 4 else day.year - 1


def _checked_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            f"The year {year} is out of range: years must be between {MIN_YEAR} and {MAX_YEAR}."
        )
    return year


def _checked_quarter(quarter: int) -> int:
    if not 1 <= quarter <= 4:
        raise PeriodError(f"There is no quarter {quarter}: quarters run Q1 to Q4.")
    return quarter


# Parsing ----------------------------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")  # hyphen, en and em dashes, minus sign
_FY = r"(?:fy\s*)?(\d{4})\s*/\s*(\d{2}|\d{4})"  # financial year inside spans: slash only
_FY_NAMED = r"(?:fy\s*)?(?P<fy>\d{4})\s*[/-]\s*(?P<next>\d{2}|\d{4})"  # inside quarters
_Q = r"q\s*(\d+)"
_Q_NAMED = r"q\s*(?P<q>\d+)"

_YEAR_SPAN = re.compile(r"(\d{4})(\s*)(-|to)(\s*)(\d{4})")
_FY_SPAN = re.compile(rf"{_FY}\s*(?:-|to)\s*{_FY}")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_FINANCIAL_YEAR = re.compile(r"(fy\s*)?(\d{4})\s*([/-])\s*(\d{2}|\d{4})")
_FQ_YEAR_FIRST = re.compile(rf"{_FY_NAMED}\s*-?\s*{_Q_NAMED}")
_FQ_QUARTER_FIRST = re.compile(rf"{_Q_NAMED}\s*-?\s*{_FY_NAMED}")
_CQ_YEAR_FIRST = re.compile(rf"(\d{{4}})\s*-?\s*{_Q}")
_CQ_QUARTER_FIRST = re.compile(rf"{_Q}\s*-?\s*(\d{{4}})")
_NAMED_MONTH = re.compile(r"([a-z]+)\.?\s*[-/']?\s*(\d{2}|\d{4})")
_CALENDAR_YEAR = re.compile(r"(\d{4})")


def parse_period(label: str, expected: PeriodType | None = None) -> Period:
    """Read a period label as people write it on scorecards and uploads.

    `expected` (usually the measure's period type) only breaks ties between readings of an
    ambiguous label such as "2022-2023" (financial year or two-year span) or "2011-12"
    (financial year or December 2011); a label that clearly means another type is returned as
    that type, and the caller decides whether the mismatch is an error.
    """
    raw = label.strip()
    if not raw:
        raise PeriodError(f"The period is blank: {LABEL_EXAMPLES}.")
    text = " ".join(_DASHES.sub("-", raw).casefold().split())
    for year in re.findall(r"\d{4}", text):
        if not MIN_YEAR <= int(year) <= MAX_YEAR:
            raise PeriodError(
                f"'{raw}' uses the year {year}: years must be between {MIN_YEAR} and {MAX_YEAR}."
            )
    try:
        period = _parse_normalised(text, raw, expected)
    except PeriodError as error:
        if str(error).startswith(f"'{raw}'"):  # the parser's own message already quotes the label
            raise
        raise PeriodError(f"'{raw}' is not a period we can use: {error}") from None
    if period is None:
        raise PeriodError(f"'{raw}' is not a period label we recognise: {LABEL_EXAMPLES}.")
    return period


def _parse_normalised(text: str, raw: str, expected: PeriodType | None) -> Period | None:
    """Match `text` (lower case, single-spaced) against each way of writing a period."""
    if match := _YEAR_SPAN.fullmatch(text):
        first, space_before, separator, space_after, last = match.groups()
        # "2022-2023" is usually a financial year, but "2022 - 2023" is the canonical label of a
        # two-year span and "2022 to 2023" can only be a span.
        if separator == "-" and int(last) == int(first) + 1:
            spaced = bool(space_before or space_after)
            if expected is PeriodType.FINANCIAL_YEAR or (
                not spaced and expected is not PeriodType.MULTI_YEAR
            ):
                return Period.financial_year(int(first))
        if int(last) <= int(first):
            raise PeriodError(
                f"'{raw}' is not a span of years: the last year must be after the first, "
                "as in '2020 - 2022'."
            )
        return Period.multi_year(int(first), int(last))
    if match := _FY_SPAN.fullmatch(text):
        first_a, first_b, last_a, last_b = match.groups()
        first = _financial_start_year(first_a, first_b, raw)
        last = _financial_start_year(last_a, last_b, raw)
        if last <= first:
            raise PeriodError(
                f"'{raw}' is not a span of years: the last year must be after the first, "
                "as in '2019/20 - 2021/22'."
            )
        return Period.multi_year(first, last, financial=True)
    if match := _ISO_MONTH.fullmatch(text):
        year, number = int(match[1]), int(match[2])
        is_month = 1 <= number <= 12
        is_fy = len(match[2]) == 2 and number == (year + 1) % 100
        # "2011-12" reads either way: ISO 8601 says December, unless a financial year is expected.
        if is_fy and (not is_month or expected is PeriodType.FINANCIAL_YEAR):
            return Period.financial_year(year)
        if is_month:
            return Period.month(year, number)
        raise PeriodError(
            f"'{raw}' is neither a month (months run 1 to 12, as in '2023-10') nor a financial "
            "year (the two years must be consecutive, as in '2022-23')."
        )
    if match := _FINANCIAL_YEAR.fullmatch(text):
        return Period.financial_year(_financial_start_year(match[2], match[4], raw))
    if match := _FQ_YEAR_FIRST.fullmatch(text) or _FQ_QUARTER_FIRST.fullmatch(text):
        fy = _financial_start_year(match["fy"], match["next"], raw)
        return Period.financial_quarter(fy, _parsed_quarter(match["q"], raw))
    if match := _CQ_YEAR_FIRST.fullmatch(text):
        return Period.calendar_quarter(int(match[1]), _parsed_quarter(match[2], raw))
    if match := _CQ_QUARTER_FIRST.fullmatch(text):
        return Period.calendar_quarter(int(match[2]), _parsed_quarter(match[1], raw))
    if (match := _NAMED_MONTH.fullmatch(text)) and match[1] in _MONTH_BY_NAME:
        year = int(match[2]) if len(match[2]) == 4 else 2000 + int(match[2])
        return Period.month(year, _MONTH_BY_NAME[match[1]])
    if match := _CALENDAR_YEAR.fullmatch(text):
        return Period.calendar_year(int(match[1]))
    return None


def _financial_start_year(first: str, second: str, raw: str) -> int:
    """The start year of a financial year written "2022/23" or "2022/2023", checked consecutive."""
    start = int(first)
    following = int(second) if len(second) == 4 else (start + 1) // 100 * 100 + int(second)
    if following != start + 1:
        raise PeriodError(
            f"'{raw}' is not a financial year: the two years must be consecutive, as in "
            f"'2022/23' (April 2022 to March 2023)."
        )
    return start


def _parsed_quarter(quarter: str, raw: str) -> int:
    # Bounded before int(), which raises a plain ValueError for more than 4,300 digits.
    number = int(quarter) if len(quarter) <= 3 else None
    if number is None or not 1 <= number <= 4:
        raise PeriodError(f"'{raw}' has quarter {quarter}, but quarters run Q1 to Q4.")
    return number


# Edition names -----------------------------------------------------------------------------------

_EDITION_NAME = re.compile(r"([A-Za-z]{3,9})[\s\-/]+(\d{4})")


def month_of_name(text: str) -> date | None:
    """The month a name such as "May-2024", "May 2024" or "June/2024" speaks for (its first day),
    or None when the text is not a month and a four-digit year."""
    match = _EDITION_NAME.fullmatch(text.strip())
    if not match:
        return None
    month = _MONTH_BY_NAME.get(match[1].casefold())
    if month is None or not MIN_YEAR <= int(match[2]) <= MAX_YEAR:
        return None
    return date(int(match[2]), month, 1)


def edition_name(text: str) -> str | None:
    """The one way an edition is named: the month as written, capitalised, a hyphen and the year
    ("May-2024" stays "May-2024"; "may 2024" and "May/2024" become "May-2024"). None when the
    text does not name a month (month_of_name). A slash could not appear in an edition's URL."""
    match = _EDITION_NAME.fullmatch(text.strip())
    if not match or month_of_name(text) is None:
        return None
    return f"{match[1].capitalize()}-{match[2]}"


# Helpers for the portal ---------------------------------------------------------------------------

#: What one step of each type is called in sentences ("the last 12 months").
PERIOD_NOUNS: Final[dict[PeriodType, tuple[str, str]]] = {
    PeriodType.MONTH: ("month", "months"),
    PeriodType.CALENDAR_QUARTER: ("quarter", "quarters"),
    PeriodType.FINANCIAL_QUARTER: ("quarter", "quarters"),
    PeriodType.FINANCIAL_YEAR: ("year", "years"),
    PeriodType.CALENDAR_YEAR: ("year", "years"),
    PeriodType.MULTI_YEAR: ("period", "periods"),
}


def steps_between(earlier: Period, later: Period) -> int:
    """How many periods of `later`'s type separate the two starts: 1 for consecutive periods."""
    months = (later.start.year - earlier.start.year) * 12 + later.start.month - earlier.start.month
    return months // _STEP_MONTHS[later.type]


def period_in_words(period: Period) -> str:
    """The months a period covers: "October 2026", "July to September 2025", "April 2025 to
    March 2026"."""
    first = f"{MONTH_NAMES[period.start.month - 1]} {period.start.year}"
    last = f"{MONTH_NAMES[period.end.month - 1]} {period.end.year}"
    if first == last:
        return first
    if period.start.year == period.end.year:
        return f"{MONTH_NAMES[period.start.month - 1]} to {last}"
    return f"{first} to {last}"


def gap_text(earlier: Period, later: Period) -> str:
    """How long before `later` `earlier` starts, in words: "1 month", "18 months", "3 years"."""
    months = (later.start.year - earlier.start.year) * 12 + later.start.month - earlier.start.month
    if months < 24:
        return "1 month" if months == 1 else f"{months} months"
    years, rest = divmod(months, 12)
    return f"{years} years" if rest == 0 else f"over {years} years"


def latest_ended(period_type: PeriodType, today: date, *, span_years: int = 3) -> Period:
    """The most recent period of `period_type` that is over by `today`: the one next due.

    For multi-year spans this is the calendar span of `span_years` years ending last year.
    """
    return Period.containing(period_type, today, span_years=span_years).previous()


def infer_period_type(unit: str) -> PeriodType:
    """Guess a measure's period type from its unit as written on a scorecard ("Monthly count").

    Scorecards say "Data periods are annual financial years unless stated otherwise", so only
    an explicit "monthly" or "quarterly" changes the answer. Quarterly figures default to
    financial quarters, the NHS and local-government reporting cycle.
    """
    words = set(re.findall(r"[a-z]+", unit.casefold()))
    if "monthly" in words:
        return PeriodType.MONTH
    if "quarterly" in words:
        return PeriodType.FINANCIAL_QUARTER
    return PeriodType.FINANCIAL_YEAR
