"""The acceptance scenarios, through the real command line, judged exactly as run.py judges them.

Every scenario folder of `tests/scenarios/` (the copy kept in this repository)
and of `../shared/scenarios/` (the source, when it is beside the clone) is run
with `python -m planlint.cli check --format json .` inside the folder; run.py's
own `run_scenario` compares the output with the folder's expected.json, so
these tests and `python ../shared/scenarios/run.py` cannot disagree.
"""

from __future__ import annotations

import importlib.util
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPY = ROOT / "tests" / "scenarios"
SHARED = ROOT.parent / "shared" / "scenarios"
PLANLINT = [sys.executable, "-m", "planlint.cli"]


def _sources() -> list[tuple[str, Path]]:
    return [("copy", COPY)] + ([("shared", SHARED)] if (SHARED / "run.py").is_file() else [])


def _folders(root: Path) -> list[Path]:
    return sorted(path.parent for path in root.glob("*/expected.json"))


def _runner() -> ModuleType:
    """run.py as a module; the shared one when present, since it is the source."""
    path = SHARED / "run.py" if (SHARED / "run.py").is_file() else COPY / "run.py"
    spec = importlib.util.spec_from_file_location("scenario_runner", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCENARIOS = [
    pytest.param(folder, id=f"{label}:{folder.name}") for label, root in _sources() for folder in _folders(root)
]


def test_the_copy_holds_the_scenarios() -> None:
    names = {folder.name for folder in _folders(COPY)}
    assert {
        "broken-files",
        "channel-vs-field",
        "clean-interlock",
        "doubled-leads",
        "redefined-lead",
        "unsupported-launch",
    } <= names
    assert (COPY / "broken-files" / "binary.plan").read_bytes().find(b"\xff\xfe") > 0  # kept as bytes


@pytest.mark.parametrize("folder", SCENARIOS)
def test_scenario(folder: Path) -> None:
    problems = _runner().run_scenario(folder, PLANLINT)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("label, root", _sources(), ids=[label for label, _ in _sources()])
def test_run_py_passes_every_scenario(label: str, root: Path) -> None:
    """run.py itself, as CI and the lead run it, against this planlint."""
    command = [sys.executable, str(root / "run.py"), "--planlint", shlex.join(PLANLINT), str(root)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    last = run.stdout.strip().splitlines()[-1]
    assert last == f"{len(_folders(root))} passed, 0 failed", run.stdout + run.stderr
    assert run.returncode == 0
