"""Findings: what a rule reports, with a primary location and related ones."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from planlint.analysis.guidance import Guidance
from planlint.language.span import Span
from planlint.rulebook.fixes import Fix


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def names_rule(key: str, code: str, name: str) -> bool:
    """Whether `key` (from a configuration, a command line or an inline ignore) names the rule:
    by code or by name, in any case (`PL102`, `pl102`, `Value-Mismatch`)."""
    key = key.strip()
    return key.upper() == code or key.lower() == name


# Finding.sort_key: path, line, column, code, message, end line, end column, severity, help, subject,
# teams, related (span, message) pairs, fixes.
SortKey: TypeAlias = tuple[
    str, int, int, str, str, int, int, str, str, str, tuple[str, ...], tuple[tuple[Span, str], ...], tuple[Fix, ...]
]


@dataclass(frozen=True, slots=True)
class Related:
    """A second place a finding involves, e.g. the producer's line for a consumer's finding."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # "PL102"
    rule: str  # "value-mismatch"
    severity: Severity
    span: Span
    message: str
    help: str = ""
    related: tuple[Related, ...] = ()
    # What the finding is about, independent of line numbers: the assumption or
    # goal name and the teams involved. Fingerprints are built from these.
    subject: str = ""
    teams: tuple[str, ...] = field(default=())
    fixes: tuple[Fix, ...] = ()  # the edits that resolve it, when the rule knows them (see rulebook.fixes)
    # What the plan owner can do, as data (a goal's closing values and drivers); None: nothing to offer.
    guidance: Guidance | None = None

    @property
    def fingerprint(self) -> str:
        """Stable identity across edits elsewhere in the plan: never uses line numbers."""
        subject = self.subject or self.span.path
        key = "\x1f".join([self.rule, subject, *sorted(self.teams)])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def fixable(self, unsafe: bool = False) -> bool:
        """Whether `--fix` (with `--unsafe-fixes` when `unsafe`) has a fix for it."""
        return any(fix.applies(unsafe) for fix in self.fixes)

    def sort_key(self) -> SortKey:
        """Report order: by place, then rule and message. The other fields break the remaining ties,
        so the order never depends on the order in which rules (or processes) found them."""
        return (
            *self.place_key(),
            self.span.end_line,
            self.span.end_column,
            self.severity.value,
            self.help,
            self.subject,
            self.teams,
            tuple((related.span, related.message) for related in self.related),
            self.fixes,
        )

    def place_key(self) -> tuple[str, int, int, str, str]:
        """`sort_key`'s first fields: place, rule and message, which tell almost every two findings apart."""
        return (self.span.path, self.span.line, self.span.column, self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        """The finding as the JSON output format writes it (with `closing` and `drivers` when it
        carries guidance)."""
        found: dict[str, Any] = {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.span.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "message": self.message,
            "help": self.help,
            "related": [
                {
                    "path": r.span.path,
                    "line": r.span.line,
                    "column": r.span.column,
                    "end_line": r.span.end_line,
                    "end_column": r.span.end_column,
                    "message": r.message,
                }
                for r in self.related
            ],
            "subject": self.subject,
            "teams": list(self.teams),
            "fingerprint": self.fingerprint,
            "fixes": [fix.to_dict() for fix in self.fixes],
        }
        if self.guidance is not None:
            found.update(self.guidance.to_dict())
        return found


def in_report_order(findings: list[Finding]) -> list[Finding]:
    """`findings` sorted by `Finding.sort_key`. Place, rule and message (its first fields) tell almost
    every two findings apart: sorted by those first, a run that ties on them is then sorted by the
    whole key (10,276 findings: 0.024 s -> 0.014 s, in the serial tail of a run)."""
    places = [f.place_key() for f in findings]
    order = sorted(range(len(findings)), key=places.__getitem__)
    ordered: list[Finding] = []
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and places[order[end]] == places[order[start]]:
            end += 1
        if end - start == 1:
            ordered.append(findings[order[start]])
        else:
            ordered += sorted((findings[i] for i in order[start:end]), key=Finding.sort_key)
        start = end
    return ordered


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule as the outputs describe it (SARIF's rule table, `explain`)."""

    code: str  # "PL102"
    name: str  # "value-mismatch"
    summary: str  # one line
    documentation: str  # markdown: **What it does**, **Why is this bad?**, ...
    default_severity: Severity
    origin: str = "planlint"  # the package a plugin rule comes from
