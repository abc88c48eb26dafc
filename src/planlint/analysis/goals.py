"""Why a goal falls short and what would close the gap: the inputs that drive it, by impact, and
for each input the value that alone makes the goal hold, solved exactly and then verified.

Shared by the goal-shortfall rule, `planlint explain` and `planlint what-if`. A metric is printed
in one unit everywhere (`metric_unit`): its goal's, else what its producer states.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from planlint.analysis.evaluate import FITS, PARTLY, Evaluator, Fit, Known, accepted_bounds, assess
from planlint.analysis.graph import InterlockGraph
from planlint.analysis.guidance import Closing, Driver
from planlint.analysis.solve import Bounds, MetricTree, NoAnswer
from planlint.language import quantity as q
from planlint.model.plan import Amount, Consumes, Derive, Goal, Produces, Requirement, references
from planlint.model.written import requirement_text

# What guidance may cost, per goal: a check over an organisation's plan must stay quick, and a goal
# whose derivations reach every team's inputs (an org goal) has tens of thousands of them.
MOST_SHOWN = 12  # closing values verified and offered, the smallest changes first
MOST_REPEATED = 12  # inputs used more than once that are solved (each takes a search)
MOST_DERIVED = 2_000  # derived metrics under a goal beyond which no input is solved, nor driver weighed


@dataclass(frozen=True, slots=True)
class Stuck:
    """An input for which no closing value is offered, and why: `needs` is the value it would take,
    outside what its producer can state (`125%`, a negative count); else `proven` says that no
    value of it alone closes the gap, and otherwise no single value could be worked out (the
    metric does not move one way with it)."""

    name: str
    needs: str = ""
    proven: bool = False

    @property
    def cannot(self) -> bool:
        """Whether it is known that it cannot close the gap alone."""
        return bool(self.needs) or self.proven


@dataclass
class Answers:
    """What closes a goal's gap: the closing values offered, the inputs that have none, and what
    the budget above left out."""

    closing: list[Closing]
    stuck: list[Stuck]
    larger: int = 0  # inputs with a closing value too, needing larger changes than those offered
    untried: int = 0  # inputs used more than once, past MOST_REPEATED: not solved
    inputs: int = 0  # when the derivations are past MOST_DERIVED: how many inputs, none solved


# One unit per metric ---------------------------------------------------------------


def metric_unit(graph: InterlockGraph, evaluator: Evaluator, name: str) -> q.Unit | None:
    """The unit `name` is stated in wherever planlint prints it: its first goal's, else what its
    producer delivers (None when it has neither)."""
    outcome = evaluator.value_of(name)
    delivered = outcome.quantity.unit if isinstance(outcome, Known) else None
    for goal in graph.goals_for(name):
        value = goal.requirement.value
        if isinstance(value, Amount) and (delivered is None or value.quantity.unit.same_dims(delivered)):
            return value.quantity.unit
    return delivered


# Measuring against a goal --------------------------------------------------------------


def assess_goal(goal: Goal, computed: q.Quantity, tolerance: Fraction) -> Fit:
    return assess(goal.requirement, computed, tolerance)


def standing(goal: Goal, computed: q.Quantity, tolerance: Fraction) -> str:
    """How a goal stands: met, partly met (only part of the range meets it), short (of a `>=`),
    over (a `<=`) or off target (an `=` or `in`)."""
    status = assess_goal(goal, computed, tolerance).status
    if status == FITS:
        return "met"
    if status == PARTLY:
        return "partly met"
    return {">=": "short", "<=": "over"}.get(goal.requirement.op, "off target")


def _target(goal: Goal) -> q.Quantity:
    value = goal.requirement.value
    assert isinstance(value, Amount)
    return value.quantity


def worst_end(goal: Goal, computed: q.Quantity, tolerance: Fraction) -> Callable[[q.Quantity], Fraction]:
    """The end of a metric's range that decides the goal: the lowest for `>=`, the highest for `<=`,
    and for `=` and `in` the end that misses (the lowest when neither does)."""
    low, high = accepted_bounds(goal.requirement, tolerance)
    over = Fraction(0) if high is None else computed.hi - high
    under = Fraction(0) if low is None else low - computed.lo
    return _highest if over > 0 and over > under else _lowest


def _lowest(value: q.Quantity) -> Fraction:
    return value.lo


def _highest(value: q.Quantity) -> Fraction:
    return value.hi


def measured(goal: Goal, computed: q.Quantity) -> str:
    """How the computed value stands against the goal: `76.8% of the $20M/year goal`, `110% of the
    $1M/year limit`, `300% of 20, the top of the 10 .. 20 goal`; against a target of 0 or below,
    where a share means nothing, the distance: `$5M/year below the $0/year goal`."""
    target, op = _target(goal), goal.requirement.op
    unit = target.unit
    words = requirement_text(goal.requirement).split(" ", 1)[1]  # `$20M/year`, `10 .. 20`, `100 people ± 5%`
    against = f"the {words} {'limit' if op == '<=' else 'goal'}"
    if op == "in":
        high = worst_end(goal, computed, Fraction(0)) is _highest
        point = target.hi if high else target.lo
        against = f"{q.format_magnitude(point, unit)}, the {'top' if high else 'bottom'} of {against}"
    else:
        point = target.hi if op == "<=" else target.lo
    if point <= 0:
        end = worst_end(goal, computed, Fraction(0))(computed)
        if end == point:
            return f"at {against}"
        side = "below" if end < point else "above"
        return f"{q.format_magnitude(abs(end - point), unit)} {side} {against}"
    share = q.format_share(computed.lo, point)
    if not computed.is_point:
        share += f" .. {q.format_share(computed.hi, point)}"
    return f"{share} of {against}"


def goal_point(goal: Goal) -> Fraction:
    """The target's point a computed value is measured against (for shares and bars)."""
    value = goal.requirement.value
    assert isinstance(value, Amount)
    return value.quantity.hi if goal.requirement.op == "<=" else value.quantity.lo


