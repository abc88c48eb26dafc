"""Quantities of a plan: exact amounts with money, percent, counts, time and rates.

Standard library only, so that a pre-commit hook pays nothing for units (pint
costs ~300 ms to import and cannot read `$`). Magnitudes are exact `Fraction`s:
a boundary that is met exactly is met (250 leads/month meets 3000 leads/year).

Every quantity is an interval `lo .. hi`; a point value has `lo == hi`, so
ranges flow through arithmetic for free (interval arithmetic).
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from planlint.language.exact import exact, less, round_half_even
from planlint.language.records import record

# Time is measured in years. year = 4 quarters = 12 months; week = 7 days;
# between the two families a year is 365 days (LANGUAGE.md, "Periods").
PERIOD_YEARS: dict[str, Fraction] = {
    "year": Fraction(1),
    "quarter": Fraction(1, 4),
    "month": Fraction(1, 12),
    "week": Fraction(7, 365),
    "day": Fraction(1, 365),
}
PERIOD_ALIASES = {
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
    "annum": "year",
    "quarter": "quarter",
    "quarters": "quarter",
    "qtr": "quarter",
    "qtrs": "quarter",
    "month": "month",
    "months": "month",
    "mo": "month",
    "mos": "month",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "wks": "week",
    "day": "day",
    "days": "day",
}
# Currencies: the symbols the plan language writes money with, and the ISO codes it also reads.
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
ISO_CURRENCIES = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "JPY",
        "CHF",
        "CAD",
        "AUD",
        "NZD",
        "CNY",
        "INR",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "BRL",
        "MXN",
        "SGD",
        "HKD",
        "ZAR",
        "KRW",
    ]
)

_SYMBOL_OF = {code: symbol for symbol, code in CURRENCY_SYMBOLS.items()}
SCALE = {"": 1, "k": 1_000, "M": 1_000_000, "B": 1_000_000_000}
TIME = "time"


class QuantityError(ValueError):
    """An operation the units or values do not allow."""


class UnitMismatch(QuantityError):
    pass


class DivisionByZero(QuantityError):
    pass


@dataclass(frozen=True, slots=True)
class Unit:
    """What a magnitude measures, and how a plan owner wants to read it.

    `dims` is the physical meaning (currency and time exponents) and decides
    what can be added or compared. `label` is a count unit (`leads`): it keeps
    a count of leads apart from a count of deals in comparisons, and drops out
    of arithmetic. `percent`, `period` and `time_unit` only steer printing.
    """

    dims: tuple[tuple[str, int], ...] = ()
    label: str | None = None
    percent: bool = False
    period: str | None = None  # how to print time^-1: "month" -> /month
    time_unit: str | None = None  # how to print time^1: "day" -> days
    # Worked out once: units are few and shared, and messages ask these of every number they print.
    _currency: str | None = field(default=None, init=False, repr=False, compare=False)
    _time_power: int = field(default=0, init=False, repr=False, compare=False)
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_currency", next((base for base, _ in self.dims if base != TIME), None))
        object.__setattr__(self, "_time_power", dict(self.dims).get(TIME, 0))
        object.__setattr__(self, "_hash", hash((self.dims, self.label, self.percent, self.period, self.time_unit)))

    def __hash__(self) -> int:  # worked out once: caches are keyed by units
        return self._hash

    def __reduce__(self) -> tuple[type[Unit], tuple[object, ...]]:
        # Rebuilt from its fields: a string's hash differs from process to process, so the one
        # worked out above must never travel in a pickle.
        return (Unit, (self.dims, self.label, self.percent, self.period, self.time_unit))

    @property
    def currency(self) -> str | None:
        return self._currency

    @property
    def time_power(self) -> int:
        return self._time_power

    @property
    def per_duration(self) -> bool:
        """A duration per period (`5 days/month`): time cancels out, but it prints as days per month."""
        return self.time_power == 0 and bool(self.period and self.time_unit)

    @property
    def is_dimensionless(self) -> bool:
        return not self.dims

    def same_dims(self, other: Unit) -> bool:
        return self.dims == other.dims

    def comparable(self, other: Unit) -> bool:
        """Can a value in this unit be compared with one in `other`?"""
        if self is other:  # units are shared between the values the parser reads
            return True
        if self.dims != other.dims:
            return False
        if self.label and other.label:
            return _label_key(self.label) == _label_key(other.label)
        # A percentage is a plain number (20% is 0.2), not a count of something.
        return self.percent == other.percent or not (self.label or other.label)

    def meaning(self) -> tuple[tuple[tuple[str, int], ...], str]:
        """What the unit measures, whatever its printing: two values compare equal on it."""
        return self.dims, _label_key(self.label) if self.label else ""

    def describe(self) -> str:
        """The unit in words, for messages: 'USD per year', 'leads', 'percent', 'USD per year²'."""
        parts = []
        if self.currency:
            parts.append(self.currency)
        if self.label:
            parts.append(self.label)
        if self.time_power > 0 or self.per_duration:
            parts.append(_powered(_plural(self.time_unit or "year"), self.time_power))
        if self.percent:
            parts.append("percent")
        text = " ".join(parts) or "a plain number"
        if self.time_power < 0 or self.per_duration:
            text += f" per {_powered(self.period or 'year', -self.time_power)}"
        return text


def _label_key(label: str) -> str:
    word = label.lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _plural(word: str) -> str:
    return word if word.endswith("s") else word + "s"


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _powered(word: str, power: int) -> str:
    """A unit word to a power of time: `year`, `year²` (a power of 0 or 1 is written as the word)."""
    return word if power in (0, 1) else word + str(abs(power)).translate(_SUPERSCRIPT)


def _dims(**powers: int) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((base, p) for base, p in powers.items() if p))


def _combine(a: Unit, b: Unit, sign: int) -> tuple[tuple[str, int], ...]:
    powers = dict(a.dims)
    for base, p in b.dims:
        powers[base] = powers.get(base, 0) + sign * p
    return tuple(sorted((base, p) for base, p in powers.items() if p))


NUMBER = Unit()
PERCENT = Unit(percent=True)


def money_unit(currency: str) -> Unit:
    return Unit(dims=_dims(**{currency: 1}))


def count_unit(word: str) -> Unit:
    """`leads`, `reps`; a time word (`days`, `weeks`) is a duration instead."""
    period = PERIOD_ALIASES.get(word.lower())
    if period:
        return Unit(dims=_dims(time=1), time_unit=period)
    return Unit(label=word)


def per_period(unit: Unit, period: str) -> Unit:
    """`unit / period`: 500 leads/month, $20M/year."""
    return replace(unit, dims=_combine(unit, Unit(dims=_dims(time=1)), -1), period=period)


@record
class Quantity:
    """An exact interval `lo .. hi` in base units (currency, years, ratio for %)."""

    lo: Fraction
    hi: Fraction
    unit: Unit = NUMBER

    @classmethod
    def point(cls, value: Fraction | int, unit: Unit = NUMBER) -> Quantity:
        value = Fraction(value)
        return cls(value, value, unit)

    @classmethod
    def between(cls, a: Quantity, b: Quantity) -> Quantity:
        """The range `a .. b`; the unit is the first side's, sides may come in any order."""
        if not a.unit.comparable(b.unit) or a.unit.percent != b.unit.percent:
            raise UnitMismatch(f"a range cannot run from {a.unit.describe()} to {b.unit.describe()}")
        return cls(min(a.lo, b.lo), max(a.hi, b.hi), a.unit if a.unit.label or not b.unit.label else b.unit)

    @property
    def is_point(self) -> bool:
        # The reader makes each point with one Fraction at both ends: no Fraction comparison for those.
        return self.lo is self.hi or self.lo == self.hi

    def nearest(self, value: Fraction) -> Fraction:
        """The point of this interval nearest to `value` (for ratios)."""
        if less(value, self.lo):
            return self.lo
        return self.hi if less(self.hi, value) else value

    def contains(self, other: Quantity) -> bool:
        return self.lo <= other.lo and other.hi <= self.hi

    def overlaps(self, other: Quantity) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    # Arithmetic -----------------------------------------------------------

    # A point (lo is hi, as the parser makes them) needs one operation, not two or four: derivations
    # over a whole organisation's plan are mostly points.

    def __add__(self, other: Quantity) -> Quantity:
        unit = _sum_unit(self.unit, other.unit, "add")
        if self.lo is self.hi and other.lo is other.hi:
            total = self.lo + other.lo
            return Quantity(total, total, unit)
        return Quantity(self.lo + other.lo, self.hi + other.hi, unit)

    def __sub__(self, other: Quantity) -> Quantity:
        unit = _sum_unit(self.unit, other.unit, "subtract")
        if self.lo is self.hi and other.lo is other.hi:
            difference = self.lo - other.lo
            return Quantity(difference, difference, unit)
        return Quantity(self.lo - other.hi, self.hi - other.lo, unit)

    def __neg__(self) -> Quantity:
        if self.lo is self.hi:
            negated = -self.lo
            return Quantity(negated, negated, self.unit)
        return Quantity(-self.hi, -self.lo, self.unit)

    def __mul__(self, other: Quantity) -> Quantity:
        unit = _product_unit(self.unit, other.unit, 1)
        if self.lo is self.hi and other.lo is other.hi:
            product = self.lo * other.lo
            return Quantity(product, product, unit)
        return Quantity(*_extremes([a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]), unit)

    def __truediv__(self, other: Quantity) -> Quantity:
        if other.lo <= 0 <= other.hi:
            raise DivisionByZero("division by zero" if other.is_point else "division by a range that includes zero")
        unit = _product_unit(self.unit, other.unit, -1)
        if self.lo is self.hi and other.lo is other.hi:
            quotient = self.lo / other.lo
            return Quantity(quotient, quotient, unit)
        return Quantity(*_extremes([a / b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]), unit)

    def scaled(self, factor: Fraction) -> Quantity:
        return Quantity(self.lo * factor, self.hi * factor, self.unit)


