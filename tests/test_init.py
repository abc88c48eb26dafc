"""`planlint init`: a starter plan repository that checks clean at once, runs its pre-commit
hooks clean, and never overwrites a file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from planlint.cli import main

ROOT = Path(__file__).resolve().parents[1]
STARTER = [
    "org.plan",
    "marketing.plan",
    "sales.plan",
    "customer-success.plan",
    "planlint.toml",
    ".pre-commit-config.yaml",
    ".github/workflows/planlint.yml",
]


def planlint(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def init(folder: Path, *teams: str) -> Result:
    return planlint("init", str(folder), *(arg for team in teams for arg in ("--team", team)))


def test_init_writes_a_plan_that_checks_clean(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    result = init(folder, "marketing", "sales", "customer-success")
    assert result.exit_code == 0, result.output
    assert [line.removeprefix("created ") for line in result.stdout.splitlines()[:-1]] == [
        (folder / name).as_posix() for name in STARTER
    ]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(STARTER)
    checked = planlint("check", "--no-cache", "--format", "json", str(folder))
    assert checked.exit_code == 0, checked.output
    summary = json.loads(checked.stdout)["summary"]
    assert (summary["files"], summary["findings"]) == (4, 0)
    # the teams trade a value in a ring, and each goal rolls up to the org's: $1M × 3 = $3M/year
    graph = json.loads(planlint("graph", "--format", "json", str(folder)).stdout)
    pairs = sorted((e["source"], e["target"], e["status"]) for e in graph["edges"])
    assert pairs == [
        ("customer-success", "company", "fits"),
        ("customer-success", "sales", "fits"),
        ("marketing", "company", "fits"),
        ("marketing", "customer-success", "fits"),
        ("sales", "company", "fits"),
        ("sales", "marketing", "fits"),
    ]
    org = next(n for n in graph["nodes"] if n["kind"] == "org")
    assert org["goals"] == [
        {
            "metric": "company.contribution",
            "target": ">= $3M/year",
            "status": "met",
            "value": "$3M/year",
            "share": "100%",
        }
    ]


def test_every_statement_has_an_example_and_the_examples_fit_when_uncommented(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    assert init(folder).exit_code == 0  # the default teams
    assert sorted(p.name for p in folder.glob("*.plan")) == ["marketing.plan", "org.plan", "sales.plan"]
    sales = (folder / "sales.plan").read_text(encoding="utf-8")
    for statement in ("owner", "goal", "produces", "consumes", "derive"):
        assert re.search(rf"^  (# )?{statement} ", sales, re.M), statement
    for plan in folder.glob("*.plan"):
        plan.write_text(
            re.sub(r"^  # (produces|consumes|derive) ", r"  \1 ", plan.read_text(encoding="utf-8"), flags=re.M),
            encoding="utf-8",
        )
    assert "  derive sales.revenue = sales.capacity * sales.win_rate * $40k" in (folder / "sales.plan").read_text(
        encoding="utf-8"
    )
    checked = planlint("check", "--no-cache", "--format", "json", str(folder))
    assert checked.exit_code == 0 and json.loads(checked.stdout)["findings"] == []


def test_init_never_overwrites_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    (folder / ".github" / "workflows").mkdir(parents=True)
    kept = {
        "org.plan": "org ours {\n  goal ours.total >= 1\n}\n",
        "planlint.toml": 'fail-on = "warning"\n',
        ".github/workflows/planlint.yml": "name: ours\n",
    }
    for name, text in kept.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "sales.plan").symlink_to(tmp_path / "elsewhere.plan")  # a dangling link is not written through either
    result = init(folder, "marketing", "sales")
    assert result.exit_code == 0, result.output
    for name, text in kept.items():
        assert (folder / name).read_text(encoding="utf-8") == text
    assert not (tmp_path / "elsewhere.plan").exists()
    assert result.stderr.splitlines() == [
        f"skipped {(folder / name).as_posix()}: it exists, and init never overwrites a file"
        for name in ("org.plan", "sales.plan", "planlint.toml", ".github/workflows/planlint.yml")
    ]
    assert (folder / "marketing.plan").is_file() and (folder / ".pre-commit-config.yaml").is_file()


@pytest.mark.parametrize(
    ("team", "why"),
    [
        ("sales team", "use letters, digits, _ and -"),
        ("consumes", "it is a word of the plan language"),
        ("9ers", "starting with a letter"),
    ],
)
def test_a_team_name_the_language_cannot_declare_is_a_usage_error(tmp_path: Path, team: str, why: str) -> None:
    result = init(tmp_path, team)
    assert result.exit_code == 2
    assert f"'{team}' cannot name a team" in result.output and why in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_hooks_and_the_action_are_this_repository_s(tmp_path: Path) -> None:
    assert init(tmp_path).exit_code == 0
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    [repo] = config["repos"]
    assert repo["repo"] == "https://github.com/planlint/planlint" and repo["rev"] == "v0.1.0"
    assert {h["id"] for h in repo["hooks"]} <= hooks
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "planlint.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["planlint"]["steps"]
    assert steps[-1] == {"uses": "planlint/planlint@v0"}
    assert yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["name"] == "planlint"


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_runs_clean_on_the_starter(tmp_path: Path) -> None:
    """The generated configuration's hooks, taken from this checkout's .pre-commit-hooks.yaml as
    `repo: local` hooks run by the planlint installed here (no network, no environment to build)."""
    folder = tmp_path / "plans"
    assert init(folder, "marketing", "sales").exit_code == 0
    definitions = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    config_path = folder / ".pre-commit-config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    local = [{**definitions[h["id"]], "language": "system"} for repo in config["repos"] for h in repo["hooks"]]
    config_path.write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "home"), PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(git + args, cwd=folder, env=env, check=True, capture_output=True)
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^planlint\.+Passed$", run.stdout, re.M) and "Failed" not in run.stdout
    # and it fails as soon as the plans stop fitting
    sales = folder / "sales.plan"
    sales.write_text(
        sales.read_text(encoding="utf-8").replace(">= 300 units/year", ">= 500 units/year"), encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    assert "sales.plan:19:3: PL102 sales assumes marketing.capacity >= 500 units/year" in run.stdout
