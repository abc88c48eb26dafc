"""Fixtures shared by the test modules: where things are, a command-line runner, plans on disk,
snapshots of rendered output (`pytest --snapshot-update` rewrites them), the cache in a folder of
the test session (never the user's), and hostile repositories: temporary git repositories built as
a pull request's author would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture(name="git")
def _git() -> Callable[..., str]:
    """`git(repo, *args)`: git in `repo` as a committer named t; its output."""
    return git


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


# One value-mismatch (sales.plan:5, PL102): the finding every hostile repository must not hide.
GOOD_PLAN = (
    "team marketing {\n  produces leads.volume = 100 leads/year\n}\n"
    "team sales {\n  consumes leads.volume = 200 leads/year\n}\n"
)


@pytest.fixture(autouse=True)
def _session_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PLANLINT_CACHE_DIR for this process and the planlint processes tests start."""
    folder = tmp_path_factory.getbasetemp() / "planlint-cache"
    monkeypatch.setenv("PLANLINT_CACHE_DIR", str(folder))
    return folder


Repo = Callable[..., Path]


@pytest.fixture
def hostile_repo(tmp_path: Path) -> Repo:
    """`hostile_repo(files, links)`: a committed git repository at tmp_path/repo holding `files`
    (path -> text or bytes) and symbolic `links` (path -> target), with GOOD_PLAN as good.plan
    unless `good=False`."""
    if shutil.which("git") is None:
        pytest.skip("needs git")

    def make(
        files: dict[str, str | bytes] | None = None, links: dict[str, str] | None = None, good: bool = True
    ) -> Path:
        repo = tmp_path / "repo"
        repo.mkdir(exist_ok=True)
        for name, content in {**({"good.plan": GOOD_PLAN} if good else {}), **(files or {})}.items():
            path = repo / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        for name, target in (links or {}).items():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.symlink(target, repo / name)
            except (OSError, NotImplementedError):
                pytest.skip("this file system has no symbolic links")
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--allow-empty", "-m", "the pull request")
        return repo

    return make


@pytest.fixture
def planlint() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`planlint(*args, cwd=...)`: the command in its own process, as CI runs it, within a time bound."""

    def run(*args: str, cwd: Path, timeout: float = 120, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "planlint.cli", *args]
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, input=stdin)

    return run