def chain_of(graph: InterlockGraph, metric: str) -> tuple[list[Derive], list[str]]:
    """The derive lines under `metric` (top-down) and its leaf inputs, each once (for drawing a
    metric's derivation tree)."""
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


def goal_share(computed: q.Quantity, goal: Goal) -> str:
    """The share alone (`76.8%`, `64.8% .. 79.2%`) of what `measured` measures against."""
    return measured(goal, computed).split(" of ", 1)[0]


# Closing the gap ------------------------------------------------------------------------


class GoalGap:
    """A goal its metric misses, seen from the metric's derivations: what closes the gap, and what
    drives it. Worked out only when asked for, once."""

    def __init__(
        self,
        graph: InterlockGraph,
        evaluator: Evaluator,
        goal: Goal,
        tolerance: Fraction,
        tree: MetricTree | None = None,
    ) -> None:
        self.graph, self.evaluator, self.goal, self.tolerance = graph, evaluator, goal, tolerance
        self.asked: Bounds = accepted_bounds(goal.requirement, tolerance)
        self.tree = tree or MetricTree.of(graph, evaluator, goal.metric)

    def printed(self, name: str, value: Fraction, op: str, unit: q.Unit) -> tuple[str, q.Quantity] | None:
        """`value` as printed in `unit`, rounded the way the input moves, with the quantity that text
        states, when the goal holds with it: at the usual precision, else with up to
        `q.MORE_DIGITS` more decimals (a narrow band of values that close the gap)."""
        way = 1 if op == ">=" else -1
        shown = value
        for finer in range(q.MORE_DIGITS + 1):
            text = q.format_magnitude(shown, unit, way, finer)
            written = _written_back(text, unit)
            if written is None:
                return None
            if self.holds_with(name, written):
                return text, written
            if written.lo == shown:  # the bound itself misses (a divisor at zero): just past it
                shown = value + way * (abs(value) or Fraction(1)) / 10 ** (3 + finer)
        return None

    def holds_with(self, name: str, value: q.Quantity) -> bool:
        """Whether the goal holds when `name`'s producer states `value`, everything else as delivered."""
        computed = self.tree.safely(name, value)
        return computed is not None and assess(self.goal.requirement, computed, self.tolerance).status == FITS

    @property
    def too_large(self) -> bool:
        """Whether the goal's derivations are too many to solve input by input (MOST_DERIVED)."""
        return len(self.tree.derives) > MOST_DERIVED

    def closing(self) -> Answers:
        """Each input's value that alone closes the gap, verified as printed, in the order the
        derivations use them (the smallest changes, MOST_SHOWN at most); and the inputs that
        cannot close it alone."""
        if self.too_large:
            return Answers([], [], inputs=len(self.tree.leaves))
        single = self.tree.bounds_of_single_inputs(self.asked)
        targets = self._exact_targets()
        candidates: list[tuple[Fraction, str, Fraction, str]] = []  # (size of the change, name, value, op)
        stuck: list[Stuck] = []
        repeated = untried = 0
        for name in self.tree.leaves:
            now = self.tree.delivered(name)
            if now is None or not isinstance(self.graph.producer(name), Produces):
                continue
            once = self.tree.occurrences[name] == 1
            repeated += not once
            if repeated > MOST_REPEATED and not once:
                untried += 1
                continue
            try:
                bounds = single[name] if once else self._repeated_bounds(name)
            except (KeyError, NoAnswer, q.QuantityError):
                stuck.append(Stuck(name))
                continue
            chosen = None if bounds is None else _chosen(bounds, now, targets.get(name))
            if chosen is None:
                stuck.append(Stuck(name, proven=bounds is None and name not in self.tree.in_divisors))
                continue
            value, op = chosen
            unit = q.display_unit(now.unit, metric_unit(self.graph, self.evaluator, name))
            if _outside_what_producers_state(value, now):
                stuck.append(Stuck(name, q.format_magnitude(value, unit, 1 if op == ">=" else -1)))
                continue
            nearest = now.nearest(value)
            size = abs(value - nearest) / abs(nearest) if nearest else abs(value)
            candidates.append((size, name, value, op))
        kept = {name for _, name, _, _ in sorted(candidates)[:MOST_SHOWN]}
        found: list[Closing] = []
        for _, name, value, op in candidates:
            verified = self._verified(name, value, op) if name in kept else None
            if isinstance(verified, Stuck):
                stuck.append(verified)
            elif verified is not None:
                found.append(verified)
        return Answers(found, stuck, larger=len(candidates) - len(kept), untried=untried)

    def _exact_targets(self) -> dict[str, Bounds | None]:
        """For an `=` goal on a metric that is a single value: the value of each single input that
        hits the target itself (the tolerance only says how close is close enough)."""
        value = self.goal.requirement.value
        if self.goal.requirement.op != "=" or not isinstance(value, Amount) or value.is_range:
            return {}
        target = value.quantity.lo
        return self.tree.bounds_of_single_inputs((target, target))

    def _repeated_bounds(self, name: str) -> Bounds:
        return self.tree.bounds_of_repeated(name, self.asked)

    def _verified(self, name: str, value: Fraction, op: str) -> Closing | Stuck:
        """The closing value as printed (rounded the way the input moves), if it closes the gap;
        else why not."""
        now, producer = self.tree.delivered(name), self.graph.producer(name)
        assert now is not None and isinstance(producer, Produces)
        unit = q.display_unit(now.unit, metric_unit(self.graph, self.evaluator, name))
        found = self.printed(name, value, op, unit)
        if found is None:
            way = 1 if op == ">=" else -1  # just past a bound that misses itself: is that still stated?
            past = value + way * (abs(value) or Fraction(1)) / 10**6
            if not _outside_what_producers_state(past, now):
                return Stuck(name)  # no value a plan can write closes it: the band is too narrow
            return Stuck(name, f"a value {'above' if way > 0 else 'below'} {q.format_magnitude(value, unit)}")
        text, written = found
        if _outside_what_producers_state(written.lo, now):
            return Stuck(name, text)
        return Closing(
            name,
            op,
            text,
            value,
            q.format_quantity(now, unit),
            q.format_change(written.lo, now.lo if op == ">=" else now.hi),  # from the end that has to move
            producer.team,
            producer.span,
        )

    # Drivers ---------------------------------------------------------------------------

    def drivers(self) -> list[Driver]:
        """The inputs whose delivered value differs from what the goal's team, or a team whose
        derivation is under the goal, assumed; each with how far that difference alone moves the
        metric (delivered minus assumed, at the end that decides the goal), largest first. None
        past MOST_DERIVED."""
        computed = self.tree.delivered(self.goal.metric)
        assert computed is not None
        if self.too_large:
            return []
        end = worst_end(self.goal, computed, self.tolerance)
        teams = {self.goal.team} | {derive.team for derive in self.tree.derives.values()}
        goal_unit = _target(self.goal).unit
        found = []
        for name in self.tree.leaves:
            now, producer = self.tree.delivered(name), self.graph.producer(name)
            assumption = self._assumption(name, teams)
            if now is None or not isinstance(producer, Produces) or assumption is None:
                continue
            requirement = assumption.requirement
            assert requirement is not None and isinstance(requirement.value, Amount)
            assumed = _assumed_point(requirement, now, self.tolerance)
            as_assumed = None if assumed is None else self.tree.safely(name, q.Quantity.point(assumed, now.unit))
            if as_assumed is None:
                continue
            effect = end(computed) - end(as_assumed)
            if effect == 0:  # the difference does not move the metric (an input multiplied by zero)
                continue
            unit = metric_unit(self.graph, self.evaluator, name)
            found.append(
                Driver(
                    name,
                    requirement_text(requirement, unit),
                    q.format_quantity(now, unit),
                    ("+" if effect > 0 else "") + q.format_magnitude(effect, q.display_unit(computed.unit, goal_unit)),
                    effect,
                    producer.team,
                    assumption.team,
                    assumption.span,
                )
            )
        return sorted(found, key=lambda d: (-abs(d.effect), d.name))

    def _assumption(self, name: str, teams: set[str]) -> Consumes | None:
        """The goal's team's own assumption about `name`, else the first of a team under the goal."""
        delivered = self.tree.delivered(name)
        found = None
        for consumption in self.graph.consumptions.get(name, []) if delivered is not None else ():
            statement = consumption.statement
            if consumption.team not in teams or not isinstance(statement, Consumes) or statement.requirement is None:
                continue
            value = statement.requirement.value
            if isinstance(value, Amount) and value.quantity.unit.comparable(delivered.unit):  # type: ignore[union-attr]
                if consumption.team == self.goal.team:
                    return statement
                found = found or statement
        return found

    def against(self, driver: Driver) -> bool:
        """Whether the driver pulls the metric away from the goal (rather than towards it)."""
        computed = self.tree.delivered(self.goal.metric)
        assert computed is not None
        downward = worst_end(self.goal, computed, self.tolerance) is _lowest
        return driver.effect < 0 if downward else driver.effect > 0


