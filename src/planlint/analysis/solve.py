"""How a metric answers to one of its inputs: its value with the input set to something else,
whether it rises or falls with it, and exactly which values of the input make a goal on it hold.

Everything is the evaluator's own exact interval arithmetic (a metric is worst .. best case), so
"the goal holds" means what goal-shortfall checks, and nothing here recurses on the plan's depth.

The derivations under a metric form a tree once every derived name is written out where it is
used. An input that appears once in that tree is solved exactly, top-down: at `L op R` the set of
values of `L` for which `L op R` stays inside the bounds asked of the node is an interval worked
out from `R`'s interval (one operation of interval arithmetic is exact), down to the input. An
input that appears more than once is solved only where the metric provably moves one way with
it (`direction`): then the bound is found by a bracketed secant on exact numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from planlint.analysis.evaluate import (
    Evaluator,
    Known,
    Outcome,
    amount_quantity,
    apply_operator,
    evaluate_expr,
)
from planlint.analysis.graph import InterlockGraph
from planlint.language import quantity as q
from planlint.model.plan import Binary, Derive, Expr, Literal, Negate, Reference, post_order, references

Bound = Fraction | None  # None: unbounded on that side
Bounds = tuple[Bound, Bound]
EVERYTHING: Bounds = (None, None)
_SECANT_STEPS = 60  # evaluations a bound of a repeated input may cost at most
_CLOSE_ENOUGH = Fraction(1, 10**12)  # relative width at which a bracket is a bound (printing rounds far coarser)


class NoAnswer(Exception):
    """An input for which the metric has no single way to go, or no value at all."""


@dataclass
class MetricTree:
    """The derivations under `metric`: what each derived name is computed from, how many ways each
    name reaches the metric (its occurrences once every derivation is written out), and the order
    to work them out in."""

    graph: InterlockGraph
    evaluator: Evaluator
    metric: str
    derives: dict[str, Derive] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # derived names, each before the names it uses
    leaves: list[str] = field(default_factory=list)  # names not derived here, first use first
    occurrences: dict[str, int] = field(default_factory=dict)
    users: dict[str, list[str]] = field(default_factory=dict)  # name -> the derived names using it
    # Names read inside a divisor (found by `bounds_of_single_inputs`): the values that answer for them
    # may lie on the divisor's other side of zero, which the bounds do not always reach.
    in_divisors: set[str] = field(default_factory=set)
    _rank: dict[str, int] = field(default_factory=dict)
    _cones: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: InterlockGraph, evaluator: Evaluator, metric: str) -> MetricTree:
        tree = cls(graph, evaluator, metric)
        tree._walk()
        return tree

    def _walk(self) -> None:
        finished: list[str] = []  # derived names, each after every name it uses (post-order)
        visited: set[str] = set()
        stack: list[tuple[str, bool]] = [(self.metric, False)]
        while stack:
            name, done = stack.pop()
            if done:
                finished.append(name)
                continue
            if name in visited:  # pushed twice: the later push was expanded first
                continue
            visited.add(name)
            derive = self.graph.producer(name)
            if not isinstance(derive, Derive):
                self.leaves.append(name)
                continue
            self.derives[name] = derive
            stack.append((name, True))
            used = list(dict.fromkeys(r.name for r in references(derive.expr)))
            for input_name in used:
                self.users.setdefault(input_name, []).append(name)
            stack.extend((n, False) for n in reversed(used) if n not in visited)
        self.order = finished[::-1]
        self._rank = {name: index for index, name in enumerate(self.order)}
        self.occurrences = {self.metric: 1}
        for name in self.order:
            times = self.occurrences.get(name, 0)
            for ref in references(self.derives[name].expr):
                self.occurrences[ref.name] = self.occurrences.get(ref.name, 0) + times

    # Values ---------------------------------------------------------------------

    def delivered(self, name: str) -> q.Quantity | None:
        outcome = self.evaluator.value_of(name)
        return outcome.quantity if isinstance(outcome, Known) else None

    def cone(self, name: str) -> list[str]:
        """The derived names whose value depends on `name`, each after the names it uses."""
        found = self._cones.get(name)
        if found is None:
            reached, stack = set(), [name]
            while stack:
                for user in self.users.get(stack.pop(), ()):
                    if user not in reached:
                        reached.add(user)
                        stack.append(user)
            found = self._cones[name] = sorted(reached, key=self._rank.__getitem__, reverse=True)
        return found

    def value_with(self, name: str, value: q.Quantity) -> Outcome:
        """The metric as if `name`'s producer stated `value`, everything else as delivered."""
        if name == self.metric:
            return Known(value)
        computed: dict[str, q.Quantity] = {name: value}
        for derived in self.cone(name):
            outcome = evaluate_expr(self.derives[derived].expr, lambda n: computed.get(n) or self._known(n))
            if not isinstance(outcome, Known):
                return outcome
            computed[derived] = outcome.quantity
        return Known(computed[self.metric])

    def _known(self, name: str) -> q.Quantity:
        found = self.delivered(name)
        if found is None:
            raise NoAnswer(name)
        return found

    def safely(self, name: str, value: q.Quantity) -> q.Quantity | None:
        """`value_with`'s quantity, or None when the metric cannot be computed that way."""
        try:
            outcome = self.value_with(name, value)
        except (NoAnswer, q.QuantityError):
            return None
        return outcome.quantity if isinstance(outcome, Known) else None

    # Inputs that appear once: exact bounds, top-down ----------------------------

    def bounds_of_single_inputs(self, asked: Bounds) -> dict[str, Bounds | None]:
        """For each leaf that appears once under the metric, the values it may take, alone, for
        the metric to stay within `asked` (None: no value does). Leaves whose way up to the metric
        passes a value that cannot be computed are left out."""
        found: dict[str, Bounds | None] = {}
        wanted: dict[str, Bounds | None] = {self.metric: asked}
        if self.metric not in self.derives:
            return wanted
        for name in self.order:
            if self.occurrences.get(name) != 1 or name not in wanted:
                continue
            for ref, bounds, divisor in _bounds_down(self.derives[name].expr, wanted[name], self._known):
                if self.occurrences.get(ref) == 1:
                    (wanted if ref in self.derives else found)[ref] = bounds
                    if divisor or name in self.in_divisors:
                        self.in_divisors.add(ref)
        return found

    def unit_needed(self, name: str, metric_unit: q.Unit) -> q.Unit | None:
        """The unit a leaf that appears once must be in for the metric to come out in `metric_unit`,
        worked out down the derivations from the metric to it (the others as delivered)."""
        path = [name]
        while path[-1] != self.metric:
            users = self.users.get(path[-1], [])
            if len(users) != 1:
                return None
            path.append(users[0])
        unit: q.Unit | None = metric_unit
        for derived, below in zip(path[:0:-1], path[-2::-1]):
            unit = _unit_down(self.derives[derived].expr, below, unit, self._node_value) if unit else None
        return unit

    def _node_value(self, node: Expr) -> q.Quantity | None:
        values, _ = _node_values(node, self._known)
        return values[id(node)]

    # Inputs that appear more than once: where the metric moves one way ----------

    def direction(self, name: str, over: q.Quantity) -> int | None:
        """+1 when both ends of the metric rise (or stay) as `name` rises anywhere in `over`, -1 when
        they fall, 0 when they do not depend on it, None when interval arithmetic cannot tell (a
        denominator that may cross zero, uses that pull both ways)."""
        if name == self.metric:
            return 1
        known: dict[str, tuple[q.Quantity, int | None]] = {name: (over, 1)}
        for derived in self.cone(name):
            found = _directed(self.derives[derived].expr, lambda n: known.get(n) or (self._known(n), 0))
            if found is None or found[1] is None:
                return None
            known[derived] = found
        return known[self.metric][1] if self.metric in known else 0  # not under the metric: no way at all

    def bounds_of_repeated(self, name: str, asked: Bounds) -> Bounds:
        """`bounds_of_single_inputs` for a leaf that appears more than once, where the metric moves
        one way with it between today's value and the bounds; raises `NoAnswer` where it does not,
        or where no value keeps the metric within `asked`."""
        now = self.delivered(name)
        if now is None:
            raise NoAnswer(name)
        way = self.direction(name, now)
        if not way:
            raise NoAnswer(name)
        floor, ceiling = asked
        low: Bound = None
        high: Bound = None
        if floor is not None:  # the metric's worst case must not fall below the floor
            below, above = self.crossing(name, now, way, _lowest, floor)
            low, high = (above, None) if way > 0 else (None, below)
        if ceiling is not None:  # nor its best case rise above the ceiling
            below, above = self.crossing(name, now, way, _highest, ceiling)
            low, high = _both((low, high), (None, below) if way > 0 else (above, None))
        if _empty((low, high)):
            raise NoAnswer(name)
        reach = [now.lo, now.hi, *(edge for edge in (low, high) if edge is not None)]
        if self.direction(name, q.Quantity(min(reach), max(reach), now.unit)) != way:
            raise NoAnswer(name)
        return low, high

    def crossing(
        self, name: str, now: q.Quantity, way: int, measure: Callable[[q.Quantity], Fraction], target: Fraction
    ) -> tuple[Fraction, Fraction]:
        """Where `measure(metric)` crosses `target` as `name` moves (the metric moving `way` with
        it): a bracket `(below, above)`, one value when the crossing is exact."""

        def gap(value: Fraction) -> Fraction:  # rises with `value`
            outcome = self.safely(name, q.Quantity.point(value, now.unit))
            if outcome is None:
                raise NoAnswer(name)
            return (measure(outcome) - target) * way

        at_lo = gap(now.lo)  # from the end nearer the crossing (or on it), each end evaluated once
        return _root(gap, now.lo, at_lo) if at_lo >= 0 else _root(gap, now.hi)


