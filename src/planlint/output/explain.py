"""How `planlint explain` looks in a terminal: rule documents, the rule table and trees.

Colour comes from `click.style`, only when the caller asks for it (a terminal);
box-drawing characters only when the output is UTF-8, else `|--` and friends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import click

from planlint.output.escape import terminal_lines
from planlint.output.terminal import SEVERITY_COLORS

if TYPE_CHECKING:  # the data module pulls in the evaluator; a rule's page does not need it
    from planlint.analysis.trace import (
        AssumptionExplanation,
        Consumer,
        GoalStatus,
        Location,
        Producer,
        Step,
        Swing,
    )
    from planlint.rulebook.finding import Finding

_GOOD = {"fits", "met", "same-definition"}
_MIXED = {"partly", "partly met", "unverifiable", "unknown", "needs", "no-value"}
_ASCII = str.maketrans({"×": "x", "÷": "/", "±": "+/-", "…": "...", "≥": ">=", "≤": "<="})  # `2.08x`


@dataclass
class NameExplanation:
    """An assumption's story (`planlint explain NAME`) and the findings about it."""

    story: AssumptionExplanation
    findings: list[Finding]

    def to_json(self) -> dict[str, Any]:
        return {**self.story.to_json(), "findings": [f.to_dict() for f in self.findings]}


@dataclass
class LineExplanation:
    """The findings on one line (`planlint explain PATH:LINE`) and the names they are about."""

    path: str
    line: int
    findings: list[Finding]
    explanations: list[NameExplanation]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "findings": [f.to_dict() for f in self.findings],
            "explanations": [e.to_json() for e in self.explanations],
        }


class Painter:
    """Styles text when colour is on, and draws trees in Unicode or ASCII."""

    def __init__(self, color: bool, unicode: bool) -> None:
        self.color = color
        self.unicode = unicode
        self.tee, self.corner, self.bar, self.blank = (
            ("├── ", "└── ", "│   ", "    ") if unicode else ("|-- ", "`-- ", "|   ", "    ")
        )

    def style(self, text: str, **how: Any) -> str:
        # Our own escape sequences wait as _OURS until `finish`, which shows every control character
        # of the plan's text (a file name, an owner, a quoted definition) rather than obeying it.
        if not (self.color and text):
            return text
        return click.style(terminal_lines(text), **how).replace("\x1b", _OURS)

    def bold(self, text: str) -> str:
        return self.style(text, bold=True)

    def dim(self, text: str) -> str:
        return self.style(text, dim=True)

    def heading(self, text: str) -> str:
        return self.style(text, bold=True, underline=True)

    def status(self, text: str, status: str) -> str:
        color = "green" if status in _GOOD else "yellow" if status in _MIXED else "red"
        return self.style(text, fg=color, bold=True)

    def finish(self, text: str) -> str:
        """The whole output: the plan's control characters shown (`\\x1b`), our colours put back, and
        symbols an ASCII terminal cannot show spelt out."""
        text = terminal_lines(text)
        if self.color:
            text = text.replace(_OURS, "\x1b")
        return text if self.unicode else text.replace(" × ", " * ").translate(_ASCII)


# A lone surrogate below \udc80: no strictly decoded plan file, file name (surrogateescape gives
# \udc80 to \udcff) or setting can hold it, so it stands for the escapes of our styles alone.
_OURS = "\udc1b"


def either(items: list[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# Rules ------------------------------------------------------------------------


def rule_title(doc: dict[str, Any]) -> str:
    """`PL102 value-mismatch (error, groups: interlock, from planlint)`."""
    details = [doc["severity"]]
    if not doc["enabled_by_default"]:
        details.append("off by default")
    if doc["groups"]:
        details.append("groups: " + ", ".join(doc["groups"]))
    details.append(f"from {doc['origin']}")
    return f"{doc['code']} {doc['name']} ({', '.join(details)})"


def rule_document(doc: dict[str, Any], painter: Painter) -> str:
    """The rule's Markdown documentation drawn for a terminal: headings, text, plan examples."""
    lines = [painter.bold(rule_title(doc)), ""]
    body = doc["documentation"].splitlines()
    gutter = painter.dim("│ " if painter.unicode else "| ")
    in_code = False
    for raw in body:
        stripped = raw.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            lines.append(f"    {gutter}{raw}".rstrip())
            continue
        heading = re.fullmatch(r"(?:\*\*(.+)\*\*|#+\s*(.+))", stripped)
        if heading:
            if lines[-1]:
                lines.append("")
            lines.append(painter.heading((heading.group(1) or heading.group(2)).strip()))
        elif stripped:
            lines.append("  " + _inline(stripped, painter))
        elif lines[-1]:
            lines.append("")
    return painter.finish("\n".join(lines).rstrip() + "\n")


def _inline(text: str, painter: Painter) -> str:
    """`code` shown plainly, **bold** bold, without the Markdown marks."""
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return re.sub(r"\*\*([^*]+)\*\*", lambda m: painter.bold(m.group(1)), text)


def rule_table(rows: list[dict[str, Any]], painter: Painter) -> str:
    """Every rule: code, name, default severity, on or off by default, origin, summary."""
    header = ["code", "name", "severity", "default", "origin", "summary"]
    cells = [
        [r["code"], r["name"], r["severity"], "on" if r["enabled_by_default"] else "off", r["origin"], r["summary"]]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header) - 1)]

    def line(row: list[str]) -> str:
        return "  ".join([cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]).rstrip()

    lines = [painter.bold(line(header))] + [line(row) for row in cells]
    lines.append(painter.dim(f"{len(rows)} rules; `planlint explain CODE` shows one in full."))
    return painter.finish("\n".join(lines) + "\n")


