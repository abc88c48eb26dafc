"""Closing values, as a plan owner would check them: written into the plan, each closes the gap,
and the same value 1% less demanding does not (a bounded run of fuzz/closing.py's property)."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz.closing import GoalPlan, check_closing, goal_plans, less_demanding

CHECKED: list[int] = []


@settings(derandomize=True, database=None, deadline=None, max_examples=400, suppress_health_check=list(HealthCheck))
@given(goal_plans())
def test_every_closing_value_closes_the_gap_and_no_less(plan: GoalPlan) -> None:
    CHECKED.append(check_closing(plan))


def test_the_property_run_checked_closing_values() -> None:
    """The bounded run above must have had closing values to check, or it proves nothing."""
    if not CHECKED:
        test_every_closing_value_closes_the_gap_and_no_less()
    assert sum(CHECKED) >= 150, CHECKED


def test_the_seed_story_closes_as_printed() -> None:
    plan = GoalPlan(
        {"in.a": "4000", "in.b": "16%", "in.c": "24000"},
        [("g.metric", "in.a * in.b * in.c")],
        "g.metric >= 20000000",
    )
    assert check_closing(plan) == 3


def test_less_demanding_keeps_the_unit_and_scale() -> None:
    assert less_demanding("$31.25k", ">=") == "$30.9375k"
    assert less_demanding("20.84%", ">=") == "20.6316%"
    assert less_demanding("5,208.34 leads/year", "<=") == "5260.4234 leads/year"