def _lowest(value: q.Quantity) -> Fraction:
    return value.lo


def _highest(value: q.Quantity) -> Fraction:
    return value.hi


def _root(
    gap: Callable[[Fraction], Fraction], start: Fraction, at_start: Fraction | None = None
) -> tuple[Fraction, Fraction]:
    """Where the rising function `gap` crosses zero, from `start` (`at_start`: gap(start), when the
    caller has it): `(x, x)` when it lands on it (a secant does on a straight stretch), else a
    bracket `(low, high)` with gap(low) < 0 < gap(high) narrower than `_CLOSE_ENOUGH`, relatively."""
    low = high = start
    at_low = at_high = gap(start) if at_start is None else at_start
    if at_low == 0:
        return start, start
    step = max(abs(start), Fraction(1, 10**6))
    for _ in range(_SECANT_STEPS):  # bracket the root, doubling the step
        if at_low < 0 < at_high:
            break
        if at_low > 0:
            high, at_high, low = low, at_low, low - step
            at_low = gap(low)
        else:
            low, at_low, high = high, at_high, high + step
            at_high = gap(high)
        if at_low == 0 or at_high == 0:
            root = low if at_low == 0 else high
            return root, root
        step *= 2
    else:
        raise NoAnswer("no crossing")
    stale = 0  # Illinois: when one end stays twice, halve its weight, so the secant keeps closing in
    for _ in range(_SECANT_STEPS):
        guess = high - at_high * (high - low) / (at_high - at_low)
        if guess.denominator > 10**15:  # keep the numbers small: printing rounds far coarser
            guess = guess.limit_denominator(10**15)
        if not low < guess < high:
            guess = (low + high) / 2
        at_guess = gap(guess)
        if at_guess == 0:
            return guess, guess
        if at_guess < 0:
            low, at_low = guess, at_guess
            at_high, stale = (at_high / 2 if stale < 0 else at_high), -1
        else:
            high, at_high = guess, at_guess
            at_low, stale = (at_low / 2 if stale > 0 else at_low), 1
        if high - low <= _CLOSE_ENOUGH * max(abs(high), abs(low)):
            break
    return low, high