def _chosen(bounds: Bounds, now: q.Quantity, target: Bounds | None) -> tuple[Fraction, str] | None:
    """The value to offer from the values that close the gap: the target of an `=` goal when one
    value hits it, else the bound nearest today's value; with the way it moves from today's (for a
    range, the way its end farther from the value moves: above its middle, the bottom comes up)."""
    low, high = bounds
    if target is not None and target[0] is not None and target[0] == target[1]:
        value = target[0]
        if (low is None or low <= value) and (high is None or value <= high):
            return value, ">=" if 2 * value > now.lo + now.hi else "<="
    if low is not None and now.lo < low:
        return low, ">="
    if high is not None and now.hi > high:
        return high, "<="
    return None


def _outside_what_producers_state(value: Fraction, now: q.Quantity) -> bool:
    """A percentage above 100% where the producer states 100% or less; a negative amount or
    count where it states none."""
    unit = now.unit
    if unit.percent and not unit.dims and now.hi <= 1 < value:
        return True
    return value < 0 <= now.lo


def _written_back(text: str, unit: q.Unit) -> q.Quantity | None:
    """The value `text` states, read as a plan reads it; None when it is not an amount in `unit`."""
    from planlint.model.parse import parse_value  # only here: a rule's page need not load the parser

    try:
        value = parse_value(text)
    except ValueError:
        return None
    if not isinstance(value, Amount) or value.tolerance is not None or not value.quantity.unit.comparable(unit):
        return None
    return value.quantity


