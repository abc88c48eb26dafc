"""JUnit XML, for CI systems that show test reports but nothing else (Jenkins,
Azure Pipelines, GitLab's test tab): each finding is a test case, errors and
warnings fail it, and a clean run is one passing case so the run is visible."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from planlint.output.formats._common import TOOL_NAME, details, where
from planlint.output.report import Report
from planlint.rulebook.finding import Finding, Severity

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)


def _testcase(suite: ET.Element, f: Finding) -> bool:
    """Add the finding's test case; True when it fails."""
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "classname": _clean(f.span.path),
            "name": f"{f.code} {f.span.line}:{f.span.column}",
            "file": _clean(f.span.path),
            "line": str(f.span.line),
            "time": "0",
        },
    )
    body = _clean("\n".join([f"{where(f.span)}: {f.code} [{f.severity.value}] {f.message}", *details(f)]))
    if f.severity is Severity.INFO:
        ET.SubElement(case, "system-out").text = body
        return False
    failure = ET.SubElement(case, "failure", {"message": _clean(f.message), "type": f.rule})
    failure.text = body
    return True


def render(report: Report, *, color: bool = False) -> str:
    """<testsuites> holding one <testsuite name="planlint">; colour is ignored."""
    root = ET.Element("testsuites", {"name": TOOL_NAME})
    suite = ET.SubElement(root, "testsuite", {"name": TOOL_NAME})
    failures = sum(_testcase(suite, f) for f in report.findings)
    if not report.findings:
        ET.SubElement(suite, "testcase", {"classname": TOOL_NAME, "name": TOOL_NAME, "time": "0"})
    tests = max(len(report.findings), 1)
    for element in (root, suite):
        element.attrib.update(tests=str(tests), failures=str(failures), errors="0", time="0")
    suite.set("skipped", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
