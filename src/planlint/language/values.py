"""Written values to quantities: numbers, units, periods and dates, as the plan spells them.

Shared by both readers of a plan file (the Lark grammar in `parse.py` and the
line reader in `_fast_parse.py`), so a value means the same whichever reads
it. Works on plain strings and never imports lark; a value it refuses raises
`ValueRefused`, which each reader places at the right token.

Magnitudes are built with integer arithmetic and turned into one `Fraction`
at the end: exact, and several times cheaper than Fraction arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import gcd

from planlint.language import quantity as q
from planlint.language.exact import reduced
from planlint.language.grammar import keywords
from planlint.language.limits import LIMITS

KEYWORDS = keywords()
MIN_YEAR = 1000
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class ValueRefused(ValueError):
    """A written value planlint cannot accept; `part` says which token is at fault."""

    def __init__(self, message: str, help: str = "", part: str = "number") -> None:
        super().__init__(message)
        self.message = message
        self.help = help
        self.part = part  # "number" or "unit"


def read_number(text: str) -> tuple[int, int]:
    """A NUMBER or MONEY token's text (`4,000`, `$1.5M`, `24k`) -> (numerator, denominator), not reduced."""
    if text[-1:] in _DIGITS:  # most numbers have no k, M or B: no suffix to look for
        digits, scale = text, 1
    else:
        digits, scale = _scale(text)
    if digits[:1] in q.CURRENCY_SYMBOLS:
        digits = digits[1:]
    if "," in digits:
        digits = digits.replace(",", "")
    if len(digits) > LIMITS.number_digits and len(digits) - digits.count(".") > LIMITS.number_digits:
        raise ValueRefused(
            f"'{text[:12]}…' has {len(digits) - digits.count('.'):,} digits; planlint reads numbers of "
            f"up to {LIMITS.number_digits:,} digits",
            "write it with k, M or B, like '24M'; a number this long is most likely a paste gone wrong",
        )
    if len(digits) > 4000:  # int() refuses longer digit strings; Decimal does not
        exact = Fraction(Decimal(digits))
        return exact.numerator * scale, exact.denominator
    point = digits.find(".")
    try:
        if point < 0:
            return int(digits) * scale, 1
        return int(digits[:point] + digits[point + 1 :]) * scale, 10 ** (len(digits) - point - 1)
    except ValueError:  # not from a NUMBER token
        raise ValueRefused(f"'{text}' is not a number planlint can read") from None


_DIGITS = frozenset("0123456789")


def _scale(text: str) -> tuple[str, int]:
    """The digits of a number with a letter suffix, and the suffix's scale (24k: 24, 1000)."""
    digits = text.rstrip(_LETTERS)
    suffix = text[len(digits) :]
    scale = q.SCALE.get(suffix)
    if scale is None:
        if suffix in ("m", "mm"):
            raise ValueRefused(
                f"'{text}' is ambiguous: finance reads m as million, science as milli", f"write '{digits}M' for million"
            )
        if len(suffix) > 2 and suffix.isalpha():
            hint = f"put a space between the number and its unit: '{digits} {suffix}'"
        else:
            hint = "use k, M or B for thousands, millions or billions, like '24k'"
        raise ValueRefused(f"'{text}' is not a number planlint can read", hint)
    return digits, scale


_UNITS: dict[tuple[str, str | None, str | None], tuple[q.Unit, int, int]] = {}


