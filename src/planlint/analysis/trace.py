"""What `planlint explain NAME` and `explain PATH:LINE` say, as plain data.

Built from one lint run (the graph, the evaluator and the findings); printed
as JSON as it stands, or drawn as a tree by `_explain_render`. Derivation
chains and expressions of any size are walked with explicit stacks, and the
tree stops expanding below `MAX_DEPTH` levels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

from planlint.analysis.evaluate import Evaluator, Known, Outcome, Unknown, amount_quantity
from planlint.analysis.formula import amount_text, expression_text
from planlint.analysis.goals import MOST_DERIVED, GoalGap, goal_share, measured, metric_unit, standing, worst_end
from planlint.analysis.graph import Consumption, InterlockGraph
from planlint.analysis.graph import Producer as ProducerStatement  # `Producer` below is the explanation of one
from planlint.analysis.interlock import compare, days_late, deadlines
from planlint.analysis.solve import MetricTree
from planlint.language import quantity as q
from planlint.language.span import Span
from planlint.language.wording import listing
from planlint.model.plan import (
    Amount,
    Consumes,
    Derive,
    Goal,
    Produces,
    Requirement,
    Text,
    references,
)
from planlint.model.written import requirement_text

MAX_DEPTH = 30  # a derivation deeper than this is summarised, not drawn
SPREAD = Fraction(1, 10)  # how far the sensitivity table moves an input stated as one value, up and down


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int
    column: int

    @classmethod
    def of(cls, span: Span) -> Location:
        return cls(span.path, span.line, span.column)


@dataclass
class Producer:
    """A team that produces (or derives) the name; only the first in path order counts."""

    team: str
    kind: str  # "produces" or "derives"
    location: Location
    as_written: str | None  # `$24k`, `leads.volume * leads.win_rate`; None for `produces x by DATE`
    value: str | None  # what it delivers, formatted; None when it cannot be computed
    counts: bool
    by: str | None = None  # the delivery date as written


@dataclass
class Consumer:
    """A team relying on the name, what it assumes and whether that fits what is delivered."""

    team: str
    kind: str  # "consumes" or "derives" (the name is an input of its derivation)
    location: Location
    status: str  # fits, partly, fails, unit-mismatch, definition-mismatch, same-definition, needs,
    #              unresolved (nobody produces it), unknown (its value cannot be computed),
    #              no-value (a value is assumed of a producer that states none)
    assumes: str | None = None  # `= $50k`
    delivered: str | None = None  # in the consumer's unit
    ratio: str | None = None  # consumer / producer: `2.08×`
    derives: str | None = None  # for kind "derives": the metric
    timing: str | None = None


@dataclass
class Step:
    """One node of the derivation tree, in pre-order; `depth` 0 is the explained name."""

    name: str
    depth: int
    kind: str  # derived, input, unresolved, repeat (drawn above), deeper (beyond MAX_DEPTH)
    team: str | None = None
    location: Location | None = None
    formula: str | None = None  # `leads.volume × leads.win_rate`
    substituted: str | None = None  # `4,000 leads/year × 16%`
    value: str | None = None  # `640 leads/year`, or why there is none
    assumptions: list[Consumer] = field(default_factory=list)  # of the teams on the chain


@dataclass
class Closing:
    """A value that alone would close the goal's gap (see `analysis.guidance.Closing`)."""

    name: str
    needs: str  # `>= $31.25k`
    now: str  # `$24k`
    change: str  # `+30%`
    team: str


@dataclass
class Driver:
    """An input delivered otherwise than assumed, and how far that alone moves the goal's metric."""

    name: str
    assumed: str  # `= $50k`
    delivered: str  # `$24k`
    impact: str  # `-$16.64M/year`
    team: str  # the producer
    assumed_by: str


@dataclass
class GoalStatus:
    team: str
    location: Location
    target: str  # `>= $20M/year`
    status: str  # met, partly met, short, over, off target, unverifiable, not comparable
    value: str | None = None
    share: str | None = None  # of the goal: `76.8%`
    reason: str | None = None  # why it is unverifiable
    closing: list[Closing] = field(default_factory=list)
    drivers: list[Driver] = field(default_factory=list)  # every one, largest impact first
    measured: str | None = None  # `76.8% of the $20M/year goal`, `300% of 20, the top of the 10 .. 20 goal`


@dataclass
class Swing:
    """One bar of the sensitivity (tornado) table: an input moved alone over its range, or by the
    spread around a single value, and where that takes the metric."""

    name: str
    team: str
    low: str  # the input at each end
    high: str
    metric_at_low: str
    metric_at_high: str
    swing: str  # how far the metric moves, at the end that decides its goal


