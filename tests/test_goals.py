"""What closes a goal's gap, piece by piece: the exact bounds of an input, which way a metric moves,
the shares and units goals are stated in, and the budget that keeps an organisation's check quick."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from planlint.analysis import goals
from planlint.analysis.evaluate import Evaluator
from planlint.analysis.goals import GoalGap, measured, metric_unit, standing
from planlint.analysis.graph import InterlockGraph
from planlint.analysis.solve import MetricTree, NoAnswer
from planlint.language import quantity as q
from planlint.model.parse import parse_text
from planlint.model.plan import Plan
from planlint.run.config import DEFAULT
from planlint.run.engine import lint_sources


def analysed(text: str) -> tuple[InterlockGraph, Evaluator]:
    graph = InterlockGraph.build(Plan([parse_text("p.plan", text)]))
    return graph, Evaluator(graph)


def tree_of(text: str, metric: str = "g.m") -> MetricTree:
    return MetricTree.of(*analysed(text), metric)


INPUTS = "team i {\n  produces i.a = 4\n  produces i.b = 2 .. 3\n  produces i.c = 10\n}\n"


# Exact bounds of an input used once ----------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "asked", "a", "b"),
    [
        # a + b >= 10 over b in 2 .. 3: the worst case b = 2 decides, a >= 8; b >= 6
        ("i.a + i.b", (10, None), (8, None), (6, None)),
        # a - b >= 10: the worst case subtracts 3, a >= 13; b <= -6
        ("i.a - i.b", (10, None), (13, None), (None, -6)),
        # a * b <= 6: 3a <= 6, a <= 2; 4b <= 6, b <= 1.5
        ("i.a * i.b", (None, 6), (None, 2), (None, Fraction(3, 2))),
        # c / b in 4 .. 5: 10/b within it for the whole b, and c/2 <= 5, c/3 >= 4
        ("i.c / i.b", (4, 5), None, (2, Fraction(5, 2))),
        # a / b >= 1: a >= 3 (the worst case divides by 3)
        ("i.a / i.b", (1, None), (3, None), (0, 4)),
        # -(a) * b >= -6: a <= 2
        ("-(i.a) * i.b", (-6, None), (None, 2), (None, Fraction(3, 2))),
    ],
)
def test_bounds_of_an_input_used_once(expression: str, asked: tuple, a: tuple | None, b: tuple | None) -> None:
    tree = tree_of(INPUTS + f"team g {{\n  derive g.m = {expression}\n}}\n")
    bounds = tree.bounds_of_single_inputs(tuple(None if x is None else Fraction(x) for x in asked))
    expected = {"i.a": a, "i.b": b, "i.c": None}
    for name, value in bounds.items():
        if expected[name] is not None:
            assert value == tuple(None if x is None else Fraction(x) for x in expected[name]), name


def test_a_divisor_may_cross_zero_when_its_side_has_no_answer() -> None:
    """1 / (2c - 1) >= 0.5 with c at 1%: the divisor is negative now; c in (0.5, 1.5] answers."""
    text = "team i {\n  produces i.c = 1%\n}\nteam g {\n  derive g.m = 1 / (2 * i.c - 1)\n}\n"
    bounds = tree_of(text).bounds_of_single_inputs((Fraction(1, 2), None))
    assert bounds["i.c"] == (Fraction(1, 2), Fraction(3, 2))


# Which way a metric moves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "way"),
    [
        ("i.a * i.a", 1),  # a positive square rises with a
        ("i.a * i.c + i.a * i.b", 1),  # used twice, rising both times
        ("i.c - i.a * i.b - i.a", -1),
        ("i.a / (i.a + i.c)", None),  # on both sides of a division: no single answer
        ("i.a - i.a", None),  # pulls both ways
        ("i.c / (i.a - 4)", None),  # a divisor at zero
        ("i.c * 2", 0),  # does not depend on a
    ],
)
def test_direction(expression: str, way: int | None) -> None:
    tree = tree_of(INPUTS + f"team g {{\n  derive g.m = {expression}\n}}\n")
    assert tree.direction("i.a", q.Quantity(Fraction(4), Fraction(5))) == way


def test_an_input_used_twice_is_solved_where_the_metric_rises_with_it() -> None:
    """a * c + a * b >= 100 (b 2 .. 3): 12a >= 100 at the worst case, a >= 25/3, exactly."""
    tree = tree_of(INPUTS + "team g {\n  derive g.m = i.a * i.c + i.a * i.b\n}\n")
    assert tree.bounds_of_repeated("i.a", (Fraction(100), None)) == (Fraction(25, 3), None)
    pulls_both_ways = tree_of(INPUTS + "team g {\n  derive g.m = i.a * i.c - i.a * i.a\n}\n")
    with pytest.raises(NoAnswer):
        pulls_both_ways.bounds_of_repeated("i.a", (Fraction(100), None))


def test_value_with_replaces_one_input_only() -> None:
    tree = tree_of(INPUTS + "team g {\n  derive g.x = i.a * i.b\n  derive g.m = g.x + i.c\n}\n")
    assert tree.safely("i.a", q.Quantity.point(Fraction(10))) == q.Quantity(Fraction(30), Fraction(40))
    assert tree.safely("i.b", q.Quantity.point(Fraction(0))) == q.Quantity.point(Fraction(10))
    assert tree.cone("i.a") == ["g.x", "g.m"]


# Goals: shares, units, standing -------------------------------------------------------------------


def goal_and_value(goal: str, value: str) -> tuple:
    value, _, less = value.partition(" minus ")  # the language has no negative literals yet
    expression = f"i.v - {less}" if less else "i.v * 1"
    text = f"team i {{\n  produces i.v = {value}\n}}\nteam g {{\n  goal g.m {goal}\n  derive g.m = {expression}\n}}\n"
    graph, evaluator = analysed(text)
    return graph.goals[0], evaluator.value_of("g.m").quantity, graph, evaluator


@pytest.mark.parametrize(
    ("goal", "value", "words", "status"),
    [
        (">= $20M/year", "$15.36M/year", "76.8% of the $20M/year goal", "short"),
        ("<= $1M/year", "$1.1M/year", "110% of the $1M/year limit", "over"),
        ("in 10 .. 20", "60", "300% of 20, the top of the 10 .. 20 goal", "off target"),
        ("in 10 .. 20", "5", "50% of 10, the bottom of the 10 .. 20 goal", "off target"),
        ("= 100 people", "85 people", "85% of the 100 people goal", "off target"),
        (">= 9,996 deals", "9,995 deals", "99.9% of the 9,996 deals goal", "short"),
        (">= $0/year", "$1M/year .. $7M/year minus $6M/year", "$5M/year below the $0/year goal", "partly met"),
        (">= 10", "14 .. 18", "140% .. 180% of the 10 goal", "met"),
    ],
)
def test_how_a_goal_stands(goal: str, value: str, words: str, status: str) -> None:
    found, computed, _, _ = goal_and_value(goal, value)
    assert measured(found, computed) == words
    assert standing(found, computed, Fraction(1, 10)) == status


def test_a_metric_has_one_unit_its_goals_else_its_producers() -> None:
    text = (
        "team i {\n  produces i.v = 500 leads/month\n  produces i.w = 3\n}\n"
        "team g {\n  goal g.m >= 8000 leads/year\n  goal g.r >= 20%\n  derive g.m = i.v * 1\n  derive g.r = i.w / 10\n}\n"
    )
    graph, evaluator = analysed(text)
    assert q.format_quantity(evaluator.value_of("g.m").quantity, metric_unit(graph, evaluator, "g.m")) == (
        "6,000 leads/year"
    )
    assert q.format_quantity(evaluator.value_of("i.v").quantity, metric_unit(graph, evaluator, "i.v")) == (
        "500 leads/month"
    )
    assert q.format_quantity(evaluator.value_of("g.r").quantity, metric_unit(graph, evaluator, "g.r")) == "30%"
    assert metric_unit(graph, evaluator, "nobody.knows") is None


# The budget ---------------------------------------------------------------------------------------


def shortfall_help(text: str) -> str:
    config = DEFAULT.with_overrides(cache=False)
    findings = lint_sources([("p.plan", text.encode())], config, Path(".")).findings
    return next(f.help for f in findings if f.rule == "goal-shortfall")


MANY = "team i {\n" + "".join(f"  produces i.x{n} = {n + 1}\n" for n in range(6)) + "}\n"
SUM = " + ".join(f"i.x{n}" for n in range(6))


def test_the_smallest_changes_are_offered_and_the_rest_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(goals, "MOST_SHOWN", 2)
    text = MANY + f"team g {{\n  goal g.m >= 30\n  derive g.m = {SUM}\n}}\n"  # 21 now: +9 on any one input
    assert shortfall_help(text) == (
        "any one of these alone would close the gap: i.x4 >= 14 (now 5, +180%) or i.x5 >= 15 (now 6, +150%)"
        " (4 other inputs would need larger changes)"
    )


def test_inputs_used_more_than_once_are_solved_up_to_a_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(goals, "MOST_REPEATED", 1)
    text = MANY + "team g {\n  goal g.m >= 60\n  derive g.m = i.x0 * i.x0 + i.x1 * i.x1 + i.x2\n}\n"
    help = shortfall_help(text)  # 1 + 4 + 3 = 8 now: x0 needs the square root of 53, x2 needs 55
    assert help.startswith("any one of these alone would close the gap: i.x0 >= 7.29 (now 1, +630%) or i.x2 >= 55")
    assert help.endswith("; not solved: 1 other input used more than once")


def test_a_goal_over_too_many_derivations_is_not_solved_input_by_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(goals, "MOST_DERIVED", 1)
    text = MANY + f"team g {{\n  goal g.m >= 30\n  derive g.x = {SUM}\n  derive g.m = g.x * 1\n}}\n"
    assert shortfall_help(text) == (
        "raise what feeds g.m, or lower the goal to what the plan delivers; its derivations reach 6 inputs, "
        "too many to solve one by one: try values with `planlint what-if --set NAME=VALUE`"
    )
    graph, evaluator = analysed(text)
    gap = GoalGap(graph, evaluator, graph.goals[0], Fraction(1, 10))
    assert gap.drivers() == [] and gap.closing().closing == []


@pytest.mark.parametrize(("op", "point"), [("<=", 20), (">=", 10), ("in", 10), ("=", 10)])
def test_a_ranged_goal_is_measured_against_the_end_it_bounds(op: str, point: int) -> None:
    """`<= 10 .. 20` is met up to 20: that end is the goal's point for its share and bar."""
    plan_file = parse_text("g.plan", f"team t {{\n  goal x.y {op} 10 .. 20 deals\n}}\n")
    assert plan_file.problem is None, plan_file.problem
    assert goals.goal_point(plan_file.blocks[0].statements[0]) == point
