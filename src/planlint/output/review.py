"""A review as text for a terminal, Markdown for a pull request comment, or JSON.

The Markdown is made for `gh pr comment --body-file`: a hidden marker (so a
CI job can find and update its earlier comment), a summary table, sections,
and a Mermaid graph of the changed assumptions and who relies on them, which
GitHub and GitLab both render. Everything a plan owner wrote is escaped, and
`$` in particular, which GitHub would otherwise read as the start of maths.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from planlint.analysis.evaluate import FAILS, FITS
from planlint.analysis.impact import UNCHECKED, Change, Notice, Reliance, reliance_reason, status_words
from planlint.language.wording import plural
from planlint.model.plan import Derive
from planlint.output.mermaid import Ids as _Ids
from planlint.output.mermaid import label as _label
from planlint.output.mermaid import one_line as _one_line
from planlint.rulebook.finding import Finding, Severity
from planlint.rulebook.fixes import SAFE, UNSAFE, Edit, Fix, apply_edits
from planlint.run.engine import LintResult

MARKER = "<!-- planlint-review -->"
JSON_VERSION = 1
MAX_GRAPH_NAMES = 40  # beyond this a diagram is no longer readable in a comment
_ICONS = {Severity.ERROR: ":x:", Severity.WARNING: ":warning:", Severity.INFO: ":information_source:"}
_STATUS_ICONS = {FITS: ":white_check_mark:", FAILS: ":x:", UNCHECKED: ":heavy_minus_sign:"}
_HANDLE = re.compile(r"^@[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


@dataclass
class Side:
    """One revision of the plan, linted."""

    rev: str  # as the user wrote it: "HEAD~1", "WORKTREE"
    commit: str | None  # the full sha; None for the working tree
    result: LintResult

    @property
    def short(self) -> str:
        return self.commit[:7] if self.commit else "working tree"


@dataclass
class Review:
    base: Side
    head: Side
    new: list[Finding]
    fixed: list[Finding]
    still_open: list[Finding]
    changes: list[Change]
    reliances: dict[str, list[Reliance]]  # changed name -> who relies on it, at the head
    notices: list[Notice]
    fail_on: Severity = Severity.ERROR

    @property
    def failing(self) -> list[Finding]:
        """New findings at or above the threshold: these alone make the exit status 1."""
        return [f for f in self.new if f.severity.rank >= self.fail_on.rank]

    @property
    def failed(self) -> bool:
        return bool(self.failing)


def render(name: str, review: Review) -> str:
    return {"text": render_text, "markdown": render_markdown, "json": render_json}[name](review)


def headline(review: Review) -> str:
    """`1 new error` / `2 new findings, none at error or above` / `no new findings`."""
    if review.failing:
        counts = _severity_counts(review.failing)
        return " and ".join(plural(n, f"new {sev.value}") for sev, n in counts.items())
    if review.new:
        return f"{plural(len(review.new), 'new finding')}, none at {review.fail_on.value} or above"
    return "no new findings"


def _severity_counts(findings: list[Finding]) -> dict[Severity, int]:
    counts: dict[Severity, int] = {}
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = sum(1 for f in findings if f.severity == severity)
        if n:
            counts[severity] = n
    return counts


def _where(finding: Finding) -> str:
    return f"{finding.span.path}:{finding.span.line}"


def _side(side) -> str:
    return side.rev if side.commit is None else f"{side.rev} ({side.short})"


# Text ---------------------------------------------------------------------------


def render_text(review: Review) -> str:
    lines = [f"planlint review {_side(review.base)} -> {_side(review.head)}: {headline(review)}", ""]
    for title, findings in (
        ("New findings", review.new),
        ("Fixed findings", review.fixed),
        ("Still open", review.still_open),
    ):
        lines.append(f"{title} ({len(findings)})")
        lines += [f"  {_where(f)}: {f.code} [{f.severity.value}] {_one_line(f.message)}" for f in findings]
    lines.append(f"Changed assumptions ({len(review.changes)})")
    for name, changes in _by_name(review).items():
        lines += [f"  {name}: {c.team} {c.role} {c.before or '(none)'} -> {c.after or '(removed)'}" for c in changes]
        lines += [
            f"    {r.span.path}:{r.span.line}: {r.team} {reliance_reason(r)}" for r in review.reliances.get(name, [])
        ]
    lines.append(f"Owners to notify ({len(review.notices)})")
    for notice in review.notices:
        lines.append(f"  {notice.handle or '(no owner)'}: {'; '.join(notice.reasons)}")
    return "\n".join(lines) + "\n"


def _by_name(review: Review) -> dict[str, list]:
    """The changes grouped by name, in the order of their first change (edits first)."""
    grouped: dict[str, list] = {}
    for change in review.changes:
        grouped.setdefault(change.name, []).append(change)
    return grouped


# JSON ---------------------------------------------------------------------------


def render_json(review: Review) -> str:
    document = {
        "version": JSON_VERSION,
        "base": _side_json(review.base),
        "head": _side_json(review.head),
        "summary": {
            "new": len(review.new),
            "fixed": len(review.fixed),
            "still_open": len(review.still_open),
            "changed": len(review.changes),
            "fail_on": review.fail_on.value,
            "failed": review.failed,
        },
        "findings": {
            "new": [f.to_dict() for f in review.new],
            "fixed": [f.to_dict() for f in review.fixed],
            "still_open": [f.to_dict() for f in review.still_open],
        },
        "changes": [
            {
                "name": c.name,
                "team": c.team,
                "role": c.role,
                "change": c.kind,
                "before": c.before,
                "after": c.after,
                "edited": c.edited,
                "path": c.span.path,
                "line": c.span.line,
            }
            for c in review.changes
        ],
        "impact": [
            {"name": name, "relied_on_by": [_reliance_json(r) for r in found]}
            for name, found in review.reliances.items()
        ],
        "owners": [
            {"handle": n.handle or None, "teams": list(n.teams), "reasons": list(n.reasons)} for n in review.notices
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _side_json(side) -> dict:
    return {"rev": side.rev, "commit": side.commit, "files": side.result.files_checked}


def _reliance_json(reliance: Reliance) -> dict:
    return {
        "team": reliance.team,
        "kind": reliance.kind,
        "wants": reliance.wants,
        "delivered": reliance.delivered,
        "status": reliance.status,
        "fits": reliance.fits,
        "detail": reliance.detail,
        "was": reliance.was,
        "path": reliance.span.path,
        "line": reliance.span.line,
    }


# Markdown -----------------------------------------------------------------------


def md(text: str) -> str:
    """Plain text safe in Markdown prose and table cells (GitHub and GitLab)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("$", "&#36;")
    text = re.sub(r"([\\`*_\[\]|~])", r"\\\1", text)
    return _one_line(text)


