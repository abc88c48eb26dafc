"""Hard inputs, one test each: every one gets a finding (or a clear error) naming the file,
never a traceback, and the rest of the plan is still checked.

Each plan below sits next to `good.plan`, whose known value-mismatch must still be reported.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from planlint.commands.check import make_report
from planlint.language.limits import LIMITS
from planlint.output.formats import FORMATS, render
from planlint.run.config import DEFAULT
from planlint.run.engine import LintResult, lint

GOOD = """team marketing {
  produces leads.volume = 100 leads/year
}
team sales {
  consumes leads.volume = 200 leads/year
}
"""
FLOAT_ARTEFACTS = re.compile(r"\b(inf|infinity|nan)\b", re.IGNORECASE)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "good.plan").write_text(GOOD, encoding="utf-8")
    return tmp_path


def lint_repo(root: Path) -> LintResult:
    return lint([root], DEFAULT, cwd=root)


def all_outputs(result: LintResult) -> dict[str, str]:
    report = make_report(result, result.findings, DEFAULT)
    return {name: render(name, report) for name in FORMATS}


def findings_on(result: LintResult, path: str, rule: str | None = None) -> list:
    return [f for f in result.findings if f.span.path == path and (rule is None or f.rule == rule)]


def assert_rest_checked(result: LintResult) -> None:
    mismatch = findings_on(result, "good.plan", "value-mismatch")
    assert len(mismatch) == 1 and mismatch[0].span.line == 5, result.findings


def run_cli(root: Path, *paths: str) -> list[dict]:
    """`planlint check --format json` in a subprocess: the findings, and nothing on stderr."""
    completed = subprocess.run(
        [sys.executable, "-m", "planlint.cli", "check", "--format", "json", *(paths or ".")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in completed.stderr and completed.stderr == "", completed.stderr
    assert completed.returncode == 1, completed.stdout
    findings = json.loads(completed.stdout)["findings"]
    assert any(f["rule"] == "value-mismatch" and f["path"].endswith("good.plan") for f in findings), findings
    return findings


def test_ten_thousand_nested_parentheses(repo: Path) -> None:
    depth = 10_000
    (repo / "deep.plan").write_text(
        f"team ops {{\n  derive ops.leads = {'(' * depth}leads.volume{')' * depth} * 2\n"
        "  goal ops.leads >= 1000 leads/year\n}\n",
        encoding="utf-8",
    )
    findings = run_cli(repo)
    shortfall = [f for f in findings if f["path"] == "deep.plan"]
    assert [f["rule"] for f in shortfall] == ["goal-shortfall"]
    assert "200 leads/year" in shortfall[0]["message"]  # evaluated through all 10,000 levels
    assert_rest_checked(lint_repo(repo))


def test_values_of_1e308_and_beyond(repo: Path) -> None:
    huge, beyond = "1" + "0" * 308, "1" + "0" * 400
    (repo / "huge.plan").write_text(
        f"""team big {{
  produces big.a = {huge} leads
  produces big.b = ${beyond}B/year
  derive big.c = big.a * big.a * big.b / 0.{"0" * 400}1
  goal big.c <= $5/year
  consumes big.a = 5 leads
}}
""",
        encoding="utf-8",
    )
    result = lint_repo(repo)
    assert {f.rule for f in findings_on(result, "huge.plan")} == {"value-mismatch", "goal-shortfall"}
    for name, text in all_outputs(result).items():
        assert not FLOAT_ARTEFACTS.search(text), f"{name}: {FLOAT_ARTEFACTS.search(text).group()}"
    assert_rest_checked(result)


def test_division_by_zero_names_the_divisor_and_prints_no_inf_or_nan(repo: Path) -> None:
    (repo / "zero.plan").write_text(
        """team ops {
  produces ops.staff = 0 reps
  derive ops.per_rep = leads.volume / ops.staff
  derive ops.spread = leads.volume / (leads.volume - leads.volume)
  goal ops.per_rep >= 10 leads/year
}
""",
        encoding="utf-8",
    )
    result = lint_repo(repo)
    invalid = findings_on(result, "zero.plan", "invalid-derivation")
    assert [f.span.line for f in invalid] == [3, 4]
    assert "ops.staff" in invalid[0].message and "zero" in invalid[0].message
    assert "leads.volume - leads.volume" in invalid[1].message
    outputs = all_outputs(result)
    assert set(outputs) == set(FORMATS)
    for name, text in outputs.items():
        assert not FLOAT_ARTEFACTS.search(text), f"{name} prints {FLOAT_ARTEFACTS.search(text).group()!r}"
    assert_rest_checked(result)


def test_derivation_cycles(repo: Path) -> None:
    (repo / "cycle.plan").write_text(
        """team ops {
  derive ops.a = ops.b + 1
  derive ops.b = ops.c * 2
  derive ops.c = ops.a - leads.volume
  derive ops.self = ops.self
  goal ops.a >= 5
}
""",
        encoding="utf-8",
    )
    result = lint_repo(repo)
    circular = findings_on(result, "cycle.plan", "circular-derivation")
    assert circular and {f.span.line for f in circular} <= {2, 3, 4, 5}
    assert any("ops.self" in f.message for f in circular)
    assert any("ops.a" in f.message and "ops.c" in f.message for f in circular)
    assert_rest_checked(result)


def test_an_empty_file_is_an_empty_plan(repo: Path) -> None:
    (repo / "empty.plan").write_bytes(b"")
    result = lint_repo(repo)
    assert result.files_checked == 2 and findings_on(result, "empty.plan") == []
    assert_rest_checked(result)


@pytest.mark.parametrize(
    "name,encode",
    [
        ("bom", lambda text: b"\xef\xbb\xbf" + text.encode()),
        ("crlf", lambda text: text.replace("\n", "\r\n").encode()),
        ("lone-cr", lambda text: text.replace("\n", "\r").encode()),
        ("tabs", lambda text: text.replace("  ", "\t").encode()),
    ],
)
def test_bom_line_endings_and_tabs_keep_lines_and_columns(repo: Path, name: str, encode) -> None:
    text = "# finance\n\nteam finance {\n  consumes leads.volume >= 150 leads/year   # needs more\n}\n"
    (repo / "finance.plan").write_bytes(encode(text))
    result = lint_repo(repo)
    (finding,) = findings_on(result, "finance.plan")
    column = 2 if name == "tabs" else 3
    assert (finding.rule, finding.span.line, finding.span.column) == ("value-mismatch", 4, column)
    assert result.source_line("finance.plan", 4).lstrip().startswith("consumes leads.volume >= 150")
    assert_rest_checked(result)


def test_a_directory_named_like_a_plan_file_is_walked(repo: Path) -> None:
    folder = repo / "x.plan"
    folder.mkdir()
    (folder / "inner.plan").write_text("team inner {\n  consumes nobody.makes_this\n}\n", encoding="utf-8")
    (repo / "empty.plan").mkdir()
    findings = run_cli(repo)
    assert [f["rule"] for f in findings if f["path"] == "x.plan/inner.plan"] == ["unresolved-assumption"]
    assert not [f for f in findings if f["path"] == "empty.plan"]
    # Named on the command line, a plan-named folder is walked too.
    assert [f["rule"] for f in run_cli(repo, "x.plan", "good.plan") if f["path"] == "x.plan/inner.plan"]


def test_symlink_loops(repo: Path) -> None:
    try:
        os.symlink("loop.plan", repo / "loop.plan")
        os.symlink("..", repo / "back", target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("this file system has no symbolic links")
    findings = run_cli(repo)
    (loop,) = [f for f in findings if f["path"] == "loop.plan"]
    assert loop["rule"] == "syntax-error" and "cannot be read" in loop["message"]


def test_an_unreadable_file(repo: Path) -> None:
    locked = repo / "locked.plan"
    locked.write_text("team locked {\n}\n", encoding="utf-8")
    locked.chmod(0)
    try:
        try:
            locked.open("rb").close()
            pytest.skip("this user can read a file with no permissions (root)")
        except PermissionError:
            pass
        findings = run_cli(repo)
        (finding,) = [f for f in findings if f["path"] == "locked.plan"]
        assert "cannot be read" in finding["message"] and (finding["line"], finding["column"]) == (1, 1)
    finally:
        locked.chmod(0o644)


def test_a_read_error_becomes_a_finding(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as above for any user, root included: opening the file fails."""
    (repo / "locked.plan").write_text("team locked {\n}\n", encoding="utf-8")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if os.path.basename(path) == "locked.plan":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = lint_repo(repo)
    (finding,) = findings_on(result, "locked.plan")
    assert finding.message == "the file cannot be read: Permission denied"
    assert_rest_checked(result)