def _extremes(values: list[Fraction]) -> tuple[Fraction, Fraction]:
    """(min, max) with `less`: several times cheaper than Fraction's own comparisons."""
    low = high = values[0]
    for value in values[1:]:
        if less(value, low):
            low = value
        elif less(high, value):
            high = value
    return low, high


# The unit of a sum or product, by its operands' units: units are few, and derivations and the
# questions asked of them (what closes a goal's gap) work out millions of them.
_SUM_UNITS: dict[tuple[Unit, Unit], Unit] = {}
_PRODUCT_UNITS: dict[tuple[Unit, Unit, int], Unit] = {}


def _sum_unit(a: Unit, b: Unit, verb: str) -> Unit:
    found = _SUM_UNITS.get((a, b))
    if found is None:
        if not a.same_dims(b):
            raise UnitMismatch(f"cannot {verb} {a.describe()} and {b.describe()}")
        if len(_SUM_UNITS) > 10_000:  # a plan with endless units: keep the memory bounded
            _SUM_UNITS.clear()
        found = _SUM_UNITS[(a, b)] = _unit_of_sum(a, b)
    return found


def _unit_of_sum(a: Unit, b: Unit) -> Unit:
    label = a.label if a.label and b.label and _label_key(a.label) == _label_key(b.label) else None
    return Unit(
        a.dims,
        label or (a.label if not b.label else b.label if not a.label else None),
        a.percent and b.percent,
        a.period or b.period,
        a.time_unit or b.time_unit,
    )


