"""Reading and judging in two processes (`run/processes.py`) find exactly what one process finds."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from planlint.api import AssumptionRule, Context, Finding
from planlint.model import parse as parse_module
from planlint.rulebook.registry import RuleSet, load_rules
from planlint.run import engine, files
from planlint.run import processes as _processes
from planlint.run.config import DEFAULT
from planlint.run.engine import lint

REPO = Path(__file__).resolve().parents[1]
needs_fork = pytest.mark.skipif(not _processes.fork_is_safe(), reason="planlint runs in one process here")


@pytest.fixture(scope="module")
def generated_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our benchmark generator's plan: every built-in rule has findings in it."""
    out = tmp_path_factory.mktemp("plan") / "org"
    command = [sys.executable, str(REPO / "benchmarks" / "gen_plan.py"), "120", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    return out


def _forking(monkeypatch: pytest.MonkeyPatch, forked: bool) -> None:
    monkeypatch.setattr(_processes, "MIN_SUBJECTS", 0 if forked else 10**12)
    monkeypatch.setattr(_processes, "MIN_FILES", 0 if forked else 10**12)


def _run(
    folder: Path, monkeypatch: pytest.MonkeyPatch, forked: bool, **overrides: Any
) -> tuple[list[dict[str, Any]], str]:
    """The findings of a run, and its model as text; `forked`: both steps in two processes."""
    _forking(monkeypatch, forked)
    config = DEFAULT.with_overrides(**{"cache": False, "extend_select": ["unused-assumption"], **overrides})
    result = lint([folder], config, cwd=folder)
    return [finding.to_dict() for finding in result.findings], repr(result.plan.files)


def _counting_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(_processes.os, "fork", fork)
    return forks


@needs_fork
@pytest.mark.parametrize("plan", ["generated", "examples/acme", "tests/scenarios/doubled-leads"])
def test_two_processes_find_exactly_what_one_finds(
    plan: str, generated_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = generated_plan if plan == "generated" else REPO / plan
    forks = _counting_forks(monkeypatch)
    one, one_model = _run(folder, monkeypatch, forked=False)
    assert forks == []
    two, two_model = _run(folder, monkeypatch, forked=True)
    assert forks == [1, 1]  # reading, then judging
    assert one and two == one
    assert two_model == one_model


def test_a_small_plan_is_checked_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        pytest.fail("forked for a small plan")

    monkeypatch.setattr(_processes.os, "fork", no_fork)
    assert lint([REPO / "examples" / "acme"], DEFAULT.with_overrides(cache=False), cwd=REPO).findings


# The sections every rule's documentation has (tests/test_rule_contract.py).
_TEST_RULE_SECTIONS = """

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


def _adding(rule: AssumptionRule, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's rules and `rule`."""
    monkeypatch.setattr(engine, "load_rules", lambda: RuleSet([*load_rules().rules, rule]))


class _FailsInTheChild(AssumptionRule):
    __doc__ = "Reports every name; raises in any process but the one that made it." + _TEST_RULE_SECTIONS

    code = "TS001"
    name = "fails-in-the-child"
    parent = os.getpid()

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        if os.getpid() != self.parent:
            raise RuntimeError("a rule that breaks in the forked process")
        for consumption in context.graph.consumptions_of(name):
            yield self.finding(consumption.statement.span, f"{consumption.statement.team} uses {name}")


@needs_fork
def test_when_the_child_fails_the_parent_judges_its_share(
    generated_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _adding(_FailsInTheChild(), monkeypatch)
    two = _run(generated_plan, monkeypatch, forked=True)[0]
    one = _run(generated_plan, monkeypatch, forked=False)[0]
    assert two == one
    assert len([f for f in two if f["code"] == "TS001"]) > 1000  # both halves of the names: every use


class _SaysWhereItJudged(AssumptionRule):
    __doc__ = "Reports each name once, saying which process judged it." + _TEST_RULE_SECTIONS

    code = "TS002"
    name = "says-where-it-judged"
    parent = os.getpid()

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        where = "here" if os.getpid() == self.parent else "in the child"
        for consumption in context.graph.consumptions_of(name)[:1]:
            yield self.finding(consumption.statement.span, f"{name} judged {where}")


@needs_fork
def test_the_child_judges_12_of_every_25_subjects_and_each_subject_is_judged_once(
    generated_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _adding(_SaysWhereItJudged(), monkeypatch)
    _forking(monkeypatch, True)
    result = lint([generated_plan], DEFAULT.with_overrides(cache=False), cwd=generated_plan)
    said = [f.message.split(" judged ") for f in result.findings if f.code == "TS002"]
    names = result.graph.names()
    consumed = [name for name in names if result.graph.consumptions_of(name)]
    assert sorted(name for name, _ in said) == sorted(consumed)  # each once
    in_child = {name for name, where in said if where == "in the child"}
    # The child's slices of the subjects' list: offsets 0, 2, .. 22 of every 25.
    assert in_child == {name for index, name in enumerate(names) if index % 25 in range(0, 24, 2)} & set(consumed)
    assert 0.45 < len(in_child) / len(consumed) < 0.51


def _reader_failing_in_the_child(after: int) -> Callable[[bytes], Any]:
    """`model.parse.recognise`, raising in a forked process once it has recognised `after` files."""
    parent, done = os.getpid(), []
    real = parse_module.recognise

    def recognise(data: bytes) -> Any:
        if os.getpid() != parent:
            if len(done) >= after:
                raise RuntimeError("a reader that breaks in the forked process")
            done.append(1)
        return real(data)

    return recognise


@needs_fork
@pytest.mark.parametrize("after", [0, 12])
def test_what_the_child_does_not_read_the_parent_reads(
    after: int, generated_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child fails at once, or after sending two batches of five files: same findings, same model."""
    one = _run(generated_plan, monkeypatch, forked=False)
    monkeypatch.setattr(_processes, "BATCH_ITEMS", 5)
    monkeypatch.setattr(parse_module, "recognise", _reader_failing_in_the_child(after))
    sent = []
    real_frame = _processes.AnswerStream._frame

    def frame(self: _processes.AnswerStream) -> bytearray | None:
        sent.append(1)
        return real_frame(self)

    monkeypatch.setattr(_processes.AnswerStream, "_frame", frame)
    assert _run(generated_plan, monkeypatch, forked=True) == one
    assert len(sent) == after // 5 + 1  # the batches sent, then the end of a stream that did not finish


@needs_fork
def test_the_child_reads_and_streams_most_files(generated_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _run(generated_plan, monkeypatch, forked=False)
    monkeypatch.setattr(_processes, "BATCH_ITEMS", 3)
    read_here: list[str] = []
    recognised_here: list[bool] = []
    real_open, real_parse = files._open_source, parse_module.parse_source

    def open_source(path: str, shown: str) -> Any:
        read_here.append(path)
        return real_open(path, shown)

    def parse_source(path: str, data: bytes, records: Any = parse_module.UNREAD) -> Any:
        recognised_here.append(records is parse_module.UNREAD)
        return real_parse(path, data, records)

    monkeypatch.setattr(files, "_open_source", open_source)
    monkeypatch.setattr(parse_module, "parse_source", parse_source)
    assert _run(generated_plan, monkeypatch, forked=True) == one
    parsed = len(recognised_here)
    assert parsed == len(list(generated_plan.rglob("*.plan")))
    # The parent reads and recognises its 30%; the child the rest.
    assert len(read_here) == sum(recognised_here) == int(parsed * _processes.PARENT_READS)


@needs_fork
def test_with_the_cache_the_child_recognises_the_bytes_read_here(
    generated_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a cache every file is read first (its digest is the cache key): the child gets the bytes."""
    found = []
    for forked in (False, True):
        cache = tmp_path / f"cache-{forked}"
        found.append(_run(generated_plan, monkeypatch, forked, cache=True, cache_dir=cache))
        assert any(cache.iterdir())
    assert found[0][0] and found[1] == found[0]


def test_planlint_runs_where_there_is_no_fcntl() -> None:
    """Windows has no fcntl (nor fork): the two-process module must still import, and a check run."""
    code = (
        "import sys; sys.modules['fcntl'] = None\n"
        "from pathlib import Path\n"
        "from planlint.run.config import DEFAULT\n"
        "from planlint.run.engine import lint\n"
        "print(len(lint([Path('examples/acme')], DEFAULT.with_overrides(cache=False)).findings))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert int(out) > 0


def _edited_and_checked(folder: Path, config: Any) -> str:
    """Edit a file, check at once with the cache, hold the findings to a cold run's; how the run
    came to them."""
    target = sorted(folder.rglob("*.plan"))[-1]
    target.write_text(target.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    again = lint([folder], config, cwd=folder)
    cold = lint([folder], config.with_overrides(cache=False), cwd=folder)
    assert [f.to_dict() for f in again.findings] == [f.to_dict() for f in cold.findings]
    return again.how


@needs_fork
def test_a_state_written_in_the_background_is_waited_for_and_used(
    generated_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command's whole run leaves the incremental state to a child that outlives it; the next
    run, started at once after an edit, waits for the child and judges incrementally."""
    import shutil

    folder = tmp_path / "org"
    shutil.copytree(generated_plan, folder)
    _forking(monkeypatch, True)
    forks = _counting_forks(monkeypatch)
    config = DEFAULT.with_overrides(cache_dir=tmp_path / "cache")
    first = lint([folder], config, cwd=folder, one_shot=True)
    assert first.how == "whole" and len(forks) == 3  # reading, judging, and the child keeping the state
    assert _edited_and_checked(folder, config) == "incremental"


@needs_fork
def test_a_whole_runs_findings_are_kept_by_the_child_and_reused(
    generated_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child that keeps the state also keeps the run's findings (the command prints without
    waiting for either); the next run, nothing changed, reuses them as they were."""
    import shutil

    from planlint.run.cache import Cache

    folder = tmp_path / "org"
    shutil.copytree(generated_plan, folder)
    _forking(monkeypatch, True)
    saved_by: list[int] = []
    save_findings = Cache.save_findings

    def noting_who_saves(self: Cache, key: str, found: list[Any]) -> None:
        saved_by.append(os.getpid())
        save_findings(self, key, found)

    monkeypatch.setattr(Cache, "save_findings", noting_who_saves)
    config = DEFAULT.with_overrides(cache_dir=tmp_path / "cache")
    first = lint([folder], config, cwd=folder, one_shot=True)
    assert saved_by == []  # not by this process: the child has its own copy of the list
    _processes.wait_for_keeper(next((tmp_path / "cache").rglob("*.lock")))  # the child is done

    def not_from_the_state(*args: object) -> None:
        raise AssertionError("answered from the state, not from the run's findings")

    monkeypatch.setattr(engine, "_found_in_state", not_from_the_state)
    again = lint([folder], config, cwd=folder)
    assert again.how == "reused"
    assert [f.to_dict() for f in again.findings] == [f.to_dict() for f in first.findings]


@needs_fork
def test_a_child_keeping_the_state_that_fails_leaves_no_state(
    generated_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that dies while writing leaves nothing a run would read (its transaction is not
    committed): the next run after an edit is a whole one, with the cold run's findings."""
    import shutil

    from planlint.run.store import Store

    def dies_midway(kept: tuple[Path, str], *args: object) -> None:
        Store.create(*kept)  # the schema and the state's key written, not committed
        raise RuntimeError("the child fails midway")

    folder = tmp_path / "org"
    shutil.copytree(generated_plan, folder)
    _forking(monkeypatch, True)
    keep_whole = engine._keep_whole
    monkeypatch.setattr(engine, "_keep_whole", dies_midway)
    config = DEFAULT.with_overrides(cache_dir=tmp_path / "cache")
    lint([folder], config, cwd=folder, one_shot=True)
    monkeypatch.setattr(engine, "_keep_whole", keep_whole)
    assert _edited_and_checked(folder, config) == "whole"
