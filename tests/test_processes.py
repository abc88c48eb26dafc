"""The rules in two processes (`_processes.py`) find exactly what one process finds."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from planlint.run import processes as _processes

from planlint.run import engine

from planlint.run import files
from planlint.run.config import DEFAULT
from planlint.run.engine import lint
from planlint.rulebook.finding import Finding
from planlint.analysis.graph import consumes_lines
from planlint.rulebook.registry import RuleSet, load_rules
from planlint.rulebook.contract import Context, Rule

REPO = Path(__file__).resolve().parents[1]
needs_fork = pytest.mark.skipif(not _processes.fork_is_safe(), reason="rules run in one process here")


@pytest.fixture(scope="module")
def generated_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our benchmark generator's plan: every built-in rule has findings in it."""
    out = tmp_path_factory.mktemp("plan") / "org"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "gen_plan.py"), "120", str(out)], check=True,
                   capture_output=True)
    return out


def _run(folder: Path, monkeypatch: pytest.MonkeyPatch, forked: bool) -> tuple[list[dict], str]:
    """The findings of a run, and its model as text; `forked`: both steps in two processes."""
    monkeypatch.setattr(_processes, "MIN_LINES", 0 if forked else 10**9)
    monkeypatch.setattr(_processes, "MIN_FILES", 0 if forked else 10**12)
    config = DEFAULT.with_overrides(cache=False, extend_select=["unused-assumption"])
    result = lint([folder], config, cwd=folder)
    return [finding.to_dict() for finding in result.findings], repr(result.plan.files)


def _findings(folder: Path, monkeypatch: pytest.MonkeyPatch, forked: bool) -> list[dict]:
    return _run(folder, monkeypatch, forked)[0]


@needs_fork
@pytest.mark.parametrize("plan", ["generated", "examples/acme", "tests/scenarios/doubled-leads"])
def test_two_processes_find_exactly_what_one_finds(plan: str, generated_plan: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = generated_plan if plan == "generated" else REPO / plan
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(_processes.os, "fork", lambda: forks.append(1) or real_fork())
    one, one_model = _run(folder, monkeypatch, forked=False)
    assert forks == []
    two, two_model = _run(folder, monkeypatch, forked=True)
    assert forks == [1, 1]  # reading, then the rules
    assert one and two == one
    assert two_model == one_model


def test_a_small_plan_is_checked_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_processes.os, "fork", lambda: pytest.fail("forked for a small plan"))
    assert lint([REPO / "examples" / "acme"], DEFAULT.with_overrides(cache=False), cwd=REPO).findings


class _FailsInTheChild(Rule):
    """Reports every consumes line; raises in any process but the one that made it.

    **What it does**
    Test rule.

    **Why is this bad?**
    Test rule.

    **Example**
    ```plan
    ```

    **Use instead**
    ```plan
    ```
    """

    code = "TS001"
    name = "fails-in-the-child"
    shardable = True
    parent = os.getpid()

    def check(self, context: Context) -> Iterator[Finding]:
        if os.getpid() != self.parent:
            raise RuntimeError("a rule that breaks in the forked process")
        for consumes, _ in context.share(consumes_lines(context.graph)):
            yield self.finding(consumes.span, f"{consumes.team} consumes {consumes.name}")


@needs_fork
def test_when_the_child_fails_the_parent_checks_its_share(generated_plan: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    rule = _FailsInTheChild()
    monkeypatch.setattr("planlint.run.engine.load_rules", lambda: RuleSet([*load_rules().rules, rule]))
    two = _findings(generated_plan, monkeypatch, forked=True)
    ours = [f for f in two if f["code"] == "TS001"]
    assert len(ours) == sum(1 for line in (generated_plan).rglob("*.plan")
                            for text in line.read_text().splitlines() if text.strip().startswith("consumes"))
    assert two == _findings(generated_plan, monkeypatch, forked=False)


def _reader_failing_in_the_child(after: int):
    """`engine.recognise`, raising in a forked process once it has recognised `after` files."""
    parent, done = os.getpid(), []
    real = engine.recognise

    def recognise(data: bytes):
        if os.getpid() != parent:
            if len(done) >= after:
                raise RuntimeError("a reader that breaks in the forked process")
            done.append(1)
        return real(data)

    return recognise


@needs_fork
@pytest.mark.parametrize("after", [0, 12])
def test_what_the_child_does_not_read_the_parent_reads(after: int, generated_plan: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The child fails at once, or after sending two batches of five files: same findings, same model."""
    one = _run(generated_plan, monkeypatch, forked=False)
    monkeypatch.setattr(_processes, "BATCH_ITEMS", 5)
    monkeypatch.setattr(engine, "recognise", _reader_failing_in_the_child(after))
    sent = []
    real_frame = _processes.AnswerStream._frame
    monkeypatch.setattr(_processes.AnswerStream, "_frame", lambda self: sent.append(1) or real_frame(self))
    assert _run(generated_plan, monkeypatch, forked=True) == one
    assert len(sent) == after // 5 + 1  # the batches sent, then the end of a stream that did not finish


@needs_fork
def test_the_child_reads_and_streams_most_files(generated_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _run(generated_plan, monkeypatch, forked=False)
    monkeypatch.setattr(_processes, "BATCH_ITEMS", 3)
    read_here, recognised_here = [], []
    real_open, real_parse = files._open_source, engine.parse_source
    monkeypatch.setattr(files, "_open_source", lambda path, shown: read_here.append(path) or real_open(path, shown))
    monkeypatch.setattr(engine, "parse_source", lambda path, data, records=engine.UNREAD: (
        recognised_here.append(records is engine.UNREAD), real_parse(path, data, records))[1])
    assert _run(generated_plan, monkeypatch, forked=True) == one
    parsed = len(recognised_here)
    assert len(read_here) == sum(recognised_here) == int(parsed * _processes.PARENT_READS)  # the rest: the child


@needs_fork
def test_with_the_cache_the_child_recognises_the_bytes_read_here(generated_plan: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """With a cache every file is read first (its digest is the cache key): the child gets the bytes."""
    plan = tmp_path / "plan"
    shutil.copytree(generated_plan, plan)
    config = DEFAULT.with_overrides(extend_select=["unused-assumption"])
    found = []
    for forked in (False, True):
        shutil.rmtree(plan / ".planlint_cache", ignore_errors=True)
        monkeypatch.setattr(_processes, "MIN_LINES", 0 if forked else 10**9)
        monkeypatch.setattr(_processes, "MIN_FILES", 0 if forked else 10**12)
        result = lint([plan], config, cwd=plan)
        found.append(([f.to_dict() for f in result.findings], repr(result.plan.files)))
    assert found[0][0] and found[1] == found[0]


def test_a_share_is_one_of_count_consecutive_parts() -> None:
    context = Context(None, None, None, shard=(1, 3))  # type: ignore[arg-type]
    assert context.share(list(range(10))) == [3, 4, 5]
    assert Context(None, None, None).share([1, 2]) == [1, 2]  # type: ignore[arg-type]


def test_planlint_runs_where_there_is_no_fcntl() -> None:
    """Windows has no fcntl (nor fork): the two-process module must still import, and a check run."""
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "from pathlib import Path\n"
            "from planlint.run.config import DEFAULT\n"
            "from planlint.run.engine import lint\n"
            "print(len(lint([Path('examples/acme')], DEFAULT.with_overrides(cache=False)).findings))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert int(out) > 0
