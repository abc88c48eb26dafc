"""`planlint what-if`: the check as if producers stated other values, compared with `check` on a copy
of the plan edited by hand the same way; nothing on disk changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlint.cli import main

MARKETING = """\
team marketing {
  produces leads.volume = 4000 leads/year
  produces leads.avg_deal_value = $24k
  produces leads.win_rate = 16%
}
"""
SALES = """\
team sales {
  goal sales.revenue >= $20M/year
  consumes leads.volume >= 2000 leads/year
  consumes leads.avg_deal_value = $50k
  consumes leads.win_rate = 20% ± 2%
  derive sales.pipeline = leads.volume * leads.avg_deal_value
  derive sales.revenue = sales.pipeline * leads.win_rate
}
"""
COMPANY = """\
org acme {
  goal company.revenue >= $20M/year
  derive company.revenue = sales.revenue
}
"""
SEED = {"marketing.plan": MARKETING, "sales.plan": SALES, "company.plan": COMPANY}
ENV = {"FORCE_COLOR": None, "NO_COLOR": None}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def what_if_json(folder: Path, monkeypatch: pytest.MonkeyPatch, *settings: str) -> dict:
    args = [arg for setting in settings for arg in ("--set", setting)]
    code, out, err = run(folder, monkeypatch, "what-if", *args, "--format", "json", ".")
    assert code in (0, 1), err
    return json.loads(out)


def check_json(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    code, out, err = run(folder, monkeypatch, "check", "--format", "json", "--no-cache", ".")
    assert code in (0, 1), err
    return json.loads(out)["findings"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))}


@pytest.mark.parametrize(
    ("setting", "file", "before", "after"),
    [
        # a stated value replaced
        ("leads.win_rate=20.84%", "marketing.plan", "leads.win_rate = 16%", "leads.win_rate = 20.84%"),
        # a closing value in another spelling of the same amount
        ("leads.avg_deal_value=31250 USD", "marketing.plan", "= $24k", "= 31250 USD"),
        # a derivation becomes a stated value
        (
            "sales.pipeline=$125M/year",
            "sales.plan",
            "derive sales.pipeline = leads.volume * leads.avg_deal_value",
            "produces sales.pipeline = $125M/year",
        ),
    ],
)
def test_findings_equal_check_on_a_copy_edited_by_hand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, file: str, before: str, after: str
) -> None:
    plan = write(tmp_path / "plan", SEED)
    edited = write(tmp_path / "edited", {**SEED, file: SEED[file].replace(before, after)})
    assert SEED[file] != (edited / file).read_text(encoding="utf-8")
    document = what_if_json(plan, monkeypatch, setting)
    assert document["findings"] == check_json(edited, monkeypatch)


def test_a_name_nobody_produces_gets_a_producer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marketing = MARKETING.replace("  produces leads.avg_deal_value = $24k\n", "")
    plan = write(tmp_path / "plan", {**SEED, "marketing.plan": marketing})
    edited = write(
        tmp_path / "edited",
        {
            **SEED,
            "marketing.plan": marketing,
            "what-if.plan": "team what-if {\n  produces leads.avg_deal_value = $31.25k\n}\n",
        },
    )
    document = what_if_json(plan, monkeypatch, "leads.avg_deal_value=$31.25k")
    assert document["findings"] == check_json(edited, monkeypatch)
    assert document["settings"] == [
        {
            "name": "leads.avg_deal_value",
            "value": "$31.25k",
            "team": "what-if",
            "path": "what-if.plan",
            "line": 2,
            "was": "nobody produced it",
        }
    ]
    # the goal could not be checked before ($31.25k is what the partial answer asked for); now it is met
    sales = next(g for g in document["goals"] if g["metric"] == "sales.revenue")
    assert (sales["status_before"], sales["after"], sales["status_after"]) == ("unverifiable", "$20M/year", "met")
    assert sales["before"] == "nobody produces leads.avg_deal_value"
    assert {f["rule"] for f in document["fixed"]} >= {"unresolved-assumption", "goal-shortfall"}


def test_a_producer_without_a_value_gets_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marketing = MARKETING.replace("produces leads.volume = 4000 leads/year", "produces leads.volume")
    plan = write(tmp_path / "plan", {**SEED, "marketing.plan": marketing})
    edited = write(tmp_path / "edited", {**SEED, "marketing.plan": MARKETING.replace("4000", "5208.34")})
    document = what_if_json(plan, monkeypatch, "leads.volume=5208.34 leads/year")
    assert document["findings"] == check_json(edited, monkeypatch)
    assert document["settings"][0]["was"] == "no value"


def test_goals_before_and_after_and_findings_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each closing value of the seed story, applied, meets both goals it feeds."""
    plan = write(tmp_path / "plan", SEED)
    document = what_if_json(plan, monkeypatch, "leads.win_rate=20.84%")
    assert document["goals"] == [
        {
            "metric": "company.revenue",
            "team": "acme",
            "target": ">= $20M/year",
            "before": "$15.36M/year",
            "after": "$20.006M/year",  # 4,000 x $24k x 20.84%
            "status_before": "short",
            "status_after": "met",
        },
        {
            "metric": "sales.revenue",
            "team": "sales",
            "target": ">= $20M/year",
            "before": "$15.36M/year",
            "after": "$20.006M/year",
            "status_before": "short",
            "status_after": "met",
        },
    ]
    assert sorted((f["rule"], f["line"]) for f in document["fixed"]) == [
        ("goal-shortfall", 2),
        ("goal-shortfall", 2),
        ("value-mismatch", 5),  # 20.84% is within 20% ± 2%
    ]
    assert document["new"] == []
    assert [(f["rule"], f["line"]) for f in document["still_open"]] == [("value-mismatch", 4)]
    assert document["summary"]["errors"] == 1


