"""Explanations (`analysis/trace.py`) pinned as data: every name of a plan written to take every
branch, once as the plan is read and once from files whose text is not at hand (the formulas and
values are then written out from the model). A change shows as a reviewed diff of
tests/snapshots/trace.every-branch.json (`pytest --snapshot-update` rewrites it)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from planlint.analysis.evaluate import Evaluator
from planlint.analysis.graph import InterlockGraph
from planlint.analysis.solve import MetricTree
from planlint.analysis.trace import explain_assumption, known_names
from planlint.language import quantity as q
from planlint.model.parse import parse_source
from planlint.model.plan import Plan

PLAN = Path(__file__).resolve().parent / "fixtures" / "explain" / "every_branch.plan"


def _explanations(plan: Plan, tolerance: Fraction) -> dict[str, object]:
    graph = InterlockGraph.build(plan)
    evaluator = Evaluator(graph)
    return {
        name: explain_assumption(name, graph, evaluator, tolerance, 1, max_depth=2).to_json()
        for name in sorted(known_names(graph))
    }


def test_every_branch_of_an_explanation(snapshot: Callable[[str, str], None]) -> None:
    plan_file, _ = parse_source("every_branch.plan", PLAN.read_bytes())
    assert plan_file.problem is None
    unread = dataclasses.replace(plan_file, lines=[])  # as if the text were not at hand
    found = {
        "as written": _explanations(Plan([plan_file]), Fraction(0)),
        "without the text, a 5% tolerance": _explanations(Plan([unread]), Fraction(1, 20)),
    }
    snapshot("trace.every-branch.json", json.dumps(found, indent=1, ensure_ascii=False) + "\n")


def test_a_count_is_never_shown_as_a_percentage() -> None:
    """`consumes leads.rate = 25 deals` against a producer's 25%: the consumer's 25 deals were
    shown as "2,500%", the metric's percent sign put on a count."""
    deals = q.Quantity.point(Fraction(25), q.count_unit("deals"))
    percent = q.Quantity.point(Fraction(1, 4), q.PERCENT)
    assert q.format_quantity(deals, percent.unit) == "25 deals"
    assert q.format_quantity(q.Quantity.point(Fraction(1, 4), q.NUMBER), percent.unit) == "25%"


def test_every_branch_plan_as_json(snapshot: Callable[[str, str], None], tmp_path: Path) -> None:
    """The same plan's findings as `check --format json` writes them: each goal-shortfall's closing
    values and drivers (`analysis/guidance.py`) field by field."""
    from planlint.commands.check import make_report
    from planlint.output.formats import render
    from planlint.run.config import DEFAULT
    from planlint.run.engine import lint

    (tmp_path / PLAN.name).write_bytes(PLAN.read_bytes())
    config = DEFAULT.with_overrides(cache=False)
    result = lint([tmp_path], config, cwd=tmp_path)
    snapshot("trace.every-branch.check.json", render("json", make_report(result, result.findings, config)))


def test_sensitivity_is_left_out_past_the_most_derived_a_reader_can_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table of inputs is shown up to MOST_DERIVED derived names under the metric, not past it."""
    from planlint.analysis import trace

    plan_file, _ = parse_source("every_branch.plan", PLAN.read_bytes())
    graph = InterlockGraph.build(Plan([plan_file]))
    evaluator = Evaluator(graph)
    derives = len(MetricTree.of(graph, evaluator, "alpha.bookings").derives)
    monkeypatch.setattr(trace, "MOST_DERIVED", derives)
    assert len(trace.sensitivity("alpha.bookings", graph, evaluator, Fraction(0))) == 3
    monkeypatch.setattr(trace, "MOST_DERIVED", derives - 1)
    assert trace.sensitivity("alpha.bookings", graph, evaluator, Fraction(0)) == []


@pytest.mark.parametrize(
    "written,shown",
    [
        ("a.a - (b.b - c.c)", "a.a - (b.b - c.c)"),
        ("a.a - b.b - c.c", "a.a - b.b - c.c"),
        ("(a.a - b.b) - c.c", "a.a - b.b - c.c"),
        ("a.a / (b.b / c.c)", "a.a ÷ (b.b ÷ c.c)"),
        ("a.a / b.b / c.c", "a.a ÷ b.b ÷ c.c"),
        ("a.a / (b.b * c.c)", "a.a ÷ (b.b × c.c)"),
        ("(a.a + b.b) * c.c", "(a.a + b.b) × c.c"),
        ("a.a + b.b * c.c", "a.a + b.b × c.c"),
        ("a.a * (b.b * c.c)", "a.a × b.b × c.c"),
        ("-(a.a + b.b)", "-(a.a + b.b)"),
        ("-a.a * b.b", "-a.a × b.b"),
        ("a.a - -b.b", "a.a - -b.b"),
        ("2 * -a.a", "2 × -a.a"),
        ("-(-a.a)", "-(-a.a)"),  # a minus after a minus reads as a typo
        ("- - 2", "-(-2)"),
        ("a.a * 1.5k - (3 + b.b)", "a.a × 1,500 - (3 + b.b)"),
    ],
)
def test_formulas_are_written_with_the_parentheses_they_need(written: str, shown: str) -> None:
    """A formula as explanations and reviews print it: the parentheses its meaning needs, no more,
    and read back by the plan's reader it is the same formula."""
    from planlint.analysis.formula import expression_text
    from planlint.model.parse import parse_text

    def formula(text: str) -> str:
        plan_file = parse_text("f.plan", f"team t {{\n  derive t.x = {text}\n}}\n")
        assert plan_file.problem is None, plan_file.problem
        return expression_text(plan_file.blocks[0].statements[0].expr, str)

    assert formula(written) == shown
    assert formula(shown.replace("÷", "/").replace("×", "*").replace(",", "")) == shown


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("1.001", "1.001"),  # a plain number as exactly as it reads back, not `1`
        ("12.3456%", "12.3456%"),  # a percentage too, not `12.35%`
        ("1234.5678", "1,234.5678"),
        ("1.12345678901234", "1.12345678901234"),  # 14 decimals: the most the usual 2 and MORE_DIGITS give
        ("1.123456789012345", "1.12"),  # past that, printed as usual
        ("$1.5M", "$1.5M"),  # money, counts and periods: as usual
        ("14% .. 18%", "(14% .. 18%)"),  # a range and a tolerance in brackets, as a factor needs them
        ("10 ± 1", "(10 ± 1)"),
    ],
)
def test_a_number_in_a_formula_is_written_to_read_back_exactly(written: str, shown: str) -> None:
    from planlint.analysis.formula import amount_text
    from planlint.model.parse import parse_text

    plan_file = parse_text("f.plan", f"team t {{\n  produces t.x = {written}\n}}\n")
    assert plan_file.problem is None, plan_file.problem
    assert amount_text(plan_file.blocks[0].statements[0].value) == shown


def test_an_input_that_does_not_move_the_metric_is_not_a_driver() -> None:
    """delta assumes leads.value = $40k against $20k .. $30k delivered, but alpha.flat is
    zero.thing × leads.value with zero.thing at 0: the difference moves nothing ("$0/quarter"
    was listed among what drives the shortfall)."""
    plan_file, _ = parse_source("every_branch.plan", PLAN.read_bytes())
    graph = InterlockGraph.build(Plan([plan_file]))
    found = explain_assumption("alpha.flat", graph, Evaluator(graph), Fraction(0), 1)
    (goal,) = found.goals
    assert [(d.name, d.impact) for d in goal.drivers] == [("zero.thing", "-$100k/quarter")]
