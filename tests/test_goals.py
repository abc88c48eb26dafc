"""What closes a goal's gap, piece by piece: the exact bounds of an input, which way a metric moves,
the shares and units goals are stated in, and the budget that keeps an organisation's check quick."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from planlint.analysis import goals
from planlint.analysis.evaluate import Evaluator, Known
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
        # past both ends: 10 under the bottom, 5 over the top; the bottom misses by more and is measured against
        ("in 10 .. 20", "0 .. 25", "0% .. 250% of 10, the bottom of the 10 .. 20 goal", "partly met"),
        # 5 under the bottom, 5 over the top: neither misses by more, the bottom is measured against
        ("in 10 .. 20", "5 .. 25", "50% .. 250% of 10, the bottom of the 10 .. 20 goal", "partly met"),
        ("<= 10 .. 20", "30", "150% of the 10 .. 20 limit", "over"),  # a ceiling's point is its top: 30 / 20
        (">= 10 .. 20", "5", "50% of the 10 .. 20 goal", "short"),  # a floor's its bottom: 5 / 10
        ("<= $0/year", "$5M/year", "$5M/year above the $0/year limit", "over"),
        (">= $0/year", "$0/year", "at the $0/year goal", "met"),  # on the goal: neither below nor above it
        ("<= 0", "0", "at the 0 limit", "met"),
        (">= -5", "-8", "3 below the -5 goal", "short"),  # -8 - (-5)
        # against -5 itself (not the 10% the standing allows): the top, 0, misses by 5, the bottom, -6, by 1
        ("= -5", "-6 .. 0", "5 above the -5 goal", "partly met"),
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


def test_a_bound_that_misses_itself_is_passed_by_a_thousandth_of_it() -> None:
    """1 / (a - 7) >= 100 raised from 5: 7 < a <= 7.01. 7 divides by zero; 7 + 7/1000 = 7.007 gives 1/0.007 = 143."""
    closing = gap_of(one_input("5", ">= 100", "1 / (i.a - 7)")).closing().closing
    assert [(c.op, c.value, c.exact, c.change) for c in closing] == [(">=", "7.007", 7, "+40%")]


@pytest.mark.parametrize(
    ("goal", "value"),
    [
        (">= 1,000", "7.001"),  # a in (7, 7.001]: one decimal more than the usual two
        (">= 100,000,000,000,000", "7.00000000000001"),  # a in (7, 7 + 10^-14]: 12 more, q.MORE_DIGITS
        (">= 1,000,000,000,000,000", ""),  # a in (7, 7 + 10^-15]: 13 more would be needed, none is offered
    ],
)
def test_a_narrow_band_of_closing_values_is_printed_with_as_many_more_decimals_as_allowed(
    goal: str, value: str
) -> None:
    """1 / (a - 7) >= 10^k, with a lowered from 20: 7 < a <= 7 + 10^-k."""
    answers = gap_of(one_input("20", goal, "1 / (i.a - 7)")).closing()
    assert [c.value for c in answers.closing] == ([value] if value else [])
    assert answers.stuck == ([] if value else [goals.Stuck("i.a")])


@pytest.mark.parametrize(
    ("value", "goal", "expression", "needs"),
    [
        ("50%", ">= 0", "1 / (i.a - 1)", "100.1%"),  # 100% divides by zero; 100.1% gives 1000, a share past 100%
        ("5", "<= 0", "1 / i.a", "-0.001"),  # 0 divides by zero; -0.001 gives -1000, a negative count
        ("100%", ">= 12", "i.a * 10", "120%"),  # 12 / 10 = 120%: past the 100% the producer states now
        ("0", ">= 15", "10 - i.a", "-5"),  # 10 - a >= 15: a <= -5, below the 0 the producer states now
        ("0", ">= 15.0004", "10 - i.a", "-5.01"),  # a <= -5.0004, rounded the way it moves: down
    ],
)
def test_a_closing_value_a_producer_cannot_state_is_shown_as_what_it_needs(
    value: str, goal: str, expression: str, needs: str
) -> None:
    answers = gap_of(one_input(value, goal, expression)).closing()
    assert answers.closing == [] and answers.stuck == [goals.Stuck("i.a", needs)]


def test_a_value_no_producer_can_state_is_shown_in_the_unit_the_input_is_printed_in() -> None:
    """a <= 10 - 15 = -5 leads/month, printed as i.a is everywhere: in its goal's leads/year, -60."""
    text = (
        "team g {\n  goal g.m >= 15 leads/month\n  derive g.m = 10 leads/month - i.a\n}\n"
        "team i {\n  produces i.a = 0 leads/month\n  goal i.a >= 0 leads/year\n}\n"
    )
    assert gap_of(text).closing().stuck == [goals.Stuck("i.a", "-60 leads/year")]


