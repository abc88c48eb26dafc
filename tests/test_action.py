"""The GitHub Action trusts only what it wrote itself (issue 18, item 9): its steps' shell scripts,
run here as the runner runs them, against a hostile checkout and a fake `gh`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
STEPS = {step.get("name"): step for step in yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]}
MARKER = "<!-- planlint-review -->"

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or shutil.which("git") is None, reason="the action's steps need bash and git"
)


def run_step(name: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A step's `run` script with its `env`, in a runner-like environment (bash -e, as the runner does)."""
    step = STEPS[name]
    step_env = {key: str(value) for key, value in step.get("env", {}).items() if "${{" not in str(value)}
    full = {**os.environ, **step_env, **env}
    full["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full['PATH']}"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def runner(tmp_path: Path) -> dict[str, str]:
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    return {
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "PATHS": ".",
        "FAIL_ON": "",
    }


def outputs(runner: dict[str, str]) -> dict[str, str]:
    lines = Path(runner["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


def test_only_a_file_the_action_wrote_reaches_the_summary_and_the_comment(
    hostile_repo, git, runner: dict[str, str], tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=ghp_do_not_leak\n", encoding="utf-8")
    repo = hostile_repo()
    base = git(repo, "rev-parse", "HEAD").strip()
    # The pull request commits links where a careless action would read its own files.
    for name in ("review.md", "planlint.sarif", "review.json"):
        os.symlink(secret, repo / name)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "links to the runner's secrets")
    planted = Path(runner["RUNNER_TEMP"]) / "planlint"
    planted.mkdir()
    os.symlink(secret, planted / "review.md")  # left from an earlier job on a reused runner
    checked = run_step("planlint check", repo, runner)
    assert checked.returncode == 0, checked.stderr
    reviewed = run_step("planlint review", repo, {**runner, "BASE_SHA": base})
    assert reviewed.returncode == 0, reviewed.stderr
    found = outputs(runner)  # the review's exit code (0: the links bring no finding) follows the check's (1)
    assert Path(runner["GITHUB_OUTPUT"]).read_text(encoding="utf-8").count("exit-code=") == 2
    assert found["exit-code"] == "0" and found["sarif"] == str(planted / "planlint.sarif")
    assert found["markdown"] == str(planted / "review.md") and not (planted / "review.md").is_symlink()
    summary = Path(runner["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith(MARKER) and "ghp_do_not_leak" not in summary
    assert json.loads((planted / "review.json").read_text(encoding="utf-8"))["version"] == 1
    assert secret.read_text(encoding="utf-8") == "TOKEN=ghp_do_not_leak\n"  # nothing written through a link


FAKE_GH = """#!{python}
import json, os, subprocess, sys
args = sys.argv[1:]
log = open(os.environ["GH_LOG"], "a")
if args[:2] == ["api", "user"]:
    sys.stderr.write("HTTP 403: Resource not accessible by integration\\n")
    sys.exit(1)
if args[0] == "api" and args[1].endswith("/comments") and "--jq" in args:
    comments = json.load(open(os.environ["GH_COMMENTS"]))
    filtered = subprocess.run(["jq", "-r", args[args.index("--jq") + 1]], input=json.dumps(comments),
                              capture_output=True, text=True, check=True)
    sys.stdout.write(filtered.stdout)
elif "PATCH" in args:
    log.write("PATCH " + [a for a in args if "/issues/comments/" in a][0].rsplit("/", 1)[1] + "\\n")
elif args[:2] == ["pr", "comment"]:
    log.write("NEW\\n")
"""


@pytest.mark.skipif(shutil.which("jq") is None, reason="the fake gh filters with jq, as gh does")
@pytest.mark.parametrize(
    "comments,expected",
    [
        ([("mallory", 11), ("github-actions[bot]", 12), ("mallory", 13)], "PATCH 12"),
        ([("mallory", 11)], "NEW"),  # only someone else's comment carries the marker: ours is new
        ([("github-actions[bot]", 12), ("github-actions[bot]", 14)], "PATCH 14"),
    ],
    ids=["ours-among-others", "only-others", "latest-of-ours"],
)
def test_the_previous_comment_is_found_by_author_and_marker(
    tmp_path: Path, runner: dict[str, str], comments: list[tuple[str, int]], expected: str
) -> None:
    fake = tmp_path / "bin" / "gh"
    fake.parent.mkdir()
    fake.write_text(FAKE_GH.format(python=sys.executable), encoding="utf-8")
    fake.chmod(0o755)
    listed = [{"id": n, "user": {"login": who}, "body": f"{MARKER}\nreview by {who}"} for who, n in comments]
    (tmp_path / "comments.json").write_text(json.dumps(listed), encoding="utf-8")
    body = tmp_path / "review.md"
    body.write_text(MARKER + "\n### review\n", encoding="utf-8")
    env = {
        **runner,
        "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
        "GH_COMMENTS": str(tmp_path / "comments.json"),
        "GH_LOG": str(tmp_path / "gh.log"),
        "GITHUB_REPOSITORY": "acme/plans",
        "PR": "7",
        "BODY": str(body),
    }
    done = run_step("Comment the review on the pull request", tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "gh.log").read_text(encoding="utf-8").split("\n")[0] == expected


def test_a_crash_or_a_usage_error_fails_the_job() -> None:
    script = STEPS["Result"]["run"]
    for check, review, new_only, code in [("3", "", "false", 3), ("0", "3", "true", 3), ("1", "0", "true", 0)]:
        env = {**os.environ, "CHECK": check, "REVIEW": review, "NEW_ONLY": new_only}
        assert subprocess.run(["bash", "-c", script], env=env).returncode == code
