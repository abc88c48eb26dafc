"""A review as text for a terminal, Markdown for a pull request comment, or JSON.

The Markdown is made for `gh pr comment --body-file`: a hidden marker (so a
CI job can find and update its earlier comment), a summary table, sections,
and a Mermaid graph of the changed assumptions and who relies on them, which
GitHub and GitLab both render. Everything a plan owner wrote is escaped, and
`$` in particular, which GitHub would otherwise read as the start of maths.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from planlint.analysis.evaluate import FAILS, FITS
from planlint.analysis.impact import UNCHECKED, Change, Notice, Reliance, reliance_reason, status_words
from planlint.language.limits import LIMITS
from planlint.language.wording import plural
from planlint.model.plan import Derive, Owner
from planlint.output import json_text
from planlint.output.escape import code_span, markdown_text, mermaid_label, one_line, terminal
from planlint.output.mermaid import Ids
from planlint.rulebook.finding import Finding, Severity
from planlint.rulebook.fixes import SAFE, UNSAFE, Edit, Fix, apply_edits
from planlint.run.config_diff import ConfigChange
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
    # What the change does to the configuration (see run.config_diff), and what that hides: findings
    # the base's configuration reports on the head and the head's does not (or at a lower severity).
    config_changes: list[ConfigChange] = field(default_factory=list)
    config_file: str | None = None
    hidden: list[Finding] = field(default_factory=list)
    hidden_new: list[Finding] = field(default_factory=list)  # of those, the ones the base did not have

    @property
    def failing(self) -> list[Finding]:
        """New findings at or above the threshold, the ones a configuration change hides included:
        these alone make the exit status 1."""
        return [f for f in (*self.new, *self.hidden_new) if f.severity.rank >= self.fail_on.rank]

    @property
    def failed(self) -> bool:
        return bool(self.failing)


def render(name: str, review: Review) -> str:
    return {"text": render_text, "markdown": render_markdown, "json": render_json}[name](review)


def headline(review: Review) -> str:
    """`1 new error` / `2 new findings, none at error or above` / `no new findings`, and whether the
    change edits the configuration."""
    edits = " (the change edits the configuration)" if review.config_changes else ""
    if review.failing:
        counts = _severity_counts(review.failing)
        return " and ".join(plural(n, f"new {sev.value}") for sev, n in counts.items()) + edits
    if review.new:
        return f"{plural(len(review.new), 'new finding')}, none at {review.fail_on.value} or above{edits}"
    return "no new findings" + edits


def _severity_counts(findings: list[Finding]) -> dict[Severity, int]:
    counts: dict[Severity, int] = {}
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = sum(1 for f in findings if f.severity == severity)
        if n:
            counts[severity] = n
    return counts


def _where(finding: Finding) -> str:
    return f"{finding.span.path}:{finding.span.line}"


def _side(side: Side) -> str:
    return side.rev if side.commit is None else f"{side.rev} ({side.short})"


# Text ---------------------------------------------------------------------------


def render_text(review: Review) -> str:
    lines = [f"planlint review {_side(review.base)} -> {_side(review.head)}: {headline(review)}", ""]
    if review.config_changes:
        lines.append(f"This change edits planlint's configuration ({review.config_file or 'its configuration'}):")
        lines += [
            f"  {c.setting}: {c.before} -> {c.after}{' (may hide findings)' if c.weakens else ''}"
            for c in review.config_changes
        ]
        lines.append("")
    for title, findings in (
        ("New findings", review.new),
        *([("Hidden by the configuration change", review.hidden)] if review.config_changes else []),
        ("Fixed findings", review.fixed),
        ("Still open", review.still_open),
    ):
        lines.append(f"{title} ({len(findings)})")
        lines += [f"  {_where(f)}: {f.code} [{f.severity.value}] {one_line(f.message)}" for f in findings]
    lines.append(f"Changed assumptions ({len(review.changes)})")
    for name, changes in _by_name(review).items():
        lines += [f"  {name}: {c.team} {c.role} {c.before or '(none)'} -> {c.after or '(removed)'}" for c in changes]
        lines += [
            f"    {r.span.path}:{r.span.line}: {r.team} {reliance_reason(r)}" for r in review.reliances.get(name, [])
        ]
    lines.append(f"Owners to notify ({len(review.notices)})")
    for notice in review.notices:
        lines.append(f"  {notice.handle or '(no owner)'}: {'; '.join(notice.reasons)}")
    return "\n".join(terminal(line) for line in lines) + "\n"  # plan text shown, never obeyed


def _by_name(review: Review) -> dict[str, list[Change]]:
    """The changes grouped by name, in the order of their first change (edits first)."""
    grouped: dict[str, list[Change]] = {}
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
            "hidden": len(review.hidden),
            "fail_on": review.fail_on.value,
            "failed": review.failed,
        },
        "configuration": {
            "file": review.config_file,
            "changes": [
                {"setting": c.setting, "before": c.before, "after": c.after, "may_hide_findings": c.weakens}
                for c in review.config_changes
            ],
        },
        "findings": {
            "new": [f.to_dict() for f in review.new],
            "hidden": [f.to_dict() for f in review.hidden],
            "hidden_new": [f.to_dict() for f in review.hidden_new],
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
    return json_text.dumps(document) + "\n"


def _side_json(side: Side) -> dict[str, Any]:
    return {"rev": side.rev, "commit": side.commit, "files": side.result.files_checked}


def _reliance_json(reliance: Reliance) -> dict[str, Any]:
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


def _handle(handle: str, trusted: frozenset[str]) -> str:
    """An owner as the review names them: a well-formed `@org/team` that the base revision already
    names is left live, so GitHub notifies it; one the change itself brings (or anything else) is
    shown in code, so a pull request cannot make the review notify whoever it likes."""
    return handle if handle in trusted and _HANDLE.match(handle) else code_span(handle)


def trusted_owners(review: Review) -> frozenset[str]:
    """The owner handles of the base revision: merged already, so not the pull request's to choose."""
    return frozenset(
        statement.handle
        for plan_file in review.base.result.plan.files
        for block in plan_file.blocks
        for statement in block.statements
        if isinstance(statement, Owner)
    )