def _product_unit(a: Unit, b: Unit, sign: int) -> Unit:
    found = _PRODUCT_UNITS.get((a, b, sign))
    if found is None:
        if len(_PRODUCT_UNITS) > 10_000:
            _PRODUCT_UNITS.clear()
        found = _PRODUCT_UNITS[(a, b, sign)] = _unit_of_product(a, b, sign)
    return found


def _unit_of_product(a: Unit, b: Unit, sign: int) -> Unit:
    dims = _combine(a, b, sign)
    # Count labels drop out of arithmetic; a dimensionless product of a
    # percentage stays a percentage (2 x 10% = 20%).
    percent = not dims and (a.percent or (b.percent and sign > 0))
    period = a.period if a.time_power < 0 else b.period if b.time_power * sign < 0 else a.period or b.period
    time_unit = a.time_unit or b.time_unit
    return Unit(
        dims,
        None,
        percent,
        period if dict(dims).get(TIME, 0) < 0 else None,
        time_unit if dict(dims).get(TIME, 0) > 0 else None,
    )


# Tolerances -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tolerance:
    """`± 10%` (relative) or `± $5k`, `± 2%` on a percentage (absolute, base units)."""

    amount: Fraction
    relative: bool

    def around(self, value: Quantity) -> Quantity:
        """The accepted interval around a requirement's value."""
        return Quantity(*self.bounds(value), value.unit)

    def bounds(self, value: Quantity) -> tuple[Fraction, Fraction]:
        """`around(value)` as (lo, hi)."""
        # In integers, one Fraction per bound: lo - |lo| * t = (a*d - |a|*c) / (b*d) for lo = a/b, t = c/d.
        c, d = self.amount.numerator, self.amount.denominator
        a, b = value.lo.numerator, value.lo.denominator
        e, f = value.hi.numerator, value.hi.denominator
        if self.relative:
            return exact(a * d - abs(a) * c, b * d), exact(e * d + abs(e) * c, f * d)
        return exact(a * d - c * b, b * d), exact(e * d + c * f, f * d)

    def holds(self, value: Quantity, point: Fraction) -> bool:
        """Whether `point` lies in `around(value)`: `bounds` compared in integers, building no
        Fraction (most consumers ask about what their producer states: one check per line)."""
        try:  # CPython's Fraction slots (see language/exact.py), not four properties' two calls each
            c, d = self.amount._numerator, self.amount._denominator  # type: ignore[attr-defined]
            a, b = value.lo._numerator, value.lo._denominator  # type: ignore[attr-defined]
            e, f = value.hi._numerator, value.hi._denominator  # type: ignore[attr-defined]
            p, r = point._numerator, point._denominator  # type: ignore[attr-defined]
        except AttributeError:  # an int, or a Fraction without those slots
            c, d = self.amount.numerator, self.amount.denominator
            a, b = value.lo.numerator, value.lo.denominator
            e, f = value.hi.numerator, value.hi.denominator
            p, r = point.numerator, point.denominator
        below, above = (abs(a) * c, abs(e) * c) if self.relative else (c * b, c * f)
        # lo = (a*d - below) / (b*d) <= p/r, and p/r <= (e*d + above) / (f*d): all denominators > 0.
        # (bool(): to mypy the slots' terms are untyped.)
        return bool((a * d - below) * r <= p * b * d and p * f * d <= (e * d + above) * r)

    def describe(self, value: Quantity) -> str:
        if self.relative:
            return f"± {format_number(self.amount * 100)}%"
        return "± " + format_magnitude(self.amount, value.unit)


