"""Why a goal falls short: its derivation tree, the inputs that drive the gap,
and for each input the value that alone would close it.

Shared by the goal-shortfall rule and `planlint explain`.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from fractions import Fraction

from planlint.analysis.evaluate import FAILS, FITS, Evaluator, Fit, Known, assess, evaluate_expr
from planlint.analysis.graph import InterlockGraph
from planlint.language import quantity as q
from planlint.model.plan import Amount, Binary, Consumes, Derive, Expr, Goal, Negate, Reference, references


@dataclass(frozen=True, slots=True)
class Driver:
    """A leaf input whose delivered value misses what a team on the chain assumed."""

    name: str
    delivered: q.Quantity
    producer_team: str
    assumed: Consumes
    fit: Fit


def chain_of(graph: InterlockGraph, metric: str) -> tuple[list[Derive], list[str]]:
    """The derive lines under `metric` (top-down) and its leaf inputs, each once."""
    derives: list[Derive] = []
    leaves: list[str] = []
    seen = {metric}
    stack = [metric]
    while stack:
        name = stack.pop()
        producer = graph.producer(name)
        if isinstance(producer, Derive):
            derives.append(producer)
            for ref in reversed(references(producer.expr)):
                if ref.name not in seen:
                    seen.add(ref.name)
                    stack.append(ref.name)
        elif name != metric:
            leaves.append(name)
    return derives, leaves


def drivers(graph: InterlockGraph, evaluator: Evaluator, metric: str, tolerance: Fraction) -> list[Driver]:
    """Leaf inputs whose delivered value misses the chain's own assumption, biggest gap first."""
    derives, leaves = chain_of(graph, metric)
    teams = {d.team for d in derives} | {g.team for g in graph.goals_for(metric)}
    found = []
    for leaf in leaves:
        outcome = evaluator.value_of(leaf)
        producer = graph.producer(leaf)
        if not isinstance(outcome, Known) or producer is None:
            continue
        for consumption in graph.consumptions_of(leaf):
            statement = consumption.statement
            if (
                consumption.team not in teams
                or not isinstance(statement, Consumes)
                or statement.requirement is None
                or not isinstance(statement.requirement.value, Amount)
                or not statement.requirement.value.quantity.unit.comparable(outcome.quantity.unit)
            ):
                continue
            fit = assess(statement.requirement, outcome.quantity, tolerance)
            if fit.status != FITS:
                found.append(Driver(leaf, outcome.quantity, producer.team, statement, fit))
                break
    return sorted(found, key=lambda d: -abs(_log_distance(d.fit.ratio)))


def _log_distance(ratio: Fraction | None) -> Fraction:
    if ratio is None or ratio == 0:
        return Fraction(10**9)
    return ratio if ratio >= 1 else 1 / ratio


def goal_point(goal: Goal) -> Fraction:
    """The target's point a computed value is measured against (for shares)."""
    value = goal.requirement.value
    assert isinstance(value, Amount)
    return value.quantity.hi if goal.requirement.op == "<=" else value.quantity.lo


def goal_share(computed: q.Quantity, goal: Goal) -> str:
    """The computed value as a share of the target: `76.8%`, or `64.8% .. 79.2%` for a range."""
    point = goal_point(goal)
    if computed.is_point:
        return q.format_share(computed.lo, point)
    return f"{q.format_share(computed.lo, point)} .. {q.format_share(computed.hi, point)}"


def assess_goal(goal: Goal, computed: q.Quantity, tolerance: Fraction) -> Fit:
    return assess(goal.requirement, computed, tolerance)


# Closing the gap ------------------------------------------------------------


def closing_values(graph: InterlockGraph, evaluator: Evaluator, metric: str, target: Fraction) -> dict[str, Fraction]:
    """For each leaf input, the value that alone brings `metric` to `target`.

    Inverts the derivations exactly along the one path from the metric to the
    input, using the delivered values (the worst case of a range) elsewhere.
    Inputs used more than once, or through more than one path, are left out.
    """
    derives, leaves = chain_of(graph, metric)
    occurrences = Counter(ref.name for derive in derives for ref in references(derive.expr))
    targets = {metric: target}
    queue = deque([metric])
    while queue:  # top-down: a name used exactly once has one parent to solve from
        name = queue.popleft()
        derive = graph.producer(name)
        if not isinstance(derive, Derive):
            continue
        for ref in references(derive.expr):
            if occurrences[ref.name] != 1 or ref.name in targets:
                continue
            solved = _invert(derive.expr, ref.name, targets[name], evaluator)
            if solved is not None:
                targets[ref.name] = solved
                queue.append(ref.name)
    return {leaf: targets[leaf] for leaf in leaves if leaf in targets}


def closing_bounds(
    graph: InterlockGraph, evaluator: Evaluator, metric: str, target: Fraction
) -> list[tuple[str, str, q.Quantity]]:
    """`(name, ">= $31.25k", delivered)` for each input that alone closes the gap.

    The bound is rounded the way the input has to move, so it still closes the
    gap as printed (15.625% prints as `>= 15.63%`, not 15.62%).
    """
    found = []
    for name, value in closing_values(graph, evaluator, metric, target).items():
        outcome = evaluator.value_of(name)
        if isinstance(outcome, Known) and value > 0:
            upward = value > outcome.quantity.lo
            shown = q.format_magnitude(value, outcome.quantity.unit, 1 if upward else -1)
            found.append((name, f"{'>=' if upward else '<='} {shown}", outcome.quantity))
    return found


def _invert(expr: Expr, name: str, target: Fraction, evaluator: Evaluator) -> Fraction | None:
    """Solve `expr == target` for the single occurrence of `name`, top-down."""
    node = expr
    while not (isinstance(node, Reference) and node.name == name):
        if isinstance(node, Negate):
            node, target = node.operand, -target
            continue
        if not isinstance(node, Binary):
            return None
        in_left = any(r.name == name for r in references(node.left))
        inside, other = (node.left, node.right) if in_left else (node.right, node.left)
        known = _point(other, evaluator)
        if known is None:
            return None
        try:
            target = _undo(node.op, target, known, in_left)
        except ZeroDivisionError:
            return None
        node = inside
    return target


def _undo(op: str, target: Fraction, known: Fraction, unknown_on_left: bool) -> Fraction:
    if op == "+":
        return target - known
    if op == "*":
        return target / known
    if op == "-":
        return target + known if unknown_on_left else known - target
    return target * known if unknown_on_left else known / target


def _point(expr: Expr, evaluator: Evaluator) -> Fraction | None:
    def lookup(name: str) -> q.Quantity:
        outcome = evaluator.value_of(name)
        if not isinstance(outcome, Known):
            raise LookupError(name)
        return outcome.quantity

    try:
        outcome = evaluate_expr(expr, lookup)
    except LookupError:
        return None
    return outcome.quantity.lo if isinstance(outcome, Known) else None


__all__ = [
    "FAILS",
    "FITS",
    "Driver",
    "assess_goal",
    "chain_of",
    "closing_bounds",
    "closing_values",
    "drivers",
    "goal_point",
    "goal_share",
]