@pytest.mark.parametrize(
    "setting", ["leads.volume=5,208.34 leads/year", "leads.avg_deal_value=$31.25k", "leads.win_rate=20.84%"]
)
def test_every_closing_value_meets_the_goal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    code, out, _ = run(write(tmp_path, SEED), monkeypatch, "check", "--format", "json", "--no-cache", ".")
    assert code == 1
    closing = next(f for f in json.loads(out)["findings"] if f["rule"] == "goal-shortfall")["closing"]
    assert setting in {f"{c['name']}={c['value']}" for c in closing}
    document = what_if_json(tmp_path, monkeypatch, setting)
    assert {(g["metric"], g["status_after"]) for g in document["goals"]} == {
        ("company.revenue", "met"),
        ("sales.revenue", "met"),
    }


def test_text_output_and_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = write(tmp_path, SEED)
    code, out, _ = run(plan, monkeypatch, "what-if", "--set", "leads.win_rate=20.84%", ".")
    assert code == 1  # a value-mismatch error is still open
    assert out.startswith("planlint what-if (nothing on disk changed):\n")
    assert "  leads.win_rate = 20.84%  (marketing, marketing.plan:4; was 16%)\n" in out
    assert "  sales.revenue >= $20M/year (sales): $15.36M/year, short -> $20.006M/year, met\n" in out
    assert "\nFixed findings (3)\n" in out and "\nNew findings (0)\n" in out and "\nStill open (1)\n" in out
    both = ["--set", "leads.win_rate=20.84%", "--set", "leads.avg_deal_value=$50k"]
    code, out, _ = run(plan, monkeypatch, "what-if", *both, "--fail-on", "error", ".")
    assert code == 0 and "\nStill open (0)\n" in out


def test_a_plans_control_characters_are_shown_never_obeyed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = 'team marketing {\n  produces leads.definition = "SQL \x1b[2J score"\n}\n'
    plan = write(tmp_path, {"a.plan": hostile + 'team sales {\n  consumes leads.definition = "x"\n}\n'})
    code, out, _ = run(plan, monkeypatch, "what-if", "--set", 'leads.definition="x"', ".")
    assert code == 0
    assert '  leads.definition = "x"  (marketing, a.plan:2; was "SQL \\x1b[2J score")\n' in out
    assert "\x1b" not in out


UNPRODUCED = {
    **SEED,
    "sales.plan": SALES.replace("consumes leads.volume", "consumes leads.churn = 5%\n  consumes leads.volume"),
}


def test_nothing_on_disk_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = write(tmp_path, UNPRODUCED)
    before = snapshot(plan)
    document = what_if_json(plan, monkeypatch, "leads.win_rate=20.84%", "leads.churn=5%")
    assert [s["path"] for s in document["settings"]] == ["marketing.plan", "what-if.plan"]
    assert snapshot(plan) == before  # no file edited, no what-if.plan, no cache folder


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "leads.win_rat=20%",
            "the plan has no assumption or metric named 'leads.win_rat'; did you mean leads.win_rate?",
        ),
        ("leads.win_rate=20 %", "--set leads.win_rate=20 %:"),
        ("leads.win_rate", "write it as NAME=VALUE"),
        ("leads.win_rate=20% # comment", "is not one value"),
    ],
)
def test_a_setting_planlint_cannot_apply_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, message: str
) -> None:
    code, out, err = run(write(tmp_path, SEED), monkeypatch, "what-if", "--set", setting, ".")
    assert code == 2 and message in err and "Traceback" not in err and out == "", err


def test_one_name_set_twice_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["what-if", "--set", "leads.win_rate=20%", "--set", "leads.win_rate=21%", "."]
    code, _, err = run(write(tmp_path, SEED), monkeypatch, *args)
    assert code == 2 and "leads.win_rate more than one value" in err


def test_a_copy_of_the_plan_elsewhere_is_checked_from_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are shown as check shows them: relative to the working folder."""
    write(tmp_path / "acme", UNPRODUCED)
    shutil.copytree(tmp_path / "acme", tmp_path / "copy")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["what-if", "--set", "leads.churn=5%", "--format", "json", "acme"], env=ENV)
    document = json.loads(result.stdout)
    assert document["settings"][0]["path"] == "acme/what-if.plan"
    assert all(f["path"].startswith("acme/") for f in document["findings"])
