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


# Closing values no plan can write -----------------------------------------------------------------


def gap_of(text: str) -> GoalGap:
    graph, evaluator = analysed(text)
    return GoalGap(graph, evaluator, graph.goals[0], Fraction(1, 10))


def one_input(value: str, goal: str, expression: str) -> str:
    return f"team i {{\n  produces i.a = {value}\n}}\nteam g {{\n  goal g.m {goal}\n  derive g.m = {expression}\n}}\n"


HUGE = ">= 1,000,000,000,000,000,000,000,000"  # 10^24: the band of values that close it is 10^-24 wide


@pytest.mark.parametrize(
    ("value", "expression", "needs"),
    [
        # -1/a >= 10^24 for a in [-10^-24, 0): lowered to 0 it misses, and just past 0 is a negative count
        ("5", "-(1 / i.a)", "a value below 0"),
        # 1/(a - 1) >= 10^24 for a in (100%, 100% + 10^-22%]: just past 100% is more than a producer states
        ("50%", "1 / (i.a - 1)", "a value above 100%"),
        # a in (75%, 75% + 10^-22%]: 75% plus a millionth of it is a share a producer states; the band is too narrow
        ("20%", "1 / (i.a - 0.75)", ""),
        # a in [0.0001 - 10^-24, 0.0001) lowered from 5: 0.0001 less a millionth of it is still positive
        ("5", "1 / (0.0001 - i.a)", ""),
        # 99.99985% x (1 + 10^-6) = 99.9999499...%, under 100%: too narrow, not out of reach
        ("20%", "1 / (i.a - 0.9999985)", ""),
        # 99.99993% x (1 + 10^-6) = 100.00002999...%, over 100%: out of reach. The words print the bound as every
        # value is printed, rounded: "above 100%" where it is 99.99993% (imprecise only for bands this narrow)
        ("20%", "1 / (i.a - 0.9999993)", "a value above 100%"),
    ],
)
def test_a_band_too_narrow_to_write_says_whether_just_past_it_is_out_of_reach(
    value: str, expression: str, needs: str
) -> None:
    answers = gap_of(one_input(value, HUGE, expression)).closing()
    assert answers.closing == []
    assert answers.stuck == [goals.Stuck("i.a", needs)]
    assert answers.stuck[0].cannot is bool(needs)


@pytest.mark.parametrize(
    ("value", "goal", "expression", "needs"),
    [
        ("50%", ">= 0", "1 / (i.a - 1)", "100.1%"),  # 100% divides by zero; 100.1% gives 1000, a share past 100%
        ("5", "<= 0", "1 / i.a", "-0.001"),  # 0 divides by zero; -0.001 gives -1000, a negative count
    ],
)
def test_a_closing_value_a_producer_cannot_state_is_shown_as_what_it_needs(
    value: str, goal: str, expression: str, needs: str
) -> None:
    answers = gap_of(one_input(value, goal, expression)).closing()
    assert answers.closing == [] and answers.stuck == [goals.Stuck("i.a", needs)]


def test_a_closing_value_points_at_the_statement_that_produces_it() -> None:
    text = (
        "team i {\n  produces i.a = 5\n  produces i.b = 2\n}\nteam g {\n  goal g.m >= 20\n  derive g.m = i.a * i.b\n}\n"
    )
    closing = gap_of(text).closing().closing  # 10 now: a >= 20 / 2 = 10, b >= 20 / 5 = 4
    assert [(c.name, c.op, c.value, c.change, c.team) for c in closing] == [
        ("i.a", ">=", "10", "+100%", "i"),
        ("i.b", ">=", "4", "+100%", "i"),
    ]
    assert [(c.span.path, c.span.line) for c in closing if c.span is not None] == [("p.plan", 2), ("p.plan", 3)]


# Drivers -----------------------------------------------------------------------------------------


def test_a_driver_pulling_a_floor_goal_up_by_less_than_one_is_not_against_it() -> None:
    text = (
        "team i {\n  produces i.a = 30%\n  produces i.b = 10%\n}\n"
        "team g {\n  goal g.r >= 50%\n  consumes i.a = 20%\n  consumes i.b = 30%\n  derive g.r = i.a + i.b\n}\n"
    )
    gap = gap_of(text)  # 40% now: a is 10% over what g assumed (+0.1), b 20% under (-0.2)
    drivers = gap.drivers()
    assert [(d.name, d.impact, d.effect) for d in drivers] == [
        ("i.b", "-20%", Fraction(-1, 5)),
        ("i.a", "+10%", Fraction(1, 10)),
    ]
    assert [gap.against(d) for d in drivers] == [True, False]


@pytest.mark.parametrize(
    ("goal", "delivered", "assumed", "impact"),
    [
        ("<= 10", "8 .. 14", "= 8", "+6"),  # a ceiling: the top end decides, 14 delivered against 8 assumed
        (">= 10", "6 .. 12", "= 12", "-6"),  # a floor: the bottom end decides, 6 delivered against 12 assumed
        (">= 10", "6", ">= 9", "-3"),  # an assumed floor the delivered value misses: its nearest point, 6 - 9
        (">= 10", "6", "<= 4", "+2"),  # an assumed ceiling it misses: 6 - 4
    ],
)
def test_what_a_delivered_value_moves_the_metric_by_against_what_was_assumed(
    goal: str, delivered: str, assumed: str, impact: str
) -> None:
    text = one_input(delivered, goal, "i.a * 1").replace("  derive", f"  consumes i.a {assumed}\n  derive")
    assert [(d.name, d.assumed, d.delivered, d.impact) for d in gap_of(text).drivers()] == [
        ("i.a", assumed, delivered, impact)
    ]


def test_an_assumption_the_delivered_value_meets_drives_nothing() -> None:
    text = one_input("6", ">= 10", "i.a * 1").replace("  derive", "  consumes i.a >= 5\n  derive")
    assert gap_of(text).drivers() == []


# An input nobody states a value for ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("goal", "bounds"),
    [
        ("in 4 .. 10", [(">=", "2"), ("<=", "5")]),  # 2x in 4 .. 10
        (">= 5", [(">=", "2.5")]),
        ("<= 10", [("<=", "5")]),
    ],
)
@pytest.mark.parametrize(
    ("statement", "team", "line"),
    [("produces a.x", "a", 2), ("consumes a.x = 3", "", None)],  # produced without a value, or by nobody
)
def test_what_an_input_nobody_states_must_be(
    goal: str, bounds: list[tuple[str, str]], statement: str, team: str, line: int | None
) -> None:
    graph, evaluator = analysed(f"team a {{\n  {statement}\n  derive a.y = a.x * 2\n  goal a.y {goal}\n}}\n")
    needed = goals.needed_values(graph, evaluator, graph.goals[0], "a.x", Fraction(1, 10))
    assert [(c.op, c.value) for c in needed] == bounds
    assert {(c.name, c.team, c.span and c.span.line) for c in needed} == {("a.x", team, line)}
