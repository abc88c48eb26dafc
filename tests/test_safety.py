"""planlint never runs anything from the repository it lints, and never leaves a half-written file."""

from __future__ import annotations

import ast
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from planlint.commands.check import CheckOptions, run_check
from planlint.run.problems import UsageError

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted((REPO / "src" / "planlint").rglob("*.py")) + sorted((REPO / "rules").glob("*.py"))
DYNAMIC_CODE = {"eval", "exec", "compile", "__import__", "execfile"}
GOOD = "team marketing {\n  produces leads.volume = 100 leads/year\n}\nteam sales {\n  consumes leads.volume = 200 leads/year\n}\n"


def _dynamic_calls(source: str, shown: str) -> list[str]:
    """Calls that run text as code: eval(...), exec(...), builtins.exec(...), compile(...)."""
    found = []
    for node in ast.walk(ast.parse(source, shown)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in DYNAMIC_CODE:
                found.append(f"{shown}:{node.lineno}: {func.id}(...)")
            elif isinstance(func, ast.Attribute) and (
                func.attr in ("eval", "exec")
                or (func.attr in DYNAMIC_CODE and isinstance(func.value, ast.Name) and func.value.id == "builtins")
            ):
                found.append(f"{shown}:{node.lineno}: {func.attr}(...)")  # re.compile is fine
    return found


def test_no_eval_or_exec_anywhere_in_planlint() -> None:
    assert len(SOURCES) > 20
    calls = [
        call
        for path in SOURCES
        for call in _dynamic_calls(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    ]
    assert calls == []


def test_the_scan_would_see_an_eval() -> None:
    sample = (
        "import builtins\nx = eval('1')\nbuiltins.exec('y = 2')\nspec.loader.exec_module(m)\n"
        "re.compile('x')\nbuiltins.compile('1', 'f', 'eval')\n__import__('os')\n"
    )
    assert _dynamic_calls(sample, "sample.py") == [
        "sample.py:2: eval(...)",
        "sample.py:3: exec(...)",
        "sample.py:6: compile(...)",
        "sample.py:7: __import__(...)",
    ]


# Nothing from the linted repository runs ------------------------------------


def _planlint_command() -> list[str]:
    """The installed console script: like a user's shell, it does not put the working folder on sys.path."""
    script = Path(sys.executable).with_name("planlint")
    found = str(script) if script.exists() else shutil.which("planlint")
    if not found:
        pytest.skip("the planlint console script is not installed")
    return [found]


def _booby_trap(path: Path, marker: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran {path.name}')\n", encoding="utf-8"
    )


@pytest.fixture
def trapped_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A plan repository full of Python that writes `marker` if anything imports or runs it."""
    repo, marker = tmp_path / "repo", tmp_path / "PWNED"
    repo.mkdir()
    (repo / ".git").mkdir()  # the repository root: config search stops here
    (repo / "plans.plan").write_text(GOOD, encoding="utf-8")
    for relative in [
        "rules/__init__.py",
        "rules/evil_rule.py",
        "rules/value_mismatch.py",
        "planlint_rules.py",
        "conftest.py",
        "lark.py",
        "networkx.py",
        "click.py",
        "planlint/__init__.py",
        "plans/rules/extra.py",
        "sitecustomize.py",
        "usercustomize.py",
    ]:
        _booby_trap(repo / relative, marker)
    (repo / "rules" / "evil.plan.py").write_text("raise SystemExit('ran')\n", encoding="utf-8")
    return repo, marker


@pytest.mark.parametrize(
    "args",
    [
        ["check", "."],
        ["check", "--format", "json", "."],
        ["explain", "value-mismatch"],
        ["explain", "leads.volume", "."],
    ],
)
def test_python_in_the_linted_repository_never_runs(trapped_repo: tuple[Path, Path], args: list[str]) -> None:
    repo, marker = trapped_repo
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    completed = subprocess.run(
        _planlint_command() + args, cwd=repo, env=env, capture_output=True, text=True, timeout=120
    )
    assert not marker.exists(), marker.read_text()
    assert "Traceback" not in completed.stderr
    if args[0] == "check":  # and the plan itself was checked
        assert completed.returncode == 1 and "PL102" in completed.stdout + completed.stderr, completed.stdout
    else:
        assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_trap_works_when_python_imports_it(trapped_repo: tuple[Path, Path]) -> None:
    """The booby traps do write the marker when Python is told to run them: the test above can fail."""
    repo, marker = trapped_repo
    subprocess.run([sys.executable, "-c", "import rules.evil_rule"], cwd=repo, check=True, timeout=60)
    assert marker.exists()


@pytest.mark.parametrize(
    "config",
    [
        'plugins = ["rules.evil_rule"]',
        'rules-path = "rules"',
        'load = "rules/evil_rule.py"',
        'python-path = ["."]',
        '[rules."rules/evil_rule.py"]\nenabled = true',
        '[plugins]\nevil = "rules.evil_rule:EvilRule"',
    ],
)
def test_configuration_cannot_name_python_to_load(trapped_repo: tuple[Path, Path], config: str) -> None:
    repo, marker = trapped_repo
    (repo / "planlint.toml").write_text(config + "\n", encoding="utf-8")
    completed = subprocess.run(
        _planlint_command() + ["check", "."], cwd=repo, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "invalid config" in completed.stderr and "planlint.toml" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not marker.exists()


def test_the_config_schema_is_closed() -> None:
    schema = json.loads((REPO / "src" / "planlint" / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
    assert schema.get("additionalProperties") is False


# Atomic writes --------------------------------------------------------------


def _fail(stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, stage, boom)


@pytest.mark.parametrize("stage", ["fsync", "replace"])
@pytest.mark.parametrize("target", ["baseline", "output-file", "format-file"])
def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str, target: str
) -> None:
    plans, out = tmp_path / "plans", tmp_path / "out"
    plans.mkdir()
    out.mkdir()
    (plans / "plans.plan").write_text(GOOD, encoding="utf-8")
    old = out / "old.json"
    old.write_text('{"the": "previous file, whole"}\n', encoding="utf-8")
    options = {
        "baseline": CheckOptions(paths=[plans], write_baseline=old),
        "output-file": CheckOptions(paths=[plans], formats=[("json", None)], output_file=old),
        "format-file": CheckOptions(paths=[plans], formats=[("sarif", str(old))]),
    }[target]
    options.cache = False
    _fail(stage, monkeypatch)
    with pytest.raises(UsageError, match="No space left"):
        run_check(options)
    monkeypatch.undo()
    assert old.read_text(encoding="utf-8") == '{"the": "previous file, whole"}\n'
    assert sorted(p.name for p in out.iterdir()) == ["old.json"]  # no temporary file left behind


def test_a_write_that_succeeds_replaces_the_file(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plans.plan").write_text(GOOD, encoding="utf-8")
    old = tmp_path / "report.json"
    old.write_text("old", encoding="utf-8")
    assert run_check(CheckOptions(paths=[plans], formats=[("json", str(old))], cache=False)) == 1
    assert json.loads(old.read_text(encoding="utf-8"))["summary"]["findings"] == 1


# Outputs only where asked, as plain files (issue 18) -----------------------------------


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the repository that a committed link points at."""
    folder = tmp_path / "home"
    folder.mkdir()
    precious = folder / ".bashrc"
    precious.write_text("export PATH=/usr/bin\n", encoding="utf-8")
    return precious


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "sarif:planlint.sarif"],
        ["--format", "json", "-o", "planlint.sarif"],
        ["--write-baseline", "planlint.sarif"],
        ["--format", "json:out/deeper/report.json"],
    ],
    ids=["format-file", "output-file", "baseline", "linked-folder"],
)
def test_outputs_never_follow_a_committed_link_out_of_the_repository(hostile_repo, planlint, victim, args) -> None:
    repo = hostile_repo(links={"planlint.sarif": str(victim), "out": str(victim.parent)})
    done = planlint("check", *args, ".", cwd=repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "leads out of the repository" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert victim.read_text(encoding="utf-8") == "export PATH=/usr/bin\n"
    assert sorted(p.name for p in victim.parent.iterdir()) == [".bashrc"]  # nothing made there either


def test_review_output_never_follows_a_committed_link(hostile_repo, planlint, victim) -> None:
    repo = hostile_repo(links={"review.md": str(victim)})
    done = planlint("review", "--base", "HEAD", "--format", "markdown", "-o", "review.md", cwd=repo)
    assert done.returncode == 2 and "leads out of the repository" in done.stderr, done.stderr
    assert victim.read_text(encoding="utf-8") == "export PATH=/usr/bin\n"


def test_a_link_inside_the_repository_and_a_path_outside_it_are_written(hostile_repo, planlint, victim) -> None:
    repo = hostile_repo({"reports/keep.txt": ""}, links={"latest.json": "reports/report.json"})
    assert planlint("check", "--format", "json:latest.json", ".", cwd=repo).returncode == 1
    assert json.loads((repo / "reports" / "report.json").read_text(encoding="utf-8"))["summary"]["findings"] == 1
    assert (repo / "latest.json").is_symlink()  # the link stays, its target is replaced
    named = victim.parent / "named-by-the-user.json"  # outside the repository, but asked for by name
    assert planlint("check", "--format", f"json:{named}", ".", cwd=repo).returncode == 1
    assert json.loads(named.read_text(encoding="utf-8"))["summary"]["findings"] == 1


@pytest.mark.parametrize("special", ["fifo", "/dev/stdout", "/dev/null", "folder"])
def test_outputs_never_replace_what_is_not_a_file(hostile_repo, planlint, special: str) -> None:
    repo = hostile_repo()
    if special == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(repo / "fifo")
    if special == "folder":
        (repo / "folder").mkdir()
    done = planlint("check", "--format", f"json:{special}", ".", cwd=repo, timeout=20)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "not a file; planlint writes reports only as plain files" in done.stderr
    if special == "/dev/null":
        assert stat.S_ISCHR(os.stat(special).st_mode)  # still the device
    elif not special.startswith("/dev/"):
        assert not (repo / special).is_file()


def test_a_configuration_or_baseline_linked_out_of_the_repository_is_not_read(hostile_repo, planlint, victim) -> None:
    """A linked planlint.toml could switch every rule off, a linked baseline hide every finding: refused."""
    victim.write_text('ignore = ["ALL"]\n', encoding="utf-8")
    baseline = victim.parent / "baseline.json"
    baseline.write_text('{"version": 1, "findings": []}\n', encoding="utf-8")
    repo = hostile_repo(links={"planlint.toml": str(victim), "baseline.json": str(baseline)})
    done = planlint("check", ".", cwd=repo)
    assert done.returncode == 2 and "invalid config: planlint.toml: it is a link to" in done.stderr, done.stderr
    (repo / "planlint.toml").unlink()
    done = planlint("check", "--baseline", "baseline.json", ".", cwd=repo)
    assert done.returncode == 2 and "baseline baseline.json is a link to" in done.stderr, done.stderr
