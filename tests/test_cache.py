"""The cache in .planlint_cache/: used when it matches, rebuilt when it does not, never trusted."""

from __future__ import annotations

import os
import pickle
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlint.cli import main
from planlint.model import parse as parse_module
from planlint.model.parse import parse_text
from planlint.run import cache as cache_module
from planlint.run import engine
from planlint.run.cache import CACHE_DIR, Cache, dump_model, load_model
from planlint.run.config import DEFAULT
from planlint.run.engine import lint

GOOD = """team marketing {
  produces leads.volume = 100 leads/year
}
team sales {
  consumes leads.volume = 200 leads/year
  derive sales.revenue = leads.volume * ($5k - $1k) / 2
}
"""
BROKEN = "team finance {\n  produces budget.total = $5m\n}\n"  # `m` is ambiguous: a syntax error


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    (tmp_path / "good.plan").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.plan").write_text(BROKEN, encoding="utf-8")
    return tmp_path


def check(root: Path, config=DEFAULT):
    return lint([root], config, cwd=root)


def summary(result) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.span.path, f.span.line, f.message) for f in result.findings]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths parse_source is asked to parse (the cache answers the others)."""
    seen: list[str] = []
    original = engine.parse_source

    def counting(path: str, data: bytes, *records):
        seen.append(path)
        return original(path, data, *records)

    monkeypatch.setattr(engine, "parse_source", counting)
    return seen


def cache_folder(root: Path) -> Path:
    return root / CACHE_DIR / cache_module.code_fingerprint()


# Hits ----------------------------------------------------------------------------


def test_nothing_changed_reports_the_same_findings_without_parsing(plan: Path, parses: list[str]) -> None:
    first = check(plan)
    assert sorted(parses) == ["broken.plan", "good.plan"]
    parses.clear()
    second = check(plan)
    assert parses == [] and summary(second) == summary(first)
    assert {f.rule for f in second.findings} == {"syntax-error", "value-mismatch"}
    assert second.files_checked == 2
    assert second.source_line("good.plan", 5) == "  consumes leads.volume = 200 leads/year"
    # The model is still there for whoever asks (explain, review): parsed on demand.
    assert [f.path for f in second.plan.files] == ["broken.plan", "good.plan"]
    assert second.graph.producer("leads.volume").team == "marketing"


def test_a_file_the_grammar_read_is_kept_and_not_read_again(
    plan: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check(plan)
    (plan / "good.plan").write_text(GOOD.replace("200", "300"), encoding="utf-8")  # the run key changes
    parses.clear()

    def no_grammar():
        raise AssertionError("the grammar was asked to read a file the cache holds")

    monkeypatch.setattr(parse_module, "_parser", no_grammar)
    second = check(plan)
    assert parses == ["good.plan"]  # broken.plan came from the cache
    assert [f for f in second.findings if f.rule == "syntax-error"] == [
        f for f in first.findings if f.rule == "syntax-error"
    ]
    assert "3×" in next(f.message for f in second.findings if f.rule == "value-mismatch")


def test_the_line_reader_results_are_not_stored(plan: Path) -> None:
    check(plan)
    kept = load_model((cache_folder(plan) / "files.pickle").read_bytes())
    assert [path for path, _ in kept] == ["broken.plan"]


# Stale and corrupt entries ---------------------------------------------------------


def test_an_edited_file_is_read_again(plan: Path) -> None:
    check(plan)
    (plan / "broken.plan").write_text("team finance {\n  produces budget.total = $5M\n}\n", encoding="utf-8")
    (plan / "good.plan").write_text(GOOD.replace("200", "100"), encoding="utf-8")
    assert check(plan).findings == []


def test_a_changed_setting_or_rule_selection_is_checked_again(plan: Path) -> None:
    check(plan)
    quieter = DEFAULT.with_overrides(ignore=["value-mismatch"])
    assert {f.rule for f in check(plan, quieter).findings} == {"syntax-error"}
    assert {f.rule for f in check(plan).findings} == {"syntax-error", "value-mismatch"}


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"not a pickle",
        pickle.dumps({"x": 1}),
        pickle.dumps(("key", [1, 2])),
        pickle.dumps({("broken.plan", "0" * 64): "not a model"}),
    ],
)
def test_a_corrupt_entry_is_ignored_and_rebuilt(plan: Path, garbage: bytes) -> None:
    expected = summary(check(plan))
    for name in ("files.pickle", "run.pickle"):
        (cache_folder(plan) / name).write_bytes(garbage)
    assert summary(check(plan)) == expected
    assert isinstance(load_model((cache_folder(plan) / "run.pickle").read_bytes()), tuple)  # rebuilt


class Planted:
    def __reduce__(self):
        return (os.system, ("touch planted-ran",))


def test_a_planted_cache_file_cannot_run_code(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(plan)
    expected = summary(check(plan))
    for name in ("files.pickle", "run.pickle"):
        (cache_folder(plan) / name).write_bytes(pickle.dumps(Planted()))
    assert summary(check(plan)) == expected
    assert not (plan / "planted-ran").exists()


def test_entries_of_another_planlint_are_not_read(
    plan: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    check(plan)
    old = cache_folder(plan).name
    monkeypatch.setattr(cache_module, "__version__", "99.0.0")
    cache_module.code_fingerprint.cache_clear()
    try:
        parses.clear()
        result = check(plan)
        assert sorted(parses) == ["broken.plan", "good.plan"]  # nothing came from the old folder
        assert len(result.findings) == 2
        new = cache_module.code_fingerprint()
        assert new.startswith("99.0.0-") and (plan / CACHE_DIR / new / "run.pickle").is_file()
        assert not (plan / CACHE_DIR / old).exists()  # the old planlint's folder is pruned
    finally:
        cache_module.code_fingerprint.cache_clear()


# Where it is written, and when not ---------------------------------------------------


def test_no_cache_reads_and_writes_nothing(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(plan)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--format", "concise", "."])
    assert result.exit_code == 1, result.output
    assert not (plan / CACHE_DIR).exists()
    result = CliRunner().invoke(main, ["check", "--format", "concise", "."])
    assert result.exit_code == 1 and (plan / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_a_cache_that_cannot_be_written_changes_nothing(plan: Path) -> None:
    (plan / CACHE_DIR).write_text("a file where the folder should be", encoding="utf-8")
    assert {f.rule for f in check(plan).findings} == {"syntax-error", "value-mismatch"}
    assert {f.rule for f in check(plan).findings} == {"syntax-error", "value-mismatch"}


def test_the_model_survives_the_round_trip() -> None:
    plan_file = parse_text("good.plan", GOOD)
    again = load_model(dump_model(plan_file))
    assert repr(again) == repr(plan_file) and again is not plan_file
    assert Cache(Path("/nonexistent/planlint")).parsed("good.plan", "0" * 64) is None


def test_a_new_planlint_prunes_the_cache_folders_of_older_ones(tmp_path: Path, monkeypatch) -> None:
    from planlint.run import cache

    old = tmp_path / cache.CACHE_DIR / "0.0.9-0123456789abcdef"
    old.mkdir(parents=True)
    (old / "run.pickle").write_bytes(b"old")
    unrelated = tmp_path / cache.CACHE_DIR / "notes"
    unrelated.mkdir()
    cache.Cache(tmp_path).save_findings("key", [])
    assert not old.exists()
    assert unrelated.exists()
    assert (tmp_path / cache.CACHE_DIR / cache.code_fingerprint()).is_dir()


def test_a_unit_from_the_cache_hashes_as_one_made_here() -> None:
    """Units cache their hash, and a string's hash differs between processes: a unit loaded from
    a cache another process wrote must still find its place in a dict keyed by units."""
    import subprocess
    import sys

    from planlint.language import quantity as q
    from planlint.run.cache import dump_model

    data = dump_model(q.money_unit("USD"))
    code = (
        "from planlint.run.cache import load_model; from planlint.language import quantity as q; "
        f"u = load_model({data!r}); print({{u: 'found'}}.get(q.money_unit('USD')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "found"


def test_a_goals_guidance_survives_the_cache(tmp_path: Path, parses: list[str]) -> None:
    """Closing values and drivers come back from the last run as they were, exact values included."""
    (tmp_path / "plan.plan").write_text(
        "team marketing {\n  produces leads.volume = 4000 leads/year\n  produces leads.win_rate = 16%\n}\n"
        "team sales {\n  goal sales.deals >= 800 deals/year\n  consumes leads.win_rate = 20%\n"
        "  derive sales.deals = leads.volume * leads.win_rate\n}\n",
        encoding="utf-8",
    )
    first = check(tmp_path).findings
    parses.clear()
    again = check(tmp_path).findings
    assert parses == [] and again == first  # from the cache, equal field by field
    [shortfall] = [f for f in again if f.rule == "goal-shortfall"]
    assert shortfall.guidance is not None
    assert [(c.name, c.value, c.exact) for c in shortfall.guidance.closing] == [
        ("leads.volume", "5,000 leads/year", 5000),
        ("leads.win_rate", "20%", Fraction(1, 5)),
    ]
    assert [(d.name, d.impact) for d in shortfall.guidance.drivers] == [("leads.win_rate", "-160 deals/year")]
