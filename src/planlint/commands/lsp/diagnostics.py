"""Findings as the editor's diagnostics: one per finding on the file, its code linked to the rule's page."""

from __future__ import annotations

from lsprotocol import types

from planlint.commands.lsp.positions import location, span_range
from planlint.commands.lsp.workspace import Snapshot
from planlint.rulebook.finding import Finding, Severity
from planlint.rulebook.registry import load_rules

# Where a built-in rule's documentation is read: its module, whose docstring `planlint explain CODE` prints.
RULE_DOCS = "https://github.com/planlint/planlint/blob/main/rules/{module}.py"
SOURCE = "planlint"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def diagnostics(snapshot: Snapshot, shown: str, documentation: dict[str, str]) -> list[types.Diagnostic]:
    """The findings located in the file shown as `shown`; `documentation` maps codes to their pages."""
    return [_diagnostic(snapshot, finding, documentation.get(finding.code)) for finding in snapshot.findings_in(shown)]


def rule_pages() -> dict[str, str]:
    """Each built-in rule's code and the address of its documentation (plugins' rules have none)."""
    pages = {}
    for rule in load_rules().rules:
        module = type(rule).__module__
        if module.startswith("planlint.rules."):
            pages[rule.code] = RULE_DOCS.format(module=module.rpartition(".")[2])
    return pages


def _diagnostic(snapshot: Snapshot, finding: Finding, page: str | None) -> types.Diagnostic:
    message = finding.message + (f"\nhelp: {finding.help}" if finding.help else "")
    return types.Diagnostic(
        range=span_range(snapshot, finding.span),
        message=message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=page) if page else None,
        source=SOURCE,
        related_information=[
            types.DiagnosticRelatedInformation(location(snapshot, related.span), related.message)
            for related in finding.related
        ]
        or None,
        data={"rule": finding.rule, "subject": finding.subject},
    )
