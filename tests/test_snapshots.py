"""Snapshots of every rendered output: a change in wording or layout shows as a reviewed diff
of tests/snapshots/, not as a surprise to plan owners (`pytest --snapshot-update` rewrites them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import git
from planlint.cli import main
from planlint.output.formats import FORMATS


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def acme(copy_example: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = copy_example("acme")
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_check_output(name: str, acme: Path, runner: CliRunner, snapshot: Callable[[str, str], None]) -> None:
    snapshot(f"check.{name}", _run(runner, "check", "--no-cache", "--no-color", "--format", name, "."))


def test_report_and_graph_output(acme: Path, runner: CliRunner, snapshot: Callable[[str, str], None]) -> None:
    _run(runner, "report", "-o", "report.html", ".")
    snapshot("report.html", (acme / "report.html").read_text(encoding="utf-8"))
    for name in ("mermaid", "dot", "json"):
        snapshot(f"graph.{name}", _run(runner, "graph", "--format", name, "."))


@pytest.mark.parametrize(
    "args",
    [("PL102",), ("--all",), ("leads.avg_deal_value",), ("new_business.bookings",), ("new_business.plan:7",)],
    ids=["rule", "all-rules", "assumption", "derived-metric", "line"],
)
def test_explain_output(
    args: tuple[str, ...], acme: Path, runner: CliRunner, snapshot: Callable[[str, str], None]
) -> None:
    name = "-".join(a.replace("/", "_").replace(":", "_") for a in args)
    snapshot(f"explain.{name}.txt", _run(runner, "explain", "--no-color", *args))
    if not args[0].startswith("--"):
        snapshot(f"explain.{name}.json", _run(runner, "explain", "--format", "json", *args))


@pytest.mark.parametrize("name", ["text", "markdown", "json"])
def test_review_output(
    name: str,
    git_repo: Path,
    copy_example: Callable[[str], Path],
    runner: CliRunner,
    snapshot: Callable[[str, str], None],
) -> None:
    for plan in sorted(copy_example("acme").glob("*.plan")):
        (git_repo / plan.name).write_bytes(plan.read_bytes())
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "plans")
    marketing = git_repo / "marketing.plan"
    marketing.write_text(marketing.read_text(encoding="utf-8").replace("= $50k", "= $40k"), encoding="utf-8")
    git(git_repo, "commit", "-q", "-am", "smaller deals")
    output = _run(runner, "review", "--base", "HEAD~1", "--format", name)
    for rev, shown in (("HEAD", "HEAD"), ("HEAD~1", "BASE")):  # commits differ from run to run
        sha = git(git_repo, "rev-parse", rev).strip()
        output = output.replace(sha, shown).replace(sha[:7], shown)
    snapshot(f"review.{name}", output)