def render_markdown(review: Review) -> str:
    """The review as a pull request comment. One longer than `LIMITS.markdown_chars` (GitHub's
    65,536 characters) keeps as many rows of each table as fit, leaves out the impact graph, and
    says where the whole review is."""
    whole = _markdown(review, None)
    if len(whole) <= LIMITS.markdown_chars:
        return whole
    most = max(len(review.new), len(review.fixed), len(review.still_open), len(review.hidden), len(review.changes))
    low, high = 0, max(most, len(review.notices), sum(map(len, review.reliances.values())))
    fitting = _markdown(review, 0)
    while low < high:  # the most rows a table may keep with the whole still under the limit
        middle = (low + high + 1) // 2
        candidate = _markdown(review, middle)
        if len(candidate) <= LIMITS.markdown_chars:
            fitting, low = candidate, middle
        else:
            high = middle - 1
    return fitting if len(fitting) <= LIMITS.markdown_chars else fitting[: LIMITS.markdown_chars - 2] + "\n"


def _markdown(review: Review, rows: int | None) -> str:
    """The Markdown with at most `rows` rows a table (None: all of them, and the impact graph)."""
    icon = ":x:" if review.failed else ":warning:" if review.new or review.hidden else ":white_check_mark:"
    trusted = trusted_owners(review)
    owners = ", ".join(_handle(n.handle, trusted) for n in review.notices if n.handle) or "nobody"
    out = [
        MARKER,
        f"### {icon} planlint review: {headline(review)}",
        "",
        f"Comparing {code_span(review.base.short)} ({markdown_text(review.base.rev)}) with "
        f"{code_span(review.head.short)} ({markdown_text(review.head.rev)}), "
        f"{plural(review.head.result.files_checked, 'plan file')}.",
        "",
    ]
    if rows is not None:
        out += [
            f"> :scissors: This review is longer than a pull request comment may be ({LIMITS.markdown_chars:,} "
            f"characters): each table shows its first {plural(rows, 'row')} and the impact graph is left out. "
            "The whole review is in this job's `planlint-review` artifact (planlint's GitHub Action uploads it), "
            "or from `planlint review --format json`.",
            "",
        ]
    out += _configuration_section(review, rows)
    out += [
        "| | |",
        "| --- | ---: |",
        f"| New findings | {_count(review.new)} |",
        *([f"| Hidden by the configuration change | {_count(review.hidden)} |"] if review.config_changes else []),
        f"| Fixed findings | {len(review.fixed)} |",
        f"| Still open | {len(review.still_open)} |",
        f"| Changed assumptions | {len(review.changes)} |",
        f"| Owners to notify | {owners} |",
        "",
    ]
    out += _findings_section("New findings", review.new, rows)
    out += _fixes_section(review) if rows is None else []
    out += _findings_section("Hidden by the configuration change", review.hidden, rows)
    out += _findings_section("Fixed findings", review.fixed, rows)
    if review.still_open:
        out += [f"<details><summary>Still open ({len(review.still_open)})</summary>", ""]
        out += _findings_table(review.still_open, rows) + ["</details>", ""]
    out += _changes_section(review, rows) + _reliances_section(review, rows) + _owners_section(review, trusted, rows)
    if review.changes and rows is None:
        out += ["#### Impact graph", "", "```mermaid", *mermaid(review), "```", ""]
    return "\n".join(out)


