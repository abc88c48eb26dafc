"""Lint a plan in-process and check what must hold for any input whatsoever.

Whatever the bytes: no exception, every format renders, every finding sits
inside its file (line 1 .. line count + 1, column within the line), at most
one syntax-error per file (a parse stops at its first error), a damaged
file never changes what planlint reads from the other files, and the fast
line reader builds exactly the model the grammar builds.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from planlint.commands.check import make_report
from planlint.model.parse import parse_bytes
from planlint.model.plan import Plan, PlanFile
from planlint.output.formats import FORMATS, render
from planlint.rulebook.registry import load_rules
from planlint.run.config import DEFAULT
from planlint.run.engine import LintResult, run_rules

Files = dict[str, bytes]
FLOAT_ARTEFACTS = re.compile(r"\b(inf|infinity|nan)\b", re.IGNORECASE)


def lint_files(files: Files) -> tuple[LintResult, dict[str, str]]:
    """Parse, check and render in every format; paths are the keys of `files`."""
    plan = Plan([parse_bytes(path, files[path]) for path in sorted(files)])
    result = run_rules(plan, DEFAULT, load_rules(), Path("."))
    report = make_report(result, result.findings, DEFAULT)
    return result, {name: render(name, report) for name in FORMATS}


def text_lines(data: bytes) -> list[str]:
    """The file's lines as planlint numbers them (BOM skipped, any line ending)."""
    data = data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data.decode("utf-8", errors="replace").split("\n")


def check_result(files: Files, result: LintResult, outputs: dict[str, str]) -> None:
    """Assert what holds for every input; raises AssertionError naming what broke."""
    lines = {path: text_lines(data) for path, data in files.items()}
    syntax_errors: dict[str, int] = {}
    for finding in result.findings:
        span = finding.span
        assert span.path in files, f"finding on an unknown file: {finding}"
        file_lines = lines[span.path]
        assert 1 <= span.line <= len(file_lines) + 1, f"line outside the file: {finding}"
        if span.line <= len(file_lines):
            assert 1 <= span.column <= len(file_lines[span.line - 1]) + 1, f"column outside the line: {finding}"
        assert (span.end_line, span.end_column) >= (span.line, span.column), f"span ends before it starts: {finding}"
        assert re.fullmatch(r"PL\d+", finding.code) and finding.message.strip(), f"malformed finding: {finding}"
        if finding.rule == "syntax-error":
            syntax_errors[span.path] = syntax_errors.get(span.path, 0) + 1
    assert all(n == 1 for n in syntax_errors.values()), f"several syntax errors in one file: {syntax_errors}"
    json.loads(outputs["json"])
    json.loads(outputs["sarif"])


def check_valid(files: Files, result: LintResult, outputs: dict[str, str]) -> None:
    """A valid plan: everything above, no syntax-error, and no float artefact in any output."""
    check_result(files, result, outputs)
    problems = [f for f in result.findings if f.rule == "syntax-error"]
    assert not problems, f"a valid plan was refused: {problems[0].span}: {problems[0].message}"
    for name, text in outputs.items():
        match = FLOAT_ARTEFACTS.search(text)
        assert match is None, f"{name} output prints {match.group()!r}"


def check_others_untouched(original: Files, damaged: str, result: LintResult) -> None:
    """The files that were not damaged read exactly as they do on their own."""
    for plan_file in result.plan.files:
        if plan_file.path != damaged:
            alone = parse_bytes(plan_file.path, original[plan_file.path])
            assert _shape(plan_file) == _shape(alone), f"{plan_file.path} read differently next to {damaged}"


def check_readers_agree(files: Files) -> None:
    """The line reader and the grammar build the same model (or the line reader gives way)."""
    for path, data in files.items():
        fast, grammar = parse_bytes(path, data), parse_bytes(path, data, fast=False)
        assert flatten(fast) == flatten(grammar), f"{path}: the two readers disagree"


def flatten(value: object) -> list:
    """A model object as a flat list of its parts, pre-order: no recursion, so any depth is fine."""
    out: list = []
    stack = [value]
    while stack:
        item = stack.pop()
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            names = [f.name for f in dataclasses.fields(item)]
            out.append(type(item).__name__)
            stack.extend(getattr(item, name) for name in reversed(names))
        elif isinstance(item, (list, tuple)):
            out.append(("seq", len(item)))
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            out.append(("map", len(item)))
            stack.extend(reversed(sorted(item.items(), key=repr)))
        else:
            out.append(item)
    return out


def _shape(plan_file: PlanFile) -> tuple:
    return (plan_file.problem, [(b.kind, b.name, len(b.statements)) for b in plan_file.blocks])


# Hostile repositories ----------------------------------------------------------------

