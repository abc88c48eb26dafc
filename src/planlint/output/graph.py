"""The interlock as a picture: teams as nodes, each assumption from its producer to its consumer
as an edge coloured by how it fits, goals on their teams; drawn as Mermaid, Graphviz DOT or JSON.

Built from the same model the rules judge: the graph's producers and consumptions, each
consumer compared with what its producer delivers (`analysis.interlock.compare`, `days_late`)
and each goal assessed on the computed value (`analysis.goals`). `planlint graph` prints it,
`planlint report` draws it as SVG.

Edge statuses: `fits`, `part` (only part of a range meets the requirement), `mismatch` (the
value, unit or definition does not meet it), `late` (delivered after it is needed) and
`unresolved` (nobody produces it: the edge comes from the "nobody" node). A `derive` consumes
its inputs, so each input is an edge too, unless its team also `consumes` the name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from planlint.analysis.evaluate import FAILS, FITS, PARTLY, Evaluator, Known
from planlint.analysis.goals import assess_goal, chain_of, goal_point, goal_share
from planlint.analysis.graph import InterlockGraph, Producer
from planlint.analysis.impact import formula_text, outcome_words
from planlint.analysis.interlock import compare, days_late
from planlint.analysis.settings import Analysed, Settings
from planlint.language import quantity as q
from planlint.language.span import Span
from planlint.language.wording import listing, plural
from planlint.model.plan import Amount, Consumes, Derive, Goal, Produces, references
from planlint.model.written import requirement_text, value_text
from planlint.output import mermaid
from planlint.output.escape import mermaid_label, one_line

FITS_EDGE, PART, MISMATCH, LATE, UNRESOLVED = "fits", "part", "mismatch", "late", "unresolved"
# Worst first: what a picture keeps when it cannot draw everything.
EDGE_STATUSES = (UNRESOLVED, MISMATCH, LATE, PART, FITS_EDGE)
MET, AT_RISK, MISSED, UNKNOWN = "met", "at risk", "missed", "unknown"
GOAL_STATUSES = (MISSED, AT_RISK, UNKNOWN, MET)  # worst first
_GOAL_STATUS = {FITS: MET, PARTLY: AT_RISK, FAILS: MISSED}
NOBODY = "nobody"

# Past these sizes a drawing is no longer read: only the problems are drawn, grouped by pair of teams.
MAX_DRAWN_EDGES = 150
MAX_DRAWN_NODES = 80

COLORS = {
    FITS_EDGE: "#1a7f37",
    PART: "#9a6700",
    MISMATCH: "#cf222e",
    LATE: "#8250df",
    UNRESOLVED: "#6e7781",
    MET: "#1a7f37",
    AT_RISK: "#9a6700",
    MISSED: "#cf222e",
    UNKNOWN: "#6e7781",
}


@dataclass(frozen=True, slots=True)
class GoalMark:
    """A goal on its team, and how it stands on what the producers deliver."""

    metric: str
    team: str
    target: str  # `>= $20M/year`
    status: str  # met, at risk, missed, unknown (it cannot be computed or compared)
    value: str | None  # the computed value, in the goal's unit
    share: str | None  # of the goal: `76.8%`, `67.2% .. 86.4%`
    share_range: tuple[Fraction, Fraction] | None  # the computed worst and best case over the goal's point
    span: Span

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "target": self.target,
            "status": self.status,
            "value": self.value,
            "share": self.share,
        }


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str  # team, org, nobody; in a derivation tree: metric (derived) or input
    owners: tuple[str, ...] = ()
    goals: tuple[GoalMark, ...] = ()
    team: str | None = None  # a derivation tree's node: who produces it
    value: str | None = None
    formula: str | None = None

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"id": self.id, "kind": self.kind}
        if self.kind in ("metric", "input"):
            found.update(team=self.team, value=self.value, formula=self.formula)
        else:
            found["owners"] = list(self.owners)
        found["goals"] = [goal.to_json() for goal in self.goals]
        return found


@dataclass(frozen=True, slots=True)
class Edge:
    source: str  # the producer's team (or input name); NOBODY's id when nobody produces it
    target: str  # the consumer's team (or derived name)
    assumption: str
    status: str
    produced: str | None  # what the producer delivers, in the consumer's unit
    assumed: str | None  # what the consumer asks: `= $50k`, `by 2027-Q2`
    span: Span | None = None  # the consumer's statement
    count: int = 1  # more than 1: assumptions between the same two teams, drawn as one

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "assumption": self.assumption,
            "status": self.status,
            "produced": self.produced,
            "assumed": self.assumed,
        }


@dataclass
class Picture:
    nodes: list[Node]
    edges: list[Edge]
    left_out: list[str] = field(default_factory=list)  # what a drawing leaves out, in words

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)


# Building -----------------------------------------------------------------------


def goal_mark(goal: Goal, evaluator: Evaluator, tolerance: Fraction) -> GoalMark:
    """How `goal` stands on the value its metric computes to."""
    target = requirement_text(goal.requirement)
    outcome = evaluator.value_of(goal.metric)
    stated = goal.requirement.value
    if (
        not isinstance(outcome, Known)
        or not isinstance(stated, Amount)
        or not outcome.quantity.unit.comparable(stated.quantity.unit)
    ):
        value = outcome_words(outcome) if isinstance(outcome, Known) else None
        return GoalMark(goal.metric, goal.team, target, UNKNOWN, value, None, None, goal.span)
    computed = outcome.quantity
    status = _GOAL_STATUS[assess_goal(goal, computed, tolerance).status]
    point = goal_point(goal)
    shares = (computed.lo / point, computed.hi / point) if point else None
    share = goal_share(computed, goal) if point else None
    return GoalMark(
        goal.metric,
        goal.team,
        target,
        status,
        q.format_quantity(computed, stated.quantity.unit),
        share,
        shares,
        goal.span,
    )


def interlock_picture(analysed: Analysed, settings: Settings) -> Picture:
    """Every team and the org, and every assumption from its producer to its consumer."""
    graph, evaluator = analysed.graph, analysed.evaluator
    marks: dict[str, list[GoalMark]] = {}
    for goal in graph.goals:
        marks.setdefault(goal.team, []).append(goal_mark(goal, evaluator, settings.tolerance))
    blocks = sorted(graph.blocks.values(), key=lambda b: (not b.is_org, b.name))
    nodes = [Node(b.name, b.kind, tuple(dict.fromkeys(b.owners)), tuple(marks.get(b.name, ()))) for b in blocks]
    nobody = nobody_id(graph)
    edges = []
    for name, consumptions in graph.consumptions.items():
        producer = graph.producer(name)
        consuming = {c.team for c in consumptions if type(c.statement) is Consumes}
        seen: set[int] = set()
        for consumption in consumptions:
            statement = consumption.statement
            if isinstance(statement, Derive) and (consumption.team in consuming or id(statement) in seen):
                continue  # its `consumes` line (or the same derive's other mention) is the edge
            seen.add(id(statement))
            consumes = statement if isinstance(statement, Consumes) else None
            source = producer.team if producer is not None else nobody
            edges.append(
                assumption_edge(
                    name, consumes, producer, evaluator, settings, (source, consumption.team, statement.span)
                )
            )
    if any(e.status == UNRESOLVED for e in edges):
        nodes.append(Node(nobody, "nobody"))
    edges.sort(key=lambda e: (e.source, e.target, e.assumption, e.span or ()))
    return Picture(nodes, edges)


def nobody_id(graph: InterlockGraph) -> str:
    """`nobody`, unless a team has that name (a name in parentheses is never a team's)."""
    return NOBODY if graph.block_named(NOBODY) is None else f"({NOBODY})"


def assumption_edge(
    name: str,
    consumes: Consumes | None,
    producer: Producer | None,
    evaluator: Evaluator,
    settings: Settings,
    ends: tuple[str, str, Span],
) -> Edge:
    """How one consumer (a `consumes` line, or None for a derive's input) meets the producer of `name`;
    `ends` is the edge's (source, target, span)."""
    requirement = consumes.requirement if consumes is not None else None
    assumed = requirement_text(requirement) if requirement is not None else None
    if consumes is not None and consumes.by is not None:
        assumed = f"{assumed} by {consumes.by}" if assumed else f"by {consumes.by}"
    if producer is None:
        return Edge(ends[0], ends[1], name, UNRESOLVED, None, assumed, ends[2])
    status, produced = FITS_EDGE, _delivered(producer, evaluator)
    if consumes is not None and requirement is not None:
        comparison = compare(consumes, producer, evaluator, settings.tolerance)
        fit = comparison.fit
        delivered = comparison.delivered
        if comparison.kind == "value" and fit is not None and isinstance(delivered, Known):
            produced = q.format_quantity(delivered.quantity, _unit_of(requirement.value))
            status = {FITS: FITS_EDGE, PARTLY: PART, FAILS: MISMATCH}[fit.status]
        elif comparison.kind in ("unit", "definition"):
            status = MISMATCH
    late = days_late(consumes, producer, settings.fiscal_year_start) if consumes is not None else None
    if late is not None and late > 0 and status != MISMATCH:
        status = LATE
    if isinstance(producer, Produces) and producer.by is not None:
        produced = f"{produced} by {producer.by}" if produced else f"by {producer.by}"
    return Edge(ends[0], ends[1], name, status, produced or None, assumed, ends[2])


def _unit_of(value: object) -> q.Unit | None:
    return value.quantity.unit if isinstance(value, Amount) else None


def _delivered(producer: Producer, evaluator: Evaluator) -> str:
    if isinstance(producer, Derive):
        outcome = evaluator.value_of(producer.name)
        if isinstance(outcome, Known):
            return q.format_quantity(outcome.quantity, goal_unit(evaluator.graph, producer.name))
        return outcome_words(outcome)
    return value_text(producer.value, goal_unit(evaluator.graph, producer.name))


def goal_unit(graph: InterlockGraph, name: str) -> q.Unit | None:
    """The unit of the first goal set on `name`: a metric is shown in its goal's period."""
    for goal in graph.goals_for(name):
        if isinstance(goal.requirement.value, Amount):
            return goal.requirement.value.quantity.unit
    return None


def team_neighbourhood(picture: Picture, team: str) -> Picture:
    """`team`, the teams it trades assumptions with, and those assumptions."""
    edges = [e for e in picture.edges if team in (e.source, e.target)]
    keep = {team} | {e.source for e in edges} | {e.target for e in edges}
    return Picture([n for n in picture.nodes if n.id in keep], edges)


def derivation_picture(analysed: Analysed, settings: Settings, metric: str) -> Picture:
    """The derivation tree of `metric`: each name with its value, each input to what it derives."""
    graph, evaluator = analysed.graph, analysed.evaluator
    derives, leaves = chain_of(graph, metric)
    goals = {
        name: tuple(goal_mark(g, evaluator, settings.tolerance) for g in graph.goals_for(name))
        for name in [metric, *(d.name for d in derives), *leaves]
    }
    nodes = []
    for name in goals:
        producer = graph.producer(name)
        outcome = evaluator.value_of(name)
        value = q.format_quantity(outcome.quantity, goal_unit(graph, name)) if isinstance(outcome, Known) else None
        if isinstance(producer, Derive):
            nodes.append(
                Node(
                    name,
                    "metric",
                    goals=goals[name],
                    team=producer.team,
                    value=value,
                    formula=formula_text(producer.expr),
                )
            )
        else:
            shown = (
                value
                if producer is None or isinstance(producer.value, Amount)
                else _delivered(producer, evaluator) or None
            )
            nodes.append(Node(name, "input", goals=goals[name], team=producer.team if producer else None, value=shown))
    edges = []
    for derive in derives:
        assumed = {c.name: c for c in _consumes_of(graph, derive.team)}
        for ref in dict.fromkeys(r.name for r in references(derive.expr)):
            ends = (ref, derive.name, derive.span)
            edges.append(assumption_edge(ref, assumed.get(ref), graph.producer(ref), evaluator, settings, ends))
    return Picture(nodes, edges)


def _consumes_of(graph: InterlockGraph, team: str) -> list[Consumes]:
    block = graph.block_named(team)
    return [s for s in block.statements if isinstance(s, Consumes)] if block is not None else []


# Legible at any size --------------------------------------------------------------------


def legible(picture: Picture, max_edges: int = MAX_DRAWN_EDGES, max_nodes: int = MAX_DRAWN_NODES) -> Picture:
    """The picture as it can be read: past `max_edges` edges or `max_nodes` nodes, only the edges
    with a problem, one per pair of teams (worst status first), and the teams they join; what is
    left out is said in `left_out`."""
    own = [e for e in picture.edges if e.source == e.target and e.status == FITS_EDGE]
    if own:  # a team using its own numbers, as it should: a loop on its box says nothing
        kept = [e for e in picture.edges if not (e.source == e.target and e.status == FITS_EDGE)]
        note = f"{plural(len(own), 'assumption')} a team makes of its own values (all fit) not drawn"
        picture = Picture(picture.nodes, kept, [*picture.left_out, note])
    if len(picture.edges) <= max_edges and len(picture.nodes) <= max_nodes:
        return picture
    problems = [e for e in picture.edges if e.status != FITS_EDGE]
    grouped: dict[tuple[str, str], list[Edge]] = {}
    for edge in problems:
        grouped.setdefault((edge.source, edge.target), []).append(edge)
    pairs = sorted(grouped.values(), key=lambda found: (min(EDGE_STATUSES.index(e.status) for e in found), -len(found)))
    drawn: list[Edge] = []
    shown: set[str] = set()
    for found in pairs:
        ends = {found[0].source, found[0].target}
        if len(drawn) >= max_edges or len(shown | ends) > max_nodes:
            break
        drawn.append(_grouped(found))
        shown |= ends
    fitting = len(picture.edges) - len(problems)
    left_out = [*picture.left_out, *([f"{plural(fitting, 'assumption')} that fit left out"] if fitting else [])]
    undrawn = len(problems) - sum(e.count for e in drawn)
    if undrawn:
        left_out.append(f"{plural(undrawn, 'more assumption')} with a problem left out")
    quiet = len(picture.nodes) - len([n for n in picture.nodes if n.id in shown])
    if quiet:
        left_out.append(f"{plural(quiet, 'team')} with no problem drawn left out")
    drawn.sort(key=lambda e: (e.source, e.target, e.assumption))
    return Picture([n for n in picture.nodes if n.id in shown], drawn, left_out)


def _grouped(edges: list[Edge]) -> Edge:
    if len(edges) == 1:
        return edges[0]
    worst = min(edges, key=lambda e: EDGE_STATUSES.index(e.status))
    names = [e.assumption for e in edges]
    shown = listing(names) if len(names) <= 3 else listing([*names[:3], f"{len(names) - 3} more"])
    return Edge(worst.source, worst.target, shown, worst.status, None, None, worst.span, len(edges))


# Words --------------------------------------------------------------------------


def node_lines(node: Node) -> list[str]:
    """What a node's box says, line by line."""
    if node.kind == "nobody":
        return ["nobody produces it"]
    if node.kind in ("metric", "input"):
        lines = [node.id if node.value is None else f"{node.id} = {node.value}"]
        lines += [f"= {node.formula}"] if node.formula else []
        lines += [f"by {node.team}" if node.team else "nobody produces it"]
    else:
        lines = [f"{node.id} (org)" if node.kind == "org" else node.id]
        lines += [listing(list(node.owners))] if node.owners else []
    return lines + [goal_words(goal) for goal in node.goals]


def goal_words(goal: GoalMark) -> str:
    """`goal sales.revenue >= $20M/year: $15.36M/year, 76.8% (missed)`."""
    if goal.value is None:
        return f"goal {goal.metric} {goal.target}: cannot be computed"
    share = f", {goal.share}" if goal.share else ""
    return f"goal {goal.metric} {goal.target}: {goal.value}{share} ({goal.status})"


def edge_words(edge: Edge) -> str:
    """`leads.avg_deal_value: $24k, assumed = $50k (mismatch)`."""
    if edge.count > 1:
        return f"{edge.count} assumptions: {edge.assumption} ({edge.status})"
    if edge.produced and edge.assumed:
        values = f"{edge.produced}, assumed {edge.assumed}"
    elif edge.status == UNRESOLVED:
        values = f"nobody produces it{', assumed ' + edge.assumed if edge.assumed else ''}"
    else:
        values = edge.produced or (f"assumed {edge.assumed}" if edge.assumed else "")
    words = f"{edge.assumption}: {values}" if values else edge.assumption
    return words if edge.status == FITS_EDGE else f"{words} ({edge.status})"


# Formats ------------------------------------------------------------------------


def render_json(picture: Picture) -> str:
    """`{"nodes": [...], "edges": [...]}`, one node or edge a line: readable, and written by json's
    C encoder (an indented dump of a 10,000-team plan takes it ten times as long)."""
    parts = []
    for key, items in (
        ("nodes", [n.to_json() for n in picture.nodes]),
        ("edges", [e.to_json() for e in picture.edges]),
    ):
        lines = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in items)
        parts.append(f'  "{key}": [\n{lines}\n  ]' if items else f'  "{key}": []')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def render_mermaid(picture: Picture) -> str:
    """A `graph LR` that GitHub renders; every piece of plan text goes through `mermaid.label`."""
    ids = mermaid.Ids()
    lines = ["graph LR"]
    classes: dict[str, list[str]] = {}
    for node in picture.nodes:
        node_id = ids.team(node.id)
        text = "<br/>".join(mermaid_label(line) for line in node_lines(node))
        lines.append(f'  {node_id}(["{text}"])' if node.kind == "nobody" else f'  {node_id}["{text}"]')
        classes.setdefault(_node_class(node), []).append(node_id)
    by_status: dict[str, list[str]] = {}
    for index, edge in enumerate(picture.edges):
        arrow = "-.->" if edge.status == UNRESOLVED else "-->"
        lines.append(f'  {ids.team(edge.source)} {arrow}|"{mermaid_label(edge_words(edge))}"| {ids.team(edge.target)}')
        by_status.setdefault(edge.status, []).append(str(index))
    if picture.left_out:
        lines.append(f'  left_out_note["{"<br/>".join(mermaid_label(note) for note in picture.left_out)}"]')
        classes.setdefault("note", []).append("left_out_note")
    lines += [
        f"  classDef {status.replace(' ', '_')} stroke:{COLORS[status]},stroke-width:3px" for status in GOAL_STATUSES
    ]
    lines += ["  classDef org fill:#ddf4ff,stroke:#0969da", "  classDef note fill:#fff8c5,stroke:#9a6700"]
    lines += ["  classDef nobody fill:#f6f8fa,stroke:#6e7781,stroke-dasharray:4"]
    lines += [f"  class {','.join(members)} {name}" for name, members in classes.items() if name]
    lines += [
        f"  linkStyle {','.join(indexes)} stroke:{COLORS[status]},stroke-width:2px,color:{COLORS[status]}"
        for status, indexes in by_status.items()
    ]
    return "\n".join(lines) + "\n"