def test_a_named_pipe_is_not_read(repo: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(repo / "pipe.plan")
    (finding,) = [f for f in run_cli(repo) if f["path"] == "pipe.plan"]
    assert "not a regular file" in finding["message"]


@pytest.mark.parametrize("cache", [True, False])  # read before parsing, or as each file is parsed
def test_a_named_pipe_is_neither_opened_nor_read(cache: bool, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(repo / "pipe.plan")
    real_open = os.open
    opened = []
    monkeypatch.setattr(
        os, "open", lambda path, *args, **kwargs: opened.append(os.fspath(path)) or real_open(path, *args, **kwargs)
    )
    result = lint([repo], DEFAULT.with_overrides(cache=False) if not cache else DEFAULT, cwd=repo)
    (finding,) = findings_on(result, "pipe.plan")
    assert "not a regular file" in finding.message
    assert not [path for path in opened if path.endswith("pipe.plan")]
    assert_rest_checked(result)


def test_a_50_mb_file_is_refused_with_the_limit(repo: Path) -> None:
    line = "  produces big.metric_{0:07d} = {0:07d} leads/year   # padding to make the line longer\n"
    count = 50 * 2**20 // len(line.format(0)) + 1
    with (repo / "huge.plan").open("w", encoding="utf-8") as handle:
        handle.write("team huge {\n")
        handle.writelines(line.format(i) for i in range(count))
        handle.write("}\n")
    assert (repo / "huge.plan").stat().st_size > 50 * 2**20
    (finding,) = [f for f in run_cli(repo) if f["path"] == "huge.plan"]
    assert finding["rule"] == "syntax-error" and (finding["line"], finding["column"]) == (1, 1)
    assert "50.0 MB" in finding["message"] and f"{LIMITS.file_bytes // 2**20} MB" in finding["message"]


def test_the_size_limit_is_exact(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "file_bytes", len(GOOD))
    (repo / "over.plan").write_text(GOOD + "\n", encoding="utf-8")
    result = lint_repo(repo)
    assert [f.rule for f in findings_on(result, "over.plan")] == ["syntax-error"]
    assert_rest_checked(result)  # good.plan is exactly at the limit, and read


def test_nul_bytes(repo: Path) -> None:
    (repo / "nul.plan").write_bytes(b"team nul {\n  produces nul.x = 5\x00\n}\n")
    (finding,) = [f for f in run_cli(repo) if f["path"] == "nul.plan"]
    assert finding["rule"] == "syntax-error" and (finding["line"], finding["column"]) == (2, 21)
    assert "\\x00" in finding["message"]


def test_a_file_that_is_not_utf8(repo: Path) -> None:
    (repo / "latin1.plan").write_bytes('team café {\n  owner "Zoë"\n}\n'.encode("latin-1"))
    (finding,) = [f for f in run_cli(repo) if f["path"] == "latin1.plan"]
    assert finding["rule"] == "syntax-error" and (finding["line"], finding["column"]) == (1, 9)
    assert "not UTF-8" in finding["message"] and "0xe9" in finding["message"]