ANNOTATION = re.compile(r"::(error|warning|notice) file=[^,:\n]*,line=\d+,[^\n]*::[^\n]*")
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def check_names(names: list[str]) -> None:
    """Files with hostile names, each with an unresolved assumption: every output holds them as text.

    Each output is read back as its own consumer would: GitHub's runner (one annotation a line,
    `file=` whole), a terminal (no control character), JSON and SARIF parsers (the shown name back),
    JUnit's XML parser, and the review's Markdown (no HTML, live mention, link or extra table cell
    outside code; no directive or `click` line in the Mermaid graph)."""
    from urllib.parse import unquote
    from xml.etree import ElementTree

    from planlint.run.files import shown_name

    shown = [shown_name(name) for name in names]
    files = {name: f"team t{n} {{\n  consumes nobody.makes_this_{n}\n}}\n".encode() for n, name in enumerate(shown)}
    result, outputs = lint_files(files)
    findings = result.findings
    assert len(findings) == len(files), [f.span.path for f in findings]
    lines = outputs["github"].split("\n")
    assert len(lines) == len(findings) + 2 and lines[-1] == "", "an annotation split or added a line"
    assert all(ANNOTATION.fullmatch(line) for line in lines[:-2]), "an annotation the runner reads otherwise"
    for name in ("text", "concise", "github"):
        assert not CONTROLS.search(outputs[name]), f"{name}: a control character reaches the terminal"
    assert sorted(f["path"] for f in json.loads(outputs["json"])["findings"]) == sorted(files)
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(outputs["sarif"])["runs"][0]["results"]
    ]
    assert sorted(unquote(uri) for uri in uris) == sorted(files)
    ElementTree.fromstring(outputs["junit"])
    _check_review_markdown(result)


def _check_review_markdown(result: LintResult) -> None:
    from planlint.commands.review import compare_sides
    from planlint.output.review import Side, render_markdown

    empty = run_rules(Plan([]), DEFAULT, load_rules(), Path("."))
    markdown = render_markdown(compare_sides(Side("base", "0" * 40, empty), Side("head", "1" * 40, result), DEFAULT))
    graph = re.search(r"```mermaid\n(.*?)\n```", markdown, flags=re.S)
    if graph:
        assert "%%" not in graph.group(1) and not re.search(r"^\s*click\b", graph.group(1), flags=re.M)
    fences = re.findall(r"^ {0,3}(?:```|~~~)", markdown, flags=re.M)
    assert len(fences) in (0, 2), "a name opened or closed a code fence"
    prose = outside_code(markdown.removeprefix("<!-- planlint-review -->\n"))
    assert not re.search(r"<(?!br/>|/?details>|/?summary>)", prose), "HTML from a name"
    # What GitHub links or notifies: ASCII letters and digits after `@` or `#`.
    assert not re.search(r"https?://|www\.|(?<![\w`])@[A-Za-z0-9]|(?<![\w`&])#[0-9]", prose), "a live link or mention"
    for table in re.findall(r"(?:^\|.*\|$\n?)+", markdown, flags=re.M):
        rows = table.strip("\n").split("\n")
        assert len({outside_code(row).count("|") for row in rows}) == 1, rows


def outside_code(markdown: str) -> str:
    """The Markdown that GitHub renders as Markdown: backslash escapes (`\\|`, `\\``) made one
    neutral character, code spans and the Mermaid block left out, read left to right as CommonMark
    does: inside a code span a backslash is itself (`` `www.x\\` `` ends at its second backtick)."""
    markdown = re.sub(r"```mermaid\n.*?\n```", "", markdown, flags=re.S)
    out, at = [], 0
    while at < len(markdown):
        char = markdown[at]
        if char == "\\" and at + 1 < len(markdown):
            out.append("\x00")
            at += 2
        elif char == "`":
            run = re.match(r"`+", markdown[at:]).group()  # type: ignore[union-attr]
            close = re.compile(rf"(?<!`){run}(?!`)").search(markdown, at + len(run))
            if close is None:  # no closing run: the backticks are text
                out.append(run)
                at += len(run)
            else:
                at = close.end()
        else:
            out.append(char)
            at += 1
    return "".join(out)


def check_cache(entries: list[tuple[str, bytes, bool]], folder: Path) -> None:
    """Planted and broken cache entries never change a result, never run code, never take long."""
    import time

    from planlint.run import cache as cache_module
    from planlint.run.engine import lint

    plan = folder / "plan"
    plan.mkdir(exist_ok=True)
    (plan / "good.plan").write_bytes(b"team a {\n  produces x.y = 1\n}\nteam b {\n  consumes x.y = 2\n}\n")
    (plan / "bad.plan").write_bytes(b"team c {\n  produces x.z = 5m\n}\n")
    expected = [f.sort_key() for f in lint([plan], DEFAULT.with_overrides(cache=False), cwd=plan).findings]
    config = DEFAULT.with_overrides(cache_dir=folder / "cache")
    lint([plan], config, cwd=plan)  # the cache folder, its secret and real entries
    cache = cache_module.Cache.for_project(plan, folder / "cache")
    secret = cache._trusted_secret(create=False)
    runs = sorted(path.name for path in cache.folder.glob("run-*.pickle"))  # each run's own entry
    for name, payload, signed in entries:
        name = runs[0] if name == "RUN" and runs else name
        tag = cache._tag(secret, name, payload) if signed and secret else b"\0" * 32
        (cache.folder / name).write_bytes(cache_module._MAGIC + tag + payload)
    started = time.process_time()  # CPU, not the clock: a campaign may run under nice beside other work
    found = [f.sort_key() for f in lint([plan], config, cwd=plan).findings]
    assert time.process_time() - started < 2, "a cache entry took seconds to refuse"
    assert found == expected, "a cache entry changed the findings"
