"""The line reader (`_fast_parse`) against the grammar: the same model, span for span, or it steps aside.

The grammar is the one definition of the language; the line reader is a
shortcut for the common statement shapes. For every input here, either the
line reader declines the file (and Lark reads it), or both give identical
models. The shipped plans and the benchmark generators' plans must take the
shortcut, or it would be no shortcut.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planlint.language.source import decode
from planlint.model.build import read_blocks, read_statement
from planlint.model.parse import parse_text

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))

from fuzz.strategies import corpus, mutated_plans, valid_plans  # noqa: E402

# The line reader needs atomic groups in regular expressions (Python 3.11); before, it declines every file.
SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def dump(value: object) -> list:
    """A model flattened: class names, fields, exact numbers and spans, in order (expressions have no
    __eq__, and can be nested too deeply for recursion)."""
    out: list = []
    stack = [value]
    while stack:
        item = stack.pop()
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            out.append(type(item).__name__)
            stack.append(")")
            stack.extend(reversed([getattr(item, f.name) for f in dataclasses.fields(item)]))
        elif isinstance(item, (list, tuple)):
            out.append("[")
            stack.append("]")
            stack.extend(reversed(item))
        elif isinstance(item, Fraction):
            out.append(("Fraction", item.numerator, item.denominator))
        else:
            out.append(item)
    return out


def fast_and_grammar(path: str, text: str) -> tuple[list | None, object]:
    """What the line reader makes of `text` (None: it declined), and the grammar's PlanFile."""
    return read_blocks(path, text.split("\n")), parse_text(path, text, fast=False)


def assert_same(path: str, text: str) -> bool:
    """Both readers agree, or the line reader declined; True when it read the file."""
    fast, grammar = fast_and_grammar(path, text)
    if fast is None:
        return False
    assert grammar.problem is None, f"the line reader accepted what the grammar refuses: {grammar.problem}"
    assert dump(fast) == dump(grammar.blocks)
    return True


def plan_texts(folder: Path) -> dict[str, str]:
    texts = {}
    for file in sorted(folder.rglob("*.plan")):
        text = decode(str(file), file.read_bytes())
        if isinstance(text, str):
            texts[file.relative_to(folder).as_posix()] = text
    return texts


# The plans planlint ships, and generated organisations ---------------------------


def shipped_plans() -> dict[str, str]:
    texts = {}
    for folder in (REPO / "examples", REPO / "tests", SHARED / "scenarios"):
        if folder.is_dir():
            texts.update({f"{folder.name}/{name}": text for name, text in plan_texts(folder).items()})
    return texts


def test_every_shipped_plan_reads_the_same_and_every_valid_one_takes_the_shortcut() -> None:
    texts = shipped_plans()
    assert len(texts) > 20
    for name, text in texts.items():
        took_shortcut = assert_same(name, text)
        if not took_shortcut:  # only a file the grammar refuses may be left to it
            assert parse_text(name, text, fast=False).problem is not None, name


def generated(tmp_path: Path, script: Path, teams: int) -> dict[str, str]:
    subprocess.run([sys.executable, str(script), str(teams), str(tmp_path / "out")], check=True, capture_output=True)
    return plan_texts(tmp_path / "out")


def test_our_generated_organisation_reads_the_same_on_the_shortcut(tmp_path: Path) -> None:
    texts = generated(tmp_path, REPO / "benchmarks" / "gen_plan.py", 60)
    assert len(texts) == 61
    assert all(assert_same(name, text) for name, text in texts.items())


@pytest.mark.skipif(not (SHARED / "bench" / "gen_org.py").is_file(), reason="needs ../shared/bench")
def test_the_shared_benchmark_organisation_reads_the_same_on_the_shortcut(tmp_path: Path) -> None:
    texts = generated(tmp_path, SHARED / "bench" / "gen_org.py", 60)
    assert len(texts) == 60
    assert all(assert_same(name, text) for name, text in texts.items())


# Tricky spots of the lexer, one by one -------------------------------------------

