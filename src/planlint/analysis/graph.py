"""The whole plan as one graph: who produces, consumes and derives what.

Nodes are teams (`("team", name)`) and assumptions or metrics (`("name", name)`);
edges are `produces` (team -> name), `consumes` (name -> team), `derives`
(input -> derived metric) and `feeds` (a consumed name -> the metrics of the
consuming team's goals). Every node and edge keeps its span. The indexes
beside the graph let rules look things up by name in constant time, so no
rule has to compare all pairs.

The rules need only the indexes and the name-to-name edges, kept here as
plain dictionaries; the networkx graph (`.graph`) is built on first use, so
a check neither imports networkx nor pays for its 200k edges.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planlint.language.records import record
from planlint.language.span import Span
from planlint.model.plan import Block, Consumes, Derive, Goal, Plan, PlanFile, Produces, Reference, references

if TYPE_CHECKING:
    import networkx as nx

Producer = Produces | Derive
# A node of the networkx view: ("team", name) or ("name", name).
Node = tuple[str, str]


@record
class Consumption:
    """A team relying on a name: a `consumes` line, or a name a `derive` refers to."""

    name: str
    team: str
    statement: Consumes | Derive
    reference: Reference | None = None  # set for a derive's input

    @property
    def span(self) -> Span:
        return self.statement.span


@dataclass
class InterlockGraph:
    plan: Plan
    blocks: dict[tuple[str, str], Block] = field(default_factory=dict)  # first declaration of each (kind, name)
    duplicate_blocks: list[tuple[Block, Block]] = field(default_factory=list)  # (later, first)
    producers: dict[str, list[Producer]] = field(default_factory=dict)  # path order; the first counts
    consumptions: dict[str, list[Consumption]] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    # name -> the names with a `derives` or `feeds` edge into it
    _fed_by: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)
    _derivations_sorted: tuple[list[str], list[list[str]]] | None = field(default=None, init=False, repr=False)
    _networkx: nx.DiGraph[Node] | None = field(default=None, init=False, repr=False)
    _derived: dict[str, None] = field(default_factory=dict, init=False, repr=False)  # names a derive produces
    _goals_by_metric: dict[str, list[Goal]] | None = field(default=None, init=False, repr=False)
    _shared: tuple[list[str], set[str]] | None = field(default=None, init=False, repr=False)
    _cycle_of: dict[str, list[str]] | None = field(default=None, init=False, repr=False)
    _first_of: dict[Span, Block] = field(default_factory=dict, init=False, repr=False)  # later -> first
    # Every name a statement produces, derives or consumes, in the order they first come.
    _names: dict[str, None] = field(default_factory=dict, init=False, repr=False)
    # The produced names of each area (`leads` for leads.volume): what "did you mean" chooses among.
    _produced_by_area: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def build(cls, plan: Plan) -> InterlockGraph:
        self = cls(plan)
        for block in sorted(plan.blocks, key=lambda b: (b.span.path, b.span.line)):
            self._declare(block)
        return self

    def _declare(self, block: Block) -> None:
        """Add a block in plan order: the first declaration of its team (or the org) counts."""
        key = _block_key(block)
        # A plan has at most one org, whatever its name; and a team and the org cannot share a
        # name, since statements name their block only by it.
        first = self.blocks.get(key) or (self._first_org() if block.is_org else None) or self.block_named(block.name)
        if first is not None:
            self.duplicate_blocks.append((block, first))
            self._first_of[block.span] = first
            return
        self.blocks[key] = block
        self._add_block(block)

    def _first_org(self) -> Block | None:
        return next((b for b in self.blocks.values() if b.is_org), None)

    def _add_block(self, block: Block) -> None:
        producers, consumptions, fed_by, by_area, names = (
            self.producers,
            self.consumptions,
            self._fed_by,
            self._produced_by_area,
            self._names,
        )
        team = block.name
        consumed: list[str] = []
        goal_metrics: list[str] = []
        for statement in block.statements:
            # Exact types (the model's statement classes are not subclassed), as mypy narrows them.
            if type(statement) is Consumes:
                name = statement.name
                consumption = Consumption(name, team, statement)
                relying = consumptions.get(name)  # one look-up, no empty list made, for 100,000s of lines
                if relying is None:
                    consumptions[name] = [consumption]
                    names[name] = None
                else:
                    relying.append(consumption)
                consumed.append(name)
            elif type(statement) is Produces or type(statement) is Derive:
                name = statement.name
                found = producers.get(name)
                if found is None:
                    producers[name] = [statement]
                    names[name] = None
                    # Indexed as the files come (a run builds the graph while reading), not after.
                    area = name.split(".", 1)[0]
                    in_area = by_area.get(area)
                    if in_area is None:
                        by_area[area] = [name]
                    else:
                        in_area.append(name)
                else:
                    found.append(statement)
                if type(statement) is Derive:
                    self._derived[name] = None
                    for ref in references(statement.expr):
                        consumptions.setdefault(ref.name, []).append(Consumption(ref.name, team, statement, ref))
                        names[ref.name] = None
                        fed_by.setdefault(name, set()).add(ref.name)
            elif type(statement) is Goal:
                self.goals.append(statement)
                goal_metrics.append(statement.metric)
        # A team's plan relies on what it consumes to reach its goals.
        for metric in goal_metrics:
            inputs = [name for name in consumed if name != metric]
            if inputs:
                fed_by.setdefault(metric, set()).update(inputs)

    @property
    def graph(self) -> nx.DiGraph[Node]:
        """The plan as a networkx DiGraph with `kind` and `span` on every edge, built on first use."""
        if self._networkx is None:
            self._networkx = _networkx_graph(self)
        return self._networkx

    # Look-ups -------------------------------------------------------------

    def names(self) -> list[str]:
        """Every assumption and metric that a statement produces, derives or consumes, once each, in
        the order they first come (kept as blocks are added: the list is made at once)."""
        return list(self._names)

    # A rule asks about names through these methods (not the dictionaries above), so that a graph
    # can also answer from part of a plan, loading what is asked for (see run/incremental.py).

    def producer(self, name: str) -> Producer | None:
        """The producer that counts: the first in path order."""
        found = self.producers.get(name)
        return found[0] if found else None

    def producers_of(self, name: str) -> list[Producer]:
        """Every producer of `name` (a `produces` or a `derive`), in path order."""
        return self.producers.get(name, [])

    def consumptions_of(self, name: str) -> list[Consumption]:
        """Every team relying on `name` (a `consumes` line or a derive's input), in path order."""
        return self.consumptions.get(name, [])

    def first_declaration(self, block: Block) -> Block | None:
        """The block that counts when `block` declares its team (or the org) again; None when
        `block` is itself the declaration that counts."""
        return self._first_of.get(block.span)

    def cycle_of(self, name: str) -> list[str] | None:
        """The sorted group of derived names that depend on each other in a loop through `name`."""
        if self._cycle_of is None:
            self._cycle_of = {member: group for group in self.cyclic_names() for member in group}
        return self._cycle_of.get(name)

    def produced_in_area(self, name: str) -> list[str]:
        """The produced names of `name`'s area (its first part), in plan order: what a close name
        for an unresolved one is chosen among."""
        return self._produced_by_area.get(name.split(".", 1)[0], [])

    def block_named(self, team: str) -> Block | None:
        return self.blocks.get(("team", team)) or self.blocks.get(("org", team))

    def goals_for(self, metric: str) -> list[Goal]:
        """The goals set on `metric`, in plan order (indexed on first use)."""
        if self._goals_by_metric is None:
            self._goals_by_metric = {}
            for goal in self.goals:
                self._goals_by_metric.setdefault(goal.metric, []).append(goal)
        return self._goals_by_metric.get(metric, [])

    def org_goals(self) -> list[Goal]:
        return [g for g in self.goals if (b := self.block_named(g.team)) is not None and b.is_org]

    def team_goals(self) -> list[Goal]:
        return [g for g in self.goals if (b := self.block_named(g.team)) is not None and not b.is_org]

    def is_org_team(self, team: str) -> bool:
        block = self.block_named(team)
        return block is not None and block.is_org

    def owners_of(self, team: str) -> list[str]:
        block = self.block_named(team)
        return block.owners if block else []

    def derivations(self) -> Iterator[Derive]:
        for found in self.producers.values():
            for producer in found:
                if isinstance(producer, Derive):
                    yield producer

    def cyclic_names(self) -> list[list[str]]:
        """Groups of derived names that depend on themselves, each sorted (computed once)."""
        return [list(group) for group in self._sorted_derivations()[1]]

    def evaluation_order(self) -> list[str]:
        """The derived names whose values can be computed, each after every derived name it reads:
        all but those on a loop and those that read one (computed once)."""
        return self._sorted_derivations()[0]

    def _sorted_derivations(self) -> tuple[list[str], list[list[str]]]:
        if self._derivations_sorted is None:
            # Only derived names can be on a loop (a stated or unresolved one depends on nothing):
            # the edges from each derived input to the derived name that reads it.
            derived: dict[str, Derive] = {}
            for name in self._derived:  # not every producer: most plans derive a few names of 100,000s
                counts = self.producers[name][0]
                if type(counts) is Derive:
                    derived[name] = counts
            inputs: dict[str, set[str]] = {}
            for name, derive in derived.items():
                for ref in references(derive.expr):
                    if ref.name in derived:
                        readers = inputs.get(ref.name)
                        if readers is None:
                            inputs[ref.name] = {name}
                        else:
                            readers.add(name)
            order, rest = in_order(inputs, derived)
            self._derivations_sorted = order, _loops_among(inputs, rest)
        return self._derivations_sorted

    def shared_metrics(self) -> list[str]:
        """The metrics of the org's goals, sorted: the shared goals every team goal should feed."""
        return self._shared_goals()[0]

    def feeds_shared_goals(self, metric: str) -> bool:
        """Whether a chain of consumptions and derivations takes `metric` into a shared goal."""
        return metric in self._shared_goals()[1]

    def _shared_goals(self) -> tuple[list[str], set[str]]:
        if self._shared is None:  # worked out once: every team goal asks
            metrics = sorted({goal.metric for goal in self.org_goals()})
            self._shared = (metrics, self.feeders_of(metrics))
        return self._shared

    def feeders_of(self, metrics: list[str]) -> set[str]:
        """Every name from which a chain of derivations and consumptions reaches `metrics`."""
        fed_by = self._fed_by
        reached: set[str] = set(metrics)
        stack = [m for m in metrics if m in fed_by]
        seen = set(stack)
        while stack:
            for source in fed_by.get(stack.pop(), ()):
                if source not in seen:
                    seen.add(source)
                    reached.add(source)
                    stack.append(source)
        return reached


class GraphInProgress:
    """The graph built file by file while the rest of the plan is still being read, so that a
    large run's one-process step after reading is shorter (see `run/engine.py`).

    `InterlockGraph.build` takes blocks in path order; files read in that order (as a run reads
    them) give the same graph here. Any other order, or other files than the plan's, and
    `finished` builds the graph from the plan instead: the result never depends on how it was read.
    """

    def __init__(self) -> None:
        self._graph = InterlockGraph(Plan())
        self._added: list[PlanFile] = []
        self._in_order = True

    def add(self, plan_file: PlanFile) -> None:
        if not self._in_order:
            return
        blocks, added, path = plan_file.blocks, self._added, plan_file.path
        in_order = (not added or added[-1].path < path) and all(block.span.path == path for block in blocks)
        if not in_order or any(a.span.line >= b.span.line for a, b in itertools.pairwise(blocks)):
            self._in_order = False
            return
        added.append(plan_file)
        for block in blocks:
            self._graph._declare(block)

    def finished(self, plan: Plan) -> InterlockGraph:
        """The graph of `plan`, whose files should be those added, in the same order."""
        added = self._added
        if not self._in_order or len(added) != len(plan.files) or any(a is not b for a, b in zip(added, plan.files)):
            return InterlockGraph.build(plan)
        graph = self._graph
        graph.plan = plan
        return graph


def _block_key(block: Block) -> tuple[str, str]:
    # A team and the org share one namespace of declarations only by kind:
    # `org acme` twice is a duplicate, as is `team sales` twice.
    return (block.kind, block.name)


def loops_in(successors: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups that hold a cycle, each sorted."""
    return _loops_among(successors, in_order(successors, successors)[1])


def in_order(successors: dict[str, set[str]], nodes: Iterable[str]) -> tuple[list[str], set[str]]:
    """`nodes` (which include every node with no edge into it) in topological order, each after
    every node with an edge into it (Kahn: a node is taken once nothing left points to it); and
    the nodes that are never taken: those on a loop, and those a loop leads to. Most plans have
    no loop, and then nothing is left for the search for loops."""
    pointed_at: dict[str, int] = {}
    for targets in successors.values():
        for target in targets:
            pointed_at[target] = pointed_at.get(target, 0) + 1
    order = [node for node in nodes if node not in pointed_at]
    for node in order:  # the list grows as it is walked
        for target in successors.get(node, ()):
            left = pointed_at[target] - 1
            pointed_at[target] = left
            if left == 0:
                order.append(target)
    return order, {node for node, left in pointed_at.items() if left}


def _loops_among(successors: dict[str, set[str]], remaining: set[str]) -> list[list[str]]:
    if not remaining:
        return []
    return _strongly_connected({node: successors.get(node, set()) & remaining for node in remaining})


def _strongly_connected(successors: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups that hold a cycle, each sorted (Tarjan, iterative: no depth limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in successors:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors[root]))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in successors.get(node, ()):
                        found.append(sorted(component))
    return sorted(found)


def _networkx_graph(graph: InterlockGraph) -> nx.DiGraph[Node]:
    """The networkx view of the plan: the same nodes and edges, for tools that want graph algorithms."""
    import networkx as nx

    result: nx.DiGraph[Node] = nx.DiGraph()
    for block in graph.blocks.values():
        team_node = ("team", block.name)
        result.add_node(team_node, span=block.span, block=block)
        for statement in block.statements:
            if isinstance(statement, (Produces, Derive)):
                result.add_edge(team_node, ("name", statement.name), kind="produces", span=statement.span)
            if isinstance(statement, Derive):
                for ref in references(statement.expr):
                    result.add_edge(("name", ref.name), team_node, kind="consumes", span=statement.span)
                    result.add_edge(("name", ref.name), ("name", statement.name), kind="derives", span=ref.span)
            elif isinstance(statement, Consumes):
                result.add_edge(("name", statement.name), team_node, kind="consumes", span=statement.span)
        goal_metrics = [g.metric for g in block.statements if isinstance(g, Goal)]
        for statement in block.statements:
            if isinstance(statement, Consumes):
                for metric in goal_metrics:
                    if metric != statement.name:
                        result.add_edge(("name", statement.name), ("name", metric), kind="feeds", span=statement.span)
    return result
