"""Hypothesis strategies for plans: valid ones built from the grammar, and broken ones.

`valid_plans()` writes plan repositories (a few files, teams, at most one org)
using every statement and value kind of LANGUAGE.md, random expressions in
`derive`, comments, suppressions, tabs, BOMs and all three line endings. Every
one of them must parse.

`mutated_plans()` takes one plan repository of the corpus (the bundled
examples and acceptance scenarios) and damages one of its files: byte flips,
truncation, deleted braces and quotes, huge and tiny numbers, deep
parentheses, long lines, random Unicode, stray tokens.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from hypothesis import strategies as st

from planlint.language.source import ODD_LINE_BREAKS

REPO = Path(__file__).resolve().parents[1]
Files = dict[str, bytes]


# Strategies are built once: hypothesis validates each new strategy object on its first draw, and
# building them inside every draw cost the campaign about half of its time.
BOOLEANS = st.booleans()


@functools.cache
def _sampled_from(options: tuple[object, ...]) -> st.SearchStrategy:
    return st.sampled_from(options)


def _sampled(options) -> st.SearchStrategy:
    options = tuple(options)
    try:
        return _sampled_from(options)
    except TypeError:  # unhashable options (the corpus's repositories): built each time
        return st.sampled_from(options)


@functools.cache
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


# Valid plans ----------------------------------------------------------------

TEAMS = ["sales", "marketing", "field-sales", "finance", "product", "support", "hiring", "ops", "cs", "brand"]
# Some areas are period or keyword words: `5 / days.total` divides by a name, it is no rate.
AREAS = ["leads", "sales", "pipeline", "finance", "product", "days", "month", "year", "weeks", "launch", "by", "team"]
METRICS = ["volume", "revenue", "win_rate", "avg_deal_value", "spend", "headcount", "x", "in", "total_2027"]
UNITS = ["leads", "lead", "deals", "reps", "tickets", "customers", "days", "weeks", "qtr", "USD", "EUR", "K"]
PERIODS = ["year", "years", "quarter", "quarters", "month", "months", "week", "weeks", "day", "days"]
SYMBOLS = ["$", "€", "£", "¥"]
SUFFIXES = ["", "", "k", "M", "B"]
# Inside quotes and comments anything goes except a quote or a line break.
# Words that read like float artefacts are left out: the outputs are searched for them.
# The characters some tools take for line breaks are a syntax error (LANGUAGE: one line, one meaning).
FREE_TEXT = st.text(
    st.characters(blacklist_characters='"\r\n' + "".join(ODD_LINE_BREAKS), blacklist_categories=("Cs",)),
    max_size=30,
).filter(lambda text: not re.search(r"inf|nan", text, re.IGNORECASE))

names = st.builds(lambda a, m: f"{a}.{m}", _sampled(AREAS), _sampled(METRICS))


@st.composite
def digits(draw) -> str:
    """A written number without suffix: 4000, 4,000, 1.5, 0.25, now and then hundreds of digits."""
    form = draw(_sampled(["int", "int", "grouped", "decimal", "huge", "tiny"]))
    if form == "grouped":
        return f"{draw(_integers(1000, 10**9)):,}"
    if form == "decimal":
        return f"{draw(_integers(0, 9999))}.{draw(_integers(0, 999)):03d}".rstrip("0").rstrip(".") or "0"
    if form == "huge":
        return "9" * draw(_integers(20, 400))
    if form == "tiny":
        return "0." + "0" * draw(_integers(5, 300)) + "1"
    return str(draw(_integers(0, 100_000)))


DIGITS = digits()


def _number(draw) -> str:
    return draw(DIGITS) + draw(_sampled(SUFFIXES))


def _period(draw) -> str:
    return draw(_sampled(["/", "/", "/ "])) + draw(_sampled(PERIODS))


@st.composite
def unit_templates(draw) -> tuple[str, str | None, bool]:
    """How a quantity is written: (kind, unit word or currency symbol, per period?)."""
    kind = draw(_sampled(["number", "money", "iso", "percent", "count", "count"]))
    unit = {
        "money": draw(_sampled(SYMBOLS)),
        "iso": draw(_sampled(["USD", "EUR", "GBP"])),
        "count": draw(_sampled(UNITS)),
    }.get(kind)
    per = kind not in ("percent", "number") and draw(BOOLEANS)
    return kind, unit, per


UNIT_TEMPLATES = unit_templates()


def quantity_text(draw, template: tuple[str, str | None, bool]) -> str:
    kind, unit, per = template
    if kind == "percent":
        return draw(DIGITS) + "%"
    if kind == "money":
        text = unit + _number(draw)
    elif kind == "number":
        text = _number(draw)
    else:
        text = f"{_number(draw)} {unit}"
    return text + (_period(draw) if per else "")


@st.composite
def amounts(draw) -> str:
    """A point, a range or a value with a tolerance, all in one unit."""
    template = draw(UNIT_TEMPLATES)
    first = quantity_text(draw, template)
    shape = draw(_sampled(["point", "point", "range", "tolerance"]))
    if shape == "range":
        return f"{first}{draw(_sampled([' .. ', '..']))}{quantity_text(draw, template)}"
    if shape == "tolerance":
        sign = draw(_sampled(["±", "+/-"]))
        # A bare width on a percentage (`50% ± 2`) is refused as ambiguous: not a valid plan.
        styles = ["percent", "own unit"] if first.endswith("%") else ["percent", "bare", "own unit"]
        style = draw(_sampled(styles))
        width = {
            "percent": lambda: draw(DIGITS) + "%",
            "bare": lambda: _number(draw),
            "own unit": lambda: quantity_text(draw, template),
        }[style]()
        return f"{first} {sign} {width}"
    return first


AMOUNTS = amounts()


@st.composite
def dates(draw) -> str:
    year = draw(_integers(1000, 9999))
    form = draw(_sampled(["quarter", "month", "day"]))
    if form == "quarter":
        return f"{year}-Q{draw(_integers(1, 4))}"
    month = draw(_integers(1, 12))
    if form == "month":
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{draw(_integers(1, 28)):02d}"


DATES = dates()


values = st.one_of(AMOUNTS, AMOUNTS, FREE_TEXT.map(lambda t: f'"{t}"'), DATES)


@st.composite
def ranges(draw) -> str:
    template = draw(UNIT_TEMPLATES)
    return f"{quantity_text(draw, template)} .. {quantity_text(draw, template)}"


RANGES = ranges()


@st.composite
def requirements(draw) -> str:
    if draw(_integers(0, 5)) == 0:
        return f"in {draw(RANGES)}"
    return f"{draw(_sampled(['>=', '<=', '=']))} {draw(values)}"


REQUIREMENTS = requirements()


@st.composite
def literals(draw) -> str:
    return quantity_text(draw, draw(UNIT_TEMPLATES))


LITERALS = literals()


def _combine(parts: tuple[str, str, str, bool]) -> str:
    left, op, right, spaced = parts
    # `+-` written together is the tolerance sign (LANGUAGE.md, "Spellings"), not a plus and a minus.
    together = not spaced and not (op == "+" and right.startswith("-"))
    return f"{left}{op}{right}" if together else f"{left} {op} {right}"


expressions = st.recursive(
    st.one_of(names, names, LITERALS),
    lambda inner: st.one_of(
        st.tuples(inner, _sampled(["+", "-", "*", "/"]), inner, BOOLEANS).map(_combine),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"-{e}"),
        st.tuples(LITERALS, _sampled(["/", "*", "-"]), names, BOOLEANS).map(_combine),
    ),
    max_leaves=12,
)


@st.composite
def statements(draw) -> str:
    kind = draw(_sampled(["owner", "goal", "produces", "produces", "consumes", "consumes", "derive"]))
    if kind == "owner":
        return f'owner "{draw(FREE_TEXT)}"'
    if kind == "goal":
        return f"goal {draw(names)} {draw(REQUIREMENTS)}"
    if kind == "derive":
        return f"derive {draw(names)} = {draw(expressions)}"
    parts = [kind, draw(names)]
    if draw(BOOLEANS):
        parts.append(f"= {draw(values)}" if kind == "produces" else draw(REQUIREMENTS))
    if draw(_integers(0, 3)) == 0:
        parts.append(f"by {draw(DATES)}")
    return " ".join(parts)


STATEMENTS = statements()


@st.composite
def comments(draw) -> str:
    choice = draw(_sampled(["", "", "", "text", "ignore", "ignore-all"]))
    if choice == "text":
        return "  # " + draw(FREE_TEXT)
    if choice == "ignore":
        return f"  # planlint: ignore[{draw(_sampled(['value-mismatch', 'PL102', 'unit-mismatch']))}]"
    return "  # planlint: ignore" if choice == "ignore-all" else ""


COMMENTS = comments()


@st.composite
def blocks(draw, keyword: str, name: str) -> str:
    body = draw(st.lists(STATEMENTS, max_size=8))
    indent = draw(_sampled(["  ", "\t", "    ", ""]))
    if not body and draw(BOOLEANS):
        return f"{keyword} {name} {{}}"
    lines = [f"{keyword} {name} {{{draw(COMMENTS)}"]
    for statement in body:
        if draw(_integers(0, 4)) == 0:
            lines.append("")  # a blank line
        lines.append(f"{indent}{statement}{draw(COMMENTS)}")
    lines.append("}")
    return "\n".join(lines)


@st.composite
def valid_plans(draw) -> Files:
    """A plan repository: 1-3 files, unique team names, at most one org block."""
    count = draw(_integers(1, 3))
    team_names = draw(st.lists(_sampled(TEAMS), min_size=1, max_size=6))
    headers = [("team", f"{name}{index}") for index, name in enumerate(team_names)]
    if draw(BOOLEANS):
        headers.insert(draw(_integers(0, len(headers))), ("org", "acme"))
    files: dict[str, list[str]] = {f"plan{i}.plan": [] for i in range(count)}
    for keyword, name in headers:
        files[f"plan{draw(_integers(0, count - 1))}.plan"].append(draw(blocks(keyword, name)))
    return {path: _encode(draw, "\n\n".join(texts) + "\n") for path, texts in files.items()}


def _encode(draw, text: str) -> bytes:
    ending = draw(_sampled(["\n", "\n", "\r\n", "\r"]))
    bom = b"\xef\xbb\xbf" if draw(_integers(0, 5)) == 0 else b""
    return bom + text.replace("\n", ending).encode("utf-8")


# The corpus and its mutations ---------------------------------------------


def corpus() -> list[tuple[str, Files]]:
    """Every plan repository shipped with planlint: examples and acceptance scenarios."""
    roots = [REPO / "examples", REPO / "tests" / "scenarios", REPO.parent / "shared" / "scenarios"]
    found: dict[str, Files] = {}
    for root in roots:
        for folder in sorted(p for p in root.glob("*") if p.is_dir()) if root.is_dir() else []:
            files = {p.name: p.read_bytes() for p in sorted(folder.glob("*.plan"))}
            if files and files not in found.values():
                found[f"{root.parent.name}/{root.name}/{folder.name}"] = files
    return sorted(found.items())


TOKENS = [
    b"team",
    b"org",
    b"{",
    b"}",
    b"..",
    "±".encode(),
    b"+/-",
    b"=",
    b">=",
    b"by",
    b"in",
    b"2027-Q3",
    b"$5m",
    b"24kk",
    b"/year",
    b"%",
    b"#",
    b'"',
    b"(",
    b")",
    b"\x00",
    b"\t",
    b"\r",
    b"1e308",
    b"-",
    b"derive a.b = ",
    b"consume",
    b"\xef\xbb\xbf",
    b"\xff",
    b"9999-12-31",
    b"0000-Q1",
    b"2027-02-30",
]


def _flip(draw, data: bytes) -> bytes:
    at = draw(_integers(0, max(len(data) - 1, 0)))
    return data[:at] + bytes([draw(_integers(0, 255))]) + data[at + 1 :]


def _truncate(draw, data: bytes) -> bytes:
    return data[: draw(_integers(0, len(data)))]


def _delete_one(char: bytes):
    def delete(draw, data: bytes) -> bytes:
        places = [m.start() for m in re.finditer(re.escape(char), data)]
        if not places:
            return data
        at = draw(_sampled(places))
        return data[:at] + data[at + 1 :]

    return delete


def _replace_number(draw, data: bytes, new: bytes) -> bytes:
    places = [m.span() for m in re.finditer(rb"\d+", data)]
    if not places:
        return data + new
    start, end = draw(_sampled(places))
    return data[:start] + new + data[end:]


def _huge_or_tiny(draw, data: bytes) -> bytes:
    digits_text = draw(
        _sampled(
            [
                b"1" + b"0" * 308,
                b"1" + b"0" * 400,
                b"9" * draw(_integers(300, 5000)),
                b"0." + b"0" * draw(_integers(300, 5000)) + b"1",
                b"0",
                b"0.0",
                b"1" + b"0" * 400 + b"B",
            ]
        )
    )
    return _replace_number(draw, data, digits_text)


def _deep_parentheses(draw, data: bytes) -> bytes:
    depth = draw(_integers(50, 3000))
    close = depth if draw(BOOLEANS) else draw(_integers(0, depth))
    return _replace_number(draw, data, b"(" * depth + b"1" + b")" * close)


def _long_line(draw, data: bytes) -> bytes:
    count = draw(_integers(100, 5000))
    line = draw(
        _sampled(
            [
                b"  derive long.x = " + b"1 + " * count + b"1",
                b"#" + b"x" * count * 4,
                b"  produces long.y = " + b"9" * count,
                b" " * count * 4 + b"team",
                b'  owner "' + b"a" * count * 4 + b'"',
            ]
        )
    )
    lines = data.split(b"\n")
    at = draw(_integers(0, len(lines)))
    return b"\n".join(lines[:at] + [line] + lines[at:])


def _unicode(draw, data: bytes) -> bytes:
    text = draw(st.text(min_size=1, max_size=20)).encode("utf-8")
    at = draw(_integers(0, len(data)))
    return data[:at] + text + data[at:]


def _token(draw, data: bytes) -> bytes:
    at = draw(_integers(0, len(data)))
    return data[:at] + draw(_sampled(TOKENS)) + data[at:]


def _line_endings(draw, data: bytes) -> bytes:
    choice = draw(_sampled(["crlf", "cr", "bom", "tabs", "mixed"]))
    if choice == "crlf":
        return data.replace(b"\n", b"\r\n")
    if choice == "cr":
        return data.replace(b"\n", b"\r")
    if choice == "bom":
        return b"\xef\xbb\xbf" + data
    if choice == "tabs":
        return data.replace(b"  ", b"\t")
    return b"".join(line + draw(_sampled([b"\n", b"\r\n", b"\r"])) for line in data.split(b"\n"))


def _shuffle_lines(draw, data: bytes) -> bytes:
    lines = data.split(b"\n")
    i, j = draw(_integers(0, len(lines) - 1)), draw(_integers(0, len(lines) - 1))
    if draw(BOOLEANS):
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines.insert(i, lines[j])
    return b"\n".join(lines)


MUTATIONS = {
    "flip": _flip,
    "truncate": _truncate,
    "delete-open-brace": _delete_one(b"{"),
    "delete-close-brace": _delete_one(b"}"),
    "delete-quote": _delete_one(b'"'),
    "huge-or-tiny": _huge_or_tiny,
    "deep-parentheses": _deep_parentheses,
    "long-line": _long_line,
    "unicode": _unicode,
    "token": _token,
    "line-endings": _line_endings,
    "shuffle-lines": _shuffle_lines,
}


@st.composite
def mutated_plans(draw, repositories: list[tuple[str, Files]]) -> tuple[Files, str, Files]:
    """One corpus repository with one file damaged 1-3 times: (original, damaged file's name, damaged)."""
    _, files = draw(_sampled(repositories))
    target = draw(_sampled(sorted(files)))
    data = files[target]
    for name in draw(st.lists(_sampled(sorted(MUTATIONS)), min_size=1, max_size=3)):
        data = MUTATIONS[name](draw, data)
    return files, target, {**files, target: data}


# Hostile repositories: file names and cache entries ---------------------------------

# What a pull request can put in a file name (no `/`, no NUL), with the pieces each sink reads as its
# own syntax; lone surrogates stand for bytes that are not UTF-8, as os.listdir gives them.
NAME_PIECES = [
    "\n", "\r", "\t", "\x1b[31m", "\x1b]8;;x\x07", "\u202e", "\u2028", "\x85", "|", "<img src=x>",
    "<!-- -->", "`", "```", "%0A", "%25", "::error file=x::", "::", ",", ":", "@everyone", "@acme-ceo", "#1",
    "https:evil.example", "www.evil.example", "$x$", "*", "_", "[x](y)", "%%{init}%%", "\nclick a", '"',
    "\udce9", "\udcff", "é", "€", " ",
]  # fmt: skip
name_chars = st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",))


@st.composite
def hostile_names(draw) -> list[str]:
    """1-4 distinct file names built from `NAME_PIECES` and any other characters, each ending `.plan`."""
    piece = st.one_of(_sampled(NAME_PIECES), st.text(name_chars, min_size=1, max_size=6))
    names = draw(st.lists(st.lists(piece, min_size=1, max_size=5).map("".join), min_size=1, max_size=4))
    return sorted({f"{name}.plan" for name in names})


class Reduced:
    """Pickles as `callable(*args)`: how a planted entry asks the unpickler to build something."""

    def __init__(self, module: str, name: str, *args: object) -> None:
        self.module, self.name, self.args = module, name, args

    def __reduce__(self):
        import importlib

        return (getattr(importlib.import_module(self.module), self.name), self.args)


@st.composite
def cache_values(draw) -> object:
    """What a forged entry could hold: planlint's own shapes with wrong or huge contents, numbers
    that take hours to build, other classes, deep nesting."""
    huge = _sampled([16_600, 65_537, 99_658]).map(lambda bits: (1 << bits) - 1)  # built, not printed
    fractions = st.one_of(
        _sampled([("1e999999999",), ("1/3",), (1, 0), (1.5, 2), (3, -4), (1, 2)]),
        huge.map(lambda big: (big, 1)),
    )
    others = [Reduced("os", "system", "true"), Reduced("builtins", "eval", "1"), Reduced("builtins", "set", [1])]
    leaf = st.one_of(
        st.integers(),
        huge,
        st.text(max_size=20),
        st.binary(max_size=20),
        st.floats(),
        fractions.map(lambda args: Reduced("fractions", "Fraction", *args)),
        _sampled(others),
    )
    return draw(
        st.recursive(
            leaf,
            lambda inner: st.one_of(
                st.lists(inner, max_size=4),
                st.tuples(inner, inner),
                st.dictionaries(st.tuples(st.text(max_size=8), st.text(max_size=8)), inner, max_size=3),
            ),
            max_leaves=12,
        )
    )


CACHE_VALUES = cache_values()


@st.composite
def hostile_cache_entries(draw) -> list[tuple[str, bytes, bool]]:
    """(entry name, payload, whether it is signed with the cache's own secret): random bytes,
    pickles of `cache_values`, a pickle nested past Python's recursion limit, and the run key
    mimicked. A signed entry stands for a bug in planlint itself; an unsigned one for a planted file."""
    import pickle

    payload = st.one_of(
        st.binary(max_size=200),
        CACHE_VALUES.map(lambda value: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)),
        st.just(b"(" * 100_000 + b"."),  # MARK opcodes without end
        st.just(pickle.dumps(("key", []))),
    )
    # "RUN": the entry holding the last run's findings (the oracle knows its name); run.pickle indexes them.
    entry = st.tuples(_sampled(["files.pickle", "run.pickle", "stat.pickle", "RUN"]), payload, BOOLEANS)
    return draw(st.lists(entry, min_size=1, max_size=3))