def test_an_input_read_inside_a_divisor_is_never_said_to_be_unable_to_close_the_gap() -> None:
    """10 / a is never 0, but no value found under a divisor proves nothing (an answer may lie across its zero)."""
    answers = gap_of(one_input("5", "= 0", "10 / i.a")).closing()
    assert answers.closing == [] and answers.stuck == [goals.Stuck("i.a")]
    assert not answers.stuck[0].cannot


def test_the_smallest_change_is_measured_from_todays_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """a - b >= 4 with a = 10, b = 8: a >= 12 is +20%, b <= 6 is -25%; only the smaller is offered."""
    monkeypatch.setattr(goals, "MOST_SHOWN", 1)
    text = (
        "team i {\n  produces i.a = 10\n  produces i.b = 8\n}\nteam g {\n  goal g.m >= 4\n  derive g.m = i.a - i.b\n}\n"
    )
    answers = gap_of(text).closing()
    assert [(c.name, c.op, c.value, c.change) for c in answers.closing] == [("i.a", ">=", "12", "+20%")]
    assert answers.larger == 1


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


def test_inputs_past_the_budget_of_repeated_ones_are_each_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(goals, "MOST_REPEATED", 1)
    text = MANY + "team g {\n  goal g.m >= 60\n  derive g.m = i.x0 * i.x0 + i.x1 * i.x1 + i.x2 * i.x2\n}\n"
    answers = gap_of(text).closing()  # x0 is solved; x1 and x2, used twice too, are past the budget of 1
    assert [c.name for c in answers.closing] == ["i.x0"]
    assert answers.untried == 2


def test_an_equals_goal_hit_only_across_a_divisors_zero_offers_the_nearest_value_that_meets_it() -> None:
    """10 - 1/a = 10.5 takes a = -2, across zero from a = 1 now; within 10% of 10.5 (9.45 .. 11.55) with a
    positive, 10 - 1/a < 10 and 1/a <= 0.55: a >= 20/11, printed 1.82 (+82% on 1)."""
    answers = gap_of(one_input("1", "= 10.5", "10 - 1 / i.a")).closing()
    assert [(c.name, c.op, c.value, c.exact, c.change) for c in answers.closing] == [
        ("i.a", ">=", "1.82", Fraction(20, 11), "+82%")
    ]
    assert answers.stuck == []


def test_an_input_whose_range_starts_where_the_goal_does_is_lowered_from_its_top() -> None:
    """a in 10 .. 20 for a of 10 .. 30: the bottom already meets it, the top comes down, 20 on 30 is -33%."""
    closing = gap_of(one_input("10 .. 30", "in 10 .. 20", "i.a * 1")).closing().closing
    assert [(c.name, c.op, c.value, c.now, c.change) for c in closing] == [("i.a", "<=", "20", "10 .. 30", "-33%")]


def known_before(text: str, name: str, value: int) -> GoalGap:
    """The gap with `name`'s value taken from an earlier run (an evaluator's `known`), the rest from `text`."""
    graph = InterlockGraph.build(Plan([parse_text("p.plan", text)]))
    before = Known(q.Quantity.point(Fraction(value)))
    evaluator = Evaluator(graph, lambda asked: before if asked == name else None)
    return GoalGap(graph, evaluator, graph.goals[0], Fraction(1, 10))