@dataclass
class AssumptionExplanation:
    name: str
    value: str | None  # what the producers deliver, or None
    reason: str | None  # why there is no value
    producers: list[Producer]
    consumers: list[Consumer]
    derivation: list[Step]  # empty when the name is not derived
    goals: list[GoalStatus]
    sensitivity: list[Swing] = field(default_factory=list)  # for a derived goal metric, largest swing first

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def known_names(graph: InterlockGraph) -> set[str]:
    """Every assumption and metric the plan mentions."""
    return set(graph.producers) | set(graph.consumptions) | {g.metric for g in graph.goals}


# Building ---------------------------------------------------------------------


class _Trace:
    """What an explanation reads: the graph (and through it the source), what producers deliver, the settings."""

    def __init__(
        self, graph: InterlockGraph, evaluator: Evaluator, tolerance: Fraction, fiscal_year_start: int
    ) -> None:
        self.graph, self.evaluator = graph, evaluator
        self.tolerance, self.fiscal_year_start = tolerance, fiscal_year_start


def explain_assumption(
    name: str,
    graph: InterlockGraph,
    evaluator: Evaluator,
    tolerance: Fraction,
    fiscal_year_start: int,
    max_depth: int = MAX_DEPTH,
    spread: Fraction = SPREAD,
) -> AssumptionExplanation:
    """Everything the plan says about `name`: who produces it, who relies on it, how it is derived
    (derived inputs deeper than `max_depth` levels are not expanded), the goals set on it and, for a
    derived goal metric, how much each input moves it."""
    trace = _Trace(graph, evaluator, tolerance, fiscal_year_start)
    outcome = evaluator.value_of(name)
    goals = [g for g in graph.goals if g.metric == name]
    like = metric_unit(graph, evaluator, name)
    consumers = [_consumer(c, trace) for c in graph.consumptions.get(name, [])]
    producers = [_producer(p, index == 0, trace, like) for index, p in enumerate(graph.producers.get(name, []))]
    derivation: list[Step] = []
    if isinstance(graph.producer(name), Derive):
        derivation = _derivation(name, trace, like, {g.team for g in goals}, max_depth)
    value, reason = _value_text(outcome, like), reason_words(outcome)
    if isinstance(outcome, Unknown) and outcome.reason == "no-value" and producers:
        value, reason = producers[0].value, None  # a definition or a date: stated, just not a number
    statuses = [_goal_status(g, graph, evaluator, tolerance) for g in goals]
    swings = sensitivity(name, graph, evaluator, tolerance, spread) if derivation and goals else []
    return AssumptionExplanation(name, value, reason, producers, consumers, derivation, statuses, swings)


def _producer(producer: ProducerStatement, counts: bool, trace: _Trace, like: q.Unit | None) -> Producer:
    evaluator = trace.evaluator
    if isinstance(producer, Derive):
        formula = _source(trace, producer.expr.span) or expression_text(producer.expr, str, _as_written(trace))
        outcome = evaluator.value_of(producer.name)
        value = _value_text(outcome, like) if counts else None
        return Producer(producer.team, "derives", Location.of(producer.span), formula, value, counts)
    stated = producer.value
    if isinstance(stated, Amount):
        value = q.format_quantity(amount_quantity(stated), like)
    elif isinstance(stated, Text):
        value = f'"{stated.text}"'
    else:
        value = str(stated.date) if stated is not None else None
    written = (_source(trace, stated.span) if stated is not None else None) or value
    by = None if producer.by is None else str(producer.by)
    return Producer(producer.team, "produces", Location.of(producer.span), written, value, counts, by)


def _consumer(consumption: Consumption, trace: _Trace) -> Consumer:
    graph, evaluator = trace.graph, trace.evaluator
    statement = consumption.statement
    producer = graph.producer(consumption.name)
    place = Location.of(statement.span)
    if isinstance(statement, Derive):
        return Consumer(
            consumption.team, "derives", place, "needs" if producer else "unresolved", derives=statement.name
        )
    requirement = statement.requirement
    found = Consumer(
        consumption.team,
        "consumes",
        place,
        "needs",
        assumes=requirement_text(requirement, metric_unit(graph, evaluator, consumption.name)) if requirement else None,
        timing=_timing(statement, producer, trace.fiscal_year_start),
    )
    if producer is None:
        found.status = "unresolved"
    elif requirement is not None:
        _compare_into(found, statement, requirement, producer, evaluator, trace.tolerance)
    return found