def _unit_and_factor(kind: str, word: str | None, per: str | None) -> tuple[q.Unit, int, int]:
    """The unit of a quantity and the factor (num, den) to its base units, cached: units repeat."""
    key = (kind, word, per)
    found = _UNITS.get(key)
    if found is not None:
        return found
    if kind == "MONEY":
        unit = q.money_unit(q.CURRENCY_SYMBOLS[word])  # word: the currency symbol
    elif word is None:
        unit = q.NUMBER
    elif word in q.ISO_CURRENCIES:
        unit = q.money_unit(word)
    elif word in KEYWORDS:
        raise ValueRefused(
            f"'{word}' is a keyword and cannot be a unit", "start the next statement on a new line", part="unit"
        )
    else:
        unit = q.count_unit(word)
    # Stored in base units: rates per year (500 leads/month is 6000 leads/year), durations
    # in years, and a duration per period (5 days/month) as the plain ratio of the two.
    factor = q.PERIOD_YEARS[unit.time_unit] if unit.time_power > 0 else Fraction(1)
    if per is not None:
        period = q.PERIOD_ALIASES[per[1:].strip().lower()]
        unit = q.per_period(unit, period)
        factor /= q.PERIOD_YEARS[period]
    found = _UNITS[key] = (unit, factor.numerator, factor.denominator)
    return found


def read_quantity(kind: str, number: str, word: str | None = None, per: str | None = None) -> q.Quantity:
    """A quantity from its tokens' text: kind is PERCENT, MONEY or NUMBER (the number token's type),
    `word` the unit word after a NUMBER, `per` the period token (`/month`)."""
    return quantity_of(*quantity_terms(kind, number, word, per))


def quantity_terms(kind: str, number: str, word: str | None, per: str | None) -> tuple:
    """`quantity_of`'s arguments from the tokens' text: the unit's key (kind, word: MONEY's currency
    symbol, period) and the value in base units as reduced integer terms. Plain data, which the line
    reader may work out in another process."""
    numerator, denominator = read_number(number[:-1] if kind == "PERCENT" else number)
    if kind == "PERCENT":
        denominator *= 100
    else:
        if kind == "MONEY":
            word = number[0]
        _, factor_num, factor_den = _unit_and_factor(kind, word, per)
        numerator, denominator = numerator * factor_num, denominator * factor_den
    common = gcd(numerator, denominator)
    return kind, word, per, numerator // common, denominator // common


def quantity_of(kind: str, word: str | None, per: str | None, numerator: int, denominator: int) -> q.Quantity:
    """The quantity of `quantity_terms`: the unit (cached) and one Fraction of the reduced terms."""
    unit = q.PERCENT if kind == "PERCENT" else _unit_and_factor(kind, word, per)[0]
    value = reduced(numerator, denominator)
    return q.Quantity(value, value, unit)


_TOLERANCES: dict[tuple[q.Unit, tuple[object, ...]], q.Tolerance] = {}


def tolerance_of(value: q.Quantity, terms: tuple) -> q.Tolerance:
    """The tolerance written after `value` (`± 10%`, `+/- $5k`), from its quantity's
    `quantity_terms`; cached, as most plans repeat a few tolerances."""
    key = (value.unit, terms)
    found = _TOLERANCES.get(key)
    if found is None:
        if len(_TOLERANCES) > 10_000:  # keep the cache small
            _TOLERANCES.clear()
        found = _TOLERANCES[key] = q.tolerance_for(value, quantity_of(*terms))
    return found


def read_date(text: str) -> q.PlanDate:
    """`2027-Q3`, `2027-07` or `2027-07-15` (the DATE token's text), checked against the calendar."""
    parts = text.split("-")
    year = int(parts[0])
    if year < MIN_YEAR:  # year 0 does not exist, and a fiscal year shift must stay in the calendar
        raise ValueRefused(
            f"'{text}' is too early: planlint reads years {MIN_YEAR} to 9999", "write the year in full, like 2027"
        )
    if parts[1].startswith("Q"):
        return q.PlanDate(year, quarter=int(parts[1][1]))
    month = int(parts[1])
    if not 1 <= month <= 12:
        raise ValueRefused(f"'{text}' has no month {month}", "months run from 01 to 12")
    day = int(parts[2]) if len(parts) > 2 else None
    if day is not None and not 1 <= day <= q._month_end(year, month).day:
        raise ValueRefused(f"'{text}' is not a day of the calendar")
    return q.PlanDate(year, month=month, day=day)