def _node_class(node: Node) -> str:
    """A node's Mermaid class: the org, nobody, or the worst of its goals."""
    if node.kind in ("org", "nobody"):
        return node.kind
    statuses = [g.status for g in node.goals]
    worst = next((s for s in GOAL_STATUSES if s in statuses), "")
    return "" if worst in ("", MET) else worst.replace(" ", "_")


def render_dot(picture: Picture) -> str:
    """A Graphviz `digraph`; every string is quoted with `"` and `\\` escaped."""
    lines = [
        "digraph planlint {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=11' + _dot_note(picture.left_out) + "];",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for node in picture.nodes:
        attributes = {"label": "\n".join(node_lines(node))}
        if node.kind == "nobody":
            attributes.update(shape="ellipse", style="dashed", color=COLORS[UNRESOLVED])
        elif node.kind == "org":
            attributes.update(fillcolor="#ddf4ff", color="#0969da")
        elif (worst := _node_class(node)) != "":
            attributes.update(color=COLORS[worst.replace("_", " ")], penwidth="2")
        lines.append(f"  {_dot(node.id)} [{_dot_attributes(attributes)}];")
    for edge in picture.edges:
        color = COLORS[edge.status]
        attributes = {"label": edge_words(edge), "color": color, "fontcolor": color}
        if edge.status == UNRESOLVED:
            attributes["style"] = "dashed"
        elif edge.status != FITS_EDGE:
            attributes["penwidth"] = "2"
        lines.append(f"  {_dot(edge.source)} -> {_dot(edge.target)} [{_dot_attributes(attributes)}];")
    return "\n".join(lines + ["}"]) + "\n"


def _dot_note(left_out: Iterable[str]) -> str:
    note = "; ".join(left_out)
    return f", labelloc=b, label={_dot(note)}" if note else ""


def _dot_attributes(attributes: dict[str, str]) -> str:
    return ", ".join(f"{key}={_dot(value)}" for key, value in attributes.items())


def _dot(text: str) -> str:
    """A DOT quoted string: `\\` and `"` escaped, each line of `text` one line of the label."""
    lines = [one_line(line).replace("\\", "\\\\").replace('"', '\\"') for line in text.split("\n")]
    return '"' + "\\n".join(lines) + '"'


RENDERERS = {"json": render_json, "mermaid": render_mermaid, "dot": render_dot}
