"""The output formats, field by field, and the machine ones against their schemas."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from planlint.language.span import Span
from planlint.output.escape import github_message, github_property
from planlint.output.formats import FORMATS, render, resolve_auto
from planlint.output.report import Report, RuleInfo
from planlint.rulebook.finding import Finding, Related, Severity
from planlint.run import atomic as _atomic
from planlint.run.atomic import write_atomic

REPO = Path(__file__).resolve().parents[1]
SHARED_SCHEMAS = REPO.parent / "shared" / "schemas"
LOCAL_SCHEMAS = Path(__file__).resolve().parent / "schemas"
OUTPUT_SCHEMA = REPO / "src" / "planlint" / "schemas" / "output.schema.json"

SOURCES = {
    ("sales.plan", 7): "  consumes leads.avg_deal_value = $50k",
    ("sales.plan", 9): "\tconsumes leads.win_rate = 20%",
    ("marketing.plan", 4): "  produces leads.avg_deal_value = $24k",
    ("plans/ünï team.plan", 2): "  consumes ünï.värde = €10M",
}
UNICODE_LINE = SOURCES[("plans/ünï team.plan", 2)]
EURO = UNICODE_LINE.index("€") + 1  # 1-based column of "€10M"

ERROR = Finding(
    code="PL102",
    rule="value-mismatch",
    severity=Severity.ERROR,
    span=Span("sales.plan", 7, 3, 7, 39),
    message="sales assumes leads.avg_deal_value = $50k, 2.08× what marketing produces ($24k)",
    help="align the assumption with what marketing produces, or agree a new target",
    related=(Related(Span("marketing.plan", 4, 3, 4, 39), "marketing produces $24k here"),),
    subject="leads.avg_deal_value",
    teams=("sales", "marketing"),
)
WARNING = Finding(
    code="PL104",
    rule="timing-mismatch",
    severity=Severity.WARNING,
    span=Span("sales.plan", 9, 2, 9, 31),
    message="part of the range misses",
    subject="leads.win_rate",
    teams=("sales",),
)
INFO = Finding(
    code="PL110",
    rule="unused-assumption",
    severity=Severity.INFO,
    span=Span("nowhere.plan", 3, 1, 3, 5),
    message="produced, consumed by nobody",
    subject="marketing.mqls",
)
UNICODE = Finding(
    code="PL103",
    rule="unit-mismatch",
    severity=Severity.ERROR,
    span=Span("plans/ünï team.plan", 2, EURO, 2, EURO + 4),
    message="€10M ≠ $12M: teams a, b disagree\n100% sure, 50%0A",
    help="say both in one currency: USD, or EUR",
    related=(Related(Span("plans/ünï team.plan", 5, 1, 6, 2), "other side: here, or there"),),
    subject="ünï.värde",
    teams=("a", "b"),
)
FINDINGS = [INFO, UNICODE, ERROR, WARNING]  # sorted by path, as the engine hands them over

RULES = {
    "PL104": RuleInfo(
        "PL104",
        "timing-mismatch",
        "The producer delivers too late.",
        "**What it does**\n\nChecks dates.",
        Severity.ERROR,
    ),
    "PL102": RuleInfo(
        "PL102",
        "value-mismatch",
        "Producer and consumer disagree.",
        "**What it does**\n\nCompares values.",
        Severity.ERROR,
        origin="planlint",
    ),
}


def source_lines(path: str, line: int) -> str | None:
    return SOURCES.get((path, line))


def make_report(findings=None, **kw) -> Report:
    kw.setdefault("files_checked", 5)
    return Report(
        findings=list(FINDINGS if findings is None else findings),
        rules=RULES,
        source_lines=source_lines,
        tool_version="9.9.9",
        **kw,
    )


def schema(name: str) -> dict:
    base = SHARED_SCHEMAS if (SHARED_SCHEMAS / name).exists() else LOCAL_SCHEMAS
    if not (base / name).exists():
        pytest.skip(f"schema {name} not found")
    return json.loads((base / name).read_text(encoding="utf-8"))


# --- Report -----------------------------------------------------------------


def test_report_counts_summary_and_failed():
    report = make_report()
    assert report.counts() == {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 1}
    assert report.summary() == {"files": 5, "findings": 4, "errors": 2, "warnings": 1, "infos": 1, "failed": True}
    assert not make_report([WARNING, INFO]).failed
    assert make_report([WARNING], fail_on=Severity.WARNING).failed
    assert make_report([INFO], fail_on=Severity.INFO).failed
    assert not make_report([]).failed
    assert make_report([]).counts() == {s: 0 for s in Severity}


def test_report_defaults():
    report = Report(findings=[], files_checked=0, rules={})
    assert report.fail_on is Severity.ERROR
    assert report.source_lines("a.plan", 1) is None
    import planlint

    assert report.tool_version == planlint.__version__


# --- registry ---------------------------------------------------------------


def test_registry():
    assert set(FORMATS) == {"text", "concise", "json", "sarif", "github", "rdjson", "gitlab", "junit"}
    assert render("json", make_report()) == FORMATS["json"](make_report())
    with pytest.raises(ValueError, match="unknown output format 'yaml'"):
        render("yaml", make_report())


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"GITHUB_ACTIONS": "true"}, "github"),
        ({"GITHUB_ACTIONS": "false"}, "text"),
        ({}, "text"),
    ],
)
def test_resolve_auto(env, expected):
    assert resolve_auto(env) == expected


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_renders_empty_and_full(name):
    for report in (make_report([]), make_report()):
        out = render(name, report)
        assert out.endswith("\n") and not out.endswith("\n\n")


def test_importing_formats_is_lazy():
    code = (
        "import sys\n"
        "import planlint.output.formats as f\n"
        "bad = [m for m in ('json', 'xml', 'xml.etree.ElementTree', 'click', 'planlint.output.formats.json_',"
        " 'planlint.output.formats.junit', 'planlint.output.formats.sarif', 'planlint.output.formats.text') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "from planlint.output.report import Report\n"
        "f.render('text', Report([], 1, {}))\n"
        "bad = [m for m in ('json', 'xml.etree.ElementTree', 'click', 'planlint.output.formats.sarif') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# --- text -------------------------------------------------------------------


def test_text_error_block():
    out = render("text", make_report([ERROR], files_checked=2))
    assert out == (
        "sales.plan:7:3: PL102 sales assumes leads.avg_deal_value = $50k, 2.08× what marketing"
        " produces ($24k)\n"
        "  |\n"
        "7 |   consumes leads.avg_deal_value = $50k\n"
        "  |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  = help: align the assumption with what marketing produces, or agree a new target\n"
        "  --> marketing.plan:4:3: marketing produces $24k here\n"
        "\n"
        "Found 1 error in 2 files.\n"
    )


def test_text_full_report_layout():
    out = render("text", make_report())
    blocks = out.split("\n\n")
    assert len(blocks) == 5
    assert blocks[0] == "nowhere.plan:3:1: PL110 produced, consumed by nobody"  # no source: no snippet
    assert blocks[-1] == "Found 2 errors, 1 warning and 1 info in 5 files.\n"
    # the unicode message's second line is indented under the header
    assert blocks[1].splitlines()[1] == "  100% sure, 50%0A"
    assert "\x1b[" not in out


def test_text_tab_expanded_caret_aligned():
    lines = render("text", make_report([WARNING])).splitlines()
    assert lines[2] == "9 |     consumes leads.win_rate = 20%"
    assert lines[3] == "  |     " + "^" * len("consumes leads.win_rate = 20%")


def test_text_caret_under_unicode_and_wide_characters():
    block = render("text", make_report([UNICODE])).split("\n\n")[0].splitlines()
    source, carets = block[3], block[4]
    assert source.index("€") == carets.index("^") and carets.count("^") == 4
    wide = replace(ERROR, span=Span("w.plan", 1, 3, 1, 5), related=(), help="")
    lines = render("text", replace(make_report([wide]), source_lines=lambda p, n: "全角ab")).splitlines()
    assert lines[2] == "1 | 全角ab"
    assert lines[3] == "  |     ^^"


@pytest.mark.parametrize(
    ("line", "caret"),
    [
        ("a±b=c", "  |    ^"),  # `±` (U+00B1), as in tolerances: one cell
        ("a\u02ffb=c", "  |    ^"),  # the last character before the combining marks: one cell
        ("ae\u0301b=c", "  |   ^"),  # a combining mark (U+0301) takes no cell: the caret one to the left
        ("a€b=c", "  |    ^"),
    ],
)
def test_text_caret_counts_the_cells_of_characters_past_ascii(line: str, caret: str) -> None:
    finding = replace(ERROR, span=Span("s.plan", 1, 4, 1, 5), related=(), help="")
    lines = render("text", replace(make_report([finding]), source_lines=lambda p, n: line)).splitlines()
    assert lines[2:4] == [f"1 | {line}", caret]


@pytest.mark.parametrize(
    "span, caret",
    [
        (Span("s.plan", 1, 3, 4, 2), "  |   ^^^^"),  # several lines: to the end of the first
        (Span("s.plan", 1, 7, 1, 7), "  |       ^"),  # zero width at end of line: one caret
        (Span("s.plan", 1, 1, 1, 99), "  | ^^^^^^"),  # end past the line: clamped
    ],
)
def test_text_caret_edges(span, caret):
    finding = replace(ERROR, span=span, related=(), help="")
    report = replace(make_report([finding]), source_lines=lambda p, n: "ab\x1bcde")
    lines = render("text", report).splitlines()
    assert lines[2] == "1 | ab\ufffdcde"  # no raw control characters reach the terminal
    assert lines[3] == caret


def test_text_frame_shows_every_line_of_a_continued_statement():
    lines = {1: "  derive x.b = x.a +", 2: "    x.c *", 3: "      2  # two"}
    finding = replace(ERROR, span=Span("s.plan", 1, 3, 3, 8), related=(), help="")
    report = replace(make_report([finding]), source_lines=lambda p, n: lines.get(n))
    assert render("text", report).splitlines()[1:8] == [
        "  |",
        "1 |   derive x.b = x.a +",
        "  |   ^^^^^^^^^^^^^^^^^^",  # from the span's start to the end of its first line
        "2 |     x.c *",
        "  |     ^^^^^",  # a middle line: from its first character
        "3 |       2  # two",
        "  |       ^",  # the last line: to the span's end
    ]
    long = replace(finding, span=Span("s.plan", 1, 3, 40, 2))
    report = replace(make_report([long]), source_lines=lambda p, n: f"  line {n}")
    shown = render("text", report).splitlines()
    assert shown[1 + 2 * 6] == "  |   ^^^^^^" and shown[1 + 2 * 6 + 1] == "  | …"  # six lines, then the rest marked


def test_text_color_only_when_asked():
    plain = render("text", make_report())
    colored = render("text", make_report(), color=True)
    assert "\x1b[" not in plain
    assert "\x1b[31m" in colored and "\x1b[33m" in colored  # red error, yellow warning
    import click

    assert click.unstyle(colored) == plain


@pytest.mark.parametrize(
    "findings, files, expected",
    [
        ([], 5, "All checked: 5 files, no findings."),
        ([], 1, "All checked: 1 file, no findings."),
        ([ERROR], 1, "Found 1 error in 1 file."),
        ([ERROR, UNICODE, WARNING], 5, "Found 2 errors and 1 warning in 5 files."),
        ([WARNING, WARNING], 3, "Found 2 warnings in 3 files."),
        ([INFO, INFO, ERROR], 2, "Found 1 error and 2 infos in 2 files."),
    ],
    ids=["clean", "clean-one-file", "one-error", "errors-warning", "warnings", "error-infos"],
)
def test_summary_line(findings, files, expected):
    assert render("text", make_report(findings, files_checked=files)).splitlines()[-1] == expected
    assert render("concise", make_report(findings, files_checked=files)).splitlines()[-1] == expected


# --- concise ----------------------------------------------------------------


def test_concise():
    assert render("concise", make_report()).splitlines() == [
        "nowhere.plan:3:1: PL110 [info] produced, consumed by nobody",
        f"plans/ünï team.plan:2:{EURO}: PL103 [error] €10M ≠ $12M: teams a, b disagree 100% sure, 50%0A",
        "sales.plan:7:3: PL102 [error] " + ERROR.message,
        "sales.plan:9:2: PL104 [warning] part of the range misses",
        "Found 2 errors, 1 warning and 1 info in 5 files.",
    ]


# --- json -------------------------------------------------------------------


def test_json_shape_and_schema():
    out = render("json", make_report())
    assert "€10M" in out and out.startswith('{\n  "version": 1,')  # ensure_ascii off, indent 2
    doc = json.loads(out)
    assert list(doc) == ["version", "findings", "summary"]
    assert doc["findings"] == [f.to_dict() for f in FINDINGS]
    assert doc["summary"] == make_report().summary()
    output_schema = json.loads(OUTPUT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(output_schema)
    jsonschema.Draft202012Validator(output_schema).validate(doc)
    jsonschema.Draft202012Validator(output_schema).validate(json.loads(render("json", make_report([]))))


@pytest.mark.parametrize(
    "path, value",
    [
        (("findings", 0, "code"), "pl1"),
        (("findings", 0, "rule"), "Value_Mismatch"),
        (("findings", 0, "severity"), "fatal"),
        (("findings", 0, "line"), "3"),
        (("findings", 0, "extra"), 1),
        (("findings", 1, "related", 0, "extra"), 1),
        (("summary", "failed"), "yes"),
        (("version",), 2),
    ],
)
def test_json_schema_is_strict(path, value):
    doc = json.loads(render("json", make_report()))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    validator = jsonschema.Draft202012Validator(json.loads(OUTPUT_SCHEMA.read_text()))
    assert not validator.is_valid(doc)


def test_json_schema_requires_every_key():
    validator = jsonschema.Draft202012Validator(json.loads(OUTPUT_SCHEMA.read_text()))
    doc = json.loads(render("json", make_report()))
    for key in list(doc["findings"][0]):
        broken = json.loads(json.dumps(doc))
        del broken["findings"][0][key]
        assert not validator.is_valid(broken), key


# --- sarif ------------------------------------------------------------------


def test_sarif_validates_and_fields():
    doc = json.loads(render("sarif", make_report()))
    jsonschema.Draft4Validator(schema("sarif-2.1.0.json")).validate(doc)
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "planlint" and driver["version"] == "9.9.9"
    assert driver["informationUri"] == "https://github.com/planlint/planlint"
    # report.rules sorted by code, plus stubs for the codes findings use but it does not list
    assert [r["id"] for r in driver["rules"]] == ["PL102", "PL103", "PL104", "PL110"]
    assert driver["rules"][3]["name"] == "unused-assumption"
    assert driver["rules"][3]["defaultConfiguration"] == {"level": "note"}
    rule = driver["rules"][0]
    assert rule["name"] == "value-mismatch"
    assert rule["shortDescription"] == {"text": "Producer and consumer disagree."}
    assert rule["fullDescription"]["text"] == RULES["PL102"].documentation
    assert rule["help"] == {"text": RULES["PL102"].documentation, "markdown": RULES["PL102"].documentation}
    assert rule["defaultConfiguration"] == {"level": "error"}
    results = run["results"]
    assert [r["level"] for r in results] == ["note", "error", "error", "warning"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    err = results[2]
    assert err["message"]["text"] == ERROR.message + "\nhelp: " + ERROR.help
    assert err["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "sales.plan", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 3, "endLine": 7, "endColumn": 39},
    }
    assert err["relatedLocations"] == [
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "marketing.plan", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 4, "startColumn": 3, "endLine": 4, "endColumn": 39},
            },
            "message": {"text": "marketing produces $24k here"},
        }
    ]
    assert err["partialFingerprints"] == {"planlintFingerprint/v1": ERROR.fingerprint}
    assert "relatedLocations" not in results[3]
    uri = results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "plans/%C3%BCn%C3%AF%20team.plan"


def test_sarif_empty_and_absolute_path():
    doc = json.loads(render("sarif", make_report([])))
    jsonschema.Draft4Validator(schema("sarif-2.1.0.json")).validate(doc)
    assert doc["runs"][0]["results"] == []
    assert [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]] == ["PL102", "PL104"]
    absolute = replace(WARNING, span=Span("/srv/plans/a.plan", 1, 1, 1, 2))
    loc = json.loads(render("sarif", make_report([absolute])))["runs"][0]["results"][0]["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "file:///srv/plans/a.plan"}


# --- github -----------------------------------------------------------------


def test_github_escaping_rules():
    assert github_message("50% a:b, c\r\nd") == "50%25 a:b, c%0D%0Ad"
    assert github_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_annotations():
    lines = render("github", make_report()).splitlines()
    assert len(lines) == 5
    assert lines[0] == (
        "::notice file=nowhere.plan,line=3,col=1,endLine=3,endColumn=5,"
        "title=planlint PL110 (unused-assumption)::produced, consumed by nobody"
    )
    assert lines[2] == (
        "::error file=sales.plan,line=7,col=3,endLine=7,endColumn=39,"
        "title=planlint PL102 (value-mismatch)::"
        + ERROR.message
        + "%0Ahelp: "
        + ERROR.help
        + "%0Amarketing.plan:4:3: marketing produces $24k here"
    )
    assert lines[3].startswith("::warning file=sales.plan,line=9,col=2,")
    assert lines[4] == "Found 2 errors, 1 warning and 1 info in 5 files."


def test_github_escapes_message_and_properties():
    odd = replace(UNICODE, span=Span("a,b:c%.plan", 2, 1, 2, 3), related=())
    line = render("github", make_report([odd])).splitlines()[0]
    assert line.startswith("::error file=a%2Cb%3Ac%25.plan,line=2,")
    message = line.split("::", 2)[2]
    assert message == (
        "€10M ≠ $12M: teams a, b disagree%0A100%25 sure, 50%250A%0Ahelp: say both in one currency: USD, or EUR"
    )
    assert "\n" not in line and "\r" not in line


def test_github_multiline_span_has_no_columns():
    multi = replace(WARNING, span=Span("s.plan", 2, 4, 5, 1))
    line = render("github", make_report([multi])).splitlines()[0]
    assert line.startswith("::warning file=s.plan,line=2,endLine=5,title=")
    assert "col=" not in line and "endColumn=" not in line


# --- rdjson -----------------------------------------------------------------


def test_rdjson_validates_and_fields():
    doc = json.loads(render("rdjson", make_report()))
    jsonschema.Draft4Validator(schema("reviewdog-rdjson.json")).validate(doc)
    assert doc["source"] == {"name": "planlint", "url": "https://github.com/planlint/planlint"}
    diags = doc["diagnostics"]
    assert [d["severity"] for d in diags] == ["INFO", "ERROR", "ERROR", "WARNING"]
    err = diags[2]
    assert err["message"] == ERROR.message + "\nhelp: " + ERROR.help
    assert err["code"] == {"value": "PL102"}
    assert err["source"]["name"] == "planlint"
    assert err["location"] == {
        "path": "sales.plan",
        "range": {"start": {"line": 7, "column": 3}, "end": {"line": 7, "column": 39}},
    }
    assert err["related_locations"] == [
        {
            "message": "marketing produces $24k here",
            "location": {
                "path": "marketing.plan",
                "range": {"start": {"line": 4, "column": 3}, "end": {"line": 4, "column": 39}},
            },
        }
    ]
    assert "related_locations" not in diags[3]
    # columns are UTF-8 byte offsets: "ü", "ï", "ä" take two bytes each, "€" three
    start = diags[1]["location"]["range"]["start"]["column"]
    end = diags[1]["location"]["range"]["end"]["column"]
    assert start == len(UNICODE_LINE[: EURO - 1].encode()) + 1 == EURO + 3
    assert end - start == len("€10M".encode()) == 6
    # no source text known: character columns pass through
    assert diags[0]["location"]["range"]["start"]["column"] == 1


# --- gitlab -----------------------------------------------------------------


def test_gitlab_fields():
    issues = json.loads(render("gitlab", make_report()))
    assert isinstance(issues, list) and len(issues) == 4
    err = issues[2]
    assert set(err) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert err["check_name"] == "value-mismatch"
    assert err["description"] == f"PL102 {ERROR.message} (help: {ERROR.help})"
    assert err["fingerprint"] == ERROR.fingerprint
    assert err["location"] == {"path": "sales.plan", "lines": {"begin": 7, "end": 7}}
    assert [i["severity"] for i in issues] == ["info", "critical", "critical", "major"]
    assert "\n" not in issues[1]["description"]
    assert json.loads(render("gitlab", make_report([]))) == []


def test_gitlab_fingerprints_unique_and_stable():
    twin = replace(ERROR, span=Span("sales.plan", 30, 3, 30, 9))
    findings = [ERROR, twin, replace(ERROR, span=Span("sales.plan", 40, 1, 40, 2)), WARNING]
    prints = [i["fingerprint"] for i in json.loads(render("gitlab", make_report(findings)))]
    assert len(set(prints)) == len(prints) == 4
    assert prints[0] == ERROR.fingerprint and all(len(p) == 32 for p in prints)
    moved = [replace(f, span=f.span._replace(line=f.span.line + 3)) for f in findings]
    assert [i["fingerprint"] for i in json.loads(render("gitlab", make_report(moved)))] == prints


# --- junit ------------------------------------------------------------------


def test_junit_counts_and_cases():
    out = render("junit", make_report())
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1 and suites[0].get("name") == "planlint"
    for element in (root, suites[0]):
        assert (element.get("tests"), element.get("failures"), element.get("errors")) == ("4", "3", "0")
    cases = suites[0].findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("nowhere.plan", "PL110 3:1"),
        ("plans/ünï team.plan", f"PL103 2:{EURO}"),
        ("sales.plan", "PL102 7:3"),
        ("sales.plan", "PL104 9:2"),
    ]
    assert cases[0].find("failure") is None and "consumed by nobody" in cases[0].find("system-out").text
    failure = cases[2].find("failure")
    assert failure.get("message") == ERROR.message and failure.get("type") == "value-mismatch"
    assert "help: " + ERROR.help in failure.text and "marketing.plan:4:3" in failure.text
    assert cases[1].find("failure").get("message") == UNICODE.message  # newline survives


def test_junit_clean_run_and_unencodable_characters():
    root = ET.fromstring(render("junit", make_report([])).encode())
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")
    (case,) = suite.findall("testcase")
    assert case.get("name") == "planlint" and len(case) == 0
    nasty = replace(WARNING, message="bell\x07 here")
    root = ET.fromstring(render("junit", make_report([nasty])).encode())
    assert root.find("testsuite/testcase/failure").get("message") == "bell\ufffd here"


# --- write_atomic -----------------------------------------------------------


def test_write_atomic_new_and_replace(tmp_path):
    target = tmp_path / "report.sarif"
    write_atomic(target, "first\r\n€\n")
    assert target.read_bytes() == "first\r\n€\n".encode()
    os.chmod(target, 0o640)
    write_atomic(str(target), "second")
    assert target.read_text(encoding="utf-8") == "second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif"]


def test_write_atomic_failure_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "baseline.json"
    target.write_text("old", encoding="utf-8")

    def boom(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(_atomic.os, "replace", boom)
    with pytest.raises(OSError, match="disk on fire"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]  # no temp file left


def test_write_atomic_follows_symlink(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


# --- guidance: a goal's closing values and drivers ----------------------------------


def _seed_story_report() -> Report:
    from planlint.commands.check import make_report as report_of
    from planlint.run.config import DEFAULT
    from planlint.run.engine import lint_sources

    files = {
        "marketing.plan": "team marketing {\n  produces leads.volume = 4000 leads/year\n"
        "  produces leads.avg_deal_value = $24k\n  produces leads.win_rate = 16%\n}\n",
        "sales.plan": "team sales {\n  goal sales.revenue >= $20M/year\n  consumes leads.avg_deal_value = $50k\n"
        "  derive sales.revenue = leads.volume * leads.win_rate * leads.avg_deal_value\n}\n",
    }
    config = DEFAULT.with_overrides(cache=False)
    result = lint_sources([(name, text.encode()) for name, text in files.items()], config, REPO)
    return report_of(result, result.findings, config)


CLOSING_WORDS = "leads.avg_deal_value >= $31.25k (now $24k, +30%)"


def test_json_carries_closing_values_and_drivers():
    doc = json.loads(render("json", _seed_story_report()))
    jsonschema.Draft202012Validator(json.loads(OUTPUT_SCHEMA.read_text())).validate(doc)
    shortfall, mismatch = doc["findings"]
    assert shortfall["closing"] == [
        {
            "name": "leads.volume",
            "op": ">=",
            "value": "5,208.34 leads/year",
            "now": "4,000 leads/year",
            "team": "marketing",
        },
        {"name": "leads.win_rate", "op": ">=", "value": "20.84%", "now": "16%", "team": "marketing"},
        {"name": "leads.avg_deal_value", "op": ">=", "value": "$31.25k", "now": "$24k", "team": "marketing"},
    ]
    assert shortfall["drivers"] == [
        {
            "name": "leads.avg_deal_value",
            "assumed": "= $50k",
            "delivered": "$24k",
            "impact": "-$16.64M/year",
            "team": "marketing",
        }
    ]
    assert "closing" not in mismatch and "drivers" not in mismatch  # only findings that carry guidance


@pytest.mark.parametrize(
    "key, value",
    [("op", "="), ("value", ""), ("name", 5), ("extra", 1)],
)
def test_json_schema_is_strict_about_closing_values(key, value):
    doc = json.loads(render("json", _seed_story_report()))
    doc["findings"][0]["closing"][0][key] = value
    assert not jsonschema.Draft202012Validator(json.loads(OUTPUT_SCHEMA.read_text())).is_valid(doc)


def test_sarif_and_rdjson_carry_the_closing_values_in_the_help():
    report = _seed_story_report()
    sarif = json.loads(render("sarif", report))
    jsonschema.Draft4Validator(schema("sarif-2.1.0.json")).validate(sarif)
    result = sarif["runs"][0]["results"][0]
    assert CLOSING_WORDS in result["message"]["text"].split("\nhelp: ")[1]
    assert result["properties"]["closing"][2]["value"] == "$31.25k"
    rdjson = json.loads(render("rdjson", report))
    jsonschema.Draft4Validator(schema("reviewdog-rdjson.json")).validate(rdjson)
    assert CLOSING_WORDS in rdjson["diagnostics"][0]["message"].split("\nhelp: ")[1]
    for name in ("text", "github", "gitlab", "junit"):  # concise is one line: no help
        assert "20.84%" in render(name, report), name
