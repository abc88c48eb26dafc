"""The exact arithmetic under closing values (analysis/solve.py), piece by piece: the root finder that
bounds an input used more than once, the interval operations that carry a goal's bounds down to an
input, and the signs that say which way a metric moves. Each expected value is worked by hand."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest

from planlint.analysis import solve
from planlint.analysis.solve import EVERYTHING, Bounds, NoAnswer
from planlint.language import quantity as q
from test_goals import INPUTS, tree_of

F = Fraction


# The root finder ------------------------------------------------------------------------------------


def counted(gap: Callable[[Fraction], Fraction]) -> tuple[Callable[[Fraction], Fraction], list[Fraction]]:
    """`gap`, and the values it is asked at: each one is a re-evaluation of a metric's whole cone,
    so how many a root costs is part of what is pinned."""
    asked: list[Fraction] = []

    def recorded(value: Fraction) -> Fraction:
        asked.append(value)
        return gap(value)

    return recorded, asked


def test_a_straight_gap_is_crossed_exactly_after_doubling_steps_from_a_millionth() -> None:
    """x - 7/3 from 0: steps of 10⁻⁶ doubling (22 of them pass 7/3: 10⁻⁶ × (2²² - 1) = 4.19), then
    one secant step lands on the root: 1 + 22 + 1 evaluations."""
    gap, asked = counted(lambda x: x - F(7, 3))
    assert solve._root(gap, F(0)) == (F(7, 3), F(7, 3))
    assert len(asked) == 24
    assert asked[:4] == [F(0), F(1, 10**6), F(3, 10**6), F(7, 10**6)]  # the step doubles from 10⁻⁶


def test_the_first_step_is_as_large_as_the_start() -> None:
    """x - 7 from 2: steps of 2, 4: 2 -> 4 -> 8 brackets 7; the secant on a line is exact."""
    gap, asked = counted(lambda x: x - 7)
    assert solve._root(gap, F(2)) == (F(7), F(7))
    assert asked == [F(2), F(4), F(8), F(7)]


@pytest.mark.parametrize("start", [F(12), F(15, 2)])  # the gap 5 there, or under 1
def test_a_start_above_the_crossing_steps_down(start: Fraction) -> None:
    """x - 7 from 12 or 7.5: a step as large as the start reaches 0, below the crossing."""
    gap, asked = counted(lambda x: x - 7)
    assert solve._root(gap, start) == (F(7), F(7))
    assert asked == [start, F(0), F(7)]


def test_a_start_on_the_crossing_costs_one_evaluation() -> None:
    gap, asked = counted(lambda x: x - 4)
    assert solve._root(gap, F(4)) == (F(4), F(4))
    assert asked == [F(4)]


@pytest.mark.parametrize(
    ("start", "root", "asked"),
    [
        (F(1), F(2), [F(1), F(2)]),  # a step up lands on it
        (F(3), F(0), [F(3), F(0)]),  # a step down lands on it
    ],
)
def test_a_step_that_lands_on_the_crossing_is_the_answer(start: Fraction, root: Fraction, asked: list) -> None:
    gap, seen = counted(lambda x: x - root)
    assert solve._root(gap, start) == (root, root)
    assert seen == asked


@pytest.mark.parametrize(
    ("gap", "start", "evaluations", "lowest", "highest"),
    [
        # √2, from below and from above, the cube root of 2, -∛5, and √2 × 10⁻⁶ (far below one)
        (lambda x: x * x - 2, F(1), 11, F(1414213562373095, 10**15), F(1414213562373096, 10**15)),
        (lambda x: x * x - 2, F(5), 14, F(1414213562373095, 10**15), F(1414213562373096, 10**15)),
        (lambda x: x**3 - 2, F(1), 11, F(1259921049894873, 10**15), F(1259921049894874, 10**15)),
        (lambda x: x**3 + 5, F(-1), 11, F(-1709975946676697, 10**15), F(-1709975946676696, 10**15)),
        (lambda x: x * x - F(2, 10**12), F(1, 10**7), 12, F(1414213562373, 10**18), F(1414213562374, 10**18)),
    ],
)
def test_a_curved_gap_is_bracketed_tightly_within_a_few_evaluations(
    gap: Callable[[Fraction], Fraction], start: Fraction, evaluations: int, lowest: Fraction, highest: Fraction
) -> None:
    """The Illinois secant: a bracket with the gap below zero at its low end and above at its high
    end, at most 10⁻¹² wide relatively, around the true root (between `lowest` and `highest`), every
    value tried kept to denominators of 10¹⁵ at most, and no more evaluations than pinned here
    (plain bisection takes over 40)."""
    recorded, asked = counted(gap)
    low, high = solve._root(recorded, start)
    assert low == high or gap(low) < 0 < gap(high)
    assert lowest <= low <= high <= highest
    assert high - low <= F(1, 10**12) * max(abs(low), abs(high))
    assert max(value.denominator for value in asked) <= 10**15
    assert len(asked) == evaluations


@pytest.mark.parametrize(
    ("root", "bracket", "evaluations"),
    [
        # 1 + 1/(3 × 10¹⁵): kept to 10¹⁵ the guess is 1, the low end: 40 halvings, to 2⁻⁴⁰ wide
        (1 + F(1, 3 * 10**15), (F(1), 1 + F(1, 2**40)), 42),
        # 2 - 1/(3 × 10¹⁵): the guess is 2, the high end: 39 halvings, to 2⁻³⁹ wide (under 10⁻¹² of 2)
        (2 - F(1, 3 * 10**15), (2 - F(1, 2**39), F(2)), 41),
    ],
)
def test_a_crossing_finer_than_the_guesses_may_be_is_bracketed_by_halving(
    root: Fraction, bracket: tuple[Fraction, Fraction], evaluations: int
) -> None:
    """The secant's exact guess needs a denominator over 10¹⁵; kept to 10¹⁵ it lands on an end of
    the bracket (1 .. 2 after one step), so the bracket is halved instead."""
    gap, asked = counted(lambda x: x - root)
    assert solve._root(gap, F(1)) == bracket
    assert asked[:3] == [F(1), F(2), F(3, 2)]
    assert len(asked) == evaluations


def test_no_crossing_within_sixty_doublings_is_no_answer() -> None:
    gap, asked = counted(lambda x: F(-1))
    with pytest.raises(NoAnswer):
        solve._root(gap, F(1))
    assert len(asked) == 61  # the start and 60 steps, each twice the last


# Bounds carried through one operation -----------------------------------------------------------------


def bounds(low: int | Fraction | None, high: int | Fraction | None) -> Bounds:
    return (None if low is None else F(low), None if high is None else F(high))


@pytest.mark.parametrize(
    ("asked", "factor", "found"),
    [
        (bounds(4, 10), F(2), bounds(2, 5)),  # 2c in 4 .. 10
        (bounds(4, 10), F(-2), bounds(-5, -2)),  # -2c in 4 .. 10: the ends swap
        (bounds(None, 10), F(-2), bounds(-5, None)),  # -2c <= 10: c >= -5
        (bounds(4, None), F(1, 2), bounds(8, None)),
        (bounds(-1, 1), F(0), EVERYTHING),  # 0 × c is 0, inside: any c
        (bounds(None, 0), F(0), EVERYTHING),  # 0 is on the edge: still inside
        (bounds(0, None), F(0), EVERYTHING),
        (bounds(1, 2), F(0), None),  # 0 is outside: no c
        (bounds(None, -1), F(0), None),
        (bounds(1, None), F(0), None),
    ],
)
def test_scaled_preimage(asked: Bounds, factor: Fraction, found: Bounds | None) -> None:
    assert solve._scaled_preimage(asked, factor) == found


@pytest.mark.parametrize(
    ("asked", "side", "found"),
    [
        (bounds(2, 4), 1, bounds(F(1, 4), F(1, 2))),
        (bounds(None, 4), 1, bounds(F(1, 4), None)),  # 0 < t <= 4: 1/t >= 1/4
        (bounds(2, None), 1, bounds(0, F(1, 2))),  # t >= 2: 0 < 1/t <= 1/2
        (bounds(-1, 4), 1, bounds(F(1, 4), None)),  # only the positive part counts
        (bounds(0, 4), 1, bounds(F(1, 4), None)),
        (bounds(-3, -1), 1, None),  # no positive t at all
        (bounds(-3, 0), 1, None),
        (bounds(-4, -2), -1, bounds(F(-1, 2), F(-1, 4))),
        (bounds(None, -2), -1, bounds(F(-1, 2), 0)),  # t <= -2: -1/2 <= 1/t < 0
        (bounds(-4, None), -1, bounds(None, F(-1, 4))),  # -4 <= t < 0: 1/t <= -1/4
        (bounds(-4, 1), -1, bounds(None, F(-1, 4))),
        (bounds(-4, 0), -1, bounds(None, F(-1, 4))),
        (bounds(1, 3), -1, None),
        (bounds(0, 3), -1, None),
        (None, 1, None),
        (None, -1, None),
    ],
)
def test_reciprocal(asked: Bounds | None, side: int, found: Bounds | None) -> None:
    assert solve._reciprocal(asked, side) == found


@pytest.mark.parametrize(
    ("a", "b", "met"),
    [
        (bounds(1, None), bounds(None, 5), bounds(1, 5)),
        (bounds(None, 5), bounds(1, None), bounds(1, 5)),
        (bounds(1, 4), bounds(2, 5), bounds(2, 4)),
        (bounds(2, 5), bounds(1, 4), bounds(2, 4)),
        (bounds(3, 4), bounds(1, 2), bounds(3, 2)),  # apart: an empty meeting, which _empty tells
        (EVERYTHING, EVERYTHING, EVERYTHING),
        (None, bounds(1, 2), None),
        (bounds(1, 2), None, None),
    ],
)
def test_meet(a: Bounds | None, b: Bounds | None, met: Bounds | None) -> None:
    assert solve._meet(a, b) == met


def test_empty() -> None:
    assert solve._empty(bounds(3, 2))
    assert not solve._empty(bounds(2, 2))
    assert not solve._empty(bounds(None, 2))
    assert not solve._empty(bounds(3, None))


# Which way a result moves -----------------------------------------------------------------------------


def quantity(lo: int, hi: int) -> q.Quantity:
    return q.Quantity(F(lo), F(hi))


@pytest.mark.parametrize(
    ("lo", "hi", "sign"),
    [(0, 0, 0), (0, 3, 1), (2, 3, 1), (-3, -1, -1), (-3, 0, -1), (-1, 2, None)],
)
def test_sign(lo: int, hi: int, sign: int | None) -> None:
    assert solve._sign(quantity(lo, hi)) == sign


@pytest.mark.parametrize(
    ("a", "b", "together"),
    [
        (0, 1, 1),
        (0, -1, -1),
        (0, 0, 0),
        (1, 0, 1),
        (-1, 0, -1),
        (1, 1, 1),
        (-1, -1, -1),
        (1, -1, None),  # pulled both ways
        (-1, 1, None),
        (None, 1, None),
        (1, None, None),
    ],
)
def test_together(a: int | None, b: int | None, together: int | None) -> None:
    assert solve._together(a, b) == together


POSITIVE, NEGATIVE, ACROSS = quantity(2, 3), quantity(-5, -4), quantity(-1, 1)


@pytest.mark.parametrize(
    ("op", "left", "left_way", "right", "right_way", "way"),
    [
        ("+", POSITIVE, 1, POSITIVE, 0, 1),
        ("+", POSITIVE, 0, POSITIVE, -1, -1),
        ("-", POSITIVE, 0, POSITIVE, 1, -1),  # K - c falls as c rises
        ("-", POSITIVE, 1, POSITIVE, -1, 1),
        ("-", POSITIVE, 1, POSITIVE, 1, None),
        ("*", POSITIVE, 1, NEGATIVE, 0, -1),  # times a negative constant: falls
        ("*", NEGATIVE, 0, POSITIVE, 1, -1),
        ("*", POSITIVE, 1, POSITIVE, 1, 1),
        ("*", POSITIVE, 1, ACROSS, 0, None),  # times something crossing zero: no single way
        ("*", POSITIVE, 0, ACROSS, 1, 1),  # the constant keeps its sign: c × 2..3 rises
        ("*", ACROSS, 1, POSITIVE, 0, 1),  # the input may cross zero; times 2..3 it still rises
        ("/", POSITIVE, 1, NEGATIVE, 0, -1),  # c / negative falls
        ("/", POSITIVE, 0, POSITIVE, 1, -1),  # K / c falls as c rises (c positive)
        ("/", NEGATIVE, 0, POSITIVE, 1, 1),  # negative K / c rises
        ("/", ACROSS, 0, POSITIVE, 1, None),  # a numerator crossing zero: no single way
        ("+", POSITIVE, None, POSITIVE, 1, None),
        ("*", POSITIVE, 1, POSITIVE, None, None),
    ],
)
def test_way(
    op: str, left: q.Quantity, left_way: int | None, right: q.Quantity, right_way: int | None, way: int | None
) -> None:
    assert solve._way(op, left, left_way, right, right_way) == way


# A metric tree: which values of an input keep a goal ------------------------------------------------


RISING = "i.a * i.c + i.a * i.b"  # 12a .. 13a over b in 2 .. 3
FALLING = "i.c - i.a * i.b - i.a"  # 10 - 4a .. 10 - 3a


@pytest.mark.parametrize(
    ("expression", "asked", "found"),
    [
        (RISING, bounds(100, None), bounds(F(25, 3), None)),  # 12a >= 100
        (RISING, bounds(None, 100), bounds(None, F(100, 13))),  # 13a <= 100
        (RISING, bounds(100, 200), bounds(F(25, 3), F(200, 13))),
        (FALLING, bounds(-10, None), bounds(None, 5)),  # 10 - 4a >= -10
        (FALLING, bounds(None, 0), bounds(F(10, 3), None)),  # 10 - 3a <= 0
        (FALLING, bounds(-10, 0), bounds(F(10, 3), 5)),
    ],
)
def test_bounds_of_an_input_used_twice(expression: str, asked: Bounds, found: Bounds) -> None:
    tree = tree_of(INPUTS + f"team g {{\n  derive g.m = {expression}\n}}\n")
    assert tree.bounds_of_repeated("i.a", asked) == found


def test_no_value_of_an_input_used_twice_that_meets_both_ends_is_no_answer() -> None:
    """10 - 4a >= 0 needs a <= 2.5, 10 - 3a <= 0 needs a >= 10/3: nothing does both."""
    tree = tree_of(INPUTS + f"team g {{\n  derive g.m = {FALLING}\n}}\n")
    with pytest.raises(NoAnswer):
        tree.bounds_of_repeated("i.a", bounds(0, 0))


@pytest.mark.parametrize(
    ("expression", "way"),
    [
        ("100 - i.a - i.a", -1),  # a number moves with nothing: 100 - a falls with a
        ("-(i.a) - i.a", -1),  # a negated input falls as it rises
        ("-(-(i.a)) + i.a", 1),
    ],
)
def test_which_way_numbers_and_negations_move(expression: str, way: int) -> None:
    tree = tree_of(INPUTS + f"team g {{\n  derive g.m = {expression}\n}}\n")
    assert tree.direction("i.a", q.Quantity(F(4), F(5))) == way


def test_an_input_used_twice_is_solved_in_its_own_unit() -> None:
    """$a + $a + $10 >= $30: a >= $10 (tried as money: a plain number cannot be added to $10)."""
    tree = tree_of(
        "team i {\n  produces i.a = $4\n  produces i.m = $10\n}\nteam g {\n  derive g.m = i.a + i.a + i.m\n}\n"
    )
    assert tree.bounds_of_repeated("i.a", bounds(30, None)) == bounds(10, None)


def test_the_metric_itself_rises_with_itself() -> None:
    tree = tree_of(INPUTS + f"team g {{\n  derive g.m = {RISING}\n}}\n")
    assert tree.direction("g.m", q.Quantity.point(F(1))) == 1


RANGED = (
    "team i {\n  produces i.r = 4 .. 6\n  produces i.c = 10\n}\nteam g {\n  derive g.m = i.r * i.r + i.r * i.c\n}\n"
)


@pytest.mark.parametrize(
    ("floor", "start", "evaluations"),
    [
        (F(20), F(4), 11),  # r² + 10r = 20 at r = √45 - 5 ≈ 1.71: below the range, from its low end
        (F(100), F(6), 17),  # at r ≈ 6.18: above it, from its high end
        (F(56), F(4), 1),  # at r = 4, the low end itself: found there at once
    ],
)
def test_a_crossing_is_sought_from_the_end_of_the_range_nearer_it(
    floor: Fraction, start: Fraction, evaluations: int
) -> None:
    tree = tree_of(RANGED)
    tried: list[Fraction] = []
    safely = tree.safely
    tree.safely = lambda name, value: tried.append(value.lo) or safely(name, value)  # type: ignore[method-assign]
    low, high = tree.crossing("i.r", tree.delivered("i.r"), 1, solve._lowest, floor)
    assert tried[0] == F(4) and tried.count(F(4)) == 1  # a look at the low end, never repeated
    assert start == F(4) or tried[1] == start  # then the search from the high end, when nearer
    assert len(tried) == evaluations
    assert low**2 + 10 * low <= floor <= high**2 + 10 * high


def test_the_unit_an_input_needs_is_worked_down_every_derivation() -> None:
    """$/year = g.x × i.p / i.t with i.t in months: g.x a plain number; g.x = g.y × i.t: g.y per
    period; g.y = i.a × i.w (people, a label): i.a per period too."""
    text = (
        "team i {\n  produces i.a = 10 deals/quarter\n  produces i.p = $10k\n  produces i.w = 2 people\n"
        "  produces i.t = 3 months\n}\n"
        "team g {\n  goal g.m >= $5M/year\n  derive g.y = i.a * i.w\n  derive g.x = g.y * i.t\n"
        "  derive g.m = g.x * i.p / i.t\n}\n"
    )
    tree = tree_of(text)
    per_year = q.Quantity.point(F(1), tree.evaluator.value_of("g.m").quantity.unit)  # type: ignore[union-attr]
    needed = {name: tree.unit_needed(name, per_year.unit) for name in ("i.a", "i.w", "i.p", "g.y", "g.x")}
    assert {name: unit and unit.dims for name, unit in needed.items()} == {
        "i.a": (("time", -1),),
        "i.w": (),
        "i.p": (("USD", 1),),
        "g.y": (("time", -1),),
        "g.x": (),
    }
    assert tree.unit_needed("i.t", per_year.unit) is None  # used twice: no single unit is worked out


@pytest.mark.parametrize(
    ("expression", "dims"),
    [
        # z is added to x × y after the product: its sibling's subtree is searched before it is found
        ("i.x * i.y + i.z", {"i.x": (), "i.y": (("USD", 1), ("time", -1)), "i.z": (("USD", 1), ("time", -1))}),
        # a negation keeps the unit, below a product or above it
        ("-(i.a) * i.p", {"i.a": (("time", -1),), "i.p": (("USD", 1),)}),
        ("-(i.a * i.p)", {"i.a": (("time", -1),), "i.p": (("USD", 1),)}),
    ],
)
def test_the_unit_an_input_needs_through_sums_and_negations(expression: str, dims: dict[str, tuple]) -> None:
    text = (
        "team i {\n  produces i.a = 10 deals/quarter\n  produces i.p = $10k\n  produces i.x = 2\n"
        "  produces i.y = $3k/month\n  produces i.z = $1M/year\n}\n"
        f"team g {{\n  goal g.m >= $5M/year\n  derive g.m = {expression}\n}}\n"
    )
    tree = tree_of(text)
    per_year = tree.evaluator.value_of("g.m").quantity.unit  # type: ignore[union-attr]
    assert {name: getattr(tree.unit_needed(name, per_year), "dims", None) for name in tree.leaves} == dims


@pytest.mark.parametrize(
    ("produced", "expression", "asked", "found", "in_divisors"),
    [
        # -a within -10 .. -4: a within 4 .. 10, both ends turned over
        ("i.a = 2", "-(i.a)", bounds(-10, -4), bounds(4, 10), set()),
        # 10/n >= -2 with n at -2 now: on n's own side of zero, n <= -5
        ("i.n = -2", "10 / i.n", bounds(-2, None), bounds(None, -5), {"i.n"}),
        # 1/r <= 4 with r at 50%: r >= 25% on its side (every negative r would do too, but is not offered)
        ("i.r = 50%", "1 / i.r", bounds(None, 4), bounds(F(1, 4), None), {"i.r"}),
        ("i.r = 50%", "1 / i.r", bounds(4, None), bounds(0, F(1, 4)), {"i.r"}),
        # read inside a divisor's subtree: still a divisor's input
        ("i.n = 2", "10 / (i.n * 2)", bounds(1, None), bounds(0, 5), {"i.n"}),
    ],
)
def test_bounds_through_negations_and_divisors(
    produced: str, expression: str, asked: Bounds, found: Bounds, in_divisors: set[str]
) -> None:
    tree = tree_of(f"team i {{\n  produces {produced}\n}}\nteam g {{\n  derive g.m = {expression}\n}}\n")
    assert list(tree.bounds_of_single_inputs(asked).values()) == [found]
    assert tree.in_divisors == in_divisors


def test_a_derived_name_used_twice_is_passed_over_and_the_next_one_still_solved() -> None:
    """g.m = g.y + g.x × g.x >= 20 with g.x = a = 2: g.x (twice) is met first and left to the
    secant; g.y = b, after it, is still solved exactly: b + 4 >= 20, b >= 16."""
    text = (
        "team i {\n  produces i.a = 2\n  produces i.b = 3\n}\n"
        "team g {\n  derive g.x = i.a * 1\n  derive g.y = i.b * 1\n  derive g.m = g.y + g.x * g.x\n}\n"
    )
    tree = tree_of(text)
    assert tree.order == ["g.m", "g.x", "g.y"]
    assert tree.bounds_of_single_inputs(bounds(20, None)) == {"i.b": bounds(16, None)}
