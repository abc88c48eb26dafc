"""The graph built file by file as a run reads (`GraphInProgress`) is the graph `build` makes."""

from __future__ import annotations

from typing import Any

from planlint.analysis.graph import GraphInProgress, InterlockGraph
from planlint.language.span import Span
from planlint.model.parse import parse_text
from planlint.model.plan import Block, Plan, PlanFile

FILES = {
    "a.plan": """
org acme {
  goal company.revenue >= $10M/year
}
team marketing {
  produces leads.volume = 2000 leads/month
  consumes budget.opex = $1M/year
}
""",
    "b.plan": """
team sales {
  consumes leads.volume = 1900 leads/month
  consumes leads.win_rate = 20%
  derive company.revenue = leads.volume * deals.size
  goal company.revenue >= $9M/year
}
team marketing {
  produces leads.mql = 500 leads/month
}
""",
    "c.plan": """
org other {
  goal company.margin >= 10%
}
team finance {
  produces budget.opex = $1.2M/year
  produces deals.size = $40k
}
""",
}


def _files(names: list[str]) -> list[PlanFile]:
    return [parse_text(name, FILES[name]) for name in names]


def _shape(graph: InterlockGraph) -> dict[str, Any]:
    """Everything `build` works out, as comparable data (blocks by their spans)."""
    return {
        "blocks": {key: block.span for key, block in graph.blocks.items()},
        "duplicates": [(later.span, first.span) for later, first in graph.duplicate_blocks],
        "producers": {name: [p.span for p in found] for name, found in graph.producers.items()},
        "consumptions": {name: [(c.team, c.span) for c in found] for name, found in graph.consumptions.items()},
        "goals": [goal.span for goal in graph.goals],
        "fed_by": graph._fed_by,
        "derived": list(graph._derived),
        "names": graph.names(),
        "first_of": {later: first.span for later, first in graph._first_of.items()},
        "unresolved": [name for name in graph.names() if graph.producer(name) is None],
        "by_area": graph._produced_by_area,
    }


def _built_as_read(files: list[PlanFile], plan: Plan) -> InterlockGraph:
    progress = GraphInProgress()
    for plan_file in files:
        progress.add(plan_file)
    return progress.finished(plan)


def test_files_added_in_path_order_give_the_graph_build_gives() -> None:
    files = _files(["a.plan", "b.plan", "c.plan"])
    plan = Plan(files)
    graph = _built_as_read(files, plan)
    expected = _shape(InterlockGraph.build(plan))
    assert _shape(graph) == expected
    assert graph.plan is plan
    # What the plan holds, so that the comparison above compares something.
    assert expected["unresolved"] == ["leads.win_rate"]
    # Each name once, as first produced, derived or consumed (a goal's metric only when one of those).
    assert expected["names"] == ["leads.volume", "budget.opex", "leads.win_rate", "company.revenue", "deals.size"]
    assert expected["duplicates"] == [
        (Span("b.plan", 8, 1, 8, 15), Span("a.plan", 5, 1, 5, 15)),  # marketing again
        (Span("c.plan", 2, 1, 2, 10), Span("a.plan", 2, 1, 2, 9)),  # a second org
    ]
    # The second marketing block is a duplicate: its leads.mql is nobody's.
    assert expected["by_area"] == {
        "leads": ["leads.volume"],
        "budget": ["budget.opex"],
        "company": ["company.revenue"],
        "deals": ["deals.size"],
    }
    assert expected["fed_by"]["company.revenue"] == {"leads.volume", "deals.size", "leads.win_rate"}


def test_files_out_of_path_order_give_the_graph_of_the_plan_in_path_order() -> None:
    # `build` takes blocks in path order: the first declaration of marketing is a.plan's.
    files = _files(["b.plan", "a.plan"])
    plan = Plan(files)
    graph = _built_as_read(files, plan)
    assert _shape(graph) == _shape(InterlockGraph.build(plan))
    assert [(later.span.path, first.span.line) for later, first in graph.duplicate_blocks] == [("b.plan", 5)]


def test_two_files_of_one_path_are_taken_block_by_block_in_line_order() -> None:
    first, second = parse_text("x.plan", FILES["a.plan"]), parse_text("x.plan", FILES["c.plan"].lstrip())
    plan = Plan([first, second])
    graph = _built_as_read([first, second], plan)
    assert _shape(graph) == _shape(InterlockGraph.build(plan))
    # The second file's org (line 1) comes before the first's (line 2): acme is the duplicate.
    assert [block.name for block in graph.blocks.values()] == ["other", "finance", "marketing"]
    assert [(later.name, first.name) for later, first in graph.duplicate_blocks] == [("acme", "other")]


def test_blocks_of_one_file_out_of_line_order_are_sorted_as_build_sorts_them() -> None:
    later = Block("team", "sales", Span("x.plan", 9, 1, 9, 11))
    earlier = Block("team", "sales", Span("x.plan", 2, 1, 2, 11))
    plan_file = PlanFile("x.plan", [later, earlier])
    graph = _built_as_read([plan_file], Plan([plan_file]))
    assert graph.duplicate_blocks == [(later, earlier)]


def test_files_other_than_the_plans_give_the_plans_graph() -> None:
    a, b, c = _files(["a.plan", "b.plan", "c.plan"])
    plan = Plan([a, c])
    graph = _built_as_read([a, b], plan)
    assert _shape(graph) == _shape(InterlockGraph.build(plan))
    assert "leads.mql" not in graph.producers and "deals.size" in graph.producers
    fewer = Plan([a, b, c])
    assert _shape(_built_as_read([a, b], fewer)) == _shape(InterlockGraph.build(fewer))


def test_blocks_listed_under_another_path_than_their_own_give_the_plans_graph() -> None:
    # c.plan's blocks in a file listed as a.plan: `build` orders blocks by their own path.
    moved = PlanFile("a.plan", parse_text("c.plan", FILES["a.plan"]).blocks)
    here = parse_text("b.plan", FILES["b.plan"])
    plan = Plan([moved, here])
    graph = _built_as_read([moved, here], plan)
    assert _shape(graph) == _shape(InterlockGraph.build(plan))
    assert [(later.span.path, first.span.path) for later, first in graph.duplicate_blocks] == [("c.plan", "b.plan")]


def test_a_derive_input_nobody_produces_or_consumes_is_a_name() -> None:
    plan = Plan([parse_text("x.plan", "team x {\n  derive a.total = a.part * 2\n}\n")])
    assert InterlockGraph.build(plan).names() == ["a.total", "a.part"]