TRICKY = [
    "produces a.b = 5 by 2027-Q3",  # `by` after a number is the keyword, not a unit
    "produces a.b = 5 bytes",  # ... but a longer word is a unit
    "consumes a.b in 14%..18%",
    "consumes a.b >= 1..2",
    "consumes a.b = 1.5 .. 2",
    "consumes a.b = $50k ± 10%",
    "consumes a.b = $50k +/- 5k",
    "consumes a.b = 20% ± 2%",
    "consumes a.b = 500 leads / month ± 10%",
    "consumes a.b = 2027-07",
    "consumes a.b = 2027-0712",
    'consumes a.b = "SQL: score >= 60 # not a comment" # a comment',
    "derive a.b = 2027-07 - 5",  # a date in a derive is a subtraction
    "derive a.b = 5 / days.total",  # a dotted name after `/` is divided by, not a period
    "derive a.b = 5 / day",
    "derive a.b = 5 leads/year * -(x.y + 2) / 3%",
    "derive a.b = x.y +/- 3",
    "derive a.b = ((x.y))",
    "derive a.b = - - x.y",
    "derive a.b = $5M/year - x.y * 2",
    "derive a.b = 5 by",
    "produces a.b = 24kk",
    "produces a.b = $5m",
    "produces a.b = 4000leads",
    "produces a.b = 1,2345",
    "produces a.b = 5 team",
    "consumes a.b >= 5 in",
    "consumesa.b = 5",
    'owner"x"',
    "goal a.b in 1 .. 2",
    "goal a.b = 10 reps",
    "produces a.b = 0000-Q1",
    "produces a.b = 2027-02-30",
    "produces a.b = ٣ leads",
    # Near the spellings of issue 14 (the spellings themselves: SPELLINGS, below)
    "produces a.b = - 5 % ",
    "produces a.b = -2027-07",
    "produces a.b = -14 .. -2%",
    "consumes a.b = -$50k ± 10%",
    "consumes a.b = $50k ± -5k",
    "produces a.b = 14% .. 18 leads",
    "produces a.b = 14 .. 18",
    "produces a.b = 500 leads/ qtrs",
    "produces a.b = 5 per",
    "produces a.b = 5 period",
    "produces a.b = 5 per year.x",
    "produces a.b = 5 per years by 2027-Q3",
    "derive a.b = x.y per year",
    "consumes a.b = 20% +-2%",
    "derive a.b = x.y +- 3",
    "derive a.b = ((x.y))  # note",
    "produces a.b = 24K",
    "produces a.b = $20mil",
    "produces a.b = 20 pct",
    "produces a.b = 3 million",
    "produces a.b = $2MM",
    # `+-` is the tolerance sign (`±`), even between a sum and a negation: the grammar lexes it as one
    # token, so the reader must too (fuzz/campaign.py found it reading `0+-x` as `0 + -x`).
    "derive leads.volume = 0+-leads.volume",
    "derive a.b = 5 +- 1",
    "derive a.b = x.y +-(c.d)",
    "derive a.b = 5 + -1",
]


# The spellings plan owners use (LANGUAGE.md, "Spellings"): valid, and read by the line reader itself.
SPELLINGS = [
    "produces a.b = -$1M/year",
    "consumes a.b >= -5%",
    "goal a.b >= -3 deals",
    "consumes a.b in -5% .. -1%",
    "produces a.b = 14 .. 18%",
    "produces a.b = $20k .. 30k",
    "consumes a.b in 20 .. 30 leads/month",
    "produces a.b = 500 leads/yr",
    "produces a.b = 500 leads/qtr",
    "produces a.b = $5k/mo",
    "produces a.b = 7 leads/wk",
    "produces a.b = 500 leads per year",
    "produces a.b = $5 per quarter",
    "produces a.b = 1 per month",
    "produces a.b = 7 leads per week",
    "produces a.b = 24000 usd",
    "produces a.b = 3M eur",
    "produces a.b = 3M gbp/year",
    "consumes a.b = $50k +- 5k",
    "derive a.b = x.y * -1",
    "derive a.b = -(x.y + 2 per year) * (c.d)",
]


@pytest.mark.parametrize("statement", TRICKY + SPELLINGS)
def test_a_tricky_statement_reads_the_same(statement: str) -> None:
    assert_same("t.plan", f"team t {{\n  {statement}\n}}\n")


@pytest.mark.parametrize("statement", SPELLINGS)
def test_a_spelling_plan_owners_use_takes_the_shortcut(statement: str) -> None:
    assert assert_same("t.plan", f"team t {{\n  {statement}\n}}\n"), "the line reader declined it"


