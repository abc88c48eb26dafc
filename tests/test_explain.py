"""`planlint explain`: rule pages, the rule table, assumptions, PATH:LINE, JSON and plain output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from planlint.cli import main
from planlint.output.explain import Painter, draw_tree
from planlint.rulebook.registry import load_rules

# The doubled-leads scenario, inline so that the tests need no ../shared.
DOUBLED_LEADS = {
    "company.plan": """\
# FY2027: the one number every team's plan must add up to.
org acme {
  owner "@acme/leadership"
  goal company.revenue >= $20M/year
  derive company.revenue = sales.revenue
}
""",
    "marketing.plan": """\
# Marketing doubled its lead goal by moving into the mid-market segment.
team marketing {
  owner "@acme/marketing"
  goal leads.volume >= 4000 leads/year
  produces leads.volume = 4000 leads/year
  produces leads.avg_deal_value = $24k
  produces leads.win_rate = 16%
}
""",
    "sales.plan": """\
# Sales built its plan on last year's enterprise leads.
team sales {
  owner "@acme/sales"
  goal sales.revenue >= $20M/year
  consumes leads.volume >= 2000 leads/year
  consumes leads.avg_deal_value = $50k
  consumes leads.win_rate = 20%
  derive sales.revenue = leads.volume * leads.win_rate * leads.avg_deal_value
}
""",
}
MET_GOAL = {
    "plan.plan": """\