def _code(text: str) -> str:
    return f"`{text.replace('`', '')}`"


def _handle(handle: str) -> str:
    """A well-formed `@org/team` is left as is, so GitHub notifies it; anything else is escaped."""
    return handle if _HANDLE.match(handle) else md(handle)


def render_markdown(review: Review) -> str:
    icon = ":x:" if review.failed else ":warning:" if review.new else ":white_check_mark:"
    owners = ", ".join(_handle(n.handle) for n in review.notices if n.handle) or "nobody"
    out = [
        MARKER,
        f"### {icon} planlint review: {headline(review)}",
        "",
        f"Comparing {_code(review.base.short)} ({md(review.base.rev)}) with "
        f"{_code(review.head.short)} ({md(review.head.rev)}), "
        f"{plural(review.head.result.files_checked, 'plan file')}.",
        "",
        "| | |",
        "| --- | ---: |",
        f"| New findings | {_count(review.new)} |",
        f"| Fixed findings | {len(review.fixed)} |",
        f"| Still open | {len(review.still_open)} |",
        f"| Changed assumptions | {len(review.changes)} |",
        f"| Owners to notify | {owners} |",
        "",
    ]
    out += _findings_section("New findings", review.new)
    out += _fixes_section(review)
    out += _findings_section("Fixed findings", review.fixed)
    if review.still_open:
        out += [f"<details><summary>Still open ({len(review.still_open)})</summary>", ""]
        out += _findings_table(review.still_open) + ["</details>", ""]
    out += _changes_section(review) + _reliances_section(review) + _owners_section(review)
    if review.changes:
        out += ["#### Impact graph", "", "```mermaid", *mermaid(review), "```", ""]
    return "\n".join(out)


