"""Baselines: record today's findings, then report only new ones, whatever moves around them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import planlint.commands.common
import planlint.run.atomic
from planlint.cli import main
from planlint.commands.check import write_baseline
from planlint.run.problems import UsageError

MARKETING = """\
team marketing {
  owner "@acme/marketing"
  produces leads.volume = 4000 leads/year
  produces leads.avg_deal_value = $24k
  produces leads.win_rate = 20%
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


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two teams and one value-mismatch (sales.plan line 4); cwd is the plan's folder."""
    (tmp_path / "marketing.plan").write_text(MARKETING, encoding="utf-8")
    (tmp_path / "sales.plan").write_text(SALES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    findings = json.loads(result.stdout)["findings"] if result.stdout.startswith("{") else []
    return result.exit_code, findings, result.output


def test_write_baseline_records_fingerprints_not_lines(plan: Path) -> None:
    code, _, output = check("--write-baseline", "baseline.json")
    assert code == 0
    assert "recorded 1 finding(s) in baseline.json" in output
    document = json.loads((plan / "baseline.json").read_text(encoding="utf-8"))
    assert document["version"] == 1
    (entry,) = document["findings"]
    assert entry["rule"] == "value-mismatch" and entry["subject"] == "leads.avg_deal_value"
    assert set(entry) == {"fingerprint", "rule", "subject"}  # nothing that moves with edits


def test_recorded_findings_stay_silent_when_lines_move(plan: Path) -> None:
    assert check()[0] == 1
    check("--write-baseline", "baseline.json")
    # Lines added above and around: the finding moves from line 4 to line 9.
    moved = "# FY2027 sales plan\n\n" + SALES.replace(
        '  owner "@acme/sales"\n', '  owner "@acme/sales"\n  # reviewed in March\n\n\n'
    )
    (plan / "sales.plan").write_text(moved, encoding="utf-8")
    (plan / "marketing.plan").write_text("# moved too\n" + MARKETING, encoding="utf-8")
    code, findings, _ = check()
    assert [(f["rule"], f["line"]) for f in findings] == [("value-mismatch", 9)]
    code, findings, _ = check("--baseline", "baseline.json")
    assert (code, findings) == (0, [])


def test_a_new_mismatch_is_reported_against_the_baseline(plan: Path) -> None:
    check("--write-baseline", "baseline.json")
    (plan / "marketing.plan").write_text(
        MARKETING.replace("leads.win_rate = 20%", "leads.win_rate = 12%"), encoding="utf-8"
    )
    code, findings, _ = check("--baseline", "baseline.json")
    assert code == 1
    assert [(f["rule"], f["path"], f["line"], f["subject"]) for f in findings] == [
        ("value-mismatch", "sales.plan", 5, "leads.win_rate")
    ]


def test_same_finding_with_other_numbers_stays_recorded(plan: Path) -> None:
    check("--write-baseline", "baseline.json")
    (plan / "marketing.plan").write_text(MARKETING.replace("$24k", "$20k"), encoding="utf-8")
    assert check("--baseline", "baseline.json")[:2] == (0, [])


def test_baseline_is_written_atomically(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = planlint.run.atomic.write_atomic

    def spy(path, text: str, **where) -> None:
        calls.append(os.fspath(path))
        real(path, text, **where)

    monkeypatch.setattr(planlint.commands.common, "write_atomic", spy)
    check("--write-baseline", "baseline.json")
    assert calls == ["baseline.json"]


def test_a_failed_write_leaves_the_old_baseline_whole(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = plan / "baseline.json"
    target.write_text('{"version": 1, "findings": []}\n', encoding="utf-8")

    def fail(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError, match=r"cannot write .*baseline\.json: No space left on device"):
        write_baseline(target, [])
    assert target.read_text(encoding="utf-8") == '{"version": 1, "findings": []}\n'
    assert sorted(p.name for p in plan.iterdir()) == ["baseline.json", "marketing.plan", "sales.plan"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline not found: missing.json"),
        ("not json", "baseline missing.json cannot be read"),
        ('{"version": 1}', "baseline missing.json cannot be read"),
    ],
    ids=["missing", "not-json", "no-findings-key"],
)
def test_unusable_baseline_exits_2(plan: Path, content: str | None, message: str) -> None:
    if content is not None:
        (plan / "missing.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--baseline", "missing.json"])
    assert result.exit_code == 2
    assert message in result.output


# What a baseline hides, and keeping it current (issue 18, item 14) -------------------------


def test_a_baseline_says_what_it_hides_and_which_entries_are_fixed(plan: Path) -> None:
    (plan / "marketing.plan").write_text(MARKETING.replace("= 20%", "= 12%"), encoding="utf-8")
    check("--write-baseline", "baseline.json")  # two findings: the deal value and the win rate
    assert len(json.loads((plan / "baseline.json").read_text(encoding="utf-8"))["findings"]) == 2
    result = CliRunner().invoke(main, ["check", "--format", "json", "--baseline", "baseline.json"])
    assert result.exit_code == 0 and result.stderr == "planlint: 2 findings hidden by the baseline baseline.json\n"
    (plan / "marketing.plan").write_text(MARKETING, encoding="utf-8")  # the win rate is fixed
    result = CliRunner().invoke(main, ["check", "--format", "json", "--baseline", "baseline.json"])
    assert result.exit_code == 0
    assert result.stderr == (
        "planlint: 1 finding hidden by the baseline baseline.json, 1 baseline entry now fixed "
        "(run `planlint baseline --update --file baseline.json`)\n"
    )
    result = CliRunner().invoke(main, ["baseline", "--update", "--file", "baseline.json"])
    assert (
        result.exit_code == 0
        and result.stderr == "planlint: removed 1 baseline entry now fixed from baseline.json, 1 left\n"
    )
    (entry,) = json.loads((plan / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert entry["subject"] == "leads.avg_deal_value"
    result = CliRunner().invoke(main, ["check", "--format", "json", "--baseline", "baseline.json"])
    assert result.stderr == "planlint: 1 finding hidden by the baseline baseline.json\n"


def test_update_never_adds_and_the_default_file_needs_no_name(plan: Path) -> None:
    result = CliRunner().invoke(main, ["baseline"])
    assert result.exit_code == 0 and result.stderr == "planlint: recorded 1 finding(s) in planlint-baseline.json\n"
    (plan / "marketing.plan").write_text(MARKETING.replace("= 20%", "= 12%").replace("$24k", "$50k"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", "--baseline", "planlint-baseline.json"])
    assert result.exit_code == 1  # the new win-rate mismatch is reported
    assert "(run `planlint baseline --update`)" in result.stderr  # the deal value is fixed
    assert CliRunner().invoke(main, ["baseline", "--update"]).exit_code == 0
    assert json.loads((plan / "planlint-baseline.json").read_text(encoding="utf-8"))["findings"] == []
    assert CliRunner().invoke(main, ["baseline", "--update", "--file", "none.json"]).exit_code == 2