team marketing {
  produces leads.volume = 500 leads/month
  produces leads.avg_deal_value = $48k
}
team sales {
  goal sales.revenue >= $50M/year
  consumes leads.volume >= 6000 leads/year
  consumes leads.avg_deal_value = $50k
  derive sales.revenue = leads.volume * 20% * leads.avg_deal_value
}
""",
}
CLOSING = ("leads.avg_deal_value >= $31.25k", "leads.win_rate >= 20.84%", "leads.volume >= 5,208.34 leads/year")
NO_COLOR_ENV = {"FORCE_COLOR": None, "NO_COLOR": None}


def write_plan(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def doubled_leads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(write_plan(tmp_path, DOUBLED_LEADS))
    return tmp_path


def explain(runner: CliRunner, *args: str) -> click.testing.Result:
    return runner.invoke(main, ["explain", *args], env=NO_COLOR_ENV)


def explain_json(runner: CliRunner, *args: str):
    result = explain(runner, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# Rules ------------------------------------------------------------------------


@pytest.mark.parametrize("subject", ["PL102", "value-mismatch", "pl102", "Value-Mismatch"])
def test_rule_page_is_rendered_not_raw_markdown(runner: CliRunner, subject: str) -> None:
    result = explain(runner, subject)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "PL102 value-mismatch (error, groups: interlock, from planlint)"
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert heading in lines
    assert "**" not in result.stdout and "```" not in result.stdout and "`" not in result.stdout
    assert "    │ team marketing {" in lines  # code blocks sit in a gutter
    assert "  Compares each consumes requirement" in result.stdout  # inline code shown plainly


def test_rule_page_colour_styles_headings_and_gutter(runner: CliRunner) -> None:
    result = explain(runner, "PL102", "--color")
    assert click.style("What it does", bold=True, underline=True) in result.stdout
    assert click.style("│ ", dim=True) + "team marketing {" in result.stdout


def test_off_by_default_rule_says_so(runner: CliRunner) -> None:
    first = explain(runner, "unused-assumption").stdout.splitlines()[0]
    assert first.startswith("PL401 unused-assumption (info, off by default")


def test_rule_json(runner: CliRunner) -> None:
    document = explain_json(runner, "PL201")
    assert set(document) == {
        "code",
        "name",
        "summary",
        "severity",
        "groups",
        "origin",
        "enabled_by_default",
        "sections",
        "documentation",
    }
    rule = load_rules().find("PL201")
    assert document["name"] == "goal-shortfall" and document["origin"] == "planlint"
    assert document["documentation"] == rule.documentation()
    assert document["sections"]["Example"].startswith("```plan")
    assert set(document["sections"]) >= {"What it does", "Why is this bad?", "Example", "Use instead"}


def test_all_lists_every_rule(runner: CliRunner) -> None:
    result = explain(runner, "--all")
    assert result.exit_code == 0
    rows = result.stdout.splitlines()
    assert rows[0].split() == ["code", "name", "severity", "default", "origin", "summary"]
    rules = load_rules().rules
    for rule in rules:
        row = next(r for r in rows if r.startswith(rule.code + " "))
        default = "on" if rule.enabled_by_default else "off"
        assert row.split()[1:5] == [rule.name, rule.severity.value, default, rule.origin]
    document = explain_json(runner, "--all")
    assert [r["code"] for r in document["rules"]] == [r.code for r in rules]


def test_rule_page_does_not_load_the_parser() -> None:
    code = (
        "import sys; from pathlib import Path; import planlint.cli; from planlint.commands.explain import run_explain; "
        "run_explain('PL102', [Path('.')], False, 'text', False); "
        "print(sorted(m for m in ('lark', 'jsonschema', 'planlint.model.parse', 'planlint.run.engine') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


# Unknown subjects -------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "suggestion"),
    [
        ("value-mismach", "value-mismatch"),
        ("PL1O2", "PL102"),
        ("sales.revenu", "sales.revenue"),
        ("revenue", "sales.revenue"),
    ],
)
def test_unknown_subject_suggests(runner: CliRunner, doubled_leads: Path, subject: str, suggestion: str) -> None:
    result = explain(runner, subject)
    assert result.exit_code == 2
    assert "did you mean" in result.stderr and suggestion in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("args", [[], ["PL102", "--all"], ["nowhere.plan:3"]])
def test_usage_mistakes_exit_2(runner: CliRunner, doubled_leads: Path, args: list[str]) -> None:
    result = explain(runner, *args)
    assert result.exit_code == 2 and result.stderr.strip()


def test_line_of_a_file_outside_the_plan(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "other").mkdir()
    write_plan(tmp_path / "plan", DOUBLED_LEADS)
    write_plan(tmp_path / "other", MET_GOAL)
    monkeypatch.chdir(tmp_path)
    result = explain(runner, "other/plan.plan:6", "plan")
    assert result.exit_code == 2 and "not part of the plan in plan" in result.stderr


# Assumptions ------------------------------------------------------------------


def test_doubled_leads_revenue(runner: CliRunner, doubled_leads: Path) -> None:
    result = explain(runner, "sales.revenue")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert (
        "sales.revenue = leads.volume × leads.win_rate × leads.avg_deal_value = "
        "4,000 leads/year × 16% × $24k = $15.36M/year"
    ) in out
    assert (
        "goal sales.revenue >= $20M/year (sales, sales.plan:4): short: $15.36M/year, 76.8% of the $20M/year goal"
    ) in out
    for closing in CLOSING:
        assert closing in out
    assert "leads.win_rate >= 20.84% (now 16%, +30%; marketing produces it)" in out
    # every driver, largest impact first: $50k assumed would make it $32M/year, 20% $19.2M/year
    assert (
        "driven by, largest impact first:\n"
        "│           ├── leads.avg_deal_value -$16.64M/year: $24k from marketing, sales assumes = $50k\n"
        "│           └── leads.win_rate -$3.84M/year: 16% from marketing, sales assumes = 20%\n"
    ) in out
    assert "sales assumes = $50k, gets $24k: does not fit, 2.08× what is delivered  sales.plan:6" in out
    assert "sales assumes >= 2,000 leads/year, gets 4,000 leads/year: fits, 0.5× what is delivered" in out
    assert "acme derives company.revenue from it  company.plan:5" in out  # who consumes it
    assert "sales.plan:4:3 PL201 goal-shortfall (error)" in out  # the findings about it
    assert "├── " in out and "└── " in out


def test_doubled_leads_revenue_json(runner: CliRunner, doubled_leads: Path) -> None:
    document = explain_json(runner, "sales.revenue")
    assert document["name"] == "sales.revenue" and document["value"] == "$15.36M/year"
    top, *inputs = document["derivation"]
    assert top["formula"] == "leads.volume × leads.win_rate × leads.avg_deal_value"
    assert top["substituted"] == "4,000 leads/year × 16% × $24k" and top["value"] == "$15.36M/year"
    assert [(s["name"], s["value"], s["depth"]) for s in inputs] == [
        ("leads.volume", "4,000 leads/year", 1),
        ("leads.win_rate", "16%", 1),
        ("leads.avg_deal_value", "$24k", 1),
    ]
    win_rate = inputs[1]["assumptions"][0]
    assert (win_rate["team"], win_rate["status"], win_rate["ratio"]) == ("sales", "fails", "1.25×")
    [goal] = document["goals"]
    assert (goal["status"], goal["value"], goal["share"], goal["target"]) == (
        "short",
        "$15.36M/year",
        "76.8%",
        ">= $20M/year",
    )
    assert {f"{c['name']} {c['needs']}" for c in goal["closing"]} == set(CLOSING)
    assert [f["rule"] for f in document["findings"]] == ["goal-shortfall"]
    assert document["producers"][0]["kind"] == "derives" and document["producers"][0]["team"] == "sales"


def test_company_revenue_goes_down_the_whole_chain(runner: CliRunner, doubled_leads: Path) -> None:
    document = explain_json(runner, "company.revenue")
    assert [(s["name"], s["depth"]) for s in document["derivation"]] == [
        ("company.revenue", 0),
        ("sales.revenue", 1),
        ("leads.volume", 2),
        ("leads.win_rate", 2),
        ("leads.avg_deal_value", 2),
    ]
    assert document["goals"][0]["status"] == "short"


def test_met_goal(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(write_plan(tmp_path, MET_GOAL))
    out = explain(runner, "sales.revenue").stdout
    assert "500 leads/month × 20% × $48k = $57.6M/year" in out
    assert "goal sales.revenue >= $50M/year (sales, plan.plan:6): met: $57.6M/year, 115.2% of the $50M/year goal" in out
    assert "alone would close the gap" not in out
    document = explain_json(runner, "sales.revenue")
    assert document["goals"][0]["status"] == "met" and document["goals"][0]["closing"] == []
    assert document["findings"] == []
    volume = explain_json(runner, "leads.volume")
    # one metric, one period: the consumer's `>= 6000 leads/year` reads in the producer's period
    assert (volume["producers"][0]["value"], volume["consumers"][0]["assumes"]) == (
        "500 leads/month",
        ">= 500 leads/month",
    )
    assert (volume["consumers"][0]["delivered"], volume["consumers"][0]["status"]) == ("500 leads/month", "fits")


def test_a_ratio_is_shown_only_where_the_values_differ(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value met exactly, and a range overlapping what is asked (partly fitting), are 1× what is
    delivered: nothing worth printing. A value within the tolerance is not: $50k is 1.04× $48k."""
    plan = (
        "team m {\n  produces m.rate = 25%\n  produces m.volume = 3,000 leads .. 5,000 leads\n"
        "  produces m.deal = $48k\n}\n"
        "team s {\n  consumes m.rate = 25%\n  consumes m.volume >= 4,000 leads\n  consumes m.deal = $50k\n}\n"
    )
    monkeypatch.chdir(write_plan(tmp_path, {"plan.plan": plan}))
    assert "s assumes = 25%, gets 25%: fits  plan.plan:7" in explain(runner, "m.rate").stdout
    volume = explain(runner, "m.volume").stdout
    assert "s assumes >= 4,000 leads, gets 3,000 leads .. 5,000 leads: only partly fits  plan.plan:8" in volume
    assert "s assumes = $50k, gets $48k: fits, 1.04× what is delivered  plan.plan:9" in explain(runner, "m.deal").stdout


