"""`planlint fmt`: the canonical layout (language.layout), its safety catch (model.reformat), the command.

Every plan of the tests, the examples and the shared scenarios is laid out:
what it says (the model, positions aside) is unchanged, every comment is kept,
and a second run changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from planlint.cli import main
from planlint.language import layout
from planlint.language.layout import comments, format_plan
from planlint.language.source import decode
from planlint.model import reformat as reformat_module
from planlint.model.parse import parse_text
from planlint.model.reformat import meaning, reformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fuzz.strategies import valid_plans  # noqa: E402


def _corpus() -> list[tuple[str, str]]:
    """(name, text) of every plan the repository holds: plan files and the rule fixtures' files."""
    found: list[tuple[str, str]] = []
    shared = ROOT.parent / "shared" / "scenarios"
    for folder in (ROOT / "tests", ROOT / "examples", shared):
        for path in sorted(folder.rglob("*.plan")):
            text = decode(path.name, path.read_bytes())
            if isinstance(text, str):
                found.append((path.relative_to(folder.parent).as_posix(), text))
    for fixture in sorted((ROOT / "tests" / "fixtures" / "rules").glob("*.yml")):
        for case, body in yaml.safe_load(fixture.read_text(encoding="utf-8"))["cases"].items():
            for name, text in body["files"].items():
                if isinstance(text, str) and name.endswith(".plan"):
                    found.append((f"{fixture.stem}/{case}/{name}", text))
    return found


CORPUS = _corpus()


def test_the_corpus_holds_files_fixtures_and_scenarios() -> None:
    names = [name for name, _ in CORPUS]
    assert len(CORPUS) > 100
    assert any(name.startswith("examples/acme/") for name in names)
    assert any(name.startswith("value-mismatch/") for name in names)
    if (ROOT.parent / "shared" / "scenarios").is_dir():
        assert any(name.startswith("scenarios/clean-interlock/") for name in names)


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[name for name, _ in CORPUS])
def test_layout_keeps_the_model_and_comments_and_is_idempotent(name: str, text: str) -> None:
    result = reformat(name, text)
    if parse_text(name, text).problem is not None:
        assert result.refused is not None and result.text == text
        return
    assert result.refused is None
    assert meaning(parse_text(name, result.text)) == meaning(parse_text(name, text))
    assert comments(result.text) == comments(text)
    assert format_plan(result.text) == result.text
    assert not reformat(name, result.text).changed


MESSY = """

# Acme's sales plan.
team   sales{
    owner "@acme/sales"   # who hears


  goal sales.revenue>=$20M / year # the target
  consumes leads.volume >= 2000 leads/year    # the volume
  consumes leads.win_rate=20%±2%
  consumes leads.definition = "SQL: score >= 60 # in the text"
  derive sales.revenue=leads.volume*leads.win_rate*(leads.avg_deal_value- -5)*-1

}
# The organisation.
org acme { goal company.x in 5% ..10%
 produces company.y = 14..18% }
"""

TIDY = """\
# Acme's sales plan.
team sales {
  owner "@acme/sales"  # who hears

  goal sales.revenue >= $20M/year           # the target
  consumes leads.volume >= 2000 leads/year  # the volume
  consumes leads.win_rate = 20% ± 2%
  consumes leads.definition = "SQL: score >= 60 # in the text"
  derive sales.revenue = leads.volume * leads.win_rate * (leads.avg_deal_value - -5) * -1
}

# The organisation.
org acme {
  goal company.x in 5% .. 10%
  produces company.y = 14 .. 18%
}
"""


def test_the_canonical_layout() -> None:
    assert format_plan(MESSY) == TIDY
    result = reformat("sales.plan", MESSY)
    assert result.refused is None and result.text == TIDY


def test_a_derive_broken_after_an_operator_goes_on_four_spaces_in() -> None:
    text = "team b {\n derive x.y = a.b +\n   (c.d*\n 2)\n  produces z.w = 1\n}\n"
    assert format_plan(text) == "team b {\n  derive x.y = a.b +\n      (c.d *\n      2)\n  produces z.w = 1\n}\n"


def test_a_sign_is_glued_and_a_period_joins_its_unit() -> None:
    text = "team t {\n  derive a.b = -(c.d)/ 2 -  - e.f*5 leads /  month\n}\n"
    assert format_plan(text) == "team t {\n  derive a.b = -(c.d) / 2 - -e.f * 5 leads/month\n}\n"


def test_trailing_comments_align_within_a_paragraph_only() -> None:
    text = "team t {\n  produces a.b = 1 # one\n  produces a.cc = 2\n  produces a.ddd = 3     # three\n\n  produces e.f = 4   # alone\n}\n"
    assert format_plan(text) == (
        "team t {\n  produces a.b = 1    # one\n  produces a.cc = 2\n  produces a.ddd = 3  # three\n\n"
        "  produces e.f = 4  # alone\n}\n"
    )


