"""Derivations written out for people: `leads.volume × leads.win_rate`, with the values put in.

Iterative (no recursion on the expression's depth), and pieces are merged
smaller-into-larger, so a derivation of thousands of terms prints in
near-linear time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from fractions import Fraction

from planlint.language import quantity as q
from planlint.model.plan import Amount, Binary, Expr, Literal, Negate, Reference
from planlint.model.written import value_text

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_SYMBOL = {"+": "+", "-": "-", "*": "×", "/": "÷"}
AS_WRITTEN = {"+": "+", "-": "-", "*": "*", "/": "/"}  # the plan's own operators, for review tables


def expression_text(
    expr: Expr,
    name_text: Callable[[str], str],
    literal_text: Callable[[Amount], str] | None = None,
    symbols: dict[str, str] = _SYMBOL,
) -> str:
    """An expression in plan-owner notation (`a × (b + c)`), each name shown by `name_text`
    and each number by `literal_text` (default: as planlint prints amounts)."""
    results: list[tuple[deque[str], int]] = []
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, Reference):
            results.append((deque([name_text(node.name)]), 9))
        elif isinstance(node, Literal):
            results.append((deque([(literal_text or amount_text)(node.amount)]), 9))
        elif not children_done:
            stack.append((node, True))
            stack.extend(
                [(node.right, False), (node.left, False)] if isinstance(node, Binary) else [(node.operand, False)]
            )
        elif isinstance(node, Negate):
            pieces, precedence = results.pop()
            # In brackets after a minus of its own as well: `-(-a.a)`, not `--a.a`.
            results.append((_wrap(pieces, precedence < 3 or pieces[0].startswith("-"), "-"), 3))
        else:
            (right, right_precedence), (left, left_precedence) = results.pop(), results.pop()
            precedence = _PRECEDENCE[node.op]
            left = _wrap(left, left_precedence < precedence)
            right = _wrap(right, right_precedence < precedence or (right_precedence == precedence and node.op in "-/"))
            results.append((_join(left, f" {symbols[node.op]} ", right), precedence))
    return "".join(results[0][0])


def _wrap(pieces: deque[str], parenthesise: bool, prefix: str = "") -> deque[str]:
    if parenthesise:
        pieces.appendleft("(")
        pieces.append(")")
    if prefix:
        pieces.appendleft(prefix)
    return pieces


def _join(left: deque[str], middle: str, right: deque[str]) -> deque[str]:
    if len(left) >= len(right):
        left.append(middle)
        left.extend(right)
        return left
    right.appendleft(middle)
    right.extendleft(reversed(left))
    return right


def amount_text(amount: Amount) -> str:
    """A number written in a derivation, as planlint prints it (ranges and tolerances in brackets);
    a plain number or percentage exactly when it has a short decimal form (`1.001`, not `1`)."""
    bracketed = amount.tolerance is not None or not amount.quantity.is_point  # `(14% .. 18%)` in a product
    text = value_text(amount) if bracketed else _exact_point(amount.quantity) or value_text(amount)
    return f"({text})" if bracketed else text


def _exact_point(value: q.Quantity) -> str | None:
    """A plain number or a percentage with as many decimals as it needs to read back exactly."""
    unit = value.unit
    if unit.dims or unit.label or unit.currency or unit.time_power or unit.per_duration:
        return None
    scale = 100 if unit.percent else 1
    for finer in range(q.MORE_DIGITS + 1):
        text = q.format_magnitude(value.lo, unit, 0, finer)
        try:
            if Fraction(text.rstrip("%").replace(",", "")) / scale == value.lo:
                return text
        except ValueError:  # a form this reading does not know (a scale word): as usual
            return None
    return None