@pytest.mark.parametrize("statement", TRICKY + SPELLINGS + ["team t {", "}", "", "# a note", "owner"])
def test_one_statement_line_reads_as_in_a_file(statement: str) -> None:
    """`read_statement` (how a fix's line is read back) gives the line reader's statement of that line
    in a whole file, its spans on line 1, or None exactly where the line reader gives none."""
    one = read_statement("t.plan", f"  {statement}", "t")
    whole = read_blocks("t.plan", ["team t {", f"  {statement}", "}"])
    if whole is None or len(whole[0].statements) != 1:
        assert one is None
    else:
        assert one is not None and dump(one) == _on_line_1(dump(whole[0].statements[0]))


def _on_line_1(flat: list) -> list:
    """A flattened statement with each span (path, line, column, end line, end column) on line 1."""
    moved = list(flat)
    for at, item in enumerate(moved):
        if item == "t.plan":
            moved[at + 1] = moved[at + 3] = 1
    return moved


# Generated plans, valid and damaged -----------------------------------------------


@SETTINGS
@given(valid_plans())
def test_a_generated_plan_reads_the_same(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        text = decode(path, data)
        if isinstance(text, str):
            assert_same(path, text)


CORPUS = corpus()


@SETTINGS
@given(mutated_plans(CORPUS))
def test_a_damaged_plan_reads_the_same(case) -> None:
    _, target, files = case
    text = decode(target, files[target])
    if isinstance(text, str):
        assert_same(target, text)


# Token soup: statements glued from the grammar's terminals, with and without spaces.
FRAGMENTS = [
    "a.b",
    "x.y_z",
    "days.total",
    "year.x",
    "leads",
    "by",
    "in",
    "team",
    "bytes",
    "K",
    "USD",
    "5",
    "24k",
    "1.5M",
    "4,000",
    "1,2345",
    "0.25",
    "16%",
    "$24k",
    "€10M",
    "£3",
    "5m",
    "24kk",
    "2B",
    "2027-Q3",
    "2027-07",
    "2027-07-15",
    "2027-13",
    "0999-01",
    "/year",
    "/ months",
    "/days",
    "/yr",
    "/qtr",
    "/ mo",
    "/wks",
    "per year",
    "per",
    "usd",
    "eur",
    "pct",
    "million",
    "24K",
    "+-",
    "/",
    "*",
    "+",
    "-",
    "(",
    ")",
    "=",
    ">=",
    "<=",
    "±",
    "+/-",
    "..",
    ".",
    '"SQL: score >= 60"',
    '"a # b"',
    "# note",
    "%",
    "{",
    "}",
]
STARTS = ["produces a.b", "consumes a.b", "goal a.b", "derive a.b =", "owner", "produces", "consumes a.b ="]


@st.composite
def soups(draw) -> str:
    start = draw(st.sampled_from(STARTS))
    parts = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=8))
    text = start
    for part in parts:
        text += draw(st.sampled_from([" ", " ", "", "\t"])) + part
    return text


@SETTINGS
@given(st.lists(soups(), min_size=1, max_size=4))
def test_token_soup_reads_the_same(statements: list[str]) -> None:
    assert_same("soup.plan", "team t {\n" + "\n".join(f"  {s}" for s in statements) + "\n}\n")


# Valid statements cut into tokens and glued back with random spacing, none included:
# a space the lexer needs, when dropped, makes another token (`5leads`), and the
# line reader must then decline exactly where the grammar does.
NUMBERS = ["5", "24k", "1.5M", "4,000", "0.25", "2B", "1,234.5"]
UNITS = ["leads", "deals", "days", "weeks", "USD", "EUR", "usd", "Gbp", "K", "bytes", "per"]
PERIODS = ["/year", "/ months", "/quarter", "/week", "/days", "/yr", "/qtr", "/mo", "/wk", "per year", "per  months"]


