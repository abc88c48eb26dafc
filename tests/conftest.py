"""Fixtures shared by the test modules: where things are, a command-line runner, plans on disk,
and snapshots of rendered output (`pytest --snapshot-update` rewrites them)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "tests" / "scenarios"
EXAMPLES = ROOT / "examples"
SNAPSHOTS = ROOT / "tests" / "snapshots"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--snapshot-update", action="store_true", help="rewrite tests/snapshots from the output")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write_plan(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write plan files ({relative path: text}) into a fresh folder; returns the folder."""

    def write(files: dict[str, str]) -> Path:
        folder = tmp_path / "plan"
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write


@pytest.fixture
def copy_example(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a scenario (tests/scenarios/NAME) or an example (examples/NAME) into tmp_path."""

    def copy(name: str) -> Path:
        source = SCENARIOS / name if (SCENARIOS / name).is_dir() else EXAMPLES / name
        target = tmp_path / name
        shutil.copytree(source, target)
        return target

    return copy


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git repository, isolated from the one around the tests; cwd is its root."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Plan Owner")
    git(repo, "config", "user.email", "owner@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    monkeypatch.chdir(repo)
    return repo


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """`snapshot(name, text)`: text must equal tests/snapshots/NAME, a file reviewed like code."""
    update = request.config.getoption("--snapshot-update")

    def check(name: str, text: str) -> None:
        path = SNAPSHOTS / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no snapshot {name}: run pytest --snapshot-update and review the new file"
        assert text == path.read_text(encoding="utf-8"), f"{name} changed: review, then pytest --snapshot-update"

    return check