def test_an_input_without_a_value_under_a_metric_known_from_before_is_passed_over() -> None:
    """h.x = 6 from an earlier run, though i.z under it has no value now: g.m = 6 + 4 = 10. i.z, the first
    input, is neither solved nor weighed; i.a after it still is: a >= 20 - 6 = 14, and g's assumed 8 would give
    g.m = 14, so the 4 delivered moves it by -4."""
    text = (
        "team i {\n  produces i.a = 4\n}\nteam h {\n  derive h.x = i.z * 1\n}\n"
        "team g {\n  goal g.m >= 20\n  consumes i.z = 5\n  consumes i.a = 8\n  derive g.m = h.x + i.a\n}\n"
    )
    gap = known_before(text, "h.x", 6)
    answers = gap.closing()
    assert [(c.name, c.op, c.value, c.change) for c in answers.closing] == [("i.a", ">=", "14", "+250%")]
    assert answers.stuck == []
    assert [(d.name, d.assumed, d.delivered, d.impact) for d in gap.drivers()] == [("i.a", "= 8", "4", "-4")]


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


def test_an_input_multiplied_by_zero_drives_nothing_and_the_next_input_still_does() -> None:
    text = (
        "team i {\n  produces i.a = 4\n  produces i.z = 0\n  produces i.b = 2\n}\n"
        "team g {\n  goal g.m >= 10\n  consumes i.a = 8\n  consumes i.b = 5\n  derive g.m = i.a * i.z + i.b\n}\n"
    )
    # a assumed 8 instead of 4 moves nothing (times 0); b, 2 instead of 5, moves the metric by -3
    assert [(d.name, d.impact) for d in gap_of(text).drivers()] == [("i.b", "-3")]


ASSUMED = (  # i.a is 6; h assumes 9, k 3 and the goal's team g `own`
    "team i {{\n  produces i.a = 6\n}}\n"
    "team h {{\n  consumes i.a = 9\n  derive h.x = i.a * 1\n}}\n"
    "team k {{\n  consumes i.a = 3\n  derive k.y = 1 * 1\n}}\n"
    "team g {{\n  goal g.m >= 10\n{own}  derive g.m = {formula}\n}}\n"
)


@pytest.mark.parametrize(
    ("own", "formula", "assumed", "impact", "by"),
    [
        ("  consumes i.a = 8\n", "h.x * 1", "= 8", "-2", "g"),  # the goal's team's own, though h's comes first: 6 - 8
        ("", "h.x * 1", "= 9", "-3", "h"),  # else a team whose derivation is under the goal: 6 - 9
        ("", "h.x * k.y", "= 9", "-3", "h"),  # k.y under it too: the first of those teams, h
    ],
)
def test_whose_assumption_a_driver_is_measured_against(
    own: str, formula: str, assumed: str, impact: str, by: str
) -> None:
    text = ASSUMED.format(own=own, formula=formula)
    assert [(d.name, d.assumed, d.impact, d.assumed_by) for d in gap_of(text).drivers()] == [
        ("i.a", assumed, impact, by)
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


@pytest.mark.parametrize(
    ("delivered", "op", "change"),
    [
        ("2 .. 5", "<=", "-60%"),  # the range starts at the value: its top comes down, 5 -> 2
        ("-1 .. 2", ">=", "+300%"),  # it ends there: its bottom comes up, -1 -> 2
        ("0 .. 5", "<=", "-60%"),  # below its middle (2.5): the top has farther to go
        ("1 .. 2.5", ">=", "+100%"),  # above it (1.75): the bottom has
    ],
)
def test_an_equal_goal_met_by_one_value_inside_a_range_moves_its_farther_end(
    delivered: str, op: str, change: str
) -> None:
    """= 0 on a - 2: a must be 2, which each range holds; the end farther from 2 moves."""
    closing = gap_of(one_input(delivered, "= 0", "i.a - 2")).closing().closing
    assert [(c.name, c.op, c.value, c.change) for c in closing] == [("i.a", op, "2", change)]
