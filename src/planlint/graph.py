"""The whole plan as one graph: who produces, consumes and derives what.

Nodes are teams (`("team", name)`) and assumptions or metrics (`("name", name)`);
edges are `produces` (team -> name), `consumes` (name -> team), `derives`
(input -> derived metric) and `feeds` (a consumed name -> the metrics of the
consuming team's goals). Every node and edge keeps its span. The indexes
beside the graph let rules look things up by name in constant time, so no
rule has to compare all pairs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

import networkx as nx

from planlint.model import Block, Consumes, Derive, Goal, Plan, Produces, Reference, references
from planlint.span import Span

Producer = Union[Produces, Derive]


@dataclass(frozen=True, slots=True)
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
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    blocks: dict[str, Block] = field(default_factory=dict)  # first declaration of each team / org
    duplicate_blocks: list[tuple[Block, Block]] = field(default_factory=list)  # (later, first)
    producers: dict[str, list[Producer]] = field(default_factory=dict)  # path order; the first counts
    consumptions: dict[str, list[Consumption]] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)

    @classmethod
    def build(cls, plan: Plan) -> InterlockGraph:
        self = cls(plan)
        for block in sorted(plan.blocks, key=lambda b: (b.span.path, b.span.line)):
            key = _block_key(block)
            first = self.blocks.get(key) or (self._first_org() if block.is_org else None)
            if first is not None:  # a plan has at most one org, whatever its name
                self.duplicate_blocks.append((block, first))
                continue
            self.blocks[key] = block
            self._add_block(block)
        return self

    def _first_org(self) -> Block | None:
        return next((b for b in self.blocks.values() if b.is_org), None)

    def _add_block(self, block: Block) -> None:
        graph = self.graph
        team_node = ("team", block.name)
        graph.add_node(team_node, span=block.span, block=block)
        for statement in block.statements:
            if isinstance(statement, Produces):
                self.producers.setdefault(statement.name, []).append(statement)
                graph.add_edge(team_node, ("name", statement.name), kind="produces", span=statement.span)
            elif isinstance(statement, Derive):
                self.producers.setdefault(statement.name, []).append(statement)
                graph.add_edge(team_node, ("name", statement.name), kind="produces", span=statement.span)
                for ref in references(statement.expr):
                    self._consume(Consumption(ref.name, block.name, statement, ref))
                    graph.add_edge(("name", ref.name), ("name", statement.name), kind="derives",
                                   span=ref.span)
            elif isinstance(statement, Consumes):
                self._consume(Consumption(statement.name, block.name, statement))
            elif isinstance(statement, Goal):
                self.goals.append(statement)
        # A team's plan relies on what it consumes to reach its goals.
        goal_metrics = [g.metric for g in block.statements if isinstance(g, Goal)]
        for statement in block.statements:
            if isinstance(statement, Consumes):
                for metric in goal_metrics:
                    if metric != statement.name:
                        graph.add_edge(("name", statement.name), ("name", metric), kind="feeds",
                                       span=statement.span)

    def _consume(self, consumption: Consumption) -> None:
        self.consumptions.setdefault(consumption.name, []).append(consumption)
        self.graph.add_edge(("name", consumption.name), ("team", consumption.team), kind="consumes",
                            span=consumption.span)

    # Look-ups -------------------------------------------------------------

    def producer(self, name: str) -> Producer | None:
        """The producer that counts: the first in path order."""
        found = self.producers.get(name)
        return found[0] if found else None

    def team_of(self, name: str) -> Block | None:
        return self.blocks.get(("team", name)) or self.blocks.get(("org", name))

    def block_named(self, team: str) -> Block | None:
        return self.blocks.get(("team", team)) or self.blocks.get(("org", team))

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
        """Groups of derived names that depend on themselves, each sorted."""
        derives = nx.DiGraph()
        for derive in self.derivations():
            if self.producer(derive.name) is not derive:
                continue
            for ref in references(derive.expr):
                derives.add_edge(ref.name, derive.name)
        cycles = []
        for component in nx.strongly_connected_components(derives):
            if len(component) > 1 or any(derives.has_edge(n, n) for n in component):
                cycles.append(sorted(component))
        return sorted(cycles)

    def feeders_of(self, metrics: list[str]) -> set[str]:
        """Every name from which a chain of derivations and consumptions reaches `metrics`."""
        targets = [("name", m) for m in metrics if self.graph.has_node(("name", m))]
        reached: set[str] = set(metrics)
        stack = list(targets)
        seen = set(targets)
        while stack:
            node = stack.pop()
            for source, _, kind in self.graph.in_edges(node, data="kind"):
                if kind in ("derives", "feeds") and source not in seen:
                    seen.add(source)
                    reached.add(source[1])
                    stack.append(source)
        return reached


def _block_key(block: Block) -> tuple[str, str]:
    # A team and the org share one namespace of declarations only by kind:
    # `org acme` twice is a duplicate, as is `team sales` twice.
    return (block.kind, block.name)


def consumes_lines(graph: InterlockGraph) -> Iterator[tuple[Consumes, Producer | None]]:
    """Every `consumes` line with the producer that counts for it (None when there is none)."""
    for name, found in graph.consumptions.items():
        producer = graph.producer(name)
        for consumption in found:
            if isinstance(consumption.statement, Consumes):
                yield consumption.statement, producer