@st.composite
def quantity_tokens(draw, signed: bool = False) -> list[str]:
    sign = ["-"] if signed and draw(st.booleans()) else []
    kind = draw(st.sampled_from(["number", "money", "percent", "count"]))
    if kind == "percent":
        return [*sign, draw(st.sampled_from(NUMBERS)) + "%"]
    if kind == "money":
        tokens = [draw(st.sampled_from(["$", "€", "£"])) + draw(st.sampled_from(NUMBERS))]
    else:
        tokens = [draw(st.sampled_from(NUMBERS))]
        if kind == "count":
            tokens.append(draw(st.sampled_from(UNITS)))
    return sign + tokens + ([draw(st.sampled_from(PERIODS))] if draw(st.booleans()) else [])


@st.composite
def value_tokens(draw) -> list[str]:
    shape = draw(st.sampled_from(["point", "tolerance", "range", "date", "text"]))
    if shape == "date":
        return [draw(st.sampled_from(["2027-Q3", "2027-07", "2027-07-15"]))]
    if shape == "text":
        return ['"MQL: score >= 40"']
    first = draw(quantity_tokens(signed=True))
    if shape == "point":
        return first
    if shape == "tolerance":
        return first + [draw(st.sampled_from(["±", "+/-", "+-"]))] + draw(quantity_tokens())
    return first + [".."] + draw(range_end())


@st.composite
def range_end(draw) -> list[str]:
    """A range's end: a quantity, or a bare number that takes the other end's unit."""
    if draw(st.booleans()):
        return [*(["-"] if draw(st.booleans()) else []), draw(st.sampled_from(NUMBERS))]
    return draw(quantity_tokens(signed=True))


@st.composite
def expression_tokens(draw, depth: int = 0) -> list[str]:
    atom = draw(st.sampled_from(["name", "name", "quantity", "parens", "negate"])) if depth < 3 else "name"
    if atom == "name":
        tokens = [draw(st.sampled_from(["a.b", "x.y", "days.total", "year.q"]))]
    elif atom == "quantity":
        tokens = draw(quantity_tokens())
    elif atom == "parens":
        tokens = ["(", *draw(expression_tokens(depth + 1)), ")"]
    else:
        tokens = ["-", *draw(expression_tokens(depth + 1))]
    if draw(st.booleans()) and depth < 3:
        tokens += [draw(st.sampled_from(["+", "-", "*", "/"])), *draw(expression_tokens(depth + 1))]
    return tokens


@st.composite
def spaced_statements(draw) -> str:
    kind = draw(st.sampled_from(["produces", "consumes", "goal", "derive", "owner"]))
    if kind == "owner":
        tokens = ["owner", '"@acme/sales"']
    elif kind == "derive":
        tokens = ["derive", "m.total", "=", *draw(expression_tokens())]
    else:
        tokens = [kind, "a.b"]
        if kind == "goal" or draw(st.booleans()):
            op = "=" if kind == "produces" else draw(st.sampled_from([">=", "<=", "=", "in"]))
            tokens += [
                op,
                *(draw(range_end()) + [".."] + draw(range_end()) if op == "in" else draw(value_tokens())),
            ]
        if kind != "goal" and draw(st.booleans()):
            tokens += ["by", draw(st.sampled_from(["2027-Q3", "2027-07", "2027-07-15"]))]
    separators = st.sampled_from([" ", " ", " ", "", "\t", "  "])
    return tokens[0] + "".join(draw(separators) + token for token in tokens[1:])


@SETTINGS
@given(st.lists(spaced_statements(), min_size=1, max_size=5))
def test_respaced_statements_read_the_same(statements: list[str]) -> None:
    assert_same("spaced.plan", "team t {\n" + "\n".join(f"  {s}  # c" for s in statements) + "\n}\n")


def test_the_shortcut_is_the_default_and_lark_is_not_imported_for_it() -> None:
    code = (
        "import sys; from planlint.model.parse import parse_text;"
        "f = parse_text('t.plan', 'team t {\\n  produces a.b = $5k\\n}\\n');"
        "assert f.problem is None and f.blocks[0].statements[0].value.quantity.lo == 5000;"
        "print('lark' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_grammar_still_reads_what_the_shortcut_declines() -> None:
    text = 'team t { owner "x" }\n'  # valid, but not one statement per line
    fast, grammar = fast_and_grammar("t.plan", text)
    assert fast is None and grammar.problem is None and grammar.blocks[0].owners == ["x"]
    assert parse_text("t.plan", text).blocks[0].owners == ["x"]