def _count(findings: list[Finding]) -> str:
    if not findings:
        return "0"
    parts = [plural(n, sev.value) for sev, n in _severity_counts(findings).items()]
    return f"**{len(findings)}** ({', '.join(parts)})"


def _findings_section(title: str, findings: list[Finding]) -> list[str]:
    return [f"#### {title}", "", *_findings_table(findings)] if findings else []


def _findings_table(findings: list[Finding]) -> list[str]:
    rows = ["| | Rule | Where | Finding |", "| --- | --- | --- | --- |"]
    for f in findings:
        rows.append(
            f"| {_ICONS[f.severity]} {f.severity.value} | {_code(f.code)} {f.rule} | "
            f"{_code(_where(f))} | {md(f.message)} |"
        )
    return rows + [""]


# Suggested fixes ------------------------------------------------------------------

_KINDS = {
    SAFE: "safe: the plan means the same",
    UNSAFE: "changes a plan commitment",
}


def _fixes_section(review: Review) -> list[str]:
    """Each new finding's fixes: a `suggestion` block (GitHub applies it with one click) where its
    lines are in the pull request's diff, else the edit in words."""
    offered = [(finding, fix) for finding in review.new for fix in finding.fixes]
    if not offered:
        return []
    in_diff = lines_in_diff(review)
    line_text = review.head.result.source_line
    rows = ["#### Suggested fixes", ""]
    for finding, fix in offered:
        kind = "one of several ways, choose one" if fix.is_alternative else _KINDS[fix.applicability]
        rows += [f"{_code(_where(finding))} {finding.rule}: {md(fix.title)} ({kind})", ""]
        block = suggestion_block(fix, line_text) if _all_in_diff(fix, in_diff) else None
        if block is not None:
            edit = fix.edits[0]
            rows += [f"{_code(f'{edit.path}:{edit.start_line}')} then reads:", "", *block]
        else:
            rows += [f"- {_edit_words(edit, line_text)}" for edit in fix.edits]
        rows.append("")
    return rows


def lines_in_diff(review: Review) -> dict[str, set[int]]:
    """The head's lines a pull request's diff shows for each file: changed ones and three lines of
    context around them, as git's unified diff has them (a new file: every line)."""
    before = {plan_file.path: plan_file.lines for plan_file in review.base.result.plan.files}
    shown: dict[str, set[int]] = {}
    for plan_file in review.head.result.plan.files:
        old = before.get(plan_file.path, [])
        if old == plan_file.lines:
            continue
        matcher = difflib.SequenceMatcher(None, old, plan_file.lines, autojunk=False)
        shown[plan_file.path] = {
            line for hunk in matcher.get_grouped_opcodes(3) for line in range(hunk[0][3] + 1, hunk[-1][4] + 1)
        }
    return shown


def _all_in_diff(fix: Fix, in_diff: dict[str, set[int]]) -> bool:
    return all(
        line in in_diff.get(edit.path, ()) for edit in fix.edits for line in range(edit.start_line, edit.end_line + 1)
    )


def suggestion_block(fix: Fix, line_text: Callable[[str, int], str | None]) -> list[str] | None:
    """The fix's lines as they would read, in a `suggestion` block; None unless its edits all lie on
    one line (a suggestion replaces the lines its comment is on)."""
    edits = fix.edits
    first = edits[0]
    if any(e.path != first.path or e.start_line != first.start_line or e.end_line != first.start_line for e in edits):
        return None
    line = line_text(first.path, first.start_line)
    if line is None:
        return None
    try:
        fixed = apply_edits(line, [replace(e, start_line=1, end_line=1) for e in edits])
    except ValueError:
        return None
    fence = "`" * max(3, _longest_backticks(fixed) + 1)
    return [f"{fence}suggestion", fixed, fence]


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def _edit_words(edit: Edit, line_text: Callable[[str, int], str | None]) -> str:
    line = line_text(edit.path, edit.start_line) or ""
    old = line[edit.start_column - 1 : edit.end_column - 1] if edit.start_line == edit.end_line else ""
    where = _code(f"{edit.path}:{edit.start_line}")
    if not old:
        return f"{where}: write {_code(edit.new_text)}"
    return f"{where}: write {_code(edit.new_text)} in place of {_code(old)}"


