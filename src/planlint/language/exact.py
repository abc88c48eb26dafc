"""Exact numbers at the speed the rules need: Fractions built and compared in integers.

planlint's quantities are exact (`Fraction`), and at organisation scale the
parser builds hundreds of thousands of them and the rules compare as many
bounds. Fraction's own constructor and comparisons go through the generic
number tower; these do the same arithmetic on the integer terms.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd


def _has_slots() -> bool:
    probe = Fraction(1, 2)
    return getattr(probe, "_numerator", None) == 1 and getattr(probe, "_denominator", None) == 2


_FRACTION_SLOTS = _has_slots()
_new_object = object.__new__


def exact(numerator: int, denominator: int) -> Fraction:
    """`Fraction(numerator, denominator)` for ints with `denominator > 0`, at a third of the cost.

    The parser builds one per value read. CPython's Fraction keeps its reduced
    terms in two slots, which this fills directly; elsewhere it is the constructor.
    """
    common = gcd(numerator, denominator)
    return reduced(numerator // common, denominator // common)


def reduced(numerator: int, denominator: int) -> Fraction:
    """`exact` for terms already in lowest terms (`denominator > 0`): no gcd to work out again."""
    if not _FRACTION_SLOTS:
        return Fraction(numerator, denominator)
    value = _new_object(Fraction)
    value._numerator, value._denominator = numerator, denominator  # type: ignore[attr-defined]  # CPython's slots
    return value


def less(a: Fraction, b: Fraction) -> bool:
    """`a < b` for exact numbers (Fractions or ints), by cross-multiplication.

    Equal to Fraction's `<` (denominators are positive) at a tenth of its cost:
    the rules compare hundreds of thousands of bounds. CPython's Fraction keeps
    its terms in two slots; the public properties are the fallback.
    """
    try:
        # CPython's slots, which typeshed does not declare
        return a._numerator * b._denominator < b._numerator * a._denominator  # type: ignore[attr-defined,no-any-return]
    except AttributeError:  # an int, or a Fraction without those slots
        return a.numerator * b.denominator < b.numerator * a.denominator


def round_half_even(numerator: int, denominator: int) -> int:
    """round(Fraction(numerator, denominator)) in integers (ties to even, as round() does)."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2):
        return quotient + 1
    return quotient
