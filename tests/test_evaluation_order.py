"""The order derived values are worked out in, and the loops that have none (analysis/graph.py):
a whole run computes every derived value in one pass (`Evaluator.evaluate_all`), which must give
exactly what the search of `value_of` gives, and find exactly the loops a plain search finds."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planlint.analysis.evaluate import Evaluator
from planlint.analysis.graph import InterlockGraph
from planlint.model.parse import parse_bytes, parse_text
from planlint.model.plan import Derive, Plan, references

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fuzz.strategies import valid_plans

PLAN = """team ops {
  produces x.v = 10 deals
  derive a.v = b.v + 1 deals
  derive b.v = a.v
  derive c.v = a.v * 2
  derive d.v = x.v + 1 deals
  derive e.v = d.v * d.v
  derive f.v = f.v + 1 deals
  derive g.v = nobody.v + 1 deals
}
"""


def _graph(plan: Plan) -> InterlockGraph:
    return InterlockGraph.build(plan)


def _searched(graph: InterlockGraph) -> dict[str, object]:
    evaluator = Evaluator(graph)
    for name in graph.names():
        evaluator.value_of(name)
    return dict(evaluator.computed())


def _in_one_pass(graph: InterlockGraph) -> dict[str, object]:
    evaluator = Evaluator(graph)
    evaluator.evaluate_all()
    for name in graph.names():
        evaluator.value_of(name)
    return dict(evaluator.computed())


def _loops_by_networkx(graph: InterlockGraph) -> list[list[str]]:
    """The loops as the plain definition has them: every input of each counting derive an edge."""
    edges = nx.DiGraph()
    for name, found in graph.producers.items():
        if isinstance(found[0], Derive):
            edges.add_edges_from((ref.name, name) for ref in references(found[0].expr))
    return sorted(
        sorted(group)
        for group in nx.strongly_connected_components(edges)
        if len(group) > 1 or any(edges.has_edge(node, node) for node in group)
    )


def _computed_in_one_pass(graph: InterlockGraph, asked_before: str | None = None) -> dict[str, object]:
    """What `evaluate_all` alone works out (after `value_of(asked_before)`, when given)."""
    evaluator = Evaluator(graph)
    if asked_before is not None:
        evaluator.value_of(asked_before)
    evaluator.evaluate_all()
    return dict(evaluator.computed())


def test_loops_and_the_order_of_the_rest() -> None:
    graph = _graph(Plan([parse_text("ops.plan", PLAN)]))
    assert graph.cyclic_names() == [["a.v", "b.v"], ["f.v"]]
    order = graph.evaluation_order()
    assert sorted(order) == ["d.v", "e.v", "g.v"]  # c.v reads a loop: left to value_of
    assert order.index("d.v") < order.index("e.v")
    assert _in_one_pass(graph) == _searched(graph)


def test_one_pass_alone_works_out_every_name_in_the_order() -> None:
    """Every derived name of the order is computed by the pass itself, also when the first of them
    was asked for before (the pass goes on past what is known), and as the search computes it."""
    graph = _graph(Plan([parse_text("ops.plan", PLAN)]))
    searched = _searched(graph)
    first = graph.evaluation_order()[0]
    for asked_before in (None, first):
        computed = _computed_in_one_pass(graph, asked_before)
        assert {name: computed.get(name) for name in graph.evaluation_order()} == {
            name: searched[name] for name in graph.evaluation_order()
        }
        assert "c.v" not in computed  # after a loop: left to value_of


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(valid_plans())
def test_one_pass_gives_what_the_search_gives(files: dict[str, bytes]) -> None:
    graph = _graph(Plan([parse_bytes(path, data) for path, data in sorted(files.items())]))
    assert graph.cyclic_names() == _loops_by_networkx(graph)
    assert _in_one_pass(graph) == _searched(graph)


NAMES = [f"m.n{i}" for i in range(7)]


@st.composite
def derivation_webs(draw: st.DrawFn) -> str:
    """A team deriving a few of NAMES from others (loops, self-loops and names after a loop come
    often) and stating some: the shapes the generated plans above seldom have."""
    lines = []
    for name in NAMES:
        kind = draw(st.sampled_from(["derive", "derive", "produces", "none"]))
        if kind == "produces":
            lines.append(f"  produces {name} = {draw(st.integers(0, 9))} deals")
        elif kind == "derive":
            inputs = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3))
            lines.append(f"  derive {name} = " + " + ".join(inputs) + " + 1 deals")
    return "team web {\n" + "\n".join(lines) + "\n}\n"


@settings(max_examples=300, deadline=None)
@given(derivation_webs())
def test_one_pass_gives_what_the_search_gives_around_loops(text: str) -> None:
    graph = _graph(Plan([parse_text("web.plan", text)]))
    assert graph.cyclic_names() == _loops_by_networkx(graph)
    searched = _searched(graph)
    assert _in_one_pass(graph) == searched
    computed = _computed_in_one_pass(graph)
    assert all(computed[name] == searched[name] for name in graph.evaluation_order())


VIEW = """team sales {
  consumes leads.volume = 100 leads
  derive deals.won = leads.volume * 20% + x.bonus
  goal revenue.total >= $1M
  consumes revenue.total
}
team marketing {
  produces leads.volume = 120 leads
}
"""


def test_the_networkx_view_has_every_edge_of_the_plan_with_its_kind_and_place() -> None:
    """`InterlockGraph.graph`, for tools that want graph algorithms: teams and names as nodes, one
    edge a pair (the later statement's place when two lines make the same edge)."""
    graph = _graph(Plan([parse_text("p.plan", VIEW)]))
    view = graph.graph
    assert graph.graph is view  # built once
    edges = {(a, b): (data["kind"], data["span"].line, data["span"].column) for a, b, data in view.edges(data=True)}
    assert edges == {
        (("team", "sales"), ("name", "deals.won")): ("produces", 3, 3),
        (("name", "leads.volume"), ("team", "sales")): ("consumes", 3, 3),  # line 2's, then the derive's
        (("name", "leads.volume"), ("name", "deals.won")): ("derives", 3, 22),
        (("name", "x.bonus"), ("team", "sales")): ("consumes", 3, 3),  # read by the derive only
        (("name", "x.bonus"), ("name", "deals.won")): ("derives", 3, 43),
        (("name", "leads.volume"), ("name", "revenue.total")): ("feeds", 2, 3),
        (("name", "revenue.total"), ("team", "sales")): ("consumes", 5, 3),  # and it feeds no loop to itself
        (("team", "marketing"), ("name", "leads.volume")): ("produces", 8, 3),
    }
    assert view.nodes[("team", "sales")]["block"].name == "sales"
    assert view.nodes[("team", "marketing")]["span"].line == 7
