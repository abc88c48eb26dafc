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