def _assumed_point(requirement: Requirement, delivered: q.Quantity, tolerance: Fraction) -> Fraction | None:
    """What a team assumed, as one value, when the delivered value differs from it: the stated
    value of an `=` (inside its tolerance or not), else the nearest point of a requirement the
    delivered value does not meet; None when it does not differ."""
    amount = requirement.value
    assert isinstance(amount, Amount)
    if requirement.op == "=" and not amount.is_range:
        point = amount.quantity.lo
        return None if delivered.lo == point == delivered.hi else point
    fit = assess(requirement, delivered, tolerance)
    return None if fit.status == FITS else fit.asked


# A goal nobody can check yet -------------------------------------------------------------


def needed_values(
    graph: InterlockGraph, evaluator: Evaluator, goal: Goal, name: str, tolerance: Fraction
) -> list[Closing]:
    """What the one input nobody states a value for must be for the goal to hold, given the
    others: `>= $31.25k`, or a lower and an upper bound; each verified as printed. Empty when no
    single answer can be given."""
    tree = MetricTree.of(graph, evaluator, goal.metric)
    if tree.occurrences.get(name) != 1:
        return []
    bounds = tree.bounds_of_single_inputs(accepted_bounds(goal.requirement, tolerance)).get(name)
    unit = _unit_needed(graph, tree, name, _target(goal).unit)
    if bounds is None or unit is None or bounds == (None, None):
        return []
    gap = GoalGap(graph, evaluator, goal, tolerance, tree)
    producer = graph.producer(name)
    found = []
    for value, op in ((bounds[0], ">="), (bounds[1], "<=")):
        printed = None if value is None else gap.printed(name, value, op, unit)
        if value is not None and printed is None:
            return []
        if value is not None and printed is not None:
            span = producer.span if producer is not None else None
            found.append(Closing(name, op, printed[0], value, team=producer.team if producer else "", span=span))
    return found


def _unit_needed(graph: InterlockGraph, tree: MetricTree, name: str, goal_unit: q.Unit) -> q.Unit | None:
    """The unit `name` needs for its metric to come out in the goal's: what a team assumes of it,
    when one does, else worked out from the derivations that use it."""
    worked_out = tree.unit_needed(name, goal_unit)
    for consumption in graph.consumptions.get(name, []):
        statement = consumption.statement
        if isinstance(statement, Consumes) and statement.requirement is not None:
            value = statement.requirement.value
            if isinstance(value, Amount) and (worked_out is None or value.quantity.unit.same_dims(worked_out)):
                return value.quantity.unit
    return worked_out


__all__ = [
    "FITS",
    "Answers",
    "GoalGap",
    "Stuck",
    "assess_goal",
    "goal_share",
    "measured",
    "metric_unit",
    "needed_values",
    "standing",
    "worst_end",
]
