"""The benchmark runner's own code still runs (it is not timed here: numbers come from benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUNNER = REPO / "benchmarks" / "run.py"


def test_the_stage_split_runs_and_covers_every_stage() -> None:
    out = subprocess.run(
        [sys.executable, str(RUNNER), "--stages", "."],
        cwd=REPO / "examples" / "acme",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stages = json.loads(out)
    assert list(stages) == ["start-up", "read", "parse", "model", "graph", "rules", "output", "total"]
    assert all(len(value) == 2 for value in stages.values())


def test_tree_memory_sums_a_process_tree(tmp_path: Path) -> None:
    sys.path.insert(0, str(RUNNER.parent))
    try:
        import run  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(RUNNER.parent))
    if not Path("/proc/self/smaps_rollup").exists():
        pytest.skip("no /proc/PID/smaps_rollup here")
    holds = "import os, time; b = bytearray(60 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"
    peak = run.tree_memory([sys.executable, "-c", holds], tmp_path)
    assert peak is not None and peak >= 60


def test_the_mutation_report_counts_each_mutants_status(tmp_path: Path) -> None:
    """mutmut's exit codes, as MUTATION.md's table counts them: the score is caught over run."""
    meta = tmp_path / "mutants" / "src" / "planlint" / "analysis" / "solve.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {"killed": 1, "survived": 0, "timed out": -24, "mypy": 37, "no test": 33, "not run": None}
    meta.write_text(json.dumps({"exit_code_by_key": {f"planlint.analysis.solve.x_{k}": c for k, c in codes.items()}}))
    out = subprocess.run(
        [sys.executable, str(RUNNER.parent / "mutation_report.py"), str(tmp_path), "--survivors"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # killed, timeout, type check, survived, no test, not run, other; 3 caught of the 5 run
    assert "| analysis.solve | 6 | 1 | 1 | 1 | 1 | 1 | 1 | 0 | 60.0% |" in out
    assert out.splitlines()[-2:] == [
        "survived: planlint.analysis.solve.x_survived",
        "no test: planlint.analysis.solve.x_no test",
    ]


def test_a_run_made_in_parts_takes_each_module_from_the_part_that_ran_most_of_it(tmp_path: Path) -> None:
    def part(name: str, modules: dict[str, dict[str, int | None]]) -> Path:
        for module, codes in modules.items():
            meta = tmp_path / name / "mutants" / "src" / "planlint" / "analysis" / f"{module}.py.meta"
            meta.parent.mkdir(parents=True, exist_ok=True)
            keys = {f"planlint.analysis.{module}.x_{i}": code for i, code in enumerate(codes.values())}
            meta.write_text(json.dumps({"exit_code_by_key": keys}))
        return tmp_path / name

    first = part("one", {"solve": {"a": 1, "b": 0}, "goals": {"a": 1, "b": None}})  # goals: 1 of 2 run
    second = part("two", {"solve": {"a": None, "b": None}, "goals": {"a": 1, "b": 1}})  # solve not run here
    out = subprocess.run(
        [sys.executable, str(RUNNER.parent / "mutation_report.py"), str(first), str(second)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "| analysis.goals | 2 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 100.0% |" in out  # from the second part
    assert "| analysis.solve | 2 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 50.0% |" in out  # from the first
    assert "| **all** | 4 | 3 | 0 | 0 | 1 | 0 | 0 | 0 | 75.0% |" in out


def test_commands_run_in_turn_and_ratios_are_taken_run_by_run(tmp_path: Path) -> None:
    sys.path.insert(0, str(RUNNER.parent))
    try:
        import run  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(RUNNER.parent))
    log = tmp_path / "order"
    note = "import sys; open(sys.argv[1], 'a').write(sys.argv[2]); print(sys.argv[2])"
    commands = {name: ([sys.executable, "-c", note, str(log), name], tmp_path) for name in "ABC"}
    runs = run.interleaved(commands, 3)
    assert log.read_text() == "ABCABCABC"
    assert [len(runs[name].times) for name in "ABC"] == [3, 3, 3] and runs["B"].stdout == "B\n"
    a = run.Run(2.0, 0, "", [1.0, 4.0, 3.0])
    b = run.Run(1.0, 0, "", [1.0, 1.0, 2.0])
    assert run.ratio(a, b) == (1.5, 1.0, 4.0)  # the runs' ratios 1, 4 and 1.5, not 2.0 / 1.0
