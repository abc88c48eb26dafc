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
from typing import TypeAlias, cast

from planlint.language import quantity as q
from planlint.language.exact import reduced
from planlint.language.grammar import keywords
from planlint.language.limits import LIMITS

KEYWORDS = keywords()
MIN_YEAR = 1000
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


# `quantity_of`'s arguments: the unit's key (kind: PERCENT, MONEY or NUMBER; the unit word, or MONEY's
# currency symbol; the period) and the value in base units as reduced integer terms (numerator, denominator).
QuantityTerms: TypeAlias = tuple[str, str | None, str | None, int, int]


class ValueRefused(ValueError):
    """A written value planlint cannot accept; `part` says which token is at fault, and
    `suggestion` is the one spelling that replaces it and parses, when there is one."""

    def __init__(self, message: str, help: str = "", part: str = "number", suggestion: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.help = help
        self.part = part  # "number", "unit" or "quantity" (the number and its unit word)
        self.suggestion = suggestion


def read_number(text: str) -> tuple[int, int]:
    """A NUMBER or MONEY token's text (`4,000`, `$1.5M`, `24k`) -> (numerator, denominator), not reduced."""
    if text[-1:] in _DIGITS:  # most numbers have no k, M or B: no suffix to look for
        digits, scale = text, 1
    else:
        digits, scale = _scale(text)
    if digits[:1] in _CURRENCY_SYMBOLS:
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
    whole, _, decimals = digits.partition(".")
    try:
        return int(whole + decimals) * scale, 10 ** len(decimals)
    except ValueError:  # not from a NUMBER token
        raise ValueRefused(f"'{text}' is not a number planlint can read") from None


_CURRENCY_SYMBOLS = frozenset(q.CURRENCY_SYMBOLS)


_DIGITS = frozenset("0123456789")


def _scale(text: str) -> tuple[str, int]:
    """The digits of a number with a letter suffix, and the suffix's scale (24k: 24, 1000)."""
    digits = text.rstrip(_LETTERS)
    suffix = text[len(digits) :]
    scale = q.SCALE.get(suffix)
    if scale is None:
        meant = SCALE_WORDS.get(suffix) or SCALE_WORDS.get(suffix.lower())
        if suffix in ("m", "mm"):
            raise ValueRefused(
                f"'{text}' is ambiguous: finance reads m as million, science as milli",
                f"write '{digits}M' for million",
                suggestion=f"{digits}M",
            )
        if meant is not None:
            raise _scale_refused(text, digits + meant, "number")
        if suffix.lower() in PERCENT_WORDS and digits[:1] not in q.CURRENCY_SYMBOLS:
            raise ValueRefused(
                f"'{text}' is not a percentage planlint can read",
                _PERCENT_HELP,
                suggestion=f"{digits}%",
            )
        if len(suffix) > 2 and suffix.isalpha() and digits[:1] not in q.CURRENCY_SYMBOLS:
            spaced = f"{digits} {suffix}"
            raise ValueRefused(
                f"'{text}' is not a number planlint can read",
                f"put a space between the number and its unit: '{spaced}'",
                suggestion=spaced,
            )
        raise ValueRefused(f"'{text}' is not a number planlint can read", _SCALE_HELP)
    return digits, scale


_SCALE_HELP = "use k, M or B for thousands, millions or billions, like '24k'"
_PERCENT_HELP = "write a percentage with the % sign right after the number, like '20%'"
# How else finance writes thousands, millions and billions, and the one suffix planlint reads for each.
SCALE_WORDS = {
    "K": "k",
    "thousand": "k",
    "thousands": "k",
    "MM": "M",
    "mil": "M",
    "mio": "M",
    "mn": "M",
    "mln": "M",
    "million": "M",
    "millions": "M",
    "b": "B",
    "bn": "B",
    "bil": "B",
    "billion": "B",
    "billions": "B",
}
# Scale words written apart from their number (`3 million leads`); `K` and `b` are also units' names.
SCALE_WORDS_APART = {word: suffix for word, suffix in SCALE_WORDS.items() if word not in ("K", "b")}
PERCENT_WORDS = frozenset(["pct", "percent"])


def _scale_refused(written: str, suggestion: str, part: str) -> ValueRefused:
    return ValueRefused(f"'{written}' is not a number planlint can read", _SCALE_HELP, part, suggestion)


_UNITS: dict[tuple[str, str | None, str | None], tuple[q.Unit, int, int]] = {}


def _unit_and_factor(kind: str, word: str | None, per: str | None) -> tuple[q.Unit, int, int]:
    """The unit of a quantity and the factor (num, den) to its base units, cached: units repeat."""
    key = (kind, word, per)
    found = _UNITS.get(key)
    if found is not None:
        return found
    if kind == "MONEY":
        unit = q.money_unit(q.CURRENCY_SYMBOLS[cast(str, word)])  # MONEY's word is its currency symbol
    elif word is None:
        unit = q.NUMBER
    elif word.upper() in q.ISO_CURRENCIES:  # ISO codes in any case: `24000 usd`
        unit = q.money_unit(word.upper())
    elif _near_miss_word(word, per):
        raise _NearMissWord
    elif word in KEYWORDS:
        raise ValueRefused(
            f"'{word}' is a keyword and cannot be a unit", "start the next statement on a new line", part="unit"
        )
    else:
        unit = q.count_unit(word)
    # Stored in base units: rates per year (500 leads/month is 6000 leads/year), durations
    # in years, and a duration per period (5 days/month) as the plain ratio of the two.
    # A unit with a time power has a time unit.
    factor = q.PERIOD_YEARS[cast(str, unit.time_unit)] if unit.time_power > 0 else Fraction(1)
    if per is not None:
        period = period_of(per)
        unit = q.per_period(unit, period)
        factor /= q.PERIOD_YEARS[period]
    found = _UNITS[key] = (unit, factor.numerator, factor.denominator)
    return found


def period_of(per: str) -> str:
    """The period a PER token names: `/month`, `/ mo`, `per month` -> "month"."""
    return q.PERIOD_ALIASES[per.removeprefix("per").lstrip("/ \t")]


def read_quantity(kind: str, number: str, word: str | None = None, per: str | None = None) -> q.Quantity:
    """A quantity from its tokens' text: kind is PERCENT, MONEY or NUMBER (the number token's type),
    `word` the unit word after a NUMBER, `per` the period token (`/month`)."""
    return quantity_of(*quantity_terms(kind, number, word, per))


def quantity_terms(kind: str, number: str, word: str | None, per: str | None) -> QuantityTerms:
    """`quantity_of`'s arguments from the tokens' text: the unit's key (kind, word: MONEY's currency
    symbol, period) and the value in base units as reduced integer terms. Plain data, which the line
    reader may work out in another process."""
    numerator, denominator = read_number(number[:-1] if kind == "PERCENT" else number)
    if kind == "MONEY":
        word = number[0]
    try:
        return _in_base_units(kind, word, per, numerator, denominator)
    except _NearMissWord:
        raise _refused_word(number, word, per) from None  # type: ignore[arg-type]


def _in_base_units(kind: str, word: str | None, per: str | None, numerator: int, denominator: int) -> QuantityTerms:
    """`quantity_terms` of the number numerator / denominator written in the unit (kind, word, per)."""
    if kind == "PERCENT":
        denominator *= 100
    else:
        _, factor_num, factor_den = _unit_and_factor(kind, word, per)
        numerator, denominator = numerator * factor_num, denominator * factor_den
    common = gcd(numerator, denominator)
    return kind, word, per, numerator // common, denominator // common


class _NearMissWord(Exception):
    """A unit word that means percent or a scale (`pct`, `million`): its number makes the message."""


def _near_miss_word(word: str, per: str | None) -> bool:
    lower = word.lower()
    return (lower in PERCENT_WORDS and per is None) or word in SCALE_WORDS_APART or lower in SCALE_WORDS_APART


def _refused_word(number: str, word: str, per: str | None) -> ValueRefused:
    """`20 pct` and `3 million leads` are near misses of `20%` and `3M`: refused with the spelling
    that parses (the quantity's number and unit word are replaced by it)."""
    lower = word.lower()
    if lower in PERCENT_WORDS and per is None:
        return ValueRefused(
            f"'{number} {word}' is not a percentage planlint can read",
            _PERCENT_HELP,
            part="quantity",
            suggestion=f"{number}%",
        )
    meant = SCALE_WORDS_APART.get(word) or SCALE_WORDS_APART[lower]
    if number[-1:] not in _DIGITS:  # `3k million`: no one spelling
        return ValueRefused(f"'{number} {word}' is not a number planlint can read", _SCALE_HELP, "quantity")
    return _scale_refused(f"{number} {word}", number + meant, "quantity")


def negated(terms: QuantityTerms) -> QuantityTerms:
    """`quantity_terms` of the quantity with a minus before it (`-$1M/year`)."""
    kind, word, per, numerator, denominator = terms
    return kind, word, per, -numerator, denominator


def range_terms(low: QuantityTerms, high: QuantityTerms) -> tuple[QuantityTerms, QuantityTerms]:
    """The `quantity_terms` of a range's two ends, where a bare number at one end takes the other
    end's unit (`14 .. 18%` is 14% .. 18%, `$20k .. 30k` is $20k .. $30k)."""
    if _bare(low) and not _bare(high):
        return _in_unit_of(low, high), high
    if _bare(high) and not _bare(low):
        return low, _in_unit_of(high, low)
    return low, high


def _bare(terms: QuantityTerms) -> bool:
    kind, word, per = terms[:3]
    return kind == "NUMBER" and word is None and per is None


def _in_unit_of(bare: QuantityTerms, other: QuantityTerms) -> QuantityTerms:
    return _in_base_units(*other[:3], *bare[3:])


def quantity_of(kind: str, word: str | None, per: str | None, numerator: int, denominator: int) -> q.Quantity:
    """The quantity of `quantity_terms`: the unit (cached) and one Fraction of the reduced terms."""
    unit = q.PERCENT if kind == "PERCENT" else _unit_and_factor(kind, word, per)[0]
    value = reduced(numerator, denominator)
    return q.Quantity(value, value, unit)


_TOLERANCES: dict[tuple[q.Unit, QuantityTerms], q.Tolerance] = {}


def tolerance_of(value: q.Quantity, terms: QuantityTerms) -> q.Tolerance:
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
