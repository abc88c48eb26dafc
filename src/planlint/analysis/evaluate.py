"""What the plan actually delivers: values computed from the producers' numbers.

A consumed name is worth what its producer states; a derived metric is its
expression evaluated on what its inputs' producers deliver (never on what the
deriving team assumed). Everything is exact and interval-valued, and nothing
recurses on the plan's depth: derivation chains and expressions of any
length are walked with explicit stacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from planlint.analysis.graph import InterlockGraph
from planlint.language import exact
from planlint.language import quantity as q
from planlint.language.limits import LIMITS
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
    """Computes, once per name, what the producers deliver.

    `known` may answer for names whose value an earlier run worked out and nothing they depend
    on has changed since (None for the others): they are then not computed again.
    """

    def __init__(self, graph: InterlockGraph, known: Callable[[str], Outcome | None] | None = None) -> None:
        self.graph = graph
        self._known = known
        self._memo: dict[str, Outcome] = {}
        self._inputs: dict[str, list[str]] = {}  # see _inputs_of
        for group in graph.cyclic_names():
            circular = Unknown("circular", tuple(group))  # one per group: a long cycle must not cost n²
            for name in group:
                self._memo[name] = circular

    def computed(self) -> dict[str, Outcome]:
        """Every value worked out (or taken from `known`) so far, by name."""
        return self._memo

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
            if self._known is not None:
                found = self._known(current)
                if found is not None:
                    memo[current] = found
                    stack.pop()
                    continue
            producer = self.graph.producer(current)
            if isinstance(producer, Derive):
                inputs = self._inputs_of(producer)
                pending = [name for name in inputs if name not in memo]
                if pending:
                    stack.extend(pending)
                    continue
                memo[current] = self._evaluate(producer, inputs)
            else:
                memo[current] = _stated(current, producer)
            stack.pop()
        return memo[name]

    def evaluate_all(self) -> None:
        """Work out every derived value at once, each after its inputs (the graph's evaluation
        order): what `value_of` finds by searching, without the search. For a whole plan, before
        it is judged; a name on a loop or after one is left to `value_of`."""
        memo, graph = self._memo, self.graph
        for name in graph.evaluation_order():
            if name in memo:
                continue
            derive = graph.producer(name)
            assert isinstance(derive, Derive)
            inputs = self._inputs_of(derive)
            for input_name in inputs:
                if input_name not in memo:  # not a derived one (those come earlier in the order)
                    self.value_of(input_name)
            memo[name] = self._evaluate(derive, inputs)

    def _inputs_of(self, derive: Derive) -> list[str]:
        """The names the derivation that counts for its name refers to, walked out of its formula once."""
        inputs = self._inputs.get(derive.name)
        if inputs is None:
            inputs = self._inputs[derive.name] = [ref.name for ref in references(derive.expr)]
        return inputs

    def delivered_by(self, derive: Derive) -> Outcome:
        """What this derivation of its name computes, whether or not it is the producer that counts."""
        if self.graph.producer(derive.name) is derive:
            return self.value_of(derive.name)
        inputs = [ref.name for ref in references(derive.expr)]
        for name in inputs:
            self.value_of(name)
        return self._evaluate(derive, inputs)

    def _evaluate(self, derive: Derive, inputs: list[str]) -> Outcome:
        """`derive`'s value, once the value of each of its `inputs` (the names it refers to) is known."""
        missing: list[str] = []
        broken: list[str] = []
        memo = self._memo
        for name in inputs:
            outcome = memo[name]
            if isinstance(outcome, Unknown):
                if outcome.reason in ("unresolved", "no-value"):
                    missing.extend(outcome.names)
                else:  # circular or invalid upstream: produced, but its own rule reports why it has no value
                    broken.append(name)
        if missing:
            return Unknown("unresolved", tuple(dict.fromkeys(missing)))
        if broken:
            return Unknown("broken", tuple(dict.fromkeys(broken)))
        # Every input is Known here (an Unknown one returned above).
        return evaluate_expr(derive.expr, lambda name: self._memo[name].quantity)  # type: ignore[union-attr]


def _stated(name: str, producer: Produces | None) -> Outcome:
    if producer is None:
        return Unknown("unresolved", (name,))
    if isinstance(producer.value, Amount):
        return Known(amount_quantity(producer.value))
    return Unknown("no-value", (name,))


def evaluate_expr(expr: Expr, lookup: Callable[[str], q.Quantity]) -> Outcome:
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
        result = left + right
    elif op == "-":
        result = left - right
    elif op == "*":
        result = left * right
    else:
        result = left / right
    _check_size(result)
    return result


def _check_size(value: q.Quantity) -> None:
    """Exact numbers grow without end (a chain of squarings doubles the digits at each step): a result
    past the limit is refused, so the next step never takes minutes, and printing it never overflows."""
    bits = LIMITS.number_bits
    for bound in (value.lo,) if value.lo is value.hi else (value.lo, value.hi):  # a point: one bound
        try:  # CPython's Fraction keeps its terms in two slots; `numerator` is a slower property
            numerator, denominator = bound._numerator, bound._denominator  # type: ignore[attr-defined]
        except AttributeError:
            numerator, denominator = bound.numerator, bound.denominator
        if numerator.bit_length() > bits or denominator.bit_length() > bits:
            raise q.QuantityError(
                f"the result has more than {int(bits * 0.30103):,} digits, past what planlint computes "
                "(a chain of derivations that multiplies a value by itself?)"
            )


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

    @property
    def apart_by(self) -> Fraction | None:
        """`ratio`, where the nearest points differ; None where they are equal (a value met exactly,
        or a range overlapping what is asked, as one that partly fits does): 1× says nothing."""
        return self.ratio if self.asked != self.delivered else None

    @property
    def missed_by(self) -> Fraction | None:
        """`ratio`, for a value that fails (its nearest points always differ); None otherwise."""
        return self.apart_by if self.status == FAILS else None


def nearest_ratio(asked: q.Quantity, delivered: q.Quantity) -> Fraction | None:
    """`asked` over `delivered`, each at its point nearest to the other (1 where they overlap);
    None when that point of `delivered` is zero."""
    if exact.less(asked.hi, delivered.lo):
        asked_point, delivered_point = asked.hi, delivered.lo
    elif exact.less(delivered.hi, asked.lo):
        asked_point, delivered_point = asked.lo, delivered.hi
    else:
        asked_point = delivered_point = max(asked.lo, delivered.lo)
    return None if delivered_point == 0 else asked_point / delivered_point


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


def fits_at_a_glance(requirement: Requirement, delivered: q.Quantity, default_tolerance: Fraction) -> bool:
    """True when `delivered`, a point, meets an `=` asked of a point within its tolerance: the
    commonest comparison, where `assess` would say FITS, decided without working out the accepted
    bounds. False says nothing: `assess` decides."""
    amount = requirement.value
    if requirement.op != "=" or delivered.lo is not delivered.hi or not isinstance(amount, Amount) or amount.is_range:
        return False
    return (amount.tolerance or _default_tolerance(default_tolerance)).holds(amount.quantity, delivered.lo)


def assess(requirement: Requirement, delivered: q.Quantity, default_tolerance: Fraction) -> Fit:
    """Range semantics: fits when the whole delivered range meets it, partly when some does."""
    lo, hi = accepted_bounds(requirement, default_tolerance)
    low, high = delivered.lo, delivered.hi
    less = exact.less  # exact, and several times cheaper than Fraction's own comparisons
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
