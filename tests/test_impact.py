"""Who relies on a changed name, and whether what they get still fits (analysis/impact.py): each
team's line in a review's "teams affected", word for word, for every way a reliance can change."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from planlint.analysis.evaluate import Evaluator, Unknown
from planlint.analysis.graph import InterlockGraph
from planlint.analysis.impact import diff_facts, facts_of, outcome_words, reliance_reason, reliances_on
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


@pytest.mark.parametrize(
    ("reason", "words"),
    [("circular", "circular"), ("invalid", "cannot be computed"), ("unresolved", "unknown"), ("no-value", "unknown")],
)
def test_a_value_that_cannot_be_computed_says_why_in_a_word(reason: str, words: str) -> None:
    assert outcome_words(Unknown(reason)) == words
