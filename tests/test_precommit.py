"""The real pre-commit, with planlint's hooks taken from a snapshot of this checkout.

pre-commit clones the hook repository at a `rev`, builds a virtual environment
and pip-installs planlint into it from a built wheel, exactly as users get it.
The snapshot is this working tree as it is now (committed or not), committed in
a temporary repository. Building the environment needs the package index; it
takes a minute or so the first time and is shared by the tests of this module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    ".pytest_cache",
    ".planlint_cache",
    ".hypothesis",
    "build",
    "dist",
    "*.egg-info",
    ".ruff_cache",
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")

MARKETING = """\
team marketing {
  owner "@acme/marketing"
  produces leads.volume = 4000 leads/year
  produces leads.avg_deal_value = $48k
}
"""
SALES = """\
team sales {
  owner "@acme/sales"
  consumes leads.volume >= 2000 leads/year
  consumes leads.avg_deal_value = $50k
}
"""
FINANCE = """\
team finance {
  owner "@acme/finance"
  consumes leads.volume >= 1000 leads/year
}
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(home)
    env["GIT_CEILING_DIRECTORIES"] = str(home.parent.parent)
    return env


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    command = [
        "git",
        "-c",
        "user.name=planlint tests",
        "-c",
        "user.email=tests@example.com",
        "-c",
        "commit.gpgsign=false",
        *args,
    ]
    return subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """(hook repository, its HEAD sha, environment with a PRE_COMMIT_HOME shared by this module)."""
    base = tmp_path_factory.mktemp("precommit")
    env = _env(base / "home")
    snapshot = base / "planlint"
    shutil.copytree(ROOT, snapshot, ignore=LEFT_OUT, symlinks=True)
    git(snapshot, "init", "-q", env=env)
    git(snapshot, "add", "-A", env=env)
    git(snapshot, "commit", "-q", "-m", "snapshot of the checkout under test", env=env)
    return snapshot, git(snapshot, "rev-parse", "HEAD", env=env).strip(), env


@pytest.fixture
def plans(tmp_path: Path, hooks: tuple[Path, str, dict[str, str]]) -> Path:
    """A plan repository whose .pre-commit-config.yaml uses the snapshot's hooks."""
    snapshot, sha, env = hooks
    repo = tmp_path / "plans"
    repo.mkdir()
    git(repo, "init", "-q", env=env)
    config = {"repos": [{"repo": str(snapshot), "rev": sha, "hooks": [{"id": "planlint"}, {"id": "planlint-all"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return repo


def write(repo: Path, env: dict[str, str], **files: str) -> None:
    for name, text in files.items():
        (repo / f"{name}.plan").write_text(text, encoding="utf-8")
    git(repo, "add", "-A", env=env)  # pre-commit only sees files git knows


def pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hooks_file_declares_the_four_hooks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"planlint", "planlint-all", "planlint-review", "planlint-fmt"}
    assert all(h["language"] == "python" for h in hooks.values())
    assert hooks["planlint"]["entry"] == "planlint check --pre-commit"
    assert hooks["planlint-all"]["pass_filenames"] is False
    assert hooks["planlint-review"]["stages"] == ["pre-push"]
    assert hooks["planlint-fmt"]["entry"] == "planlint fmt"


def test_passes_on_a_plan_that_fits(plans: Path, hooks) -> None:
    env = hooks[2]
    write(plans, env, marketing=MARKETING, sales=SALES, finance=FINANCE)
    run = pre_commit(plans, env, "--all-files")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("Passed") == 2


def test_fails_on_a_mismatched_plan(plans: Path, hooks) -> None:
    env = hooks[2]
    write(plans, env, marketing=MARKETING.replace("$48k", "$24k"), sales=SALES, finance=FINANCE)
    run = pre_commit(plans, env, "--all-files")
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.count("Failed") == 2
    assert "sales.plan:4:3: PL102 sales assumes leads.avg_deal_value = $50k, 2.08×" in run.stdout


def test_planlint_hook_reads_the_whole_plan_and_reports_what_touches_the_files(plans: Path, hooks) -> None:
    env = hooks[2]
    write(plans, env, marketing=MARKETING.replace("$48k", "$24k"), sales=SALES, finance=FINANCE)
    # Only marketing's file is passed; the mismatch sits on sales' line and names marketing's.
    run = pre_commit(plans, env, "planlint", "--files", "marketing.plan")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "sales.plan:4:3: PL102" in run.stdout
    # Finance's file is untouched by the mismatch: nothing to report for it.
    run = pre_commit(plans, env, "planlint", "--files", "finance.plan")
    assert run.returncode == 0, run.stdout + run.stderr


def test_fmt_hook_lays_out_the_passed_files_and_fails_until_they_are_added(plans: Path, hooks) -> None:
    snapshot, sha, env = hooks
    config = {"repos": [{"repo": str(snapshot), "rev": sha, "hooks": [{"id": "planlint-fmt"}]}]}
    (plans / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    messy = MARKETING.replace("owner ", "owner    ").replace("  produces", "      produces")
    write(plans, env, marketing=messy, sales=SALES)
    run = pre_commit(plans, env, "planlint-fmt", "--files", "marketing.plan")
    assert run.returncode == 1, run.stdout + run.stderr  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in run.stdout
    assert (plans / "marketing.plan").read_text(encoding="utf-8") == MARKETING
    git(plans, "add", "-A", env=env)
    run = pre_commit(plans, env, "planlint-fmt", "--all-files")
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_commit_hooks_run_at_commit_and_by_hand_never_at_push(plans: Path, hooks) -> None:
    """Installing the pre-push hooks (for planlint-review) must not run the check a second time."""
    declared = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert declared["planlint"]["stages"] == declared["planlint-all"]["stages"] == ["pre-commit", "manual"]
    env = hooks[2]
    write(plans, env, marketing=MARKETING.replace("$48k", "$24k"), sales=SALES, finance=FINANCE)
    push = pre_commit(plans, env, "--all-files", "--hook-stage", "pre-push")
    assert push.returncode == 0 and "planlint" not in push.stdout, push.stdout + push.stderr
    manual = pre_commit(plans, env, "--all-files", "--hook-stage", "manual")
    assert manual.returncode == 1 and manual.stdout.count("Failed") == 2, manual.stdout + manual.stderr