def _changes_section(review: Review) -> list[str]:
    if not review.changes:
        return []
    rows = [
        "#### Changed assumptions",
        "",
        "| Assumption | Team | Statement | Before | After |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in review.changes:
        rows.append(
            f"| {_code(c.name)} | {md(c.team)} | {c.role} | {md(c.before or '(none)')} | {md(c.after or '(removed)')} |"
        )
    return rows + [""]


def _reliances_section(review: Review) -> list[str]:
    relied = [(name, r) for name, found in review.reliances.items() for r in found]
    if not relied:
        return []
    rows = [
        "#### Who relies on them",
        "",
        "| Assumption | Team | Relies on it as | Gets | Fits? | Where |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in relied:
        as_ = f"derives {r.wants}" if r.kind == "derives" else f"{'goal' if r.kind == 'goal' else 'consumes'} {r.wants}"
        icon = _STATUS_ICONS.get(r.status, ":warning:")
        rows.append(
            f"| {_code(name)} | {md(r.team)} | {md(as_)} | {md(r.delivered)} | "
            f"{icon} {md(status_words(r))} | {_code(f'{r.span.path}:{r.span.line}')} |"
        )
    return rows + [""]


def _owners_section(review: Review) -> list[str]:
    if not review.notices:
        return []
    rows = ["#### Owners to notify", ""]
    for notice in review.notices:
        who = _handle(notice.handle) if notice.handle else f"{md(', '.join(notice.teams))} (no owner in the plan)"
        rows.append(f"- {who}: {md('; '.join(notice.reasons))}")
    return rows + [""]


# Mermaid ------------------------------------------------------------------------


def mermaid(review: Review) -> list[str]:
    """`graph LR` lines: producers -> changed assumptions -> the teams relying on them."""
    ids = _Ids()
    grouped = _by_name(review)
    names = list(grouped)[:MAX_GRAPH_NAMES]
    lines, red_edges, red_nodes, edges = ["graph LR"], [], set(), 0
    graph = review.head.result.graph
    for name in names:
        moves = [
            f"<br/>{_label(c.before or '(none)')} → {_label(c.after or '(removed)')}"
            for c in grouped[name]
            if c.role in ("produces", "derives")
        ]
        lines.append(f'  {ids.name(name)}["{_label(name)}{"".join(moves)}"]')
    for name in names:
        producer = graph.producer(name)
        if producer is not None:
            arrow = "-.->|derives|" if isinstance(producer, Derive) else "-->|produces|"
            lines.append(f"  {ids.team(producer.team)} {arrow} {ids.name(name)}")
            edges += 1
        for r in review.reliances.get(name, []):
            target = ids.name(r.wants) if r.kind == "derives" else ids.team(r.team)
            if r.kind == "derives" and r.wants not in names:
                lines.append(f'  {target}["{_label(r.wants)}"]')
            wants = f"goal {r.wants}" if r.kind == "goal" else r.wants
            text = "feeds" if r.kind == "derives" else _label(f"{wants}: {status_words(r)}")
            lines.append(f'  {ids.name(name)} -->|"{text}"| {target}')
            if not r.fits:
                red_edges.append(edges)
                red_nodes.add(target)
            edges += 1
    lines += [f'  {node}["{_label(team)}"]' for team, node in ids.teams.items()]
    lines += [
        "  classDef changed fill:#fff8c5,stroke:#9a6700",
        "  classDef mismatch fill:#ffebe9,stroke:#cf222e,color:#82071e",
    ]
    lines += [f"  class {','.join(ids.name(n) for n in names)} changed"] if names else []
    lines += [f"  class {','.join(sorted(red_nodes))} mismatch"] if red_nodes else []
    lines += [f"  linkStyle {','.join(map(str, red_edges))} stroke:#cf222e,stroke-width:2px"] if red_edges else []
    return lines
