"""How `planlint what-if` reads: the changes made, each goal before and after, and the findings the
change fixes, brings and leaves open; as text for a terminal or as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planlint.output import json_text
from planlint.output.escape import terminal_lines
from planlint.output.report import Report
from planlint.rulebook.finding import Finding

JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class Setting:
    """One `--set NAME=VALUE`, and what it replaced."""

    name: str
    value: str  # as given
    team: str  # the producer whose statement changed; "what-if" when one was added
    path: str
    line: int
    was: str  # the statement's value before (`16%`, `derived: leads.volume * 20%`, `nobody produced it`)


@dataclass(frozen=True, slots=True)
class GoalMove:
    """A goal whose metric depends on a changed name: its value and standing, before and after."""

    metric: str
    team: str
    target: str  # `>= $20M/year`
    before: str  # `$15.36M/year`, or why it has no value
    after: str
    status_before: str  # met, short, over, off target, partly met, unverifiable, not comparable
    status_after: str


@dataclass
class WhatIf:
    settings: list[Setting]
    goals: list[GoalMove]
    report: Report  # the check of the changed plan: its findings are what `check` would report
    fixed: list[Finding]
    new: list[Finding]
    still_open: list[Finding]


def render(name: str, what_if: WhatIf) -> str:
    return render_json(what_if) if name == "json" else render_text(what_if)


def render_text(what_if: WhatIf) -> str:
    lines = ["planlint what-if (nothing on disk changed):"]
    for s in what_if.settings:
        lines.append(f"  {s.name} = {s.value}  ({s.team}, {s.path}:{s.line}; was {s.was})")
    lines += ["", f"Goals ({len(what_if.goals)})"]
    for g in what_if.goals:
        move = f"{g.before}, {g.status_before} -> {g.after}, {g.status_after}"
        lines.append(f"  {g.metric} {g.target} ({g.team}): {move}")
    for title, findings in (
        ("Fixed findings", what_if.fixed),
        ("New findings", what_if.new),
        ("Still open", what_if.still_open),
    ):
        lines += ["", f"{title} ({len(findings)})"]
        for f in findings:
            lines.append(f"  {f.span.path}:{f.span.line}: {f.code} [{f.severity.value}] {_one_line(f.message)}")
            if f.help and findings is not what_if.fixed:
                lines.append(f"    help: {_one_line(f.help)}")
    return terminal_lines("\n".join(lines)) + "\n"  # a plan's control characters shown, not obeyed


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def render_json(what_if: WhatIf) -> str:
    document: dict[str, Any] = {
        "version": JSON_VERSION,
        "settings": [
            {"name": s.name, "value": s.value, "team": s.team, "path": s.path, "line": s.line, "was": s.was}
            for s in what_if.settings
        ],
        "findings": [f.to_dict() for f in what_if.report.findings],
        "fixed": [f.to_dict() for f in what_if.fixed],
        "new": [f.to_dict() for f in what_if.new],
        "still_open": [f.to_dict() for f in what_if.still_open],
        "goals": [
            {
                "metric": g.metric,
                "team": g.team,
                "target": g.target,
                "before": g.before,
                "after": g.after,
                "status_before": g.status_before,
                "status_after": g.status_after,
            }
            for g in what_if.goals
        ],
        "summary": what_if.report.summary(),
    }
    return json_text.dumps(document) + "\n"