def tolerance_for(value: Quantity, amount: Quantity) -> Tolerance:
    """Read a written tolerance: in the value's own unit it is absolute, in % it is relative.

    A bare number (`+/- 5k`) is taken in the value's own unit.
    """
    if amount.unit.percent and not value.unit.percent:
        return Tolerance(abs(amount.lo), relative=True)
    if amount.unit.is_dimensionless and not amount.unit.percent and not value.unit.is_dimensionless:
        return Tolerance(abs(amount.lo) * _base_factor(value.unit), relative=False)
    if value.unit.percent and not amount.unit.percent:
        # `50% ± 2` would be ± 200%: ask for the percentage sign instead of guessing.
        raise UnitMismatch(f"a tolerance on a percentage is written in %, like '± {format_number(amount.lo)}%'")
    if not amount.unit.comparable(value.unit):
        raise UnitMismatch(f"a tolerance in {amount.unit.describe()} does not fit a value in {value.unit.describe()}")
    return Tolerance(abs(amount.lo), relative=False)


def _base_factor(unit: Unit) -> Fraction:
    """Base units per display unit: a bare `5k` on a $/month value means $5k per month; a value per
    month² is 144 times the value per year²."""
    if unit.per_duration:  # `5 days/month` is a duration per period
        return PERIOD_YEARS[unit.time_unit or "year"] / PERIOD_YEARS[unit.period or "year"]
    power = unit.time_power
    if power < 0:
        return PERIOD_YEARS[unit.period or "year"] ** power
    return PERIOD_YEARS[unit.time_unit or "year"] ** power if power > 0 else Fraction(1)


