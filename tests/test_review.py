"""`planlint review`: a scripted git repository where one team's change breaks another's plan."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlint.analysis.impact import formula_text
from planlint.cli import main
from planlint.language.span import Span
from planlint.model.parse import parse_bytes
from planlint.model.plan import Binary, Derive, Reference
from planlint.output.escape import markdown_text, mermaid_label
from planlint.output.mermaid import Ids
from planlint.output.review import MARKER

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="planlint review needs git")

MARKETING = """\
# Marketing's commitments for FY2027.
team marketing {
  owner "@acme/marketing"
  produces leads.volume = 4000 leads/year
  produces leads.avg_deal_value = $48k
  produces leads.win_rate = 20%
}
"""
SALES = """\
team sales {
  owner "@acme/sales"
  goal sales.revenue >= $15M/year
  consumes leads.volume >= 2000 leads/year
  consumes leads.avg_deal_value = $50k
  consumes leads.win_rate = 20%
  derive sales.revenue = leads.volume * leads.win_rate * leads.avg_deal_value
}
"""
DEAL_LINE = SALES.splitlines().index("  consumes leads.avg_deal_value = $50k") + 1
WIN_LINE = SALES.splitlines().index("  consumes leads.win_rate = 20%") + 1


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def commit(repo: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose first commit is a plan that fits together; cwd is its root."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.name", "Plan Owner")
    git(tmp_path, "config", "user.email", "owner@example.com")
    git(tmp_path, "config", "commit.gpgsign", "false")
    commit(tmp_path, {"marketing.plan": MARKETING, "sales.plan": SALES}, "FY2027 plans")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def review(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["review", *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def review_json(*args: str) -> tuple[int, dict]:
    code, output = review(*args, "--format", "json")
    return code, json.loads(output)


def lower_deal_value(repo: Path) -> None:
    commit(repo, {"marketing.plan": MARKETING.replace("$48k", "$24k")}, "Marketing moves to mid-market")


# The acceptance case ------------------------------------------------------------


def test_lowered_deal_value_is_a_new_mismatch_on_sales_line(repo: Path) -> None:
    lower_deal_value(repo)
    assert git(repo, "diff", "--name-only", "HEAD~1", "HEAD").split() == ["marketing.plan"]
    code, doc = review_json("--base", "HEAD~1")
    assert code == 1
    new = doc["findings"]["new"]
    assert [(f["rule"], f["path"], f["line"]) for f in new] == [("value-mismatch", "sales.plan", DEAL_LINE)]
    assert "2.08×" in new[0]["message"]
    assert doc["summary"] == {
        "new": 1,
        "fixed": 0,
        "still_open": 0,
        "changed": 2,
        "hidden": 0,
        "fail_on": "error",
        "failed": True,
    }
    assert doc["configuration"] == {"file": None, "changes": []}
    # The edit first, then the derived value it moved.
    assert doc["changes"][0] == {
        "name": "leads.avg_deal_value",
        "team": "marketing",
        "role": "produces",
        "change": "changed",
        "before": "$48k",
        "after": "$24k",
        "edited": True,
        "path": "marketing.plan",
        "line": 5,
    }
    assert doc["changes"][1] | {"path": None, "line": None} == {
        "name": "sales.revenue",
        "team": "sales",
        "role": "derives",
        "change": "changed",
        "before": "$38.4M/year",
        "after": "$19.2M/year",
        "edited": False,
        "path": None,
        "line": None,
    }
    consumers = {(r["team"], r["kind"]): r for r in doc["impact"][0]["relied_on_by"]}
    assert consumers[("sales", "consumes")] | {"wants": "= $50k"} == {
        "team": "sales",
        "kind": "consumes",
        "wants": "= $50k",
        "delivered": "$24k",
        "status": "fails",
        "fits": False,
        "detail": "2.08×",
        "was": "fits",
        "path": "sales.plan",
        "line": DEAL_LINE,
    }
    owners = {o["handle"]: o for o in doc["owners"]}
    assert "@acme/sales" in owners
    assert any("no longer fits (2.08×)" in reason for reason in owners["@acme/sales"]["reasons"])


def test_text_output_names_sales_line_and_owner(repo: Path) -> None:
    lower_deal_value(repo)
    code, output = review("--base", "HEAD~1")
    assert code == 1
    assert f"sales.plan:{DEAL_LINE}: PL102 [error] sales assumes leads.avg_deal_value = $50k" in output
    assert "@acme/sales" in output


def test_a_change_that_breaks_nothing_exits_0(repo: Path) -> None:
    commit(repo, {"marketing.plan": MARKETING.replace("4000 leads/year", "5000 leads/year")}, "More leads")
    code, doc = review_json("--base", "HEAD~1")
    assert code == 0
    assert doc["findings"] == {"new": [], "hidden": [], "hidden_new": [], "fixed": [], "still_open": []}
    changed = {(c["name"], c["role"]): (c["before"], c["after"]) for c in doc["changes"]}
    assert changed[("leads.volume", "produces")] == ("4,000 leads/year", "5,000 leads/year")
    assert changed[("sales.revenue", "derives")] == ("$38.4M/year", "$48M/year")  # moved, not edited
    # Sales still fits everywhere: it is listed, not pinged.
    assert doc["owners"] == []


def test_rewriting_the_same_values_is_no_change(repo: Path) -> None:
    rewritten = (
        'team marketing {\n  owner "@acme/marketing"\n  # reordered, same values\n'
        "  produces leads.win_rate = 20%\n  produces leads.avg_deal_value = 48000 USD\n"
        "  produces leads.volume = 1000 leads/quarter\n}\n"
    )
    commit(repo, {"marketing.plan": rewritten}, "Tidy")
    code, doc = review_json("--base", "HEAD~1")
    assert code == 0
    assert doc["changes"] == []
    assert doc["findings"]["new"] == []


def test_the_same_date_written_otherwise_is_no_change(repo: Path) -> None:
    launch = "team product {\n  produces launch.widget by 2027-Q3\n}\n"
    commit(repo, {"product.plan": launch}, "Launch")
    commit(repo, {"product.plan": launch.replace("2027-Q3", "2027-09-30")}, "Same day")
    assert review_json("--base", "HEAD~1")[1]["changes"] == []
    commit(repo, {"product.plan": launch.replace("2027-Q3", "2027-10")}, "A month later")
    changes = review_json("--base", "HEAD~1")[1]["changes"]
    assert [(c["before"], c["after"]) for c in changes] == [("by 2027-09-30", "by 2027-10")]


def test_fixed_and_still_open(repo: Path) -> None:
    broken = MARKETING.replace("$48k", "$24k").replace("leads.win_rate = 20%", "leads.win_rate = 16%")
    commit(repo, {"marketing.plan": broken}, "Two mismatches")
    commit(repo, {"marketing.plan": broken.replace("$24k", "$50k")}, "Deal value back")
    code, doc = review_json("--base", "HEAD~1")
    assert code == 0
    assert [(f["rule"], f["line"]) for f in doc["findings"]["fixed"]] == [("value-mismatch", DEAL_LINE)]
    assert [(f["rule"], f["line"]) for f in doc["findings"]["still_open"]] == [("value-mismatch", WIN_LINE)]
    consumer = next(r for r in doc["impact"][0]["relied_on_by"] if r["kind"] == "consumes")
    assert (consumer["status"], consumer["was"]) == ("fits", "fails")
    assert any("now fits" in reason for o in doc["owners"] for reason in o["reasons"])


def test_only_new_findings_at_the_threshold_fail(repo: Path) -> None:
    commit(repo, {"marketing.plan": MARKETING.replace("$48k", "$40k .. $60k")}, "A range")
    code, doc = review_json("--base", "HEAD~1")
    assert code == 0
    assert [(f["rule"], f["severity"]) for f in doc["findings"]["new"]] == [("value-mismatch", "warning")]
    assert review_json("--base", "HEAD~1", "--fail-on", "warning")[0] == 1


def test_a_change_on_the_consumer_side_notifies_the_producer(repo: Path) -> None:
    commit(repo, {"sales.plan": SALES.replace("= $50k", "= $80k")}, "Sales raises its assumption")
    code, doc = review_json("--base", "HEAD~1")
    assert code == 1
    assert [c["team"] for c in doc["changes"]] == ["sales"]
    assert "@acme/marketing" in {o["handle"] for o in doc["owners"]}


# Markdown ---------------------------------------------------------------------


def test_markdown_for_a_pull_request_comment(repo: Path) -> None:
    lower_deal_value(repo)
    code, output = review("--base", "HEAD~1", "--format", "markdown")
    assert code == 1
    assert output.startswith(MARKER + "\n### :x: planlint review: 1 new error")
    assert "| New findings | **1** (1 error) |" in output
    assert "| Owners to notify | @acme/marketing, @acme/sales |" in output
    for section in (
        "#### New findings",
        "#### Changed assumptions",
        "#### Who relies on them",
        "#### Owners to notify",
        "#### Impact graph",
    ):
        assert section in output
    assert (
        f"| `leads.avg_deal_value` | sales | consumes = &#36;50k | &#36;24k | :x: no longer fits (2.08×) | "
        f"`sales.plan:{DEAL_LINE}` |" in output
    )
    # GitHub reads $...$ as maths: outside code, every dollar is escaped.
    prose = re.sub(r"```mermaid.*?```", "", output, flags=re.S)
    assert "$" not in re.sub(r"`[^`]*`", "", prose)


def test_markdown_suggests_fixes_as_text_off_the_diff_and_as_suggestions_on_it(repo: Path) -> None:
    """The consumer's line is not in the diff when only marketing changed: the fix is said in words.
    When sales edits that very line, it is in the diff: a suggestion block holding the whole line."""
    lower_deal_value(repo)
    _, output = review("--base", "HEAD~1", "--format", "markdown")
    assert (
        f"#### Suggested fixes\n\n`sales.plan:{DEAL_LINE}` value-mismatch: sales plans on what marketing delivers: "
        f"&#36;24k (changes a plan commitment)\n\n- `sales.plan:{DEAL_LINE}`: write `= $24k` in place of `= $50k`\n"
    ) in output
    assert "```suggestion" not in output
    commit(repo, {"sales.plan": SALES.replace("$50k", "$30k")}, "Sales plans on smaller deals")
    _, output = review("--base", "HEAD~2", "--format", "markdown")
    assert (
        f"`sales.plan:{DEAL_LINE}` value-mismatch: sales plans on what marketing delivers: &#36;24k "
        f"(changes a plan commitment)\n\n`sales.plan:{DEAL_LINE}` then reads:\n\n"
        "```suggestion\n  consumes leads.avg_deal_value = $24k\n```\n"
    ) in output


def test_mermaid_graph_of_changed_assumptions_and_consumers(repo: Path) -> None:
    lower_deal_value(repo)
    _, output = review("--base", "HEAD~1", "--format", "markdown")
    block = re.search(r"```mermaid\n(.*?)\n```", output, re.S)
    assert block is not None
    lines = block.group(1).splitlines()
    assert lines[0] == "graph LR"
    node = r"[at]_[A-Za-z0-9_]+"
    patterns = [
        rf'{node}\["[^"]*"\]',
        rf'{node} (-->|-\.->)\|("[^"]*"|\w+)\| {node}',
        r"classDef \w+ .+",
        rf"class {node}(,{node})* \w+",
        r"linkStyle \d+(,\d+)* .+",
    ]
    for line in lines[1:]:
        assert any(re.fullmatch(p, line.strip()) for p in patterns), line
    edges = [line.strip() for line in lines if "-->" in line or "-.->" in line]
    broken = edges.index('a_leads_avg_deal_value -->|"= $50k: no longer fits (2.08×)"| t_sales')
    assert "t_marketing -->|produces| a_leads_avg_deal_value" in edges
    assert f"  linkStyle {broken} stroke:#cf222e,stroke-width:2px" in lines
    assert "  class t_sales mismatch" in lines
    assert 'a_leads_avg_deal_value["leads.avg_deal_value<br/>$48k → $24k"]' in block.group(1)


def test_several_formats_and_output_file(repo: Path) -> None:
    lower_deal_value(repo)
    code, output = review("--base", "HEAD~1", "--format", "json", "--format", "markdown:review.md")
    assert code == 1
    assert json.loads(output)["summary"]["new"] == 1
    assert (repo / "review.md").read_text(encoding="utf-8").startswith(MARKER)
    code, output = review("--base", "HEAD~1", "--format", "markdown", "-o", "comment.md")
    assert output == "" and (repo / "comment.md").read_text(encoding="utf-8").startswith(MARKER)


# The working tree -------------------------------------------------------------


def _snapshot(repo: Path) -> dict:
    files = {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }
    return {
        "files": files,
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
        "index": git(repo, "ls-files", "--stage"),
        "head": git(repo, "rev-parse", "HEAD"),
    }


def test_the_working_tree_is_never_touched(repo: Path) -> None:
    lower_deal_value(repo)
    (repo / "sales.plan").write_text(SALES.replace("= $50k", "= $24k") + "# draft, not committed\n", encoding="utf-8")
    (repo / "draft.plan").write_text("team finance {\n", encoding="utf-8")  # untracked and broken
    before = _snapshot(repo)
    code, doc = review_json("--base", "HEAD~1")
    assert _snapshot(repo) == before
    # The head is HEAD as committed: the uncommitted fix and the untracked file are not read.
    assert code == 1 and doc["head"]["files"] == 2
    assert "= $50k" in doc["findings"]["new"][0]["message"]


def test_head_worktree_reads_the_files_on_disk(repo: Path) -> None:
    (repo / "marketing.plan").write_text(MARKETING.replace("$48k", "$24k"), encoding="utf-8")
    code, doc = review_json("--base", "HEAD", "--head", "WORKTREE")
    assert code == 1
    assert doc["head"] == {"rev": "WORKTREE", "commit": None, "files": 2}
    assert [f["line"] for f in doc["findings"]["new"]] == [DEAL_LINE]


def test_paths_and_subfolders(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(
        repo,
        {
            "plans/marketing.plan": MARKETING.replace("$48k", "$24k"),
            "plans/sales.plan": SALES,
            "elsewhere/other.plan": "team other {\n  consumes nothing.here\n}\n",
        },
        "Plans in a folder",
    )
    code, doc = review_json("--base", "HEAD~1", "plans")
    assert code == 1
    assert [f["path"] for f in doc["findings"]["new"]] == ["plans/sales.plan"]
    monkeypatch.chdir(repo / "plans")
    code, doc = review_json("--base", "HEAD~1")
    assert [f["path"] for f in doc["findings"]["new"]] == ["sales.plan"]


# Problems ---------------------------------------------------------------------


def test_unknown_revision_exits_2(repo: Path) -> None:
    code, output = review("--base", "no-such-branch")
    assert code == 2
    assert "'no-such-branch' is not a commit in this repository" in output


def test_outside_a_git_repository_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.chdir(tmp_path)
    code, output = review("--base", "HEAD")
    assert code == 2
    assert "inside a git repository" in output


@pytest.mark.parametrize("args", [["--format", "html"], []], ids=["unknown-format", "missing-base"])
def test_usage_errors_exit_2(repo: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _ = review(*(["--base", "HEAD"] if args else []), *args)
    assert code == 2


# Helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula",
    [
        "a.b * c.d * e.f",
        "(a.b + c.d) * e.f",
        "a.b - (c.d - e.f)",
        "a.b - c.d - e.f",
        "a.b / (c.d * e.f)",
        "-a.b + $5k",
        "-(a.b + c.d)",
    ],
)
def test_formula_text_keeps_only_needed_parentheses(formula: str) -> None:
    plan = parse_bytes("x.plan", f"team t {{\n  derive t.x = {formula}\n}}\n".encode())
    (derive,) = [s for s in plan.blocks[0].statements if isinstance(s, Derive)]
    assert formula_text(derive.expr) == formula


def test_formula_text_has_no_depth_limit() -> None:
    span = Span("x.plan", 1, 1, 1, 2)
    expr = Reference("a.b", span)
    for _ in range(5000):
        expr = Binary("+", expr, Reference("a.b", span), span)
    assert formula_text(expr).count("a.b") == 5001


def test_markdown_escaping() -> None:
    text = markdown_text("sales assumes $50k | a < b *now* [x](y) `z` ~old~")
    assert "$" not in text and "<" not in text
    assert "\\|" in text and "\\*now\\*" in text and "\\[x\\]" in text and "\\`z\\`" in text


def test_mermaid_ids_and_labels() -> None:
    ids = Ids()
    first, second = ids.name("a.b_c"), ids.name("a_b.c")
    assert first != second and all(re.fullmatch(r"a_[A-Za-z0-9_]+", i) for i in (first, second))
    assert ids.name("a.b_c") == first and ids.team("end") == "t_end"
    assert mermaid_label('"SQL: score >= 60" | #1 #amp;') == "'SQL: score >= 60' ¦ #1 # amp;"


# The configuration of a pull request cannot switch the review off (issue 18, item 4) --------


@pytest.mark.parametrize(
    "config,setting,before,after",
    [
        ('ignore = ["ALL"]\n', "rules", "12 on", "every rule off"),
        ('ignore = ["value-mismatch"]\n', "rule PL102 (value-mismatch)", "error", "off"),
        ('[severity]\nPL102 = "info"\n', "rule PL102 (value-mismatch)", "error", "info"),
        ('exclude = ["sales.plan"]\n', "exclude", "[]", '["sales.plan"]'),
        ('tolerance = "60%"\n', "tolerance", "10%", "60%"),
        ('[per-path-ignores]\n"*.plan" = ["ALL"]\n', "per-path-ignores", "{}", '{"*.plan" = ["ALL"]}'),
    ],
    ids=["ignore-all", "rule-off", "severity-lowered", "path-excluded", "tolerance-raised", "per-path-ignore"],
)
def test_a_configuration_that_hides_a_new_finding_is_reported_and_fails(
    repo: Path, config: str, setting: str, before: str, after: str
) -> None:
    commit(repo, {"marketing.plan": MARKETING.replace("$48k", "$24k"), "planlint.toml": config}, "hide it")
    code, doc = review_json("--base", "HEAD~1")
    assert code == 1  # the new mismatch fails the review, hidden or not
    assert doc["summary"]["failed"] is True
    assert doc["configuration"]["file"] == "planlint.toml"
    changes = {c["setting"]: (c["before"], c["after"], c["may_hide_findings"]) for c in doc["configuration"]["changes"]}
    assert changes[setting] == (before, after, True)
    hidden = [(f["rule"], f["path"], f["line"], f["severity"]) for f in doc["findings"]["hidden_new"]]
    assert hidden == [("value-mismatch", "sales.plan", DEAL_LINE, "error")]
    _, markdown = review("--base", "HEAD~1", "--format", "markdown")
    top = markdown.split("| | |")[0]  # before the summary table: the first thing a reviewer reads
    assert "This change edits planlint's configuration** (`planlint.toml`)" in top
    assert f"| `{setting}` | `{before}` | `{after}` | :warning: may hide findings |" in top
    assert "#### Hidden by the configuration change" in markdown and f"`sales.plan:{DEAL_LINE}`" in markdown
    _, text = review("--base", "HEAD~1")
    assert f"This change edits planlint's configuration (planlint.toml):\n  {setting}: {before} -> {after}" in text


def test_each_revision_is_checked_with_its_own_configuration(repo: Path) -> None:
    # The base ignores value-mismatch; the head turns it back on: the mismatch the base already had is
    # still open for the head, not new, and nothing is hidden.
    commit(repo, {"planlint.toml": 'ignore = ["value-mismatch"]\n'}, "quiet")
    commit(repo, {"marketing.plan": MARKETING.replace("$48k", "$24k")}, "the mismatch, unseen")
    commit(repo, {"planlint.toml": ""}, "loud again")
    code, doc = review_json("--base", "HEAD~1")
    assert code == 1 and [f["rule"] for f in doc["findings"]["new"]] == ["value-mismatch"]
    assert doc["findings"]["hidden"] == []
    assert [(c["setting"], c["may_hide_findings"]) for c in doc["configuration"]["changes"]] == [
        ("rule PL102 (value-mismatch)", False)
    ]
    # The working tree's configuration plays no part in a review of two commits.
    (repo / "planlint.toml").write_text('ignore = ["ALL"]\n', encoding="utf-8")
    assert review_json("--base", "HEAD~1")[0] == 1


def test_a_finding_only_hidden_is_not_called_fixed(repo: Path) -> None:
    lower_deal_value(repo)
    commit(repo, {"planlint.toml": 'ignore = ["ALL"]\n'}, "hide everything")
    code, doc = review_json("--base", "HEAD~1")
    assert doc["findings"]["fixed"] == [] and [f["rule"] for f in doc["findings"]["hidden"]] == ["value-mismatch"]
    assert doc["findings"]["hidden_new"] == [] and code == 0  # it was there before: not new, not fixed


def test_a_configuration_linked_out_of_the_repository_is_not_read(repo: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "planlint.toml"
    outside.write_text('ignore = ["ALL"]\n', encoding="utf-8")
    (repo / "planlint.toml").symlink_to(outside)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a linked configuration")
    code, output = review("--base", "HEAD~1")
    assert code == 2 and "planlint.toml at" in output and "it is a link" in output


def test_a_review_too_long_for_a_comment_is_summarised(repo: Path) -> None:
    teams = "".join(f"team t{n} {{\n  consumes nothing.number_{n}\n}}\n" for n in range(900))
    commit(repo, {"many.plan": teams}, "900 unresolved assumptions")
    code, markdown = review("--base", "HEAD~1", "--format", "markdown")
    assert code == 1 and len(markdown) <= 65_536 + 1  # the comment, and the newline echo adds
    assert "> :scissors: This review is longer than a pull request comment may be (65,536 characters)" in markdown
    assert "`planlint-review` artifact" in markdown and "```mermaid" not in markdown
    shown = markdown.count("| :x: error | `PL101`")
    assert 0 < shown < 900 and f"_… and {900 - shown:,} more rows (see the whole review)._" in markdown
    assert markdown.startswith(MARKER + "\n### :x: planlint review: 900 new errors")
    whole = review_json("--base", "HEAD~1")[1]
    assert len(whole["findings"]["new"]) == 900  # JSON keeps every finding
    _, longer = review("--base", "HEAD~1", "--format", "markdown", "--limit", "markdown-chars=10M")
    assert longer.count("| :x: error | `PL101`") == 900 and "```mermaid" in longer


def test_a_metric_is_stated_in_its_goals_period_everywhere(repo: Path) -> None:
    """Leads per month times a deal value is a revenue per month; its goal is per year, so the
    review states it per year in the change, in who relies on it and in the goal's standing."""
    commit(repo, {"marketing.plan": MARKETING.replace("4000 leads/year", "300 leads/month")}, "Monthly leads")
    _, doc = review_json("--base", "HEAD~1")
    revenue = next(c for c in doc["changes"] if c["name"] == "sales.revenue")
    assert (revenue["before"], revenue["after"]) == ("$38.4M/year", "$34.56M/year")
    goal = next(r for r in doc["impact"][1]["relied_on_by"] if r["kind"] == "goal")
    assert (goal["delivered"], goal["status"]) == ("$34.56M/year", "fits")
    assert "/month" not in json.dumps(doc["changes"][1:] + doc["impact"][1:])
    # leads.volume has no goal: it reads in its producer's period, sales' `>= 2000 leads/year` too
    volume = {r["kind"]: r for r in doc["impact"][0]["relied_on_by"]}["consumes"]
    assert (volume["wants"], volume["delivered"]) == (">= 166.67 leads/month", "300 leads/month")


def test_a_goal_that_falls_short_says_of_what(repo: Path) -> None:
    lower_deal_value(repo)
    commit(repo, {"sales.plan": SALES.replace("$15M/year", "$20M/year")}, "A higher goal")
    _, doc = review_json("--base", "HEAD~2")
    goal = next(r for name in doc["impact"] for r in name["relied_on_by"] if r["kind"] == "goal")
    assert goal["detail"] == "96% of the $20M/year goal"  # 4,000 x 20% x $24k = $19.2M