# Bounds down an expression ---------------------------------------------------


def _bounds_down(
    expr: Expr, asked: Bounds | None, lookup: Callable[[str], q.Quantity]
) -> list[tuple[str, Bounds | None, bool]]:
    """Each name `expr` refers to, with the values it may take for `expr` to stay within `asked`
    (the rest as delivered; `lookup` gives inputs and raises `NoAnswer` for one that has no
    value), None where no value does, and whether it is read inside a divisor. A name below a
    sibling that cannot be computed is left out."""
    values, named = _node_values(expr, lookup)
    found: list[tuple[str, Bounds | None, bool]] = []
    stack: list[tuple[Expr, Bounds | None, bool]] = [(expr, asked, False)]
    while stack:
        node, bounds, divisor = stack.pop()
        if isinstance(node, Reference):
            found.append((node.name, bounds, divisor))
        elif isinstance(node, Negate):
            stack.append((node.operand, None if bounds is None else (_neg(bounds[1]), _neg(bounds[0])), divisor))
        elif isinstance(node, Binary):
            for child, sibling, left in ((node.left, node.right, True), (node.right, node.left, False)):
                other = values[id(sibling)]
                if other is None or id(child) not in named:  # a sibling without a value; a child without names
                    continue
                under = node.op == "/" and not left
                mine = values[id(child)] if under else None
                side = -1 if mine is not None and mine.hi < 0 else 1
                below = None if bounds is None else _child_bounds(node.op, left, bounds, other, side)
                stack.append((child, below, divisor or under))
    return found


