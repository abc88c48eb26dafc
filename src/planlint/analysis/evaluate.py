"""What the plan actually delivers: values computed from the producers' numbers.

A consumed name is worth what its producer states; a derived metric is its
expression evaluated on what its inputs' producers deliver (never on what the
deriving team assumed). Everything is exact and interval-valued, and nothing
recurses on the plan's depth: derivation chains and expressions of any
length are walked with explicit stacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from planlint.analysis.graph import InterlockGraph
from planlint.language import quantity as q
from planlint.language.records import record
from planlint.model.plan import (
    Amount,
    Binary,
    Derive,
    Expr,
    Literal,
    Negate,
    Produces,
    Reference,
    Requirement,
    references,
)


@record
class Known:
    quantity: q.Quantity


@dataclass(frozen=True, slots=True)
class Unknown:
    """Why a value cannot be computed: `unresolved`, `no-value`, `circular`, `invalid`, or
    `broken` (an input is circular or invalid, which that input's own finding reports)."""

    reason: str
    names: tuple[str, ...] = ()  # the unresolved or value-less inputs
    detail: str = ""
    node: Expr | None = None  # for `invalid`: where the arithmetic failed


Outcome = Known | Unknown


def amount_quantity(amount: Amount) -> q.Quantity:
    """A stated amount as an interval; a producer's tolerance widens it to what it stands behind."""
    if amount.tolerance is not None:
        return amount.tolerance.around(amount.quantity)
    return amount.quantity


class Evaluator:
    """Computes, once per name, what the producers deliver."""

    def __init__(self, graph: InterlockGraph) -> None:
        self.graph = graph
        self._memo: dict[str, Outcome] = {}
        for group in graph.cyclic_names():
            circular = Unknown("circular", tuple(group))  # one per group: a long cycle must not cost n²
            for name in group:
                self._memo[name] = circular

    def value_of(self, name: str) -> Outcome:
        memo = self._memo
        if name in memo:
            return memo[name]
        stack = [name]
        while stack:
            current = stack[-1]
            if current in memo:
                stack.pop()
                continue
            producer = self.graph.producer(current)
            if isinstance(producer, Derive):
                pending = [r.name for r in references(producer.expr) if r.name not in memo]
                if pending:
                    stack.extend(pending)
                    continue
                memo[current] = self._evaluate(producer)
            else:
                memo[current] = _stated(current, producer)
            stack.pop()
        return memo[name]

    def _evaluate(self, derive: Derive) -> Outcome:
        missing, broken = [], []
        for ref in references(derive.expr):
            outcome = self._memo[ref.name]
            if isinstance(outcome, Unknown):
                if outcome.reason in ("unresolved", "no-value"):
                    missing.extend(outcome.names)
                else:  # circular or invalid upstream: produced, but its own rule reports why it has no value
                    broken.append(ref.name)
        if missing:
            return Unknown("unresolved", tuple(dict.fromkeys(missing)))
        if broken:
            return Unknown("broken", tuple(dict.fromkeys(broken)))
        return evaluate_expr(derive.expr, lambda name: self._memo[name].quantity)  # type: ignore[union-attr]


def _stated(name: str, producer: Produces | None) -> Outcome:
    if producer is None:
        return Unknown("unresolved", (name,))
    if isinstance(producer.value, Amount):
        return Known(amount_quantity(producer.value))
    return Unknown("no-value", (name,))


def evaluate_expr(expr: Expr, lookup) -> Outcome:
    """Evaluate iteratively (post-order with an explicit stack); `lookup(name)` gives inputs."""
    results: list[q.Quantity] = []
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, Reference):
            results.append(lookup(node.name))
        elif isinstance(node, Literal):
            results.append(amount_quantity(node.amount))
        elif not children_done:
            stack.append((node, True))
            if isinstance(node, Binary):
                stack.append((node.right, False))
                stack.append((node.left, False))
            else:
                stack.append((node.operand, False))
        elif isinstance(node, Negate):
            results.append(-results.pop())
        else:
            right, left = results.pop(), results.pop()
            try:
                results.append(apply_operator(node.op, left, right))
            except q.QuantityError as err:
                return Unknown("invalid", detail=str(err), node=node)
    return Known(results[0])


def apply_operator(op: str, left: q.Quantity, right: q.Quantity) -> q.Quantity:
    """`left op right` for the four operators of a derivation."""
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    return left / right


# Requirements ---------------------------------------------------------------

FITS, PARTLY, FAILS = "fits", "partly", "fails"


@record
class Fit:
    """How a delivered value meets a requirement, and by how much it misses."""

    status: str  # fits / partly / fails
    accepted: tuple[Fraction | None, Fraction | None]  # None: unbounded on that side
    asked: Fraction  # the requirement's point nearest to what is delivered
    delivered: Fraction  # the delivered point nearest to `asked`

    @property
    def ratio(self) -> Fraction | None:
        """asked / delivered: 2.08 when $50k is assumed and $24k delivered."""
        return None if self.delivered == 0 else self.asked / self.delivered


def accepted_bounds(requirement: Requirement, default_tolerance: Fraction) -> tuple[Fraction | None, Fraction | None]:
    """The interval a requirement accepts; `=` on a point uses its own or the default tolerance."""
    amount = requirement.value
    assert isinstance(amount, Amount)
    value = amount.quantity
    if requirement.op == ">=":
        return value.lo, None
    if requirement.op == "<=":
        return None, value.hi
    if requirement.op == "=" and not amount.is_range:
        return (amount.tolerance or _default_tolerance(default_tolerance)).bounds(value)
    return value.lo, value.hi


_DEFAULT_TOLERANCES: dict[Fraction, q.Tolerance] = {}


def _default_tolerance(amount: Fraction) -> q.Tolerance:
    found = _DEFAULT_TOLERANCES.get(amount)
    if found is None:
        found = _DEFAULT_TOLERANCES[amount] = q.Tolerance(amount, relative=True)
    return found


def assess(requirement: Requirement, delivered: q.Quantity, default_tolerance: Fraction) -> Fit:
    """Range semantics: fits when the whole delivered range meets it, partly when some does."""
    lo, hi = accepted_bounds(requirement, default_tolerance)
    low, high = delivered.lo, delivered.hi
    less = q.less  # exact, and several times cheaper than Fraction's own comparisons
    # Points (lo is hi, as the parser makes them) skip the comparisons that cannot change the answer.
    if (lo is not None and less(high, lo)) or (hi is not None and less(hi, low)):
        status = FAILS
    elif low is high or ((lo is None or not less(low, lo)) and (hi is None or not less(hi, high))):
        status = FITS  # a point that does not fail fits
    else:
        status = PARTLY
    stated = requirement.value.quantity  # type: ignore[union-attr]  # an Amount: accepted_bounds asserts it
    if requirement.op == ">=":
        asked = stated.lo
    elif requirement.op == "<=" or stated.lo is stated.hi:
        asked = stated.hi
    elif less(high, stated.lo):  # the requirement's point nearest to what is delivered
        asked = stated.lo
    elif less(stated.hi, low):
        asked = stated.hi
    else:
        asked = stated.nearest(low)
    return Fit(status, (lo, hi), asked, low if low is high else delivered.nearest(asked))