def test_a_file_that_does_not_parse_is_left_with_the_place_of_its_error() -> None:
    text = "team t {\n  consume a.b = 1\n}\n"
    result = reformat("t.plan", text)
    assert (result.text, result.line, result.column, result.changed) == (text, 2, 3, False)
    assert result.refused == "unknown keyword 'consume'; did you mean 'consumes'?"


def test_a_layout_that_would_change_the_model_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reformat_module, "format_plan", lambda text: text.replace("$24k", "$25k") + "\n")
    result = reformat("m.plan", "team m {\n  produces a.b = $24k\n}\n")
    assert result.refused == "the new layout would change what the file says, so it was left as it is"
    assert not result.changed


def test_a_layout_that_would_move_a_suppression_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "team m {\n  produces a.b = 1  # planlint: ignore\n  produces a.c = 2\n}\n"
    swapped = "team m {\n  produces a.b = 1\n  produces a.c = 2  # planlint: ignore\n}\n"
    monkeypatch.setattr(reformat_module, "format_plan", lambda _: swapped)
    assert reformat("m.plan", text).refused is not None


def test_a_layout_that_would_lose_a_comment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reformat_module, "format_plan", lambda text: text.replace("  # kept", ""))
    assert reformat("m.plan", "team m {\n  produces a.b = 1  # kept\n}\n").refused is not None


@settings(
    derandomize=True,
    database=None,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(valid_plans())
def test_every_generated_plan_is_laid_out_safely_and_idempotently(files: dict[str, bytes]) -> None:
    for name, data in files.items():
        text = decode(name, data)
        assert isinstance(text, str)
        result = reformat(name, text)
        assert result.refused is None, (name, text, result.refused)
        assert comments(result.text) == comments(text)
        assert format_plan(result.text) == result.text


def test_layout_never_fails_on_a_prefix_of_a_plan() -> None:
    text = MESSY + '  derive x.y = (a.b * "\n'
    for end in range(len(text) + 1):
        assert isinstance(format_plan(text[:end]), str)
    assert layout.split_comment('owner "a # b" # c') == ('owner "a # b" ', "# c")


# The command --------------------------------------------------------------------------------------


def _plans(tmp_path: Path) -> Path:
    (tmp_path / "sales.plan").write_bytes(b'\xef\xbb\xbfteam sales {\r\n    owner  "@acme/sales"\r\n}\r\n')
    (tmp_path / "tidy.plan").write_text("team tidy {\n  produces a.b = 1\n}\n", encoding="utf-8")
    return tmp_path


def test_fmt_rewrites_what_needs_it_keeping_line_endings_and_bom(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(_plans(tmp_path))
    result = CliRunner().invoke(main, ["fmt"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sales.plan").read_bytes() == b'\xef\xbb\xbfteam sales {\r\n  owner "@acme/sales"\r\n}\r\n'
    assert "planlint: 1 file reformatted, 1 left unchanged" in result.stderr
    again = CliRunner().invoke(main, ["fmt", "--check"])
    assert again.exit_code == 0 and "0 files would be reformatted, 2 left unchanged" in again.stderr


def test_fmt_check_and_diff_write_nothing_and_exit_1(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(_plans(tmp_path))
    before = (tmp_path / "sales.plan").read_bytes()
    check = CliRunner().invoke(main, ["fmt", "--check", "."])
    assert (check.exit_code, check.stdout) == (1, "would reformat sales.plan\n")
    diff = CliRunner().invoke(main, ["fmt", "--diff", "sales.plan"])
    assert diff.exit_code == 1
    assert diff.stdout.splitlines() == [
        "--- sales.plan",
        "+++ sales.plan (formatted)",
        "@@ -1,3 +1,3 @@",
        " team sales {",
        '-    owner  "@acme/sales"',
        '+  owner "@acme/sales"',
        " }",
    ]
    assert (tmp_path / "sales.plan").read_bytes() == before


def test_fmt_names_a_file_it_cannot_format_and_formats_the_rest(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "broken.plan").write_text("team t {\n  produces a.b = $24kk\n}\n", encoding="utf-8")
    (tmp_path / "binary.plan").write_bytes(b"team t {\n\xff\n}\n")
    (tmp_path / "ok.plan").write_text("team ok {\nproduces a.c = 1\n}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["fmt"])
    assert result.exit_code == 1
    assert "broken.plan:2:18: not formatted: '$24kk' is not a number planlint can read" in result.stderr
    assert "binary.plan:2:1: not formatted: the file is not UTF-8 text: byte 0xff at line 2, column 1" in result.stderr
    assert (tmp_path / "ok.plan").read_text(encoding="utf-8") == "team ok {\n  produces a.c = 1\n}\n"
    assert (tmp_path / "broken.plan").read_text(encoding="utf-8") == "team t {\n  produces a.b = $24kk\n}\n"
