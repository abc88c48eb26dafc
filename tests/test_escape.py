"""Output that cannot be injected into (issue 18, items 5 to 7): file names and plan text from a
pull request are written out as text in every sink, never as the sink's own syntax."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz.oracle import outside_code

from planlint.model.parse import parse_bytes, parse_text
from planlint.output.escape import (
    code_span,
    github_message,
    github_property,
    markdown_text,
    mermaid_label,
    one_line,
    sarif_text,
    terminal,
    terminal_lines,
)

HOSTILE_NAMES = [
    "new\nline.plan",
    "pipe|cell.plan",
    "<img src=x onerror=alert(1)>.plan",
    "back`tick`.plan",
    "\x1b[31mred\x1b[0m.plan",
    "%0A::error file=x::fake.plan",
    "a,b:c.plan",
]
LIVE_TEXT = "@everyone @acme/ceo #123 org/repo#4 https://evil.example/x www.evil.example <!-- x --> a@b.example"


# The escapers, one sink each -----------------------------------------------------------


def test_the_terminal_sees_control_characters_never_obeys_them() -> None:
    assert terminal("\x1b[31mred\x1b[0m\n\t\u202eevil") == "\\x1b[31mred\\x1b[0m\\x0a\\x09\\u202eevil"
    assert terminal_lines("one\n\ttwo\x1b\r") == "one\n\ttwo\\x1b\\x0d"
    assert terminal("plain €50k × 2") == "plain €50k × 2"


def test_github_commands_cannot_be_started_or_split() -> None:
    assert github_message("50% a:b, c\r\nd") == "50%25 a:b, c%0D%0Ad"
    assert github_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert "\n" not in github_message("x\n::error::fake")


def test_markdown_shows_text_not_html_links_or_mentions() -> None:
    assert markdown_text("sales | a < b *now* [x](y) $5") == "sales \\| a &lt; b \\*now\\* \\[x\\](y) &#36;5"
    assert markdown_text(LIVE_TEXT) == (
        "`@everyone` `@acme/ceo` `#123` `org/repo#4` `https://evil.example/x` `www.evil.example` "
        "&lt;!-- x --&gt; `a@b.example`"
    )
    assert markdown_text("# heading\u2028- item") == "\\# heading - item"  # one line, no heading
    assert markdown_text("commit 3f2a9c1d") == "commit `3f2a9c1d`"


def test_live_text_side_by_side_is_one_code_span() -> None:
    """Found by the fuzzing campaign: a file `#1www.evil.example`<img src=x>.plan` made two code
    spans side by side, `#1` then ``www.evil.example`<img``, which Markdown reads as one span
    ending at the name's own backtick, leaving `<img` outside code (and `@everyone` live)."""
    assert (
        markdown_text("at #1www.evil.example`<img src=x>.plan:2") == "at ``#1www.evil.example`<img`` src=x&gt;.plan:2"
    )
    assert markdown_text("#1www.evil.example`@everyone.plan") == "``#1www.evil.example`@everyone.plan``"


def test_code_spans_hold_any_text() -> None:
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x`") == "`` `x` ``"
    assert code_span("a|b") == "`a\\|b`" and code_span("a|b", in_table=False) == "`a|b`"
    assert code_span("two\nlines") == "`two\\x0alines`"


def test_sarif_and_mermaid() -> None:
    assert sarif_text("see [this](1) \\ ok") == "see \\[this\\](1) \\\\ ok"
    # No directive, no line of its own, no quote to end the label: look-alikes Mermaid shows as text.
    assert mermaid_label('%%{init: {"theme": "dark"}}%%\nclick a "https://x"') == (
        "% %{init: {'theme': 'dark'}}% % click a 'https://x'"
    )
    assert mermaid_label("```\n# <b> #amp; a|b \x1b") == "''' # ‹b> # amp; a¦b \\x1b"


def test_one_line_breaks_at_every_character_a_reader_might() -> None:
    assert one_line("a\nb\rc\x0bd\x0ce\x1cf\x1dg\x1eh\x85i\u2028j\u2029k\r\nl") == "a b c d e f g h i j k l"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("  two  spaces inside stay  ", "two  spaces inside stay"),
        (" \n ", ""),
        ("\tline one \n\n  line two\t", "line one line two"),
        ("a\tb", "a\tb"),  # a tab is no line break
    ],
)
def test_one_line_trims_each_line_and_keeps_what_is_inside_it(text: str, shown: str) -> None:
    assert one_line(text) == shown


# Line breaks mean the same everywhere (item 7) ---------------------------------------------


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
@pytest.mark.parametrize("where", ["comment", "text", "between"])
@pytest.mark.parametrize("first_line", ["team a {", "team a {  # café: not ASCII"])
def test_an_odd_line_break_is_a_located_syntax_error_for_both_readers(char: str, where: str, first_line: str) -> None:
    line2 = {
        "comment": f"  produces a.b = 5   # note{char}more",
        "text": f'  produces a.c = "SQL{char}60"',
        "between": f"  produces a.d = 5{char}",
    }[where]
    source = f"{first_line}\n{line2}\n  produces a.e = 1\n}}\n"
    column = line2.index(char) + 1
    for fast in (True, False):
        plan_file = parse_bytes("x.plan", source.encode(), fast=fast)
        assert plan_file.problem is not None and plan_file.problem.rule == "syntax-error"
        assert (plan_file.problem.span.line, plan_file.problem.span.column) == (2, column)
        assert f"(U+{ord(char):04X}) at column {column}" in plan_file.problem.message
    # Without the character, both readers agree on the lines: 4 of them, the line numbers of every tool.
    clean = parse_text("x.plan", source.replace(char, " "))
    assert clean.problem is None and [s.span.line for s in clean.blocks[0].statements] == [2, 3]