# Trees ------------------------------------------------------------------------

Entry = tuple[int, str]  # (depth, text); text may hold several lines


def draw_tree(entries: list[Entry], painter: Painter) -> str:
    """Draw pre-ordered (depth, text) entries with connectors; depth 0 is a root."""
    last = _last_siblings([depth for depth, _ in entries])
    lines: list[str] = []
    more: list[bool] = []  # more[k]: the ancestor at depth k has siblings below it
    for index, (depth, text) in enumerate(entries):
        del more[depth:]
        more.extend([False] * (depth - len(more)))
        more.append(not last[index])
        head = "".join(painter.dim(painter.bar) if flag else painter.blank for flag in more[1:depth])
        connector = "" if depth == 0 else painter.dim(painter.corner if last[index] else painter.tee)
        first, *rest = text.split("\n")
        lines.append((head + connector + first).rstrip())
        has_children = index + 1 < len(entries) and entries[index + 1][0] > depth
        below = "" if depth == 0 else head + (painter.blank if last[index] else painter.dim(painter.bar))
        hang = painter.dim(painter.bar[:2]) if has_children else "  "
        lines += [(below + hang + extra).rstrip() for extra in rest]
    return "\n".join(lines)


def _last_siblings(depths: list[int]) -> list[bool]:
    """For each entry, whether no later sibling follows it under the same parent."""
    last = [True] * len(depths)
    seen: list[bool] = []  # seen[d]: a sibling at depth d follows (scanning backwards)
    for index in range(len(depths) - 1, -1, -1):
        depth = depths[index]
        del seen[depth + 1 :]
        seen.extend([False] * (depth + 1 - len(seen)))
        last[index] = not seen[depth]
        seen[depth] = True
    return last


# Assumptions ------------------------------------------------------------------


def assumption(explanation: NameExplanation, painter: Painter) -> str:
    return painter.finish(draw_tree(assumption_entries(explanation, painter), painter) + "\n")


def assumption_entries(explained: NameExplanation, painter: Painter, depth: int = 0) -> list[Entry]:
    e, findings = explained.story, explained.findings
    if e.value is not None:
        root = f"{painter.bold(e.name)} = {painter.bold(e.value)}"
        root += " from what its producers deliver" if e.derivation else ""
    elif e.reason is not None:
        root = f"{painter.bold(e.name)}: {painter.status('no value', 'fails')} ({e.reason})"
    else:
        root = painter.bold(e.name)
    entries: list[Entry] = [(depth, root), (depth + 1, painter.bold("produced by"))]
    entries += [(depth + 2, _producer(p, painter)) for p in e.producers] or [(depth + 2, "nobody produces it")]
    entries.append((depth + 1, painter.bold("consumed by")))
    entries += [(depth + 2, _consumer(c, painter)) for c in e.consumers] or [(depth + 2, "nobody consumes it")]
    if e.derivation:
        entries.append((depth + 1, painter.bold("derivation")))
        for step in e.derivation:
            entries.append((depth + 2 + step.depth, _step(step, painter)))
            entries += [(depth + 3 + step.depth, _consumer(c, painter)) for c in step.assumptions]
    if e.goals:
        entries.append((depth + 1, painter.bold("goals")))
        for goal in e.goals:
            entries += _goal(e.name, goal, painter, depth + 2)
    if e.sensitivity:
        entries.append((depth + 1, painter.bold("sensitivity") + ": each input alone, over its range or ± the spread"))
        entries += [(depth + 2, row) for row in sensitivity_table(e.sensitivity, painter)]
    entries.append((depth + 1, painter.bold("findings")))
    for finding in findings:
        entries += _finding(finding, painter, depth + 2)
    if not findings:
        entries.append((depth + 2, "none about it"))
    return entries


def _where(location: Location) -> str:
    return f"{location.path}:{location.line}"


def _producer(p: Producer, painter: Painter) -> str:
    text = f"{p.team} {p.kind} it" + (f" = {p.as_written}" if p.as_written else "")
    text += f" by {p.by}" if p.by else ""
    if p.kind == "derives" and p.value and p.value != p.as_written:
        text += f" = {p.value}"
    text += "  " + painter.dim(_where(p.location))
    if not p.counts:
        text += "\n" + painter.status("ignored", "partly") + ": the first producer in path order counts"
    return text


_STATUS_WORDS = {
    "fits": "fits",
    "partly": "only partly fits",
    "fails": "does not fit",
    "definition-mismatch": "a different definition",
    "same-definition": "same definition",
    "unresolved": "nobody produces it",
    "unknown": "cannot be checked: its value cannot be computed",
    "no-value": "its producer states no value",
}