def _compare_into(
    found: Consumer,
    consumes: Consumes,
    requirement: Requirement,  # the consumer's, there to compare
    producer: ProducerStatement,
    evaluator: Evaluator,
    tolerance: Fraction,
) -> None:
    comparison = compare(consumes, producer, evaluator, tolerance)
    if comparison.kind == "value" and comparison.fit is not None and isinstance(comparison.delivered, Known):
        fit = comparison.fit
        found.status = fit.status
        unit = metric_unit(evaluator.graph, evaluator, consumes.name)  # the metric's one unit, not the consumer's
        found.delivered = q.format_quantity(comparison.delivered.quantity, unit)
        apart_by = fit.apart_by
        found.ratio = q.format_ratio(apart_by) if apart_by is not None else None
    elif comparison.kind == "unit":
        found.status, found.delivered = "unit-mismatch", comparison.producer_text
    elif comparison.kind == "definition":
        found.status, found.delivered = "definition-mismatch", f'"{comparison.producer_text}"'
    elif comparison.kind == "missing":
        found.status = "no-value"
    elif isinstance(requirement.value, Text):
        found.status = "same-definition"
    elif isinstance(requirement.value, Amount):
        found.status = "unknown"


def _timing(consumes: Consumes, producer: ProducerStatement | None, fiscal_year_start: int) -> str | None:
    late, dates = days_late(consumes, producer, fiscal_year_start), deadlines(consumes, producer)
    if late is None or dates is None:  # None together: `days_late` counts the days between the deadlines
        return None if consumes.by is None else f"needed by {consumes.by}; no delivery date stated"
    needed, delivered = dates
    verdict = f"{late} day{'s' if late != 1 else ''} late" if late > 0 else "in time"
    return f"needed by {needed}, delivered by {delivered}: {verdict}"


def _derivation(
    name: str, trace: _Trace, like: q.Unit | None, goal_teams: set[str], max_depth: int = MAX_DEPTH
) -> list[Step]:
    """The derivation tree under `name`, pre-order; each name is expanded once."""
    graph, evaluator = trace.graph, trace.evaluator
    steps: list[Step] = []
    seen: set[str] = set()
    stack: list[tuple[str, int]] = [(name, 0)]
    while stack:
        current, depth = stack.pop()
        if current in seen:
            unit = metric_unit(graph, evaluator, current)
            steps.append(Step(current, depth, "repeat", value=_value_text(evaluator.value_of(current), unit)))
            continue
        seen.add(current)
        producer = graph.producer(current)
        if isinstance(producer, Derive) and depth >= max_depth:
            steps.append(Step(current, depth, "deeper"))
            continue
        step = _step(current, depth, producer, trace, like if depth == 0 else metric_unit(graph, evaluator, current))
        steps.append(step)
        if isinstance(producer, Derive):
            inputs = [r.name for r in references(producer.expr)]
            stack.extend((n, depth + 1) for n in reversed(list(dict.fromkeys(inputs))))
    teams = goal_teams | {s.team for s in steps if s.kind == "derived" and s.team}
    for step in steps[1:]:
        if step.kind in ("derived", "input"):
            step.assumptions = [
                _consumer(c, trace)
                for c in graph.consumptions.get(step.name, [])
                if c.team in teams and isinstance(c.statement, Consumes) and c.statement.requirement is not None
            ]
    return steps


def _step(name: str, depth: int, producer: ProducerStatement | None, trace: _Trace, like: q.Unit | None) -> Step:
    evaluator = trace.evaluator
    outcome = evaluator.value_of(name)
    if producer is None:
        return Step(name, depth, "unresolved", value="nobody produces it")
    value = _value_text(outcome, like) or reason_words(outcome)
    if not isinstance(producer, Derive):
        return Step(name, depth, "input", producer.team, Location.of(producer.span), value=value)

    def input_value(ref: str) -> str:
        text = _value_text(evaluator.value_of(ref), metric_unit(trace.graph, evaluator, ref)) or "?"
        return text if " .. " not in text else f"({text})"

    as_written = _as_written(trace)
    substituted = expression_text(producer.expr, input_value, as_written)
    return Step(
        name,
        depth,
        "derived",
        producer.team,
        Location.of(producer.span),
        expression_text(producer.expr, str, as_written),
        None if substituted == value else substituted,
        value,
    )