# Dates ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanDate:
    """`2027-Q3`, `2027-07` or `2027-07-15`; a quarter or month means its last day."""

    year: int
    quarter: int | None = None
    month: int | None = None
    day: int | None = None

    def last_day(self, fiscal_year_start: int = 1) -> _dt.date:
        if self.day is not None:
            return _dt.date(self.year, self.month or 1, self.day)
        if self.month is not None:
            return _month_end(self.year, self.month)
        # Fiscal year N ends in the calendar year N (FY2027 starting in July
        # runs July 2026 .. June 2027); with a January start they coincide.
        start_year = self.year if fiscal_year_start == 1 else self.year - 1
        month_index = fiscal_year_start - 1 + (self.quarter or 4) * 3 - 1
        return _month_end(start_year + month_index // 12, month_index % 12 + 1)

    def __str__(self) -> str:
        if self.quarter is not None:
            return f"{self.year}-Q{self.quarter}"
        if self.day is not None:
            return f"{self.year}-{self.month:02d}-{self.day:02d}"
        return f"{self.year}-{self.month:02d}"


def _month_end(year: int, month: int) -> _dt.date:
    # monthrange, not "first of next month - 1 day": December 9999 has no next month.
    return _dt.date(year, month, calendar.monthrange(year, month)[1])


# Printing ---------------------------------------------------------------


def parse_number(text: str) -> Fraction:
    """`4000`, `1.5M`, `24k`, `4,000` -> exact Fraction."""
    text = text.replace(",", "").replace("_", "")
    suffix = text[-1] if text and text[-1] in "kMB" else ""
    digits = text[: len(text) - len(suffix)]
    return Fraction(Decimal(digits)) * SCALE[suffix]


SIGNIFICANT = 3  # a number below 1 keeps this many significant digits: $0.004, not $0
_TINY = 15  # decimals beyond which a number is astronomically small, and printed like 1.23e-20


def format_number(value: Fraction, digits: int = 2, grouping: bool = True, direction: int = 0) -> str:
    """Exact when the decimal terminates within `digits` places, else rounded: 4,000  16.5  666.67;
    a small number keeps three significant digits (0.667, 0.00415).

    `direction` +1 rounds up and -1 down, for a bound that must still hold once printed
    (a value needed to close a gap must not print below what closes it).
    """
    return _format_terms(value.numerator, value.denominator, digits, grouping, direction)


def _format_terms(numerator: int, denominator: int, digits: int = 2, grouping: bool = True, direction: int = 0) -> str:
    """`format_number` of numerator / denominator (denominator > 0), in integers: messages print
    thousands of numbers, and Fraction arithmetic would cost several times more."""
    if numerator and abs(numerator) * 10**digits < 10 ** (SIGNIFICANT - 1) * denominator:
        digits = _decimals_for_significant(abs(numerator), denominator)
        if digits > _TINY:
            return f"{Decimal(numerator) / Decimal(denominator):.{SIGNIFICANT}g}"
    shifted = numerator * 10**digits
    if direction > 0:
        scaled = -(-shifted // denominator)
    elif direction < 0:
        scaled = shifted // denominator
    else:
        scaled = round_half_even(shifted, denominator)  # round(value * 10**digits)
    whole, frac = divmod(abs(scaled), 10**digits)
    if whole >= 10**15:  # astronomically large: digits would only get in the way
        text = f"{Decimal(numerator) / Decimal(denominator):.4g}"
        return text.replace("E+", "e")
    sign = "-" if scaled < 0 else ""
    frac_text = str(frac).rjust(digits, "0").rstrip("0") if digits else ""
    whole_text = f"{whole:,}" if grouping else str(whole)
    return f"{sign}{whole_text}.{frac_text}" if frac_text else f"{sign}{whole_text}"


def _decimals_for_significant(numerator: int, denominator: int) -> int:
    """The decimals that show `SIGNIFICANT` digits of numerator / denominator (both > 0, below 1)."""
    digits = max(len(str(denominator)) - len(str(numerator)) - 1, 0)  # a guess at most one short
    while numerator * 10**digits < 10 ** (SIGNIFICANT - 1) * denominator:
        digits += 1
    return digits


def _scaled(numerator: int, denominator: int, direction: int = 0, finer: int = 0) -> str:
    """Money-style magnitude: 24k, 15.36M, 1.5B, 950."""
    size = abs(numerator)
    for suffix, scale in (("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if size >= scale * denominator:
            return _format_terms(numerator, denominator * scale, 3 + finer, True, direction) + suffix
    return _format_terms(numerator, denominator, 2 + finer, True, direction)


_DISPLAY_FACTORS: dict[Unit, tuple[int, int]] = {}


def _display_factor(unit: Unit) -> tuple[int, int]:
    """(numerator, denominator) of display units per base unit: 1/12 for /month; cached, units repeat."""
    found = _DISPLAY_FACTORS.get(unit)
    if found is None:
        factor = 1 / _base_factor(unit)
        found = _DISPLAY_FACTORS[unit] = (factor.numerator, factor.denominator)
    return found


MORE_DIGITS = 12  # the most decimals past the usual a value is printed with (`finer`), to hold exactly


def format_magnitude(value: Fraction, unit: Unit, direction: int = 0, finer: int = 0) -> str:
    """A single magnitude (base units) printed in `unit`: $24k, 16%, 4,000 leads/year.

    `direction` rounds up (+1) or down (-1) instead of to the nearest, for bounds; `finer` prints
    that many more decimals, for a bound that only holds closer to its exact value.
    """
    factor_num, factor_den = _display_factor(unit)
    numerator, denominator = value.numerator * factor_num, value.denominator * factor_den
    currency = unit.currency
    time_power, per_duration = unit.time_power, unit.per_duration
    digits = 2 + finer
    if unit.percent and not unit.dims:
        text = _format_terms(numerator * 100, denominator, digits, direction=direction) + "%"
    elif currency:
        amount = _scaled(numerator, denominator, direction, finer)
        symbol = _SYMBOL_OF.get(currency)
        sign = "-" if amount.startswith("-") else ""
        text = f"{sign}{symbol}{amount.lstrip('-')}" if symbol else f"{amount} {currency}"
    elif (time_power > 0 or per_duration) and not unit.label:
        word = unit.time_unit or "year"
        one = numerator == denominator and time_power <= 1
        text = f"{_format_terms(numerator, denominator, digits, direction=direction)} "
        text += _powered(word if one else _plural(word), time_power)
    else:
        text = _format_terms(numerator, denominator, digits, direction=direction)
        if unit.label:
            text += f" {unit.label}"
    if time_power > 0 and (currency or unit.label):  # money or a count times a duration: $15·day
        text += "·" + _powered(unit.time_unit or "year", time_power)
    if time_power < 0 or per_duration:
        text += "/" + _powered(unit.period or "year", -time_power)
    return text


def format_quantity(q: Quantity, like: Unit | None = None) -> str:
    """A quantity as a plan owner reads it, optionally in another quantity's period."""
    unit = display_unit(q.unit, like)
    if q.is_point:
        return format_magnitude(q.lo, unit)
    return f"{format_magnitude(q.lo, unit)} .. {format_magnitude(q.hi, unit)}"


def display_unit(unit: Unit, like: Unit | None) -> Unit:
    """`unit` printed like `like` (its period, time unit, count label and percent sign), when both
    measure the same thing; else `unit` itself."""
    return unit if like is None else _displayed(unit, like)


def in_period_of(unit: Unit, like: Unit | None) -> Unit:
    """`unit` as written (percent or not, its label) in `like`'s period and time unit, when the
    two compare; else `unit` itself."""
    return unit if like is None else _in_period(unit, like)


# Units are few and hashable: each pair is worked out once (messages ask for every number they print).
@lru_cache(maxsize=4096)
def _displayed(unit: Unit, like: Unit) -> Unit:
    if not unit.same_dims(like):
        return unit
    return replace(
        unit,
        period=like.period or unit.period,
        time_unit=like.time_unit or unit.time_unit,
        label=unit.label or like.label,
        # A pure number (profit / revenue) reads as a percentage beside a goal written as one; a
        # count of something (25 deals) never does: it is not a share of anything.
        percent=like.percent if not unit.dims and not unit.label else unit.percent,
    )


@lru_cache(maxsize=4096)
def _in_period(unit: Unit, like: Unit) -> Unit:
    if not like.comparable(unit) or (unit.period == like.period and unit.time_unit == like.time_unit):
        return unit  # the unit itself when nothing changes: callers skip printing a value twice
    return replace(unit, period=like.period, time_unit=like.time_unit)


def format_ratio(ratio: Fraction) -> str:
    """Three significant digits, trailing zeros dropped: 2.08×, 1.5×, 2×, 0.667×."""
    if ratio == 0:
        return "0×"
    text = f"{Decimal(ratio.numerator) / Decimal(ratio.denominator):.3g}"
    if "e" in text:  # very large or small ratios: plain digits read better
        text = format_number(Fraction(Decimal(text)), 6, grouping=False)
    elif "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}×"


def format_share(part: Fraction, whole: Fraction) -> str:
    """A share as a percentage with up to one decimal: 76.8%, 60%, 91.4%.

    Rounded toward the truth: to the nearest, except onto 100%, which only a share of exactly 100%
    prints as: 99.96% prints as 99.9% and 100.04% as 100.1%, so a miss never reads as 100%.
    """
    if whole == 0:
        return "n/a"
    share = part / whole * 100
    text = format_number(share, 1)
    if text == "100" and share != 100:
        text = format_number(share, 1, direction=-1 if share < 100 else 1)
    return text + "%"


def format_change(new: Fraction, old: Fraction) -> str:
    """The change from `old` to `new` as a signed percentage of `old`, two significant digits:
    `+30%`, `-4.2%`, `+0.42%`; "" when `old` is 0 (no percentage of nothing)."""
    if old == 0:
        return ""
    change = (new - old) / abs(old) * 100
    text = f"{Decimal(change.numerator) / Decimal(change.denominator):.2g}"
    if "e" in text:  # 1.2e+03
        text = format_number(Fraction(Decimal(text)))  # thousands grouped, as every number: +13,000%
    elif "." in text:  # Decimal keeps a significant zero: 0.040
        text = text.rstrip("0").rstrip(".")
    return ("+" if change >= 0 else "") + text + "%"