def test_unproduced_input(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(
        write_plan(
            tmp_path,
            {
                "p.plan": (
                    "team sales {\n  goal sales.revenue >= $1M/year\n  derive sales.revenue = leads.volume * $1k\n}\n"
                )
            },
        )
    )
    document = explain_json(runner, "sales.revenue")
    assert document["value"] is None and "nobody produces leads.volume" in document["reason"]
    assert document["derivation"][1]["kind"] == "unresolved"
    assert document["goals"][0]["status"] == "unverifiable"
    assert "cannot be checked: nobody produces leads.volume" in explain(runner, "sales.revenue").stdout


def test_expression_keeps_its_grouping(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(
        write_plan(
            tmp_path,
            {
                "p.plan": (
                    "team a {\n  produces x.a = 4\n  produces x.b = 14% .. 18%\n"
                    "  derive x.c = -(x.a + 2) * x.b - 1.001 / (x.a - x.a * 2) + 3 * (2 - x.a)\n}\n"
                )
            },
        )
    )
    top = explain_json(runner, "x.c")["derivation"][0]
    assert top["formula"] == "-(x.a + 2) × x.b - 1.001 ÷ (x.a - x.a × 2) + 3 × (2 - x.a)"
    assert top["substituted"] == "-(4 + 2) × (14% .. 18%) - 1.001 ÷ (4 - 4 × 2) + 3 × (2 - 4)"


def test_a_derive_is_shown_as_written_parentheses_and_lines_and_all(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(
        write_plan(
            tmp_path,
            {
                "p.plan": (
                    "team a {\n  produces x.a = 5 leads/year\n  produces x.b = $3\n"
                    "  derive x.c = (x.a + 2 leads/year) * x.b / 1 year\n"
                    "  derive x.d = (x.a + x.a)\n"
                    "  derive x.e = (x.a  # the volume\n"
                    "      * x.b) +\n"
                    "    x.c * 1 year\n}\n"
                )
            },
        )
    )
    as_written = {name: explain_json(runner, name)["producers"][0] for name in ("x.c", "x.d", "x.e")}
    assert as_written["x.c"]["as_written"] == "(x.a + 2 leads/year) * x.b / 1 year"
    assert as_written["x.c"]["value"] == "$21/year²"  # a power of time, printed as such
    assert as_written["x.d"]["as_written"] == "(x.a + x.a)"
    assert as_written["x.e"]["as_written"] == "(x.a * x.b) + x.c * 1 year"
    assert as_written["x.e"]["location"] == {"path": "p.plan", "line": 6, "column": 3}
    assert as_written["x.e"]["value"] == "$36/year"
    text = explain(runner, "x.c").stdout
    assert "a derives it = (x.a + 2 leads/year) * x.b / 1 year = $21/year²  p.plan:4" in text
    # Each line of a continued statement is the statement's.
    for line in (6, 7, 8):
        assert [e["name"] for e in explain_json(runner, f"p.plan:{line}")["explanations"]] == ["x.e"]


def test_deep_chain_is_cut_short(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["team t {", "  produces m.x0 = 5"] + [f"  derive m.x{i} = m.x{i - 1} + 1" for i in range(1, 80)]
    monkeypatch.chdir(write_plan(tmp_path, {"p.plan": "\n".join(lines + ["}"]) + "\n"}))
    result = explain(runner, "m.x79")
    assert result.exit_code == 0
    assert "m.x79 = 84" in result.stdout and "deeper steps are not drawn" in result.stdout
    assert len(result.stdout.splitlines()) < 60


def test_unknown_value_reasons(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(
        write_plan(
            tmp_path,
            {
                "p.plan": (
                    'team t {\n  derive c.a = c.b + 1\n  derive c.b = c.a * 2\n  produces d.text = "SQL"\n}\n'
                    'team u {\n  consumes d.text = "MQL"\n  consumes d.launch by 2027-Q2\n}\n'
                    "team v {\n  produces d.launch by 2027-Q3\n}\n"
                )
            },
        )
    )
    assert "it depends on itself" in explain_json(runner, "c.a")["reason"]
    text = explain_json(runner, "d.text")
    assert text["value"] == '"SQL"' and text["consumers"][0]["status"] == "definition-mismatch"
    launch = explain_json(runner, "d.launch")["consumers"][0]
    assert launch["timing"] == "needed by 2027-Q2, delivered by 2027-Q3: 92 days late"


# PATH:LINE --------------------------------------------------------------------


def test_path_line(runner: CliRunner, doubled_leads: Path) -> None:
    result = explain(runner, "sales.plan:6")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("sales.plan:6: 1 finding\n")
    assert (
        "sales.plan:6:3 PL102 value-mismatch (error): sales assumes leads.avg_deal_value = $50k, "
        "2.08× what marketing produces ($24k)"
    ) in out
    assert "help: agree one number" in out
    assert "marketing.plan:6:3: marketing produces leads.avg_deal_value = $24k" in out
    assert "\nleads.avg_deal_value = $24k\n" in out  # then the subject explained


def test_path_line_json(runner: CliRunner, doubled_leads: Path) -> None:
    document = explain_json(runner, "sales.plan:4")
    assert (document["path"], document["line"]) == ("sales.plan", 4)
    assert [f["code"] for f in document["findings"]] == ["PL201"]
    assert document["findings"][0]["related"][0]["line"] == 6
    [revenue] = document["explanations"]
    assert revenue["name"] == "sales.revenue" and revenue["goals"][0]["status"] == "short"


def test_line_without_findings_explains_its_statement(runner: CliRunner, doubled_leads: Path) -> None:
    out = explain(runner, "sales.plan:8").stdout
    assert out.startswith("sales.plan:8: no findings\n") and "4,000 leads/year × 16% × $24k" in out
    assert explain(runner, "sales.plan:1").stdout == "sales.plan:1: no findings\n"


def test_path_line_in_a_subfolder(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "acme").mkdir()
    write_plan(tmp_path / "acme", DOUBLED_LEADS)
    monkeypatch.chdir(tmp_path)
    document = explain_json(runner, "acme/sales.plan:6", "acme")
    assert document["path"] == "acme/sales.plan" and document["findings"][0]["code"] == "PL102"


# Plain output and ASCII --------------------------------------------------------


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "PYTHONIOENCODING")}
    return subprocess.run(
        [sys.executable, "-m", "planlint.cli", "explain", *args],
        cwd=cwd,
        capture_output=True,
        env={**environment, **env},
        check=False,
    )


@pytest.mark.parametrize("args", [["sales.revenue"], ["PL102"], ["--all"], ["sales.plan:6"]])
def test_piped_output_has_no_escape_codes(tmp_path: Path, args: list[str]) -> None:
    done = _run(args, write_plan(tmp_path, DOUBLED_LEADS))
    assert done.returncode == 0, done.stderr
    assert done.stdout and b"\x1b" not in done.stdout


HOSTILE = {
    "a.plan": 'team marketing {\n  produces leads.definition = "SQL \x1b[2J\x1b]0;pwned\x07 score >= 60"\n}\n'
    'team sales {\n  consumes leads.definition = "SQL score >= 70"\n}\n'
}


@pytest.mark.parametrize("color", ["--no-color", "--color"])
def test_a_plans_control_characters_are_shown_never_obeyed(tmp_path: Path, color: str) -> None:
    done = _run(["leads.definition", color], write_plan(tmp_path, HOSTILE))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("utf-8")
    assert out.count("SQL \\x1b[2J\\x1b]0;pwned\\x07 score") == 5  # value, producer, consumer, finding, related
    assert "\x07" not in out and "\x1b]" not in out and "\x1b[2J" not in out
    styled = re.findall("\x1b\\[[0-9;]*m", out)
    assert (len(styled) > 10) == (color == "--color")  # our own colours, and nothing else
    assert "\x1b" not in re.sub("\x1b\\[[0-9;]*m", "", out)


def test_colour_when_asked(runner: CliRunner, doubled_leads: Path) -> None:
    out = explain(runner, "sales.revenue", "--color").stdout
    assert click.style("short", fg="red", bold=True) in out
    assert click.style("fits", fg="green", bold=True) in out


def test_ascii_terminal_gets_ascii_tree(tmp_path: Path) -> None:
    done = _run(["sales.revenue"], write_plan(tmp_path, DOUBLED_LEADS), PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("ascii")
    assert "|-- produced by" in out and "`-- findings" in out
    assert "4,000 leads/year * 16% * $24k = $15.36M/year" in out and "2.08x what is delivered" in out
    json_done = _run(["sales.revenue", "--format", "json"], tmp_path, PYTHONIOENCODING="ascii")
    assert json.loads(json_done.stdout.decode("ascii"))["derivation"][0]["formula"].count("×") == 2


def test_draw_tree_connectors() -> None:
    entries = [(0, "root"), (1, "a"), (2, "a1\nmore"), (2, "a2"), (1, "b\nb more"), (2, "b1")]
    assert draw_tree(entries, Painter(color=False, unicode=False)) == (
        "root\n|-- a\n|   |-- a1\n|   |     more\n|   `-- a2\n`-- b\n    | b more\n    `-- b1"
    )
    assert draw_tree(entries, Painter(color=False, unicode=True)).splitlines()[2] == "│   ├── a1"


# Guidance: closing values, drivers, sensitivity -------------------------------------

RANGES = {
    "p.plan": """\
team ops {
  produces ops.win = 14% .. 18%
  produces ops.leads = 4000 leads/year
  produces ops.deal = $24k
  produces ops.discount = 10%
}
team sales {
  goal sales.revenue >= $20M/year
  consumes ops.deal = $30k
  consumes ops.win = 16%
  derive sales.revenue = ops.leads * ops.win * ops.deal * (100% - ops.discount)
}
""",
}


def test_sensitivity_table_largest_swing_first(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The win rate's own range (14% .. 18%) moves revenue most; the points move ±10%; the metric is
    measured at its worst case, the end that decides a `>=` goal."""
    monkeypatch.chdir(write_plan(tmp_path, RANGES))
    document = explain_json(runner, "sales.revenue")
    assert [(s["name"], s["low"], s["high"], s["metric_at_low"], s["swing"]) for s in document["sensitivity"]] == [
        ("ops.win", "14%", "18%", "$12.096M/year", "$3.456M/year"),  # 4,000 x $24k x 90% x 4 points
        ("ops.deal", "$21.6k", "$26.4k", "$10.886M/year .. $13.997M/year", "$2.419M/year"),
        ("ops.leads", "3,600 leads/year", "4,400 leads/year", "$10.886M/year .. $13.997M/year", "$2.419M/year"),
        ("ops.discount", "9%", "11%", "$12.23M/year .. $15.725M/year", "$268.8k/year"),
    ]
    out = explain(runner, "sales.revenue").stdout
    assert "sensitivity: each input alone, over its range or ± the spread" in out
    assert "ops.win       14% .. 18%" in out
    wide = explain_json(runner, "sales.revenue", "--spread", "50%")["sensitivity"]
    assert (wide[0]["name"], wide[0]["low"], wide[0]["high"]) == ("ops.deal", "$12k", "$36k")
    assert explain(runner, "sales.revenue", "--spread", "0%").exit_code == 2


def test_goal_lists_every_driver_and_closing_value(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write_plan(tmp_path, RANGES))
    [goal] = explain_json(runner, "sales.revenue")["goals"]
    assert goal["measured"] == "60.5% .. 77.8% of the $20M/year goal"
    assert [(d["name"], d["impact"], d["assumed"]) for d in goal["drivers"]] == [
        ("ops.deal", "-$3.024M/year", "= $30k"),  # $24k instead of $30k, at the worst case (14%)
        ("ops.win", "-$1.728M/year", "= 16%"),  # 14% .. 18% instead of 16%: its worst case is 2 points lower
    ]
    assert {c["name"]: (c["needs"], c["now"], c["change"]) for c in goal["closing"]} == {
        "ops.win": (">= 23.15%", "14% .. 18%", "+65%"),
        "ops.leads": (">= 6,613.76 leads/year", "4,000 leads/year", "+65%"),
        "ops.deal": (">= $39.683k", "$24k", "+65%"),
    }


def test_an_in_goal_is_measured_against_its_nearest_end(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = "team fin {\n  produces fin.revenue = $10M/year\n}\norg acme {\n  goal acme.accounts in 10 .. 20\n"
    plan += "  derive acme.accounts = fin.revenue / $1M/year * 6\n}\n"
    monkeypatch.chdir(write_plan(tmp_path, {"p.plan": plan}))
    out = explain(runner, "acme.accounts").stdout
    assert "off target: 60, 300% of 20, the top of the 10 .. 20 goal" in out
    assert "fin.revenue <= $3.333M/year (now $10M/year, -67%; fin produces it)" in out


def test_a_metric_reads_in_its_goals_period_at_every_step(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leads per month make a pipeline per month (no goal: the producer's period) and a revenue per
    year (its goal's period), wherever it is shown."""
    plan = (
        "team m {\n  produces leads.volume = 300 leads/month\n}\nteam s {\n  goal sales.revenue >= $40M/year\n"
        "  derive sales.pipeline = leads.volume * $48k\n  derive sales.revenue = sales.pipeline * 20%\n"
        "  derive sales.margin = sales.revenue / sales.revenue\n}\n"
    )
    monkeypatch.chdir(write_plan(tmp_path, {"p.plan": plan}))
    margin = explain_json(runner, "sales.margin")["derivation"]
    assert [(s["name"], s.get("value")) for s in margin] == [
        ("sales.margin", "1"),
        ("sales.revenue", "$34.56M/year"),
        ("sales.pipeline", "$14.4M/month"),
        ("leads.volume", "300 leads/month"),
    ]
    assert margin[0]["substituted"] == "$34.56M/year ÷ $34.56M/year"