def _unit_down(expr: Expr, name: str, unit: q.Unit, value_of: Callable[[Expr], q.Quantity | None]) -> q.Unit | None:
    """The unit `name` (used once in `expr`) must have for `expr` to be in `unit`."""
    way: dict[int, tuple[Expr, Expr | None, bool]] = {}  # node id -> (its parent, its sibling, it is on the left)
    stack: list[Expr] = [expr]
    target: Expr | None = None
    while stack and target is None:
        node = stack.pop()
        if isinstance(node, Reference) and node.name == name:
            target = node
        elif isinstance(node, Binary):
            way[id(node.left)] = (node, node.right, True)
            way[id(node.right)] = (node, node.left, False)
            stack += [node.right, node.left]
        elif isinstance(node, Negate):
            way[id(node.operand)] = (node, None, True)
            stack.append(node.operand)
    if target is None:
        return None
    steps: list[tuple[Expr, Expr | None, bool]] = []
    node = target
    while id(node) in way:
        steps.append(way[id(node)])
        node = steps[-1][0]
    one = q.Quantity.point(1, unit)
    for parent, sibling, left in reversed(steps):
        if sibling is None or not isinstance(parent, Binary):
            continue  # a negation keeps the unit
        other = value_of(sibling)
        if other is None:
            return None
        known = q.Quantity.point(1, other.unit)
        try:
            if parent.op in "+-":
                one = known
            elif parent.op == "*":
                one = one / known
            else:
                one = one * known if left else known / one
        except q.QuantityError:
            return None
    return one.unit


def _node_values(expr: Expr, lookup: Callable[[str], q.Quantity]) -> tuple[dict[int, q.Quantity | None], set[int]]:
    """The value of every node of `expr` by id (None where it cannot be computed), and the ids of
    the nodes that refer to a name."""
    values: dict[int, q.Quantity | None] = {}
    named: set[int] = set()
    for node in post_order(expr):
        if isinstance(node, Reference):
            named.add(id(node))
            try:
                values[id(node)] = lookup(node.name)
            except NoAnswer:
                values[id(node)] = None
            continue
        if isinstance(node, Literal):
            values[id(node)] = amount_quantity(node.amount)
            continue
        operands = [node.left, node.right] if isinstance(node, Binary) else [node.operand]
        found = [values[id(operand)] for operand in operands]
        if any(id(operand) in named for operand in operands):
            named.add(id(node))
        try:
            values[id(node)] = None if None in found else _operated(node, found)  # type: ignore[arg-type]
        except q.QuantityError:
            values[id(node)] = None
    return values, named


def _operated(node: Binary | Negate, operands: list[q.Quantity]) -> q.Quantity:
    return apply_operator(node.op, *operands) if isinstance(node, Binary) else -operands[0]


def _child_bounds(op: str, left: bool, bounds: Bounds, other: q.Quantity, side: int) -> Bounds | None:
    """The values of one operand for which `operand op other` (or `other op operand` when not
    `left`) lies within `bounds`, given the other operand's interval; `side` is the sign the
    operand keeps when it is a divisor. None: no value does."""
    low, high = bounds
    k1, k2 = other.lo, other.hi
    found: Bounds | None
    if op == "+":
        found = (_minus(low, k1), _minus(high, k2))
    elif op == "-" and left:  # c - K: its lowest is c - k2
        found = (_plus(low, k2), _plus(high, k1))
    elif op == "-":  # K - c: its lowest is k1 - c
        found = (_from(k2, high), _from(k1, low))
    elif op == "*":
        found = _meet(_scaled_preimage(bounds, k1), _scaled_preimage(bounds, k2))
    elif left:  # c / K = c × (1/K), K not crossing zero
        found = _meet(_scaled_preimage(bounds, 1 / k1), _scaled_preimage(bounds, 1 / k2))
    else:  # K / c: with t = 1/c, K × t within bounds, c on its side of zero, else across it
        for way in (side, -side):
            found = _meet(*(_reciprocal(_scaled_preimage(bounds, k), way) for k in (k1, k2)))
            if found is not None and not _empty(found):
                return found
    return None if found is None or _empty(found) else found