def _table(header: list[str], body: list[str], rows: int | None) -> list[str]:
    """A table's lines: the first `rows` of its body (None: all), and how many more there are."""
    if rows is None or len(body) <= rows:
        return [*header, *body, ""]
    return [*header, *body[:rows], "", f"_… and {plural(len(body) - rows, 'more row')} (see the whole review)._", ""]


def _configuration_section(review: Review, rows: int | None) -> list[str]:
    """At the top: what the change does to the configuration, before and after, and what it hides."""
    if not review.config_changes:
        return []
    where = code_span(review.config_file) if review.config_file else "its configuration"
    hidden = (
        f" It hides {plural(len(review.hidden), 'finding')} that the configuration before reports, "
        "listed below; the new ones among them count as new findings."
        if review.hidden
        else " It hides no finding that the configuration before reports."
    )
    intro = (
        f"> :warning: **This change edits planlint's configuration** ({where}): each revision is checked "
        f"with its own, so the settings below decide what this review reports.{hidden}"
    )
    body = [
        f"| {code_span(c.setting)} | {code_span(c.before)} | {code_span(c.after)} |"
        f"{' :warning: may hide findings' if c.weakens else ''} |"
        for c in review.config_changes
    ]
    return [intro, "", *_table(["| Setting | Before | After | |", "| --- | --- | --- | --- |"], body, rows)]


def _count(findings: list[Finding]) -> str:
    if not findings:
        return "0"
    parts = [plural(n, sev.value) for sev, n in _severity_counts(findings).items()]
    return f"**{len(findings)}** ({', '.join(parts)})"


def _findings_section(title: str, findings: list[Finding], rows: int | None = None) -> list[str]:
    return [f"#### {title}", "", *_findings_table(findings, rows)] if findings else []


def _findings_table(findings: list[Finding], rows: int | None = None) -> list[str]:
    body = [
        f"| {_ICONS[f.severity]} {f.severity.value} | {code_span(f.code)} {f.rule} | "
        f"{code_span(_where(f))} | {markdown_text(f.message)} |"
        for f in findings
    ]
    return _table(["| | Rule | Where | Finding |", "| --- | --- | --- | --- |"], body, rows)


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
        rows += [f"{code_span(_where(finding))} {finding.rule}: {markdown_text(fix.title)} ({kind})", ""]
        block = suggestion_block(fix, line_text) if _all_in_diff(fix, in_diff) else None
        if block is not None:
            edit = fix.edits[0]
            rows += [f"{code_span(f'{edit.path}:{edit.start_line}')} then reads:", "", *block]
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
    where = code_span(f"{edit.path}:{edit.start_line}")
    if not old:
        return f"{where}: write {code_span(edit.new_text)}"
    return f"{where}: write {code_span(edit.new_text)} in place of {code_span(old)}"