def _goal_status(goal: Goal, graph: InterlockGraph, evaluator: Evaluator, tolerance: Fraction) -> GoalStatus:
    target = requirement_text(goal.requirement)
    found = GoalStatus(goal.team, Location.of(goal.span), target, "unverifiable")
    outcome = evaluator.value_of(goal.metric)
    if not isinstance(outcome, Known) or not isinstance(goal.requirement.value, Amount):
        found.reason = reason_words(outcome) or "the goal is not a number"
        return found
    computed, unit = outcome.quantity, goal.requirement.value.quantity.unit
    found.value = q.format_quantity(computed, unit)
    if not computed.unit.comparable(unit):
        found.status = "not comparable"
        found.reason = f"the goal is in {unit.describe()}, the plan delivers {computed.unit.describe()}"
        return found
    found.share, found.measured = goal_share(computed, goal), measured(goal, computed)
    found.status = standing(goal, computed, tolerance)
    if found.status == "met":
        return found
    gap = GoalGap(graph, evaluator, goal, tolerance)
    found.closing = [Closing(c.name, f"{c.op} {c.value}", c.now, c.change, c.team) for c in gap.closing().closing]
    found.drivers = [Driver(d.name, d.assumed, d.delivered, d.impact, d.team, d.assumed_by) for d in gap.drivers()]
    return found


def sensitivity(
    name: str, graph: InterlockGraph, evaluator: Evaluator, tolerance: Fraction, spread: Fraction = SPREAD
) -> list[Swing]:
    """Each input of `name` moved alone over its range, or `spread` up and down around a single value,
    and where that takes `name` (measured at the end that decides its first goal), largest swing first."""
    outcome = evaluator.value_of(name)
    goal = next((g for g in graph.goals_for(name) if isinstance(g.requirement.value, Amount)), None)
    if not isinstance(outcome, Known) or goal is None:
        return []
    end = worst_end(goal, outcome.quantity, tolerance)
    tree = MetricTree.of(graph, evaluator, name)
    if len(tree.derives) > MOST_DERIVED:  # an organisation's worth of inputs: no table a reader could use
        return []
    unit = metric_unit(graph, evaluator, name)
    rows: list[tuple[Fraction, Swing]] = []
    for leaf in tree.leaves:
        now, producer = tree.delivered(leaf), graph.producer(leaf)
        if now is None or not isinstance(producer, Produces):
            continue
        low, high = (now.lo, now.hi) if not now.is_point else sorted((now.lo * (1 - spread), now.lo * (1 + spread)))
        at_low = tree.safely(leaf, q.Quantity.point(low, now.unit))
        at_high = tree.safely(leaf, q.Quantity.point(high, now.unit))
        if at_low is None or at_high is None:
            continue
        swing = abs(end(at_high) - end(at_low))
        leaf_unit = metric_unit(graph, evaluator, leaf) or now.unit
        shown = q.display_unit(now.unit, leaf_unit)
        rows.append(
            (
                swing,
                Swing(
                    leaf,
                    producer.team,
                    q.format_magnitude(low, shown),
                    q.format_magnitude(high, shown),
                    q.format_quantity(at_low, unit),
                    q.format_quantity(at_high, unit),
                    q.format_magnitude(swing, q.display_unit(at_low.unit, unit)),
                ),
            )
        )
    return [row for _, row in sorted(rows, key=lambda row: (-row[0], row[1].name))]


# Wording ----------------------------------------------------------------------


def _value_text(outcome: Outcome, like: q.Unit | None = None) -> str | None:
    return q.format_quantity(outcome.quantity, like) if isinstance(outcome, Known) else None


def reason_words(outcome: Outcome) -> str | None:
    """Why a value cannot be computed, in words."""
    if not isinstance(outcome, Unknown):
        return None
    names = listing(list(outcome.names))
    return {
        "unresolved": f"nobody produces {names}",
        "no-value": f"{names} has no stated value",
        "circular": f"it depends on itself ({names})",
        "invalid": f"its derivation cannot be computed: {outcome.detail}",
        "broken": f"it depends on {names}, which cannot be computed",
    }.get(outcome.reason, outcome.reason)


def _as_written(trace: _Trace) -> Callable[[Amount], str]:
    """A constant of a formula as the plan writes it: `1.001`, which the value format rounds to `1`."""
    return lambda amount: _source(trace, amount.span) or amount_text(amount)


def _source(trace: _Trace, span: Span) -> str | None:
    """The text as written in the plan, parentheses and all, on one line however many it takes."""
    return trace.graph.plan.source_text(span).strip() or None