# Hostile repositories ---------------------------------------------------------------------


@pytest.fixture
def named_repo(hostile_repo) -> Path:
    files = {name: f"team t{i} {{\n  consumes nobody.makes_this\n}}\n" for i, name in enumerate(HOSTILE_NAMES)}
    return hostile_repo(files)


def _findings(planlint, repo: Path) -> list[dict]:
    done = planlint("check", "--format", "json", ".", cwd=repo)
    return json.loads(done.stdout)["findings"]


def test_hostile_file_names_cannot_add_github_annotations(named_repo: Path, planlint) -> None:
    findings = _findings(planlint, named_repo)
    assert sorted({f["path"] for f in findings}) == sorted([*HOSTILE_NAMES, "good.plan"])  # JSON: as they are
    done = planlint("check", "--format", "github", ".", cwd=named_repo)
    lines = done.stdout.splitlines()
    commands = [line for line in lines if line.lstrip().startswith("::")]
    assert len(commands) == len(findings) == len(lines) - 1  # one line per finding, then the summary
    assert lines[-1].startswith("Found ")
    assert all(re.match(r"::(error|warning|notice) file=[^,:]*,line=\d+,", line) for line in commands)
    assert "file=%250A%3A%3Aerror file=x%3A%3Afake.plan," in done.stdout  # the name, escaped in place
    assert "file=\\x1b[31mred\\x1b[0m.plan," in done.stdout and "\x1b" not in done.stdout  # no colour in the log


def test_hostile_file_names_cannot_colour_a_terminal(named_repo: Path, planlint) -> None:
    for output in ("text", "concise"):
        done = planlint("check", "--format", output, ".", cwd=named_repo)
        assert "\x1b" not in done.stdout and "\r" not in done.stdout, output
        assert "\\x1b[31mred\\x1b[0m.plan" in done.stdout and "new\\x0aline.plan" in done.stdout


def test_hostile_file_names_stay_in_their_sarif_and_junit_fields(named_repo: Path, planlint) -> None:
    sarif = json.loads(planlint("check", "--format", "sarif", ".", cwd=named_repo).stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert "new%0Aline.plan" in uris and "pipe%7Ccell.plan" in uris
    junit = planlint("check", "--format", "junit", ".", cwd=named_repo).stdout
    import xml.etree.ElementTree as ET

    files = {case.get("file") for case in ET.fromstring(junit).iter("testcase")}
    assert "<img src=x onerror=alert(1)>.plan" in files  # XML-escaped in the file, whole when read


def test_a_review_of_a_hostile_change_renders_nothing_live(hostile_repo, planlint, git) -> None:
    base = {
        "marketing.plan": 'team mkt {\n  owner "@acme/marketing"\n  produces leads.definition = "SQL"\n}\n',
        "sales.plan": 'team ops {\n  owner "@acme/sales"\n  consumes leads.definition = "SQL"\n}\n',
    }
    repo = hostile_repo(base)
    head = {
        "marketing.plan": base["marketing.plan"]
        .replace('"@acme/marketing"', '"@everyone"')
        .replace('"SQL"', f'"{LIVE_TEXT} | `x` \x1b[31m"'),
        **{name: f"team t{i} {{\n  consumes nobody.makes_this\n}}\n" for i, name in enumerate(HOSTILE_NAMES)},
    }
    for name, text in head.items():
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "the pull request")
    done = planlint("review", "--base", "HEAD~1", "--format", "markdown", cwd=repo)
    assert done.returncode == 1, done.stderr
    markdown = done.stdout
    rendered = outside_code(markdown.removeprefix("<!-- planlint-review -->\n"))
    assert "<!--" not in rendered and "<img" not in rendered and "\x1b" not in markdown
    assert not re.search(r"https?://|www\.", rendered)
    assert not re.search(r"(?<![\w`])#\d", rendered)
    mentions = re.findall(r"(?<![\w`])@[\w/.-]+", rendered)
    assert mentions and set(mentions) <= {"@acme/sales"}, mentions  # the base's owners only: @everyone is code
    for table in re.findall(r"(?:^\|.*\|$\n?)+", markdown, flags=re.M):
        rows = table.strip("\n").split("\n")
        widths = {outside_code(row).count("|") for row in rows}
        assert len(widths) == 1, rows  # no cell added or split by a file name or a value
    mermaid = re.search(r"```mermaid\n(.*?)\n```", markdown, flags=re.S).group(1)
    assert "%%" not in mermaid and not re.search(r"^\s*click\b", mermaid, flags=re.M) and "`" not in mermaid
    assert markdown.count("```") == 2  # the mermaid fence, opened and closed: nothing from a value
    text = planlint("review", "--base", "HEAD~1", cwd=repo).stdout
    assert "\x1b" not in text and "\\x1b[31m" in text