def _changes_section(review: Review, rows: int | None = None) -> list[str]:
    if not review.changes:
        return []
    body = [
        f"| {code_span(c.name)} | {markdown_text(c.team)} | {c.role} | {markdown_text(c.before or '(none)')} | "
        f"{markdown_text(c.after or '(removed)')} |"
        for c in review.changes
    ]
    header = ["| Assumption | Team | Statement | Before | After |", "| --- | --- | --- | --- | --- |"]
    return ["#### Changed assumptions", "", *_table(header, body, rows)]


def _reliances_section(review: Review, rows: int | None = None) -> list[str]:
    relied = [(name, r) for name, found in review.reliances.items() for r in found]
    if not relied:
        return []
    body = []
    for name, r in relied:
        as_ = f"derives {r.wants}" if r.kind == "derives" else f"{'goal' if r.kind == 'goal' else 'consumes'} {r.wants}"
        icon = _STATUS_ICONS.get(r.status, ":warning:")
        body.append(
            f"| {code_span(name)} | {markdown_text(r.team)} | {markdown_text(as_)} | {markdown_text(r.delivered)} | "
            f"{icon} {markdown_text(status_words(r))} | {code_span(f'{r.span.path}:{r.span.line}')} |"
        )
    header = [
        "| Assumption | Team | Relies on it as | Gets | Fits? | Where |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    return ["#### Who relies on them", "", *_table(header, body, rows)]


def _owners_section(review: Review, trusted: frozenset[str], rows: int | None = None) -> list[str]:
    if not review.notices:
        return []
    body = []
    for notice in review.notices:
        teams = markdown_text(", ".join(notice.teams))
        who = _handle(notice.handle, trusted) if notice.handle else f"{teams} (no owner in the plan)"
        body.append(f"- {who}: {markdown_text('; '.join(notice.reasons))}")
    return ["#### Owners to notify", "", *_table([], body, rows)]


# Mermaid ------------------------------------------------------------------------


def mermaid(review: Review) -> list[str]:
    """`graph LR` lines: producers -> changed assumptions -> the teams relying on them."""
    ids = Ids()
    grouped = _by_name(review)
    names = list(grouped)[:MAX_GRAPH_NAMES]
    lines, red_edges, red_nodes, edges = ["graph LR"], [], set(), 0
    graph = review.head.result.graph
    for name in names:
        moves = [
            f"<br/>{mermaid_label(c.before or '(none)')} → {mermaid_label(c.after or '(removed)')}"
            for c in grouped[name]
            if c.role in ("produces", "derives")
        ]
        lines.append(f'  {ids.name(name)}["{mermaid_label(name)}{"".join(moves)}"]')
    for name in names:
        producer = graph.producer(name)
        if producer is not None:
            arrow = "-.->|derives|" if isinstance(producer, Derive) else "-->|produces|"
            lines.append(f"  {ids.team(producer.team)} {arrow} {ids.name(name)}")
            edges += 1
        for r in review.reliances.get(name, []):
            target = ids.name(r.wants) if r.kind == "derives" else ids.team(r.team)
            if r.kind == "derives" and r.wants not in names:
                lines.append(f'  {target}["{mermaid_label(r.wants)}"]')
            wants = f"goal {r.wants}" if r.kind == "goal" else r.wants
            text = "feeds" if r.kind == "derives" else mermaid_label(f"{wants}: {status_words(r)}")
            lines.append(f'  {ids.name(name)} -->|"{text}"| {target}')
            if not r.fits:
                red_edges.append(edges)
                red_nodes.add(target)
            edges += 1
    lines += [f'  {node}["{mermaid_label(team)}"]' for team, node in ids.teams.items()]
    lines += [
        "  classDef changed fill:#fff8c5,stroke:#9a6700",
        "  classDef mismatch fill:#ffebe9,stroke:#cf222e,color:#82071e",
    ]
    lines += [f"  class {','.join(ids.name(n) for n in names)} changed"] if names else []
    lines += [f"  class {','.join(sorted(red_nodes))} mismatch"] if red_nodes else []
    lines += [f"  linkStyle {','.join(map(str, red_edges))} stroke:#cf222e,stroke-width:2px"] if red_edges else []
    return lines
