"""Who relies on a changed name, and whether what they get still fits (analysis/impact.py): each
team's line in a review's "teams affected", word for word, for every way a reliance can change."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from planlint.analysis.evaluate import Evaluator, Unknown
from planlint.analysis.graph import InterlockGraph
from planlint.analysis.impact import (
    diff_facts,
    facts_of,
    notices,
    outcome_words,
    reliance_reason,
    reliances_on,
    status_words,
)
from planlint.model.parse import parse_text
from planlint.model.plan import Plan
from planlint.run.config import DEFAULT

TEAMS = """team marketing {{
  produces leads.value = {value}
  produces leads.volume = {volume} by {date}
  produces leads.definition = "{definition}"
  produces leads.rate
  produces leads.count = {count}
  produces leads.share = {share}
  produces leads.same = 7 leads
  produces launch.date by {launch}
}}
team sales {{
  consumes leads.value = $50k
  consumes leads.volume >= 900 leads/month by 2027-03-01
  consumes leads.definition = "score >= 60"
  consumes leads.rate = 20%
  consumes leads.count = 5 leads
  consumes leads.nobody = 5 leads
  consumes leads.share = 20%
  consumes leads.same = 7 leads
  consumes launch.date by 2027-03-01
  derive sales.pipeline = leads.volume * leads.value
  goal sales.pipeline >= $40M/month
  goal leads.rate >= 10%
}}
{extra}"""

BASE = TEAMS.format(
    value="$48k",
    volume="1000 leads/month",
    date="2027-03-01",
    definition="score >= 60",
    count="$5",
    share="20%",
    launch="2027-02-01",
    extra="",
)
HEAD = TEAMS.format(
    value="$24k",
    volume="800 leads/month",
    date="2027-03-02",
    definition="score >= 50",
    count="5 leads",
    share="10% .. 30%",
    launch="2027-03-10",
    extra="team finance {\n  consumes leads.same = 7 leads\n  consumes leads.count = $5\n}\n",
)


@dataclass
class Analysed:
    graph: InterlockGraph
    evaluator: Evaluator


def analysed(text: str) -> Analysed:
    plan_file = parse_text("p.plan", text)
    assert plan_file.problem is None, plan_file.problem
    graph = InterlockGraph.build(Plan([plan_file]))
    return Analysed(graph, Evaluator(graph))


def test_each_team_relying_on_a_change_is_told_how_it_now_fits() -> None:
    names = ["leads.value", "leads.volume", "leads.definition", "leads.rate", "leads.count", "leads.nobody"]
    names += ["leads.share", "leads.same", "launch.date", "sales.pipeline"]
    found = reliances_on(names, analysed(BASE), analysed(HEAD), DEFAULT)
    lines = [(name, r.team, r.delivered, reliance_reason(r)) for name in names for r in found[name]]
    assert lines == [
        # $50k asked of $24k: 50 / 24 = 2.08; at the base $48k was within the default 10%
        ("leads.value", "sales", "$24k", "consumes leads.value = $50k: no longer fits (2.08×)"),
        ("leads.value", "sales", "$24k", "derives sales.pipeline from leads.value, now $24k"),
        (
            "leads.volume",
            "sales",
            "800 leads/month",
            "consumes leads.volume >= 900 leads/month by 2027-03-01: no longer fits (1.12×, 1 day late)",
        ),
        ("leads.volume", "sales", "800 leads/month", "derives sales.pipeline from leads.volume, now 800 leads/month"),
        (
            "leads.definition",
            "sales",
            '"score >= 50"',
            'consumes leads.definition = "score >= 60": no longer fits (the definitions differ)',
        ),
        ("leads.rate", "sales", "delivered", "consumes leads.rate = 20%: partly fits (its producer states no value)"),
        ("leads.rate", "sales", "unknown", "has the goal leads.rate >= 10%: cannot be checked"),
        ("leads.count", "sales", "5 leads", "consumes leads.count = 5 leads: now fits"),  # $5 at the base
        ("leads.count", "finance", "5 leads", "consumes leads.count = $5: does not fit (USD against leads)"),
        ("leads.nobody", "sales", "nothing", "consumes leads.nobody = 5 leads: does not fit (nobody produces it)"),
        # 10% .. 30% overlaps 18% .. 22%: partly, and no ratio (the nearest points are equal)
        ("leads.share", "sales", "10% .. 30%", "consumes leads.share = 20%: now only partly fits"),
        ("leads.same", "sales", "7 leads", "consumes leads.same = 7 leads: still fits"),
        ("leads.same", "finance", "7 leads", "consumes leads.same = 7 leads: fits"),  # new at the head
        ("launch.date", "sales", "by 2027-03-10", "consumes launch.date by 2027-03-01: no longer fits (9 days late)"),
        # 800 leads × $24k = $19.2M a month: 48% of $40M
        (
            "sales.pipeline",
            "sales",
            "$19.2M/month",
            "has the goal sales.pipeline >= $40M/month: no longer fits (48% of the $40M/month goal)",
        ),
    ]


def test_what_changed_between_two_revisions_is_each_edited_statement_then_each_value_moved() -> None:
    changes = diff_facts(facts_of(analysed(BASE)), facts_of(analysed(HEAD)))
    shown = [(c.name, c.team, c.role, c.before, c.after, c.edited) for c in changes]
    assert shown == [
        ("launch.date", "marketing", "produces", "by 2027-02-01", "by 2027-03-10", True),
        ("leads.count", "finance", "consumes", None, "= $5", True),
        ("leads.count", "marketing", "produces", "$5", "5 leads", True),
        ("leads.definition", "marketing", "produces", '"score >= 60"', '"score >= 50"', True),
        ("leads.same", "finance", "consumes", None, "= 7 leads", True),
        ("leads.share", "marketing", "produces", "20%", "10% .. 30%", True),
        ("leads.value", "marketing", "produces", "$48k", "$24k", True),
        (
            "leads.volume",
            "marketing",
            "produces",
            "1,000 leads/month by 2027-03-01",
            "800 leads/month by 2027-03-02",
            True,
        ),
        ("sales.pipeline", "sales", "derives", "$48M/month", "$19.2M/month", False),  # its inputs moved it
    ]


def test_a_formula_a_goal_and_a_removed_line_are_changes_and_the_same_date_written_otherwise_is_not() -> None:
    base = analysed(
        "team ops {\n  produces x.a = 10 deals by 2027-Q1\n  consumes y.b = 5 deals\n"
        "  derive x.c = x.a * 2\n  goal x.c >= 15 deals\n}\nteam other {\n  produces y.b = 5 deals\n}\n"
    )
    head = analysed(
        "team ops {\n  produces x.a = 10 deals by 2027-03-31\n"
        "  derive x.c = x.a * 3\n  goal x.c >= 40 deals\n}\nteam other {\n  produces y.b = 5 deals\n}\n"
    )
    changes = diff_facts(facts_of(base), facts_of(head))
    assert [(c.name, c.role, c.before, c.after, c.kind, c.span.line) for c in changes] == [
        ("x.c", "derives", "x.a * 2 = 20 deals", "x.a * 3 = 30 deals", "changed", 3),
        ("x.c", "goal", ">= 15 deals", ">= 40 deals", "changed", 4),
        ("y.b", "consumes", "= 5 deals", None, "removed", 3),  # where it was, at the base
    ]


def test_a_formula_edited_below_what_its_value_shows_is_an_edit_and_shows_its_numbers_exactly() -> None:
    """$1M × 1.00001 and × 1.00002 both print as $1M: the formulas differ all the same, and are shown
    with the numbers as written. A money amount in a formula prints rounded, but is compared exactly."""
    plan = "team a {{\n  produces a.y = $1M\n  derive a.x = a.y * {factor}\n  derive a.z = a.y + {amount}\n}}\n"
    base = analysed(plan.format(factor="1.00001", amount="$1,000,001"))
    head = analysed(plan.format(factor="1.00002", amount="$1,000,002"))
    changes = diff_facts(facts_of(base), facts_of(head))
    assert [(c.name, c.before, c.after, c.edited) for c in changes] == [
        ("a.x", "a.y * 1.00001 = $1M", "a.y * 1.00002 = $1M", True),
        ("a.z", "a.y + $1M = $2M", "a.y + $1M = $2M", True),
    ]


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [
        ("a.y + a.w", "a.y - a.w", "a.y - a.w"),  # a.w is 0: another operation, the same value
        ("a.y * 1", "a.v * 1", "a.v * 1"),  # a.v is a.y's value: another name, the same value
        ("a.y * 1", "-(-(a.y)) * 1", "-(-a.y) * 1"),  # negated twice: the same value
    ],
)
def test_a_formula_edited_to_compute_the_same_value_another_way_is_an_edit(before: str, after: str, shown: str) -> None:
    plan = "team a {{\n  produces a.y = $1M\n  produces a.v = $1M\n  produces a.w = $0\n  derive a.x = {}\n}}\n"
    changes = diff_facts(facts_of(analysed(plan.format(before))), facts_of(analysed(plan.format(after))))
    assert [(c.name, c.before, c.after, c.edited) for c in changes] == [
        ("a.x", f"{before} = $1M", f"{shown} = $1M", True)
    ]


@pytest.mark.parametrize(
    ("reason", "words"),
    [("circular", "circular"), ("invalid", "cannot be computed"), ("unresolved", "unknown"), ("no-value", "unknown")],
)
def test_a_value_that_cannot_be_computed_says_why_in_a_word(reason: str, words: str) -> None:
    assert outcome_words(Unknown(reason)) == words


def test_a_consumers_date_is_part_of_what_it_asks_and_one_asking_no_value_needs_it() -> None:
    base = analysed("team s {\n  consumes y.b = 5 deals by 2027-03-01\n  consumes y.c by 2027-Q1\n  consumes y.d\n}\n")
    head = analysed("team s {\n  consumes y.b = 5 deals by 2027-04-01\n  consumes y.c by 2027-Q2\n}\n")
    changes = diff_facts(facts_of(base), facts_of(head))
    assert [(c.name, c.role, c.before, c.after, c.kind) for c in changes] == [
        ("y.b", "consumes", "= 5 deals by 2027-03-01", "= 5 deals by 2027-04-01", "changed"),  # only the date moved
        ("y.c", "consumes", "by 2027-Q1", "by 2027-Q2", "changed"),
        ("y.d", "consumes", "needs it", None, "removed"),
    ]


YEARLY = """team m {
  produces x.rev = $1M/month
  produces x.rate
  derive x.d = x.rev * 2
  goal x.rev >= $10M/year
  goal x.d >= $20M/year
  goal x.rate >= 10%
}
team s {
  consumes x.rev >= $10M/year
  consumes x.d
}
"""


def test_what_a_team_gets_is_in_the_unit_of_the_metrics_goal_with_no_detail_when_nothing_is_wrong() -> None:
    plan = analysed(YEARLY)
    names = ["x.rev", "x.d", "x.rate"]
    found = reliances_on(names, plan, plan, DEFAULT)
    rows = [
        (name, r.team, r.kind, r.wants, r.delivered, r.status, r.detail, status_words(r))
        for name in names
        for r in found[name]
    ]
    assert rows == [
        # $1M a month is $12M a year, as its goal states it; 2 × $12M = $24M a year
        ("x.rev", "m", "derives", "x.d", "$12M/year", "unchecked", "", "not checked"),
        ("x.rev", "s", "consumes", ">= $10M/year", "$12M/year", "fits", "", "still fits"),
        ("x.rev", "m", "goal", ">= $10M/year", "$12M/year", "fits", "", "still fits"),
        ("x.d", "s", "consumes", "needs it", "$24M/year", "fits", "", "still fits"),  # gets what x.d computes
        ("x.d", "m", "goal", ">= $20M/year", "$24M/year", "fits", "", "still fits"),
        ("x.rate", "m", "goal", ">= 10%", "unknown", "unchecked", "", "cannot be checked"),
    ]


def test_a_consumer_that_only_partly_fitted_now_fits_and_one_asking_no_value_of_nobody_does_not() -> None:
    text = "team m {{\n  produces x.mix = {mix}\n}}\nteam s {{\n  consumes x.mix = 20%\n  consumes x.orphan\n}}\n"
    found = reliances_on(
        ["x.mix", "x.orphan"], analysed(text.format(mix="10% .. 30%")), analysed(text.format(mix="20%")), DEFAULT
    )
    assert [reliance_reason(r) for name in ["x.mix", "x.orphan"] for r in found[name]] == [
        "consumes x.mix = 20%: now fits",
        "consumes x.orphan needs it: does not fit (nobody produces it)",
    ]


OWNED = """team marketing {{
  owner "@acme/marketing"
  produces leads.value = {value}
}}
team sales {{
  owner "@acme/revenue"
  consumes leads.value = $50k
}}
team finance {{
  owner "@acme/revenue"
  consumes leads.value = $50k
}}
team ops {{
  consumes leads.value >= $20k
}}
team legal {{
  produces legal.terms = 30 days
}}
"""


def test_each_owner_is_told_once_with_its_teams_named_only_when_it_speaks_for_several_and_no_owner_last() -> None:
    base, head = analysed(OWNED.format(value="$48k")), analysed(OWNED.format(value="$24k"))
    changes = diff_facts(facts_of(base), facts_of(head))
    reliances = reliances_on(["leads.value"], base, head, DEFAULT)
    new = [(("legal",), "new warning unused-assumption at p.plan:17"), (("marketing",), "new error x at p.plan:3")]
    found = notices(changes, reliances, new, (head.graph, base.graph))
    assert [(n.handle, n.teams, n.reasons) for n in found] == [
        ("@acme/marketing", ("marketing",), ("new error x at p.plan:3",)),
        (
            "@acme/revenue",
            ("finance", "sales"),
            (
                # $50k asked of $24k: 50 / 24 = 2.08; ops asks >= $20k and still gets it, so is not told
                "finance: consumes leads.value = $50k: no longer fits (2.08×)",
                "sales: consumes leads.value = $50k: no longer fits (2.08×)",
            ),
        ),
        ("", ("legal",), ("new warning unused-assumption at p.plan:17",)),  # a team with no owner
    ]
