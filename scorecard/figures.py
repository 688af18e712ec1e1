"""Figures as people write and read them: the one module that parses a figure, writes it back as
text, says "No value", formats numbers and dates the UK way and keeps spreadsheet cells from
running as formulas.

Validators, exports, services and e-mails call these functions directly; the template filters in
`portal.templatetags.govuk` only wrap them, so a figure reads the same on every page, in every
file and in every message. Pure standard library (no Django), like `periods` and `compute`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, getcontext, localcontext
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from scorecard.periods import MONTH_NAMES

#: How pages and messages say that there is no figure.
NO_VALUE = "No value"
#: How the published scorecard document writes it; kept as published so documents round-trip.
DOCUMENT_NO_VALUE = "No Value"

#: What the database stores: DecimalField(max_digits=20, decimal_places=6).
STORED_PLACES = 6
#: Figures must stay below this magnitude (20 digits less the 6 places).
MAX_MAGNITUDE = Decimal(10) ** 14
#: SQLite (the embedded default) stores a DecimalField as a double, exact to 15 digits only.
MAX_SIGNIFICANT = 15

#: A leading character that makes a spreadsheet treat a cell as a formula (CSV/XLSX injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

LONDON = ZoneInfo("Europe/London")

#: The stored precision as a quantum, for Decimal.quantize.
STORED_QUANTUM = Decimal(1).scaleb(-STORED_PLACES)
_PLAIN = re.compile(rf"-?\d{{1,14}}(?:\.\d{{1,{STORED_PLACES}}})?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


class FigureError(ValueError):
    """A figure that cannot be read; the message tells the person who typed it how to fix it."""


# Reading ---------------------------------------------------------------------------------------


def cell_text(raw: Any) -> str:
    """A raw cell (text, number or None) as stripped text; a whole float loses its ".0"."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def read_figure(raw: Any, label: str = "value") -> Decimal | None:
    """A figure as typed, uploaded or posted: None when blank, else a Decimal at the stored
    precision. Raises FigureError, naming `label`, for anything that is not a storable figure.

    Thousands separators and a trailing "%" are accepted; a comma used as a decimal point is not,
    because "1,234" would be ambiguous.
    """
    if raw is None or raw == "":
        return None
    if type(raw) is str and _PLAIN.fullmatch(raw) and len(raw) <= MAX_SIGNIFICANT:
        # The usual cell ("61", "-3.25"): at most 14 whole and STORED_PLACES decimal digits and
        # no more than MAX_SIGNIFICANT characters, so within every limit below and exact.
        return Decimal(raw).quantize(STORED_QUANTUM)
    if isinstance(raw, bool):
        raise FigureError(f"The {label} must be a number, not {str(raw).lower()}.")
    if isinstance(raw, Decimal | int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    else:
        text = str(raw).strip()
        if not text:
            return None
        cleaned = text.removesuffix("%").strip()
        if "," in cleaned:
            if not _THOUSANDS.fullmatch(cleaned):
                raise FigureError(
                    f"'{text}' is not a number: write the {label} with a full stop for decimals, "
                    "as in 1234.5 or 1,234.5."
                )
            cleaned = cleaned.replace(",", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise FigureError(
                f"'{text}' is not a number: write the {label} in figures, as in 42 or 3.5."
            ) from None
    if not number.is_finite():
        raise FigureError(f"The {label} must be a finite number, not '{cell_text(raw)}'.")
    too_large = f"The {label} {cell_text(raw)} is too large to be a figure on the scorecard."
    # copy_abs, not abs(): abs() rounds to the context and raises Overflow for 1e99999999999.
    if number.copy_abs() >= MAX_MAGNITUDE:
        raise FigureError(too_large)
    number = number.quantize(STORED_QUANTUM, rounding=ROUND_HALF_UP)
    # Rounding can carry a figure just below the limit up to it (99999999999999.9999999).
    if abs(number) >= MAX_MAGNITUDE:
        raise FigureError(too_large)
    if len(number.normalize().as_tuple().digits) > MAX_SIGNIFICANT:
        raise FigureError(
            f"The {label} {cell_text(raw)} has more than {MAX_SIGNIFICANT} significant digits, "
            "more than can be stored exactly: round it."
        )
    return number


def is_no_value(text: str) -> bool:
    """Blank, or the scorecard's "No Value" in any case."""
    stripped = text.strip()
    return not stripped or stripped.casefold() == DOCUMENT_NO_VALUE.casefold()


def document_figure(text: str) -> Decimal | None:
    """A figure as a scorecard document writes it, at the precision written: None for a blank
    or "No Value"; FigureError for anything else that is not a number."""
    if is_no_value(text):
        return None
    cleaned = text.strip().replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FigureError(f"'{text.strip()}' is not a number or '{DOCUMENT_NO_VALUE}'.") from None
    if not value.is_finite():
        raise FigureError(f"'{text.strip()}' is not a finite number.")
    return value


def decimal_places_of(text: str) -> int:
    """The decimal places a figure is written with ("60.0" -> 1, "530" -> 0, "No Value" -> 0).

    The scorecard displays and compares each figure at the precision it was entered with.
    """
    try:
        value = document_figure(text)
    except FigureError:
        return 0
    if value is None:
        return 0
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# Comparing -------------------------------------------------------------------------------------


class Figures(Protocol):
    """Anything carrying a figure: a data point, a submitted value, a validated row."""

    @property
    def value(self) -> Decimal: ...

    @property
    def numerator(self) -> Decimal | None: ...

    @property
    def denominator(self) -> Decimal | None: ...

    @property
    def variance(self) -> Decimal | None: ...


#: What a figure is made of, compared to tell a correction from a resubmission.
FIGURE_FIELDS = ("value", "numerator", "denominator", "variance")


def same_figures(a: Figures, b: Figures) -> bool:
    """Whether two figures say the same: value, numerator, denominator and variance all equal."""
    return all(getattr(a, name) == getattr(b, name) for name in FIGURE_FIELDS)


def is_correction(approved: Figures | None, new: Figures) -> bool:
    """The one rule for "is this a correction": a figure for a period that already has an
    approved one, differing from it in value, numerator, denominator or variance. Resubmitting
    the approved figure unchanged is not a correction."""
    return approved is not None and not same_figures(approved, new)


# Writing ---------------------------------------------------------------------------------------


def at_precision(value: Decimal, places: int) -> Decimal:
    """Round to `places` decimal places, half up, as a spreadsheet displays the figure.

    Python's default banker's rounding would show 2.25 as 2.2 where Excel shows 2.3.
    """
    if not value.is_finite():
        raise ValueError(f"cannot round a non-finite value: {value}")
    quantum = Decimal(1).scaleb(-places)
    if value.adjusted() + places + 2 <= getcontext().prec:
        rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)  # the usual figure
    else:
        with localcontext() as ctx:
            # Enough significant digits that quantize never fails for large figures.
            ctx.prec = value.adjusted() + places + 2
            rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # never "-0.0"


def format_value(value: Decimal | None, places: int) -> str:
    """A figure at fixed places without separators, as the scorecard document writes it."""
    if value is None:
        return DOCUMENT_NO_VALUE
    return f"{at_precision(value, places):f}"


def decimal_text(value: Decimal | None) -> str:
    """A stored figure as plain text without trailing zeros or exponent ("60", "4.9"); "" for
    None. For files, forms and audit records, where the figure must read back exactly."""
    if value is None:
        return ""
    normalised = value.normalize()
    return f"{normalised:f}" if normalised != 0 else "0"


def json_number(value: Decimal | None, places: int | None = None) -> int | float | None:
    """A figure for JSON: a whole number stays an int, otherwise a float (at `places` if given)."""
    if value is None:
        return None
    if places is not None:
        value = at_precision(value, places)
        return int(value) if places == 0 else float(value)
    return int(value) if value == value.to_integral_value() else float(value)


def uk_number(value: Any, places: Any = None) -> str:
    """A number with thousands separators and `places` decimal places, rounding halves up.

    1234.5 at 1 place is "1,234.5". Without `places` the figure is shown as precise as it is,
    without the trailing zeros of the stored column ("4.9", not "4.900000"). None and NaN are
    "No value"; anything that is not a number comes back unchanged as text.
    """
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, bool):
        return str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not number.is_finite():
        return NO_VALUE
    if places is None or places == "":
        exponent = number.normalize().as_tuple().exponent
        digits = max(0, -exponent) if isinstance(exponent, int) else 0
    else:
        try:
            digits = max(0, int(places))
        except (TypeError, ValueError):
            return str(value)
    return f"{at_precision(number, digits):,.{digits}f}"


def uk_date(value: Any) -> str:
    """A date as "26 November 2026"; a datetime adds its time in London, " at 2:05pm".

    Times follow the GOV.UK style guide: "2pm" on the hour, "midday" and "midnight". Naive
    datetimes are taken to be London time already. None is ""; other values come back as text.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        local = value.astimezone(LONDON) if value.tzinfo is not None else value
        return f"{_date_text(local.date())} at {_time_text(local.time())}"
    if isinstance(value, dt.date):
        return _date_text(value)
    return str(value)


def uk_month(value: dt.date) -> str:
    """The month a date falls in, as "May 2024" (an edition's month)."""
    return f"{MONTH_NAMES[value.month - 1]} {value.year}"


def _date_text(day: dt.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _time_text(time: dt.time) -> str:
    if time.minute == 0 and time.hour in (0, 12):
        return "midnight" if time.hour == 0 else "midday"
    hour = time.hour % 12 or 12
    suffix = "am" if time.hour < 12 else "pm"
    minutes = f":{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes}{suffix}"


def neutralise(value: Any) -> Any:
    """Keep a text cell from being run as a formula when a file is opened in a spreadsheet;
    numbers and other values pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