def _scaled_preimage(bounds: Bounds, factor: Fraction) -> Bounds | None:
    """{c : c × factor within bounds}."""
    low, high = bounds
    if factor == 0:
        return EVERYTHING if (low is None or low <= 0) and (high is None or high >= 0) else None
    low, high = (None if low is None else low / factor), (None if high is None else high / factor)
    return (low, high) if factor > 0 else (high, low)


def _reciprocal(bounds: Bounds | None, side: int) -> Bounds | None:
    """{1/t : t within bounds, on `side` of zero}."""
    if bounds is None:
        return None
    t1, t2 = bounds
    if side > 0:
        if t2 is not None and t2 <= 0:
            return None
        return (Fraction(0) if t2 is None else 1 / t2), (1 / t1 if t1 is not None and t1 > 0 else None)
    if t1 is not None and t1 >= 0:
        return None
    return (1 / t2 if t2 is not None and t2 < 0 else None), (Fraction(0) if t1 is None else 1 / t1)


def _meet(a: Bounds | None, b: Bounds | None) -> Bounds | None:
    """Both bounds at once (None: no value at all, as either is)."""
    return None if a is None or b is None else _both(a, b)


def _both(a: Bounds, b: Bounds) -> Bounds:
    low = a[0] if b[0] is None else b[0] if a[0] is None else max(a[0], b[0])
    high = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    return (low, high)


def _empty(bounds: Bounds) -> bool:
    return bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]


def _neg(value: Bound) -> Bound:
    return None if value is None else -value


def _plus(value: Bound, amount: Fraction) -> Bound:
    return None if value is None else value + amount


def _minus(value: Bound, amount: Fraction) -> Bound:
    return None if value is None else value - amount


def _from(amount: Fraction, value: Bound) -> Bound:
    return None if value is None else amount - value


# Which way a metric moves ---------------------------------------------------------


def _directed(
    expr: Expr, lookup: Callable[[str], tuple[q.Quantity, int | None]]
) -> tuple[q.Quantity, int | None] | None:
    """`expr`'s interval and which way both its ends move with the input (see `direction`); None
    when it cannot be computed over the interval."""
    results: list[tuple[q.Quantity, int | None]] = []
    for node in post_order(expr):
        if isinstance(node, Reference):
            results.append(lookup(node.name))
        elif isinstance(node, Literal):
            results.append((amount_quantity(node.amount), 0))
        elif isinstance(node, Negate):
            value, way = results.pop()
            results.append((-value, None if way is None else -way))
        else:
            (right, right_way), (left, left_way) = results.pop(), results.pop()
            try:
                results.append((apply_operator(node.op, left, right), _way(node.op, left, left_way, right, right_way)))
            except q.QuantityError:
                return None
    return results[0]


def _way(op: str, left: q.Quantity, left_way: int | None, right: q.Quantity, right_way: int | None) -> int | None:
    """Which way `left op right` moves, from which way each operand moves and the signs they keep."""
    if left_way is None or right_way is None:
        return None
    if op == "+":
        return _together(left_way, right_way)
    if op == "-":
        return _together(left_way, -right_way)
    # A product or quotient moves with an operand only while the other keeps its sign.
    right_sign = _sign(right) if left_way else 0
    left_sign = _sign(left) if right_way else 0
    if right_sign is None or left_sign is None:
        return None
    if op == "*":
        return _together(left_way * right_sign, right_way * left_sign)
    return _together(left_way * right_sign, -right_way * left_sign)


def _together(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return None
    if a == 0 or a == b:
        return b
    return a if b == 0 else None


def _sign(value: q.Quantity) -> int | None:
    if value.lo >= 0:
        return 0 if value.hi == 0 else 1
    return -1 if value.hi <= 0 else None


__all__ = ["Bounds", "MetricTree", "NoAnswer"]
