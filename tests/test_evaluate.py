"""What the plan delivers and how it meets what is asked (analysis/evaluate.py): the limit on the size
of a computed number, the interval a requirement accepts, and the points a fit compares."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from planlint.analysis.evaluate import FAILS, FITS, PARTLY, Evaluator, Fit, Known, Unknown, apply_operator, assess
from planlint.analysis.graph import InterlockGraph
from planlint.language import quantity as q
from planlint.language.limits import LIMITS
from planlint.model.parse import parse_text
from planlint.model.plan import Amount, Plan, Requirement
from planlint.rulebook.registry import RuleSet, builtin_rules
from planlint.run.config import DEFAULT
from planlint.run.engine import lint_sources, run_rules

TENTH = Fraction(1, 10)  # the default tolerance, ± 10%
# 12,000 binary digits (the default limit) hold 12,000 × log10(2) = 3,612.36 decimal digits: "3,612".
TOO_LONG = (
    "the result has more than 3,612 digits, past what planlint computes "
    "(a chain of derivations that multiplies a value by itself?)"
)


@pytest.fixture(autouse=True)
def _default_limits() -> None:
    assert LIMITS.number_bits == 12_000


def _point(value: Fraction | int) -> q.Quantity:
    return q.Quantity.point(value)


def _statement(line: str) -> object:
    plan_file = parse_text("t.plan", f"team t {{\n  {line}\n}}\n")
    assert plan_file.problem is None, plan_file.problem
    return plan_file.blocks[0].statements[0]


def _asked(text: str) -> Requirement:
    """The requirement of `consumes x.y TEXT`."""
    return _statement(f"consumes x.y {text}").requirement  # type: ignore[attr-defined]


def _delivered(text: str) -> q.Quantity:
    """What `produces x.y = TEXT` states."""
    amount = _statement(f"produces x.y = {text}").value  # type: ignore[attr-defined]
    assert isinstance(amount, Amount)
    return amount.quantity


def _values(plan: str) -> dict[str, object]:
    graph = InterlockGraph.build(Plan([parse_text("t.plan", plan)]))
    evaluator = Evaluator(graph)
    return {name: evaluator.value_of(name) for name in sorted(graph.names())}


# The size of a computed number ------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [Fraction(2**11999), Fraction(1, 2**11999), Fraction(-(2**11999), 2**11999 - 1)],  # 12,000 bits each
)
def test_a_result_of_exactly_the_limit_in_bits_is_kept(value: Fraction) -> None:
    assert apply_operator("+", _point(value), _point(0)) == _point(value)


@pytest.mark.parametrize(
    ("op", "left", "right"),
    [
        ("*", 2**6000, 2**6000),  # 2**12000: 12,001 bits over 1
        ("/", 1, 2**12000),  # 1 over 12,001 bits
    ],
)
def test_a_result_past_the_limit_in_bits_is_refused(op: str, left: int, right: int) -> None:
    with pytest.raises(q.QuantityError) as refused:
        apply_operator(op, _point(left), _point(right))
    assert str(refused.value) == TOO_LONG


def test_a_range_is_refused_when_only_its_high_end_is_past_the_limit() -> None:
    """1 .. 10**999 - 1, squared twice: the high end reaches ~10**3996 (13,275 bits), the low end stays 1."""
    nines = "9" * 999
    values = _values(
        f"team t {{\n  produces x.v = 1 .. {nines}\n  derive a.v = x.v * x.v\n  derive b.v = a.v * a.v\n}}\n"
    )
    squared = values["a.v"]
    assert isinstance(squared, Known)
    assert (squared.quantity.lo, squared.quantity.hi) == (1, (10**999 - 1) ** 2)  # 6,637 bits: kept
    refused = values["b.v"]
    assert isinstance(refused, Unknown)
    assert (refused.reason, refused.detail) == ("invalid", TOO_LONG)


# What a requirement accepts, and the points a fit compares -------------------------


@pytest.mark.parametrize(
    ("requirement", "delivered", "fit"),
    [
        # `=` on a point: the default ± 10% of $100, relative: $90 .. $110
        ("= $100", "$105", Fit(FITS, (90, 110), 100, 105)),
        ("= $100", "$110", Fit(FITS, (90, 110), 100, 110)),
        ("= $100", "$111", Fit(FAILS, (90, 110), 100, 111)),
        ("= 12 deals", "5 deals", Fit(FAILS, (Fraction(108, 10), Fraction(132, 10)), 12, 5)),  # 12 ± 1.2
        # `=` on a range: its own ends, no tolerance added
        ("= 10 .. 20 deals", "21 deals", Fit(FAILS, (10, 20), 20, 21)),
        ("= 10 .. 20 deals", "5 deals", Fit(FAILS, (10, 20), 10, 5)),
        # `>=` asks its low end, `<=` its high end, whatever is delivered
        (">= 10 .. 20 deals", "25 deals", Fit(FITS, (10, None), 10, 25)),
        (">= 10 .. 20 deals", "5 deals", Fit(FAILS, (10, None), 10, 5)),
        (">= 10 .. 20 deals", "5 .. 8 deals", Fit(FAILS, (10, None), 10, 8)),  # 8: the delivered point nearest 10
        ("<= 10 .. 20 deals", "5 deals", Fit(FITS, (None, 20), 20, 5)),
        ("<= 10 .. 20 deals", "25 deals", Fit(FAILS, (None, 20), 20, 25)),
        # `in`: the end nearest to what is delivered, or the delivered point itself when inside
        ("in 10 .. 20 deals", "5 deals", Fit(FAILS, (10, 20), 10, 5)),
        ("in 10 .. 20 deals", "25 deals", Fit(FAILS, (10, 20), 20, 25)),
        ("in 10 .. 20 deals", "15 deals", Fit(FITS, (10, 20), 15, 15)),
        ("in 10 .. 20 deals", "15 .. 30 deals", Fit(PARTLY, (10, 20), 15, 15)),  # overlapping from 15
    ],
)
def test_a_fit_compares_the_points_nearest_each_other(requirement: str, delivered: str, fit: Fit) -> None:
    assert assess(_asked(requirement), _delivered(delivered), TENTH) == fit


# What a derivation delivers, where a finding shows it --------------------------------


def test_a_mismatch_against_a_derived_value_shows_what_the_derivation_computes() -> None:
    """4,000 leads/year × $12k = $48M/year, computed from the producers' numbers: the derivation's
    line, related to the finding, says so, as a `produces` line shows its stated value."""
    marketing = b"team marketing {\n  produces leads.volume = 4000 leads/year\n"
    marketing += b"  derive leads.pipeline = leads.volume * deals.size\n}\n"
    sales = b"team sales {\n  produces deals.size = $12k\n  consumes leads.pipeline >= $96M/year\n}\n"
    (finding,) = lint_sources([("marketing.plan", marketing), ("sales.plan", sales)]).findings
    assert finding.rule == "value-mismatch"
    assert [(str(r.span), r.message) for r in finding.related] == [
        ("marketing.plan:3:3", "marketing derives leads.pipeline = $48M/year")
    ]


@pytest.mark.parametrize(("text_at_hand", "divisor"), [(True, "a.v"), (False, "the divisor")])
def test_a_division_by_zero_names_the_divisor_as_written_or_in_words(text_at_hand: bool, divisor: str) -> None:
    plan_file = parse_text(
        "t.plan", "team t {\n  produces a.v = 0 deals\n  produces b.v = 10 deals\n  derive c.v = b.v / a.v\n}\n"
    )
    if not text_at_hand:
        plan_file = dataclasses.replace(plan_file, lines=[])
    (finding,) = run_rules(Plan([plan_file]), DEFAULT, RuleSet(builtin_rules())).findings
    assert (finding.rule, finding.message) == (
        "invalid-derivation",
        f"t derives c.v, but it divides by {divisor}, which is zero",
    )
