"""Fixes: the edit model, `check --fix` / `--unsafe-fixes` / `--diff`, and every sink that offers them.

Each rule's fixes (which text, which applicability) are pinned in its YAML
fixture (tests/test_rules.py); here is what is true of fixes whatever the rule.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from planlint.cli import main
from planlint.language.span import Span
from planlint.model.parse import parse_text
from planlint.model.plan import Consumes, PlanFile
from planlint.output.code_actions import code_actions, position, text_edit
from planlint.output.formats import render
from planlint.output.report import Report
from planlint.rulebook.contract import Context, FileRule
from planlint.rulebook.finding import Finding, Severity
from planlint.rulebook.fixes import SAFE, Edit, EditOutOfRange, Fix, apply_edits, safe_fix, unsafe_fix
from planlint.rulebook.registry import RuleSet, load_rules
from planlint.run import engine, fixing
from planlint.run.cache import dump_model, load_model
from planlint.run.config import DEFAULT

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = [ROOT.parent / "shared" / "schemas", ROOT / "tests" / "schemas"]
OUTPUT_SCHEMA = ROOT / "src" / "planlint" / "schemas" / "output.schema.json"
SCENARIO_ROOTS = [ROOT / "tests" / "scenarios", ROOT.parent / "shared" / "scenarios"]
SCENARIOS = [
    pytest.param(folder, id=f"{root.parent.name}:{folder.name}")
    for root in SCENARIO_ROOTS
    if root.is_dir()
    for folder in sorted(p.parent for p in root.glob("*/expected.json"))
]
MISMATCHES = {"value-mismatch", "unit-mismatch", "definition-mismatch", "timing-mismatch"}

MARKETING = """\
team marketing {
  produces leads.avg_deal_value = $24k
  produces leads.win_rate = 14% .. 18%   # a range: the worst case is 14%
}
"""
# A misspelt keyword (safe) hides the mismatch on the same line until it is fixed.
SALES = """\
# Sales' plan for FY2027.
team sales {
  consume leads.avg_deal_value = $50k   # last year's deals
  consumes leads.win_rate >= 15%
}
"""
SALES_FIXED_SAFE = SALES.replace("consume leads", "consumes leads")
SALES_FIXED_ALL = """\
# Sales' plan for FY2027.
team sales {
  consumes leads.avg_deal_value = $24k   # last year's deals
  consumes leads.win_rate >= 14%
}
"""


def schema(name: str) -> dict:
    folder = next(folder for folder in SCHEMAS if (folder / name).exists())
    return json.loads((folder / name).read_text(encoding="utf-8"))


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "marketing.plan").write_text(MARKETING, encoding="utf-8")
    (tmp_path / "sales.plan").write_text(SALES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str) -> Result:
    result = CliRunner().invoke(main, ["check", *args])
    assert "Traceback" not in result.output, result.output
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.plan")) if p.is_file()}


# The model ------------------------------------------------------------------------


def test_apply_edits_keeps_everything_else() -> None:
    text = "team a {\r\n  consumes x.y = $50k   # keep me\r\n}\r\n"
    edit = Edit("a.plan", 2, 16, 2, 22, "= $24k")
    assert apply_edits(text, [edit]) == "team a {\r\n  consumes x.y = $24k   # keep me\r\n}\r\n"


def test_apply_edits_counts_lines_as_the_reader_does() -> None:
    # \r alone ends a line too; a form feed or a line separator does not (decode reads them so).
    text = "a\rb\x0cc\u2028d\ne"
    assert apply_edits(text, [Edit("p", 2, 3, 2, 4, "C")]) == "a\rb\x0cC\u2028d\ne"
    assert apply_edits(text, [Edit("p", 3, 1, 3, 2, "E")]) == "a\rb\x0cc\u2028d\nE"


def test_apply_edits_several_lines_and_new_lines_take_the_files_ending() -> None:
    text = "one\r\ntwo\r\nthree\r\n"
    assert apply_edits(text, [Edit("p", 1, 2, 3, 3, "N\nM")]) == "oN\r\nMree\r\n"
    assert apply_edits(text, [Edit("p", 4, 1, 4, 1, "four\n")]) == text + "four\r\n"  # insert at the end


def test_apply_edits_refuses_overlaps_and_places_the_text_lacks() -> None:
    with pytest.raises(ValueError, match="overlap"):
        apply_edits("abcdef", [Edit("p", 1, 1, 1, 4, "x"), Edit("p", 1, 3, 1, 5, "y")])
    with pytest.raises(ValueError, match="overlap"):  # two insertions at one place: which goes first?
        apply_edits("abcdef", [Edit("p", 1, 2, 1, 2, "x"), Edit("p", 1, 2, 1, 2, "y")])
    assert apply_edits("abcdef", [Edit("p", 1, 1, 1, 3, "x"), Edit("p", 1, 3, 1, 4, "y")]) == "xydef"  # touching
    with pytest.raises(EditOutOfRange):
        apply_edits("abc\n", [Edit("p", 1, 5, 1, 6, "x")])
    with pytest.raises(EditOutOfRange):
        apply_edits("abc\n", [Edit("p", 3, 1, 3, 1, "x")])


def test_fix_applicability() -> None:
    edit = Edit("p", 1, 1, 1, 2, "x")
    safe, unsafe, alternative = safe_fix("s", edit), unsafe_fix("u", edit), unsafe_fix("a", edit, alternative_group="g")
    assert [safe.applies(False), unsafe.applies(False), alternative.applies(False)] == [True, False, False]
    assert [safe.applies(True), unsafe.applies(True), alternative.applies(True)] == [True, True, False]
    with pytest.raises(ValueError):
        Fix("t", "maybe", (edit,))
    with pytest.raises(ValueError):
        Fix("t", SAFE, ())


def test_findings_carry_fixes_to_json_sort_and_the_cache() -> None:
    fix = unsafe_fix("sales plans on what marketing delivers: $24k", Edit("s.plan", 2, 27, 2, 33, "= $24k"))
    finding = Finding("PL102", "value-mismatch", Severity.ERROR, Span("s.plan", 2, 3, 2, 33), "m", fixes=(fix,))
    assert finding.to_dict()["fixes"] == [
        {
            "title": "sales plans on what marketing delivers: $24k",
            "applicability": "unsafe",
            "alternative_group": None,
            "edits": [
                {"path": "s.plan", "line": 2, "column": 27, "end_line": 2, "end_column": 33, "new_text": "= $24k"}
            ],
        }
    ]
    other = replace(finding, fixes=())
    assert sorted([finding, other], key=Finding.sort_key) == [other, finding]  # fixes break the last tie
    assert finding.fingerprint == other.fingerprint  # and are no part of a finding's identity
    assert load_model(dump_model([finding])) == [finding]


# --fix, --unsafe-fixes, --diff ------------------------------------------------------


def test_fix_applies_safe_fixes_only(plan: Path) -> None:
    result = check("--fix", "--format", "json", ".")
    assert (plan / "sales.plan").read_text() == SALES_FIXED_SAFE
    assert (plan / "marketing.plan").read_text() == MARKETING
    left = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["line"]) for f in left] == [("value-mismatch", 3), ("value-mismatch", 4)]
    assert (
        result.stderr.splitlines()[-1] == "planlint: fixed 1 finding in 1 file; 2 left (2 fixable with --unsafe-fixes)"
    )
    assert result.exit_code == 1


def test_unsafe_fixes_in_passes_until_nothing_applies(plan: Path) -> None:
    result = check("--fix", "--unsafe-fixes", ".")
    assert (plan / "sales.plan").read_text() == SALES_FIXED_ALL  # comments and spacing as they were
    assert result.stderr.splitlines()[-1] == "planlint: fixed 3 findings in 1 file; 0 left"
    assert result.exit_code == 0
    again = check("--fix", "--unsafe-fixes", ".")  # the second time, nothing changes
    assert (plan / "sales.plan").read_text() == SALES_FIXED_ALL
    assert again.stderr.splitlines()[-1] == "planlint: fixed 0 findings in 0 files; 0 left"


def test_two_fixes_on_one_line_are_made_in_one_pass(plan: Path) -> None:
    (plan / "marketing.plan").write_text("team marketing {\n  produces launch.budget = $24k by 2027-Q4\n}\n")
    (plan / "sales.plan").write_text("team sales {\n  consumes launch.budget = $50k by 2027-Q3   # both\n}\n")
    outcome = fixing.fix_plan([Path(".")], DEFAULT, plan, unsafe=True)
    assert (outcome.passes, len(outcome.applied)) == (1, 2)
    assert fixing.write_fixed(outcome) == []
    assert (plan / "sales.plan").read_text() == "team sales {\n  consumes launch.budget = $24k by 2027-Q4   # both\n}\n"


def test_fix_twice_changes_nothing_the_second_time(plan: Path) -> None:
    check("--fix", ".")
    before = snapshot(plan)
    result = check("--fix", ".")
    assert snapshot(plan) == before
    assert "fixed 0 findings" in result.stderr


def test_diff_shows_the_change_and_writes_nothing(plan: Path) -> None:
    before = snapshot(plan)
    result = check("--diff", "--unsafe-fixes", ".")
    assert snapshot(plan) == before
    assert result.stdout == (
        "--- a/sales.plan\n"
        "+++ b/sales.plan\n"
        "@@ -1,5 +1,5 @@\n"
        " # Sales' plan for FY2027.\n"
        " team sales {\n"
        "-  consume leads.avg_deal_value = $50k   # last year's deals\n"
        "-  consumes leads.win_rate >= 15%\n"
        "+  consumes leads.avg_deal_value = $24k   # last year's deals\n"
        "+  consumes leads.win_rate >= 14%\n"
        " }\n"
    )
    assert result.stderr.splitlines()[-1] == "planlint: would fix 3 findings in 1 file; 0 left"
    assert result.exit_code == 1  # as ruff: a diff to apply
    assert check("--diff", "marketing.plan").stdout == "" and check("--diff", "marketing.plan").exit_code == 0


def test_fix_keeps_line_endings_byte_order_mark_and_a_missing_last_newline(plan: Path) -> None:
    text = "\ufeffteam sales {\r\n  consumes leads.avg_deal_value = $50k # £ and €\r\n}"
    (plan / "sales.plan").write_bytes(text.encode("utf-8"))
    check("--fix", "--unsafe-fixes", ".")
    assert (plan / "sales.plan").read_bytes() == text.replace("$50k", "$24k").encode("utf-8")
    (plan / "sales.plan").write_bytes(text.encode("utf-8"))
    assert (
        check("--diff", "--unsafe-fixes", ".")
        .stdout_bytes.decode("utf-8")
        .endswith(  # .stdout reads \r\n as \n
            "+  consumes leads.avg_deal_value = $24k # £ and €\r\n }\n\\ No newline at end of file\n"
        )
    )


def test_fix_never_writes_outside_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (repo / "marketing.plan").write_text(MARKETING)
    (repo / "sales.plan").write_text("team sales {\n  consumes leads.avg_deal_value = $50k\n}\n")
    far = outside / "partners.plan"
    far.write_text("team partners {\n  consumes leads.win_rate = 20%\n}\n")
    (repo / "partners.plan").symlink_to(far)
    monkeypatch.chdir(repo)
    result = check("--fix", "--unsafe-fixes", ".")
    assert far.read_text() == "team partners {\n  consumes leads.win_rate = 20%\n}\n"  # untouched
    assert (repo / "partners.plan").is_symlink()
    assert "consumes leads.avg_deal_value = $24k" in (repo / "sales.plan").read_text()  # the rest is fixed
    assert "a fix for partners.plan was not applied: it lies outside the repository (through a symlink)" in (
        result.stderr
    )
    assert [f.rule for f in fixing.fix_plan([Path(".")], DEFAULT, repo, unsafe=True).result.findings] == [
        "value-mismatch"
    ]  # what is left is the finding in the file outside


def test_a_folder_given_through_a_symlink_is_not_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "marketing.plan").write_text(MARKETING)
    (elsewhere / "sales.plan").write_text("team sales {\n  consumes leads.avg_deal_value = $50k\n}\n")
    (tmp_path / "repo" / "plans").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / ".git").mkdir()  # even a repository of its own: reached through a link, it is not this one
    monkeypatch.chdir(tmp_path / "repo")
    before = snapshot(elsewhere)
    result = check("--fix", "--unsafe-fixes", "plans")
    assert snapshot(elsewhere) == before
    assert "a fix for plans/sales.plan was not applied: it lies outside the repository" in result.stderr
    assert fixing.repository_roots([Path("plans")], tmp_path / "repo") == [(tmp_path / "repo").resolve()]


def test_a_symlink_inside_the_repository_is_written_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "marketing.plan").write_text(MARKETING)
    real = tmp_path / "plans" / "sales.source"  # not a plan file itself: only the link is one
    real.write_text("team sales {\n  consumes leads.avg_deal_value = $50k\n}\n")
    (tmp_path / "plans" / "sales.plan").symlink_to(real)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path / "plans")
    check("--fix", "--unsafe-fixes", "sales.plan", "marketing.plan")
    assert (tmp_path / "plans" / "sales.plan").is_symlink()
    assert real.read_text() == "team sales {\n  consumes leads.avg_deal_value = $24k\n}\n"
    assert fixing.repository_roots([Path("sales.plan")], tmp_path / "plans") == [tmp_path.resolve()]  # git's top


def test_a_file_changed_while_fixing_is_not_written(plan: Path) -> None:
    outcome = fixing.fix_plan([Path(".")], DEFAULT, plan)
    (plan / "sales.plan").write_text(SALES + "# an edit made meanwhile\n")
    assert fixing.write_fixed(outcome) == ["sales.plan changed while planlint fixed it; it was not written"]
    assert (plan / "sales.plan").read_text() == SALES + "# an edit made meanwhile\n"


def test_fix_cannot_write_a_baseline(plan: Path) -> None:
    result = check("--fix", "--write-baseline", "b.json", ".")
    assert result.exit_code == 2 and "cannot be used with --write-baseline" in result.output


def test_fix_applies_only_what_the_check_reports(plan: Path) -> None:
    """With --only-files (pre-commit), the fixes of findings in the other files are left alone, and
    so are the other files (a finding about a file given may sit in another: it is reported)."""
    result = check("--fix", "--unsafe-fixes", "--only-files", "marketing.plan", ".")
    assert (plan / "sales.plan").read_text() == SALES
    assert "fixed 0 findings" in result.stderr
    (plan / "sales.plan").write_text(SALES_FIXED_SAFE)
    result = check("--fix", "--unsafe-fixes", "--format", "json", "--only-files", "marketing.plan", ".")
    assert (plan / "sales.plan").read_text() == SALES_FIXED_SAFE
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["sales.plan", "sales.plan"]
    assert "a fix for sales.plan was not applied: it is not one of the files given" in result.stderr
    check("--fix", "--unsafe-fixes", "--only-files", "sales.plan", ".")
    assert (plan / "sales.plan").read_text() == SALES_FIXED_ALL


# Overlapping fixes and the loop limit, with rules made for the purpose ----------------


class _Spelling(FileRule):
    """`colour` is spelt `color` here.

    **What it does**

    Offers to write `color`.

    **Why is this bad?**

    It is a test.

    **Example**

    ```plan
    ```

    **Use instead**

    ```plan
    ```
    """

    code, name, severity = "ZZ901", "spelling", Severity.INFO

    def judge(self, plan_file: PlanFile, context: Context) -> Iterator[Finding]:
        for number, line in enumerate(plan_file.lines, start=1):
            start = line.find("colour")
            if start >= 0:
                span = Span(plan_file.path, number, start + 1, number, start + 7)
                yield self.finding(span, "colour", fixes=(safe_fix("write color", Edit.replacing(span, "color")),))


class _Comment(_Spelling):
    """A colour scheme is a palette here.

    **What it does**

    Rewrites the whole comment that says `scheme`, colour and all.

    **Why is this bad?**

    It is a test.

    **Example**

    ```plan
    ```

    **Use instead**

    ```plan
    ```
    """

    code, name = "ZZ902", "comment"

    def judge(self, plan_file: PlanFile, context: Context) -> Iterator[Finding]:
        for number, line in enumerate(plan_file.lines, start=1):
            start = line.find("#")
            if start >= 0 and "scheme" in line[start:]:
                span = Span(plan_file.path, number, start + 1, number, len(line) + 1)
                new = line[start:].replace("scheme", "palette")
                yield self.finding(span, "comment", fixes=(safe_fix("palette", Edit.replacing(span, new)),))


class _Growing(_Spelling):
    """A fix that never ends.

    **What it does**

    Adds a `!` to the first line, for ever.

    **Why is this bad?**

    It is a test.

    **Example**

    ```plan
    ```

    **Use instead**

    ```plan
    ```
    """

    code, name = "ZZ903", "growing"

    def judge(self, plan_file: PlanFile, context: Context) -> Iterator[Finding]:
        end = len(plan_file.lines[0]) + 1
        span = Span(plan_file.path, 1, end, 1, end)
        yield self.finding(span, "more", fixes=(safe_fix("add !", Edit.replacing(span, " #!")),))


def _with_rules(monkeypatch: pytest.MonkeyPatch, *extra: type) -> None:
    rules = [*load_rules().rules, *(cls() for cls in extra)]
    monkeypatch.setattr(engine, "load_rules", lambda: RuleSet(rules))


def test_overlapping_fixes_are_made_in_separate_passes(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_rules(monkeypatch, _Spelling, _Comment)
    (plan / "a.plan").write_text("team a {  # colour scheme\n}\n")
    outcome = fixing.fix_plan([Path("a.plan")], DEFAULT, plan)
    # Pass 1 rewrites the comment (it comes first); `color`, inside it, is held back and offered again
    # by pass 2's check, on the comment as pass 1 left it: neither change is lost.
    assert [fix.title for _, fix in outcome.applied] == ["palette", "write color"]
    assert outcome.passes == 2
    assert next(f for f in outcome.files if f.shown == "a.plan").text == "team a {  # color palette\n}\n"


def test_a_loop_limit(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_rules(monkeypatch, _Growing)
    (plan / "a.plan").write_text("team a {\n}\n")
    outcome = fixing.fix_plan([Path("a.plan")], DEFAULT, plan)
    assert outcome.passes == fixing.MAX_PASSES
    assert outcome.notes == [f"stopped after {fixing.MAX_PASSES} passes of fixes; run --fix again to go on"]
    assert (
        next(f for f in outcome.files if f.shown == "a.plan").text == "team a {" + " #!" * fixing.MAX_PASSES + "\n}\n"
    )


# Every scenario, fixed with --unsafe-fixes ------------------------------------------


def _json_findings(folder: Path, *args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "planlint.cli", "check", "--no-cache", "--format", "json", *args, "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)["findings"]


def _goal_words(finding: dict) -> tuple[str, str, int, str]:
    """A goal finding without its drivers (which name the consumers' assumptions a fix changes)."""
    return finding["rule"], finding["path"], finding["line"], finding["message"].split("; driven by")[0]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_fixed_with_unsafe_fixes(scenario: Path, tmp_path: Path) -> None:
    folder = tmp_path / scenario.name
    shutil.copytree(scenario, folder)
    before = _json_findings(folder)
    after = _json_findings(folder, "--fix", "--unsafe-fixes")
    assert [f for f in after if f["rule"] in MISMATCHES] == []
    # A fix never hides that a goal is short: the goals, computed from the producers, say the same.
    kept = ("goal-shortfall", "orphan-goal", "circular-derivation", "invalid-derivation", "duplicate-team")
    assert sorted(_goal_words(f) for f in after if f["rule"] in kept) == sorted(
        _goal_words(f) for f in before if f["rule"] in kept
    )
    # Every file parses but those whose syntax error had no fix, which stay as they were.
    unfixable = {(f["path"], f["message"]) for f in before if f["rule"] == "syntax-error" and not f["fixes"]}
    assert {(f["path"], f["message"]) for f in after if f["rule"] == "syntax-error"} == unfixable
    assert all(not f["fixes"] or f["fixes"][0]["alternative_group"] for f in after)  # nothing left to apply
    assert _json_findings(folder, "--fix", "--unsafe-fixes") == after  # and a second run changes nothing


def test_doubled_leads_fixed_is_a_plan_on_the_delivered_values(tmp_path: Path) -> None:
    folder = tmp_path / "doubled-leads"
    shutil.copytree(ROOT / "tests" / "scenarios" / "doubled-leads", folder)
    _json_findings(folder, "--fix", "--unsafe-fixes")
    sales = (folder / "sales.plan").read_text()
    assert "  consumes leads.avg_deal_value = $24k\n  consumes leads.win_rate = 16%\n" in sales
    assert "consumes leads.volume >= 2000 leads/year" in sales  # it fitted: untouched, as written


# Reading fixes back from rdjson and SARIF, applied by an applier of the test's own ---------


def _byte_offset(line: str, column: int) -> int:
    """The character index of a 1-based UTF-8 byte column."""
    return len(line.encode("utf-8")[: column - 1].decode("utf-8"))


def _apply_by_lines(folder: Path, edits: list[tuple[str, int, int, int, int, str]]) -> None:
    """(path, line, start, end line, end, text) with character columns; bottom-up so none moves another."""
    for path, line, start, end_line, end, text in sorted(edits, key=lambda e: (e[0], e[1], e[2]), reverse=True):
        assert line == end_line
        data = (folder / path).read_bytes().decode("utf-8")
        lines = data.split("\n")
        lines[line - 1] = lines[line - 1][: start - 1] + text + lines[line - 1][end - 1 :]
        (folder / path).write_bytes("\n".join(lines).encode("utf-8"))


def _rdjson_edits(folder: Path) -> list[tuple[str, int, int, int, int, str]]:
    document = json.loads(CliRunner().invoke(main, ["check", "--no-cache", "--format", "rdjson", "."]).stdout)
    jsonschema.Draft4Validator(schema("reviewdog-rdjson.json")).validate(document)
    edits = []
    for diagnostic in document["diagnostics"]:
        path = diagnostic["location"]["path"]
        for suggestion in diagnostic.get("suggestions", []):
            start, end = suggestion["range"]["start"], suggestion["range"]["end"]
            text = (folder / path).read_text(encoding="utf-8").split("\n")
            first, last = text[start["line"] - 1], text[end["line"] - 1]
            begin, finish = _byte_offset(first, start["column"]) + 1, _byte_offset(last, end["column"]) + 1
            edits.append((path, start["line"], begin, end["line"], finish, suggestion["text"]))
    return edits


def _sarif_edits(folder: Path) -> list[tuple[str, int, int, int, int, str]]:
    document = json.loads(CliRunner().invoke(main, ["check", "--no-cache", "--format", "sarif", "."]).stdout)
    jsonschema.Draft4Validator(schema("sarif-2.1.0.json")).validate(document)
    assert document["runs"][0]["columnKind"] == "unicodeCodePoints"
    edits = []
    for result in document["runs"][0]["results"]:
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                path = change["artifactLocation"]["uri"]
                for replacement in change["replacements"]:
                    region = replacement["deletedRegion"]
                    edits.append(
                        (
                            path,
                            region["startLine"],
                            region["startColumn"],
                            region["endLine"],
                            region["endColumn"],
                            replacement["insertedContent"]["text"],
                        )
                    )
    return edits


UNICODE_PLANS = {
    "marketing.plan": 'team marketing {\n  produces leads.definition = "Qualifié ≥ 40 😀"\n  produces budget.x = €24k\n}\n',
    "sales.plan": 'team sales {\n  consumes leads.definition = "Qualifié ≥ 60"\n  consumes budget.x = $24k\n}\n',
    "typo.plan": "team crème {\n  consume budget.x = €24k\n}\n",
}


@pytest.mark.parametrize("sink", ["rdjson", "sarif"])
@pytest.mark.parametrize("plans", ["unicode", "doubled-leads", "redefined-lead", "broken-files"])
def test_fixes_read_back_from_a_sink_give_what_fix_gives(
    sink: str, plans: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_fix, by_sink = tmp_path / "by-fix", tmp_path / "by-sink"
    for folder in (by_fix, by_sink):
        if plans == "unicode":
            folder.mkdir()
            for name, text in UNICODE_PLANS.items():
                (folder / name).write_text(text, encoding="utf-8")
        else:
            shutil.copytree(ROOT / "tests" / "scenarios" / plans, folder)
    monkeypatch.chdir(by_fix)
    check("--no-cache", "--fix", "--unsafe-fixes", ".")
    monkeypatch.chdir(by_sink)
    read = _rdjson_edits if sink == "rdjson" else _sarif_edits
    for _ in range(fixing.MAX_PASSES):  # as --fix does: apply, check again
        edits = read(by_sink)
        if not edits:
            break
        _apply_by_lines(by_sink, edits)
    assert snapshot(by_sink) == snapshot(by_fix)
    original = snapshot(ROOT / "tests" / "scenarios" / plans) if plans != "unicode" else UNICODE_PLANS
    assert snapshot(by_fix) != original  # there was something to fix


def test_rdjson_columns_are_bytes_and_sarif_columns_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, text in UNICODE_PLANS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    rdjson = json.loads(check("--format", "rdjson", ".").stdout)
    (definition,) = [d for d in rdjson["diagnostics"] if d["code"]["value"] == "PL104"]
    line = '  consumes leads.definition = "Qualifié ≥ 60"'
    assert definition["suggestions"] == [
        {
            "range": {"start": {"line": 2, "column": 29}, "end": {"line": 2, "column": len(line.encode()) + 1}},
            "text": '= "Qualifié ≥ 40 😀"',
        }
    ]
    sarif = json.loads(check("--format", "sarif", ".").stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "PL104"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["replacements"][0]["deletedRegion"] == {
        "startLine": 2,
        "startColumn": 29,
        "endLine": 2,
        "endColumn": len(line) + 1,
    }
    assert result["fixes"][0]["description"]["text"] == 'sales plans on what marketing delivers: "Qualifié ≥ 40 😀"'
    assert result["fixes"][0]["properties"] == {"applicability": "unsafe"}


def test_alternatives_are_not_in_rdjson_or_sarif_but_are_in_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "tests" / "scenarios" / "channel-vs-field", tmp_path / "c")
    monkeypatch.chdir(tmp_path / "c")
    findings = json.loads(check("--format", "json", ".").stdout)["findings"]
    (goal,) = [f for f in findings if f["rule"] == "goal-shortfall"]
    assert [fix["alternative_group"] for fix in goal["fixes"]] == ["field_sales: field_sales.bookings"] * 3
    rdjson = json.loads(check("--format", "rdjson", ".").stdout)
    assert [("suggestions" in d) for d in rdjson["diagnostics"]] == [False, True]  # the goal, the value
    sarif = json.loads(check("--format", "sarif", ".").stdout)
    assert [("fixes" in r) for r in sarif["runs"][0]["results"]] == [False, True]


def test_json_output_with_fixes_matches_its_schema(plan: Path) -> None:
    document = json.loads(check("--format", "json", ".").stdout)
    assert document["findings"][0]["fixes"][0]["applicability"] == "safe"
    validator = jsonschema.Draft202012Validator(json.loads(OUTPUT_SCHEMA.read_text(encoding="utf-8")))
    validator.validate(document)
    broken = json.loads(json.dumps(document))
    broken["findings"][0]["fixes"][0]["applicability"] = "maybe"
    assert not validator.is_valid(broken)
    broken["findings"][0]["fixes"][0] = {**document["findings"][0]["fixes"][0], "edits": []}
    assert not validator.is_valid(broken)


def test_fixes_survive_the_cache(plan: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    cache = tmp_path_factory.mktemp("cache")
    first = check("--format", "json", "--cache-dir", str(cache), ".").stdout
    assert any(cache.rglob("run.pickle"))
    assert check("--format", "json", "--cache-dir", str(cache), ".").stdout == first


def test_text_output_counts_what_fix_would_fix(plan: Path) -> None:
    assert check(".").stdout.splitlines()[-1] == "1 finding fixable with planlint check --fix."
    (plan / "sales.plan").write_text(SALES_FIXED_SAFE)
    assert check(".").stdout.splitlines()[-1] == "2 findings fixable with planlint check --fix --unsafe-fixes."
    (plan / "sales.plan").write_text(SALES_FIXED_ALL)
    assert check(".").stdout.splitlines()[-1] == "All checked: 2 files, no findings."


# The language server's code actions --------------------------------------------------


def test_code_actions_in_each_position_encoding() -> None:
    line = '  consumes a.b = "😀 €" # x'
    start = line.index("=") + 1
    fix = unsafe_fix("t plans on it", Edit("s.plan", 3, start, 3, len(line) - 3, '= "ok"'))
    finding = Finding("PL104", "definition-mismatch", Severity.ERROR, Span("s.plan", 3, 3, 3, 5), "m", fixes=(fix,))
    lines = {("s.plan", 3): line}
    actions = code_actions(finding, lambda path: f"file:///repo/{path}", lambda p, n: lines.get((p, n)))
    assert actions == [
        {
            "title": "t plans on it",
            "kind": "quickfix",
            "edit": {
                "changes": {
                    "file:///repo/s.plan": [
                        {
                            "range": {"start": {"line": 2, "character": 15}, "end": {"line": 2, "character": 23}},
                            "newText": '= "ok"',
                        }
                    ]
                }
            },
        }
    ]  # the edit ends after 22 characters, 😀 among them: two UTF-16 units, so 23
    edit = fix.edits[0]
    assert text_edit(edit, lambda p, n: line, "utf-8")["range"]["end"] == {"line": 2, "character": 27}  # 😀 4, € 3
    assert text_edit(edit, lambda p, n: line, "utf-32")["range"]["end"] == {"line": 2, "character": 22}
    assert position("s.plan", 1, 5, lambda p, n: None) == {"line": 0, "character": 4}  # an unknown line
    with pytest.raises(ValueError):
        position("s.plan", 1, 1, lambda p, n: "", "utf-7")
    safe = Finding(
        "PL001", "syntax-error", Severity.ERROR, Span("s.plan", 1, 1, 1, 5), "m", fixes=(safe_fix("w", edit),)
    )
    diagnostic = {"message": "m"}
    (action,) = code_actions(safe, str, lambda p, n: line, diagnostic=diagnostic)
    assert action["isPreferred"] is True and action["diagnostics"] == [diagnostic]


# The parser's did-you-mean as data --------------------------------------------------------


@pytest.mark.parametrize(
    "text, replacement",
    [
        ("team a {\n  Produces a.b = 5\n}\n", (2, 3, 11, "produces")),
        ("taem a {\n}\n", (1, 1, 5, "team")),
        ("team a {\n  consume a.b = $5m\n}\n", (2, 3, 10, "consumes")),  # reads further: to the value
        ("team a {\n  tema b {\n  }\n}\n", None),  # 'team' would fail where 'tema' does
        ("team a {\n  produces a.b = 5 widgets\n", None),  # no did-you-mean at all
    ],
)
def test_a_syntax_errors_replacement(text: str, replacement: tuple[int, int, int, str] | None) -> None:
    problem = parse_text("x.plan", text).problem
    assert problem is not None
    span, found = problem.span, problem.suggestion
    assert ((span.line, span.column, span.end_column, found) if found else None) == replacement


def test_findings_unchanged_without_fixes() -> None:
    """A rule that offers no fix yields findings as before: fixes default to none."""
    finding = Finding("PL401", "unused-assumption", Severity.INFO, Span("a", 1, 1, 1, 2), "m")
    assert finding.fixes == () and not finding.fixable(unsafe=True)
    report = Report(findings=[finding], files_checked=1, rules={})
    assert "fixable" not in render("text", report)


@pytest.mark.parametrize(
    ("line", "read_by"),
    [
        ("consumes a.b = 24.5 leads/quarter", "the line reader"),  # what a fix writes
        ("consumesa.b = 5", "the grammar"),  # the line reader declines it; the grammar reads it
        ("consumes a.b = 5 5", None),  # nobody reads it: no fix rests on it
    ],
)
def test_a_fix_is_read_back_by_the_line_reader_or_else_the_grammar(line: str, read_by: str | None) -> None:
    from planlint.model.build import read_statement
    from planlint.rulebook.suggestions import _read_back

    read = _read_back(line)
    assert (read is not None) == (read_by is not None)
    assert (read_statement("<fix>", f"  {line}", "t") is not None) == (read_by == "the line reader")
    if read is not None:
        grammar = parse_text("<fix>", f"team t {{\n  {line}\n}}\n", fast=False).blocks[0].statements[0]
        assert isinstance(read, Consumes) and isinstance(grammar, Consumes)
        assert read.requirement is not None and grammar.requirement is not None
        assert (read.name, read.team, read.requirement.op) == (grammar.name, grammar.team, grammar.requirement.op)
        assert read.requirement.value.quantity == grammar.requirement.value.quantity  # type: ignore[union-attr]
