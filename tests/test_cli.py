"""`planlint check` from the command line: exit codes, outputs, colour, selection, configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from planlint.cli import main

MARKETING = """\
team marketing {
  owner "@acme/marketing"
  produces leads.volume = 4000 leads/year
  produces leads.avg_deal_value = $24k
  produces leads.win_rate = 14% .. 22%
}
"""
SALES = """\
team sales {
  owner "@acme/sales"
  consumes leads.volume >= 2000 leads/year
  consumes leads.avg_deal_value = $50k
  consumes leads.win_rate = 20%
}
"""
# sales.plan line 4: value-mismatch error (2.08×); line 5: value-mismatch warning (only part of the range fits).
ERROR_LINE, WARNING_LINE = 4, 5
ANSI = "\x1b["


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "marketing.plan").write_text(MARKETING, encoding="utf-8")
    (tmp_path / "sales.plan").write_text(SALES, encoding="utf-8")
    for name in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, ["check", *args], env=env)
    assert "Traceback" not in result.output, result.output
    return result


def found(result: Result) -> list[tuple[str, str, int]]:
    return [(f["rule"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# Exit codes ---------------------------------------------------------------------


def test_findings_exit_1(plan: Path) -> None:
    assert run().exit_code == 1


def test_clean_plan_exits_0(plan: Path) -> None:
    write(plan / "marketing.plan", MARKETING.replace("$24k", "$50k").replace("14% .. 22%", "20%"))
    result = run()
    assert result.exit_code == 0
    assert "All checked: 2 files, no findings." in result.stdout


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["no-such-folder"], ["--format", "html"], ["--fail-on", "fatal"]],
    ids=["unknown-option", "missing-path", "unknown-format", "bad-fail-on"],
)
def test_usage_errors_exit_2(plan: Path, args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_missing_path_is_named(plan: Path) -> None:
    assert "'no-such-folder' does not exist" in run("no-such-folder").output


# A crash is never mistaken for findings (issue 18, item 11) ------------------------------

NESTED_TOML = "x = " + "[" * 50_000 + "]" * 50_000 + "\n"


@pytest.mark.parametrize(
    "config,message",
    [
        ('exclude = ["[z-a]"]\n', "invalid config: planlint.toml: exclude[0]: '[z-a]' is not a glob planlint can read"),
        (NESTED_TOML, "invalid config: planlint.toml: tables and lists nested more than 32 deep"),
        ("tolerance = nan\n", "invalid config: planlint.toml: tolerance: nan is not a valid tolerance"),
        ("tolerance = inf\n", "invalid config: planlint.toml: tolerance: inf is not a valid tolerance"),
        (
            'exclude = ["' + "*" * 2000 + '"]\n',
            "invalid config: planlint.toml: exclude[0]: a glob of 2,000 characters; planlint reads globs of up to 1,024",
        ),
    ],
    ids=["bad-glob", "nested-toml", "nan-tolerance", "inf-tolerance", "long-glob"],
)
def test_a_bad_configuration_exits_2_with_one_line(plan: Path, planlint, config: str, message: str) -> None:
    write(plan / "planlint.toml", config)
    done = planlint("check", ".", cwd=plan)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("Error: " + message) and done.stderr.count("\n") == 1, done.stderr


def test_a_deeply_nested_baseline_exits_2(plan: Path, planlint) -> None:
    write(plan / "baseline.json", "[" * 100_000 + "]" * 100_000)
    done = planlint("check", "--baseline", "baseline.json", ".", cwd=plan)
    assert (done.returncode, done.stderr) == (
        2,
        "Error: baseline baseline.json cannot be read: it is nested too deeply to be a baseline\n",
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_standard_output_full_or_closed_exits_2(plan: Path) -> None:
    command = [sys.executable, "-m", "planlint.cli", "check", "."]
    with open("/dev/full", "w") as full:
        done = subprocess.run(command, cwd=plan, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (2, "Error: cannot write the output: No space left on device\n")
    closed = subprocess.run(
        ["sh", "-c", 'exec "$0" "$@" >&-', *command], cwd=plan, stderr=subprocess.PIPE, text=True, timeout=60
    )
    assert (closed.returncode, closed.stderr) == (2, "Error: cannot write the output: standard output is closed\n")


def test_an_internal_error_exits_3_in_one_line_and_shows_its_traceback_with_debug(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planlint.run import engine

    def broken(*args, **kwargs):
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(engine, "run_rules", broken)
    result = CliRunner().invoke(main, ["check", "--no-cache", "."])
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert result.stderr == (
        "Error: internal error: RuntimeError: a bug over two lines (run again with --debug for the traceback)\n"
    )
    debug = CliRunner().invoke(main, ["--debug", "check", "--no-cache", "."])
    assert isinstance(debug.exception, RuntimeError)  # raised as it is: Python prints its traceback


# Outputs ------------------------------------------------------------------------


def test_several_formats_with_files(plan: Path) -> None:
    result = run("--format", "concise", "--format", "json:out/findings.json", "--format", "sarif:results.sarif")
    assert result.exit_code == 1
    assert f"sales.plan:{ERROR_LINE}:3: PL102 [error]" in result.stdout
    assert ("value-mismatch", "sales.plan", ERROR_LINE) in [
        (f["rule"], f["path"], f["line"]) for f in json.loads((plan / "out/findings.json").read_text())["findings"]
    ]
    assert json.loads((plan / "results.sarif").read_text())["version"] == "2.1.0"


def test_unwritable_output_exits_2(plan: Path) -> None:
    result = run("--format", "json:sales.plan/findings.json")  # a file where a folder should be
    assert result.exit_code == 2
    assert "cannot write sales.plan/findings.json" in result.output


def test_output_file_takes_the_first_format(plan: Path) -> None:
    result = run("--format", "json", "--output-file", "report.json")
    assert result.stdout == ""
    assert json.loads((plan / "report.json").read_text())["summary"]["errors"] == 1


def test_auto_is_github_inside_github_actions(plan: Path) -> None:
    result = run(env={"GITHUB_ACTIONS": "true"})
    assert f"::error file=sales.plan,line={ERROR_LINE}" in result.stdout


def test_colour_follows_force_color_and_no_color(plan: Path) -> None:
    assert ANSI not in run().stdout  # not a terminal
    assert ANSI in run(env={"FORCE_COLOR": "1"}).stdout
    assert ANSI not in run(env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert ANSI in run("--color", env={"NO_COLOR": "1"}).stdout  # the flag beats the environment


# Threshold and selection -------------------------------------------------------


def test_fail_on_sets_the_threshold(plan: Path) -> None:
    write(plan / "marketing.plan", MARKETING.replace("$24k", "$50k"))  # only the warning is left
    assert run("--format", "json").exit_code == 0
    assert run("--fail-on", "warning").exit_code == 1
    write(plan / "planlint.toml", 'fail-on = "warning"\n')
    assert run().exit_code == 1
    assert run("--fail-on", "error").exit_code == 0  # the flag beats the file


def test_select_and_ignore(plan: Path) -> None:
    write(plan / "org.plan", "team finance {\n  consumes nobody.makes_this\n}\n")
    everything = {rule for rule, _, _ in found(run("--format", "json"))}
    assert everything == {"value-mismatch", "unresolved-assumption"}
    assert {r for r, _, _ in found(run("--format", "json", "--select", "unresolved-assumption"))} == {
        "unresolved-assumption"
    }
    assert {r for r, _, _ in found(run("--format", "json", "--ignore", "value-mismatch"))} == {"unresolved-assumption"}


def test_unknown_rule_in_a_flag_exits_2_with_did_you_mean(plan: Path) -> None:
    result = run("--select", "valu-mismatch")
    assert result.exit_code == 2
    assert "--select: unknown rule or group 'valu-mismatch' (did you mean 'value-mismatch'?)" in result.output


# Configuration ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('tolerence = "5%"\n', "invalid config: planlint.toml: tolerence: unknown key (did you mean 'tolerance'?)"),
        (
            'select = ["valu-mismatch"]\n',
            "invalid config: planlint.toml: select: unknown rule or group "
            "'valu-mismatch' (did you mean 'value-mismatch'?)",
        ),
    ],
    ids=["unknown-key", "unknown-rule"],
)
def test_bad_config_exits_2_with_file_key_and_did_you_mean(plan: Path, toml: str, expected: str) -> None:
    write(plan / "planlint.toml", toml)
    result = run()
    assert result.exit_code == 2
    assert expected in result.output


def test_bad_pyproject_table_names_the_key(plan: Path) -> None:
    write(plan / "pyproject.toml", '[tool.planlint]\nfail-on = "fatal"\n')
    result = run()
    assert result.exit_code == 2
    assert "invalid config: pyproject.toml: tool.planlint.fail-on" in result.output


def test_per_path_ignores(plan: Path) -> None:
    write(plan / "legacy/old_sales.plan", "team old_sales {\n  consumes leads.avg_deal_value = $90k\n}\n")
    assert ("value-mismatch", "legacy/old_sales.plan", 2) in found(run("--format", "json"))
    write(plan / "planlint.toml", '[per-path-ignores]\n"legacy/**" = ["value-mismatch"]\n')
    remaining = found(run("--format", "json"))
    assert all(path != "legacy/old_sales.plan" for _, path, _ in remaining)
    assert ("value-mismatch", "sales.plan", ERROR_LINE) in remaining


@pytest.mark.parametrize(
    "comment",
    ["# planlint: ignore[value-mismatch]", "# planlint: ignore[PL102]", "# planlint: ignore"],
    ids=["by-name", "by-code", "every-rule"],
)
def test_suppression_comment_silences_its_line(plan: Path, comment: str) -> None:
    write(plan / "sales.plan", SALES.replace("= $50k\n", f"= $50k   {comment}\n"))
    remaining = found(run("--format", "json"))
    assert ("value-mismatch", "sales.plan", ERROR_LINE) not in remaining
    assert ("value-mismatch", "sales.plan", WARNING_LINE) in remaining


def test_suppression_of_another_rule_does_not_silence(plan: Path) -> None:
    write(plan / "sales.plan", SALES.replace("= $50k\n", "= $50k   # planlint: ignore[unit-mismatch]\n"))
    assert ("value-mismatch", "sales.plan", ERROR_LINE) in found(run("--format", "json"))


# pre-commit ---------------------------------------------------------------------


def test_pre_commit_mode_reads_everything_and_reports_what_touches_the_files(plan: Path) -> None:
    write(plan / "finance.plan", "team finance {\n  consumes leads.volume >= 1000 leads/year\n}\n")
    # marketing.plan alone would have no consumer: the whole plan is read, the report filtered.
    result = run("--pre-commit", "--format", "json", "marketing.plan")
    assert result.exit_code == 1
    assert {path for _, path, _ in found(result)} == {"sales.plan"}
    assert run("--pre-commit", "finance.plan").exit_code == 0


# A file is checked against its whole plan (issue 18, items 12 and 13) ---------------------


@pytest.fixture
def repository(hostile_repo) -> Path:
    """A git repository: marketing's file at the root, sales' in a folder, finance untouched."""
    return hostile_repo(
        {
            "marketing.plan": MARKETING,
            "sales/sales.plan": SALES,
            "finance/finance.plan": "team finance {\n  consumes leads.volume >= 1000 leads/year\n}\n",
        },
        good=False,
    )


def paths_and_rules(done) -> list[tuple[str, str]]:
    return sorted({(f["path"], f["rule"]) for f in json.loads(done.stdout)["findings"]})


def test_a_file_is_checked_against_the_whole_plan(repository: Path, planlint) -> None:
    done = planlint("check", "--format", "json", "sales/sales.plan", cwd=repository)
    assert done.returncode == 1
    assert paths_and_rules(done) == [("sales/sales.plan", "value-mismatch")]  # marketing's values were read
    # marketing's file: the mismatch names it, so it is reported; finance's: nothing touches it.
    assert paths_and_rules(planlint("check", "--format", "json", "marketing.plan", cwd=repository)) == [
        ("sales/sales.plan", "value-mismatch")
    ]
    done = planlint("check", "--format", "json", "finance/finance.plan", cwd=repository)
    assert done.returncode == 0 and paths_and_rules(done) == []


def test_from_a_subfolder_the_root_is_found(repository: Path, planlint) -> None:
    done = planlint("check", "--format", "json", "sales.plan", cwd=repository / "sales")
    assert done.returncode == 1 and paths_and_rules(done) == [("sales.plan", "value-mismatch")]
    related = json.loads(done.stdout)["findings"][0]["related"]
    assert [r["path"] for r in related] == ["../marketing.plan"]


def test_isolated_and_folders_keep_their_meaning(repository: Path, planlint) -> None:
    isolated = planlint("check", "--format", "json", "--isolated", "sales/sales.plan", cwd=repository)
    assert {rule for _, rule in paths_and_rules(isolated)} == {"unresolved-assumption"}
    folder = planlint("check", "--format", "json", "sales", cwd=repository)  # a folder is its own plan
    assert {rule for _, rule in paths_and_rules(folder)} == {"unresolved-assumption"}


@pytest.mark.parametrize("layout", ["empty", "no-plan-files", "all-excluded"])
def test_no_plan_files_is_a_usage_error(tmp_path: Path, planlint, layout: str) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    if layout == "no-plan-files":
        write(folder / "notes.txt", "team x {\n}\n")
    if layout == "all-excluded":
        write(folder / "x.plan", "team x {\n}\n")
        write(tmp_path / "planlint.toml", 'exclude = ["plans"]\n')
    done = planlint("check", "plans", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "Error: no plan files found under plans (planlint reads files named *.plan; "
        "`include` and `exclude` in planlint.toml choose among them)\n"
    )