def _consumer(c: Consumer, painter: Painter) -> str:
    timing = ""
    if c.timing:  # "needed by 2027-Q3, delivered by 2027-06-30: in time"
        late = "late" in c.timing or "no delivery" in c.timing
        timing = painter.status(c.timing, "fails") if late else c.timing
    if c.kind == "derives":
        text = f"{c.team} derives {c.derives} from it"
        if c.status == "unresolved":
            text += ": " + painter.status("nobody produces it", c.status)
    elif c.assumes is None:
        text = f"{c.team} needs it" + (
            "" if c.status == "needs" else ": " + painter.status(_STATUS_WORDS.get(c.status, c.status), c.status)
        )
    elif c.status == "unit-mismatch":
        text = f"{c.team} assumes {c.assumes}: " + painter.status(f"cannot be compared with {c.delivered}", c.status)
    else:
        text = f"{c.team} assumes {c.assumes}" + (f", gets {c.delivered}" if c.delivered else "")
        text += ": " + painter.status(_STATUS_WORDS.get(c.status, c.status), c.status)
        if c.ratio is not None:
            text += f", {c.ratio} what is delivered"
    if timing:
        text += "; " + timing
    return text + "  " + painter.dim(_where(c.location))


def _step(step: Step, painter: Painter) -> str:
    name = painter.bold(step.name)
    if step.kind == "repeat":
        return f"{name} = {step.value or '?'} (shown above)"
    if step.kind == "deeper":
        return f"{name}: derived further (deeper steps are not drawn; explain {step.name} to see them)"
    if step.kind == "unresolved":
        return f"{name}: " + painter.status("nobody produces it", "fails")
    parts = [name]
    if step.formula is not None:
        parts.append(step.formula)
    if step.substituted is not None:
        parts.append(step.substituted)
    parts.append(painter.bold(step.value or "?"))
    where = cast("Location", step.location)  # a derived or input step always has its producer's location
    who = f"{step.team} {'derives' if step.kind == 'derived' else 'produces'} it, {_where(where)}"
    return " = ".join(parts) + "  " + painter.dim(who)


def _goal(name: str, goal: GoalStatus, painter: Painter, depth: int) -> list[Entry]:
    text = f"goal {name} {goal.target} ({goal.team}, {_where(goal.location)}): "
    if goal.status in ("unverifiable", "not comparable"):
        text += (
            painter.status("cannot be checked" if goal.status == "unverifiable" else "cannot be compared", goal.status)
            + f": {goal.reason}"
        )
    else:
        text += painter.status(goal.status, goal.status) + f": {goal.value}, {goal.measured}"
    entries: list[Entry] = [(depth, text)]
    if goal.closing:
        entries.append((depth + 1, "any one of these alone would close the gap:"))
        for c in goal.closing:
            now = ", ".join(part for part in (f"now {c.now}", c.change) if part)
            entries.append((depth + 2, f"{painter.bold(f'{c.name} {c.needs}')} ({now}; {c.team} produces it)"))
    if goal.drivers:
        entries.append((depth + 1, "driven by, largest impact first:"))
        for d in goal.drivers:
            why = f"{d.delivered} from {d.team}, {d.assumed_by} assumes {d.assumed}"
            entries.append((depth + 2, f"{painter.bold(d.name)} {d.impact}: {why}"))
    return entries


def sensitivity_table(rows: list[Swing], painter: Painter) -> list[str]:
    """The tornado table's lines: input, its low .. high, the metric at each end and the swing, largest first."""
    header = ["input", "low .. high", "metric at low", "metric at high", "swing"]
    cells = [[r.name, f"{r.low} .. {r.high}", r.metric_at_low, r.metric_at_high, r.swing] for r in rows]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()

    return [painter.bold(line(header))] + [line(row) for row in cells]


def _finding(f: Finding, painter: Painter, depth: int) -> list[Entry]:
    severity = f.severity.value
    head = painter.style(f"{f.code} {f.rule}", fg=SEVERITY_COLORS.get(severity), bold=True)
    text = f"{painter.dim(str(f.span))} {head} ({severity}): {f.message}"
    if f.help:
        text += f"\n{painter.bold('help')}: {f.help}"
    return [(depth, text)] + [(depth + 1, f"{painter.dim(str(r.span))}: {r.message}") for r in f.related]


# Lines ------------------------------------------------------------------------


def line(explanation: LineExplanation, painter: Painter) -> str:
    count = len(explanation.findings)
    header = f"{explanation.path}:{explanation.line}: " + (
        f"{count} finding{'s' if count != 1 else ''}" if count else "no findings"
    )
    entries: list[Entry] = [(0, painter.bold(header))]
    for finding in explanation.findings:
        entries += _finding(finding, painter, 1)
    blocks = [draw_tree(entries, painter)]
    blocks += [draw_tree(assumption_entries(e, painter), painter) for e in explanation.explanations]
    return painter.finish("\n\n".join(blocks) + "\n")
