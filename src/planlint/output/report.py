"""What one run of planlint found, in the shape every output format reads.

Pure data, standard library only: the output formats must not reach back into
the parser, the graph or the rule registry, so the CLI (or any other caller)
collects everything a format may need here, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from planlint.rulebook.finding import Finding, RuleInfo, Severity


def _no_source(path: str, line: int) -> str | None:
    """Default for Report.source_lines: no source text, so no snippets."""
    return None


def _package_version() -> str:
    # Imported when a Report is built, not when this module is: planlint's
    # __init__ may well import this module, and a top-level import would cycle.
    import planlint

    return getattr(planlint, "__version__", "0")


@dataclass(slots=True)
class Report:
    """The findings of one run plus the context the formats need to render them."""

    findings: list[Finding]  # already sorted (Finding.sort_key)
    files_checked: int
    rules: dict[str, RuleInfo]  # keyed by code; every rule that was enabled
    fail_on: Severity = Severity.ERROR
    # Text of line N (1-based) of a file, without its line ending; None when
    # unknown. Only the text format's snippets and rdjson's byte columns use it.
    source_lines: Callable[[str, int], str | None] = _no_source
    tool_version: str = field(default_factory=_package_version)

    def counts(self) -> dict[Severity, int]:
        """How many findings of each severity, every severity present (0 if none)."""
        result = {severity: 0 for severity in Severity}
        for finding in self.findings:
            result[finding.severity] += 1
        return result

    @property
    def failed(self) -> bool:
        """True when any finding reaches the failure threshold: the exit status is 1."""
        return any(f.severity.rank >= self.fail_on.rank for f in self.findings)

    def summary(self) -> dict[str, int | bool]:
        """The run's totals, as the JSON output writes them."""
        counts = self.counts()
        return {
            "files": self.files_checked,
            "findings": len(self.findings),
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "infos": counts[Severity.INFO],
            "failed": self.failed,
        }
