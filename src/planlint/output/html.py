"""`planlint report`: the plan on one self-contained HTML page.

For the people who decide on plans and read pages, not terminals: a summary (goals met, at
risk and missed, each with a bar of its share of the goal, worst first; findings counted by
team), the interlock drawn as inline SVG (laid out in Python by `output.layout`), each goal's
derivation with the values that would close its gap, and the findings grouped by team with
their owners and the line of the plan they sit on. Findings link to their team and goal.

One file, nothing fetched: no script at all, styles inline, and a Content-Security-Policy
that would block anything else, so it opens the same from a mail attachment. Every piece of
text from the plan (and every file name) goes through `html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from fractions import Fraction

from planlint.analysis.goals import chain_of
from planlint.analysis.settings import Settings
from planlint.analysis.trace import Step, explain_assumption
from planlint.language.span import Span
from planlint.language.wording import plural
from planlint.model.plan import Goal
from planlint.output.graph import (
    AT_RISK,
    COLORS,
    EDGE_STATUSES,
    FITS_EDGE,
    GOAL_STATUSES,
    MET,
    MISSED,
    UNRESOLVED,
    Edge,
    GoalMark,
    Node,
    Picture,
    edge_words,
    goal_mark,
    interlock_picture,
    legible,
    node_lines,
)
from planlint.output.layout import BOX_PADDING, LINE_HEIGHT, Layout, layered
from planlint.rulebook.finding import Finding, Severity
from planlint.run.engine import LintResult

TITLE = "Plan interlock report"
BAR_SCALE = Fraction(3, 2)  # a bar's full width is 150% of the goal
SVG_CHARS = 33  # what fits on one line of a box; the rest is in its tooltip
# A large plan stays a page one can read: the worst goals in full, the rest in a line each.
MAX_GOAL_ROWS = 60  # in the summary's table
MAX_GOAL_DETAILS = 30  # with their derivation and closing values
MAX_STEPS = 40  # of one derivation
_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_NO_TEAM = ""  # findings on no team's statement: files that cannot be read or parsed


def e(text: object) -> str:
    """Text as HTML: `<`, `>`, `&` and both quotes escaped, so it is safe in content and attributes."""
    return html.escape(str(text), quote=True)


def render_report(result: LintResult, settings: Settings, version: str) -> str:
    """The whole page."""
    graph, evaluator = result.graph, result.evaluator
    marks = {goal.span: goal_mark(goal, evaluator, settings.tolerance) for goal in graph.goals}
    picture = interlock_picture(result, settings)
    by_team = _findings_by_team(result, {n.id for n in picture.nodes})
    sections = [
        _summary(result, list(marks.values()), by_team),
        _interlock(legible(picture)),
        _goals(result, settings, graph.goals, marks),
        _teams(result, [n for n in picture.nodes if n.kind != "nobody"], by_team, marks),
    ]
    return _PAGE.format(
        title=e(TITLE),
        style=_STYLE,
        intro=e(_intro(result, picture)),
        version=e(version),
        body="\n".join(sections),
    )


def _intro(result: LintResult, picture: Picture) -> str:
    teams = sum(1 for n in picture.nodes if n.kind == "team")
    counts = _counts(result.findings)
    found = ", ".join(plural(counts[s], s.value) for s in _SEVERITIES)
    return f"{plural(result.files_checked, 'plan file')}, {plural(teams, 'team')}: {found}."


def _counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(_SEVERITIES, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def _findings_by_team(result: LintResult, teams: set[str]) -> dict[str, list[Finding]]:
    """Each finding under the team whose statement (or block header) it sits on."""
    placed: dict[tuple[str, int], str] = {}
    for block in result.plan.blocks:
        placed[(block.span.path, block.span.line)] = block.name
        for statement in block.statements:
            placed[(statement.span.path, statement.span.line)] = block.name
    grouped: dict[str, list[Finding]] = {}
    for finding in result.findings:
        team = placed.get((finding.span.path, finding.span.line), _NO_TEAM)
        grouped.setdefault(team if team in teams else _NO_TEAM, []).append(finding)
    return grouped


def team_anchor(team: str) -> str:
    return f"team-{team}"


def goal_anchor(mark: GoalMark) -> str:
    return f"goal-{mark.team}-{mark.metric}"


# Summary -----------------------------------------------------------------------------


def _summary(result: LintResult, marks: list[GoalMark], by_team: dict[str, list[Finding]]) -> str:
    tiles = "".join(
        f'<div class="tile {_css(status)}"><b>{sum(1 for m in marks if m.status == status)}</b> '
        f"{e(_goal_status_words(status))}</div>"
        for status in GOAL_STATUSES
    )
    ranked = sorted(marks, key=_worst_first)
    rows = "".join(_goal_row(mark) for mark in ranked[:MAX_GOAL_ROWS])
    goals = (
        '<table class="goals"><thead><tr><th>Goal</th><th>Team</th><th>Target</th><th>Computed</th>'
        f'<th class="share">Share of the goal</th><th>Status</th></tr></thead><tbody>{rows}</tbody></table>'
        + _more(ranked[MAX_GOAL_ROWS:], "the list of goals below")
        if marks
        else "<p>The plan sets no goals.</p>"
    )
    teams = sorted(
        (team for team in by_team if team != _NO_TEAM),
        key=lambda t: (*(-c for c in _counts(by_team[t]).values()), t),
    )
    count_rows = "".join(
        f'<tr><td><a href="#{e(team_anchor(team))}">{e(team)}</a></td>'
        + "".join(f'<td class="n">{n}</td>' for n in _counts(by_team[team]).values())
        + "</tr>"
        for team in teams
    )
    if _NO_TEAM in by_team:
        count_rows += '<tr><td><a href="#files">files that cannot be read</a></td>' + "".join(
            f'<td class="n">{n}</td>' for n in _counts(by_team[_NO_TEAM]).values()
        )
        count_rows += "</tr>"
    counts = (
        '<table class="counts"><thead><tr><th>Team</th><th class="n">Errors</th><th class="n">Warnings</th>'
        f'<th class="n">Infos</th></tr></thead><tbody>{count_rows}</tbody></table>'
        if count_rows
        else "<p>No findings: every plan fits with the others.</p>"
    )
    return (
        f'<section id="summary"><h2>Summary</h2><div class="tiles">{tiles}</div>'
        f"<h3>Goals, worst first</h3>{goals}<h3>Findings by team</h3>{counts}</section>"
    )


def _more(marks: list[GoalMark], where: str) -> str:
    """The note for the goals a section leaves out: how many, of which status, and where they are."""
    if not marks:
        return ""
    counts = [
        plural(n, "goal") + f" {status}" for status in GOAL_STATUSES if (n := sum(m.status == status for m in marks))
    ]
    return f'<p class="note">{len(marks)} more goals ({e(", ".join(counts))}) are in {e(where)}.</p>'


def _goal_status_words(status: str) -> str:
    return {MET: "goals met", AT_RISK: "goals at risk", MISSED: "goals missed"}.get(status, "goals not computable")


def _worst_first(mark: GoalMark) -> tuple[int, Fraction, str, str]:
    """Missed, then at risk, not computable and met; within each, the farthest from its target first."""
    return (GOAL_STATUSES.index(mark.status), -_distance(mark), mark.team, mark.metric)


def _distance(mark: GoalMark) -> Fraction:
    if mark.share_range is None:
        return Fraction(0)
    worst, best = mark.share_range
    return max(abs(1 - worst), abs(1 - best)) if mark.status != MET else -min(abs(1 - worst), abs(1 - best))


def _goal_row(mark: GoalMark) -> str:
    return (
        f'<tr class="{_css(mark.status)}"><td><a href="#{e(goal_anchor(mark))}"><code>{e(mark.metric)}</code></a></td>'
        f'<td><a href="#{e(team_anchor(mark.team))}">{e(mark.team)}</a></td>'
        f"<td>{e(mark.target)}</td><td>{e(mark.value or 'cannot be computed')}</td>"
        f'<td class="share">{_bar(mark)}</td>'
        f'<td><span class="status {_css(mark.status)}">{e(mark.status)}</span></td></tr>'
    )


def _bar(mark: GoalMark) -> str:
    """The share of the goal as a bar: solid to the worst case, lighter to the best, a line at 100%."""
    if mark.share_range is None:
        return '<span class="muted">n/a</span>'
    worst, best = sorted(mark.share_range)
    solid, light = (_percent(min(max(v, Fraction(0)), BAR_SCALE) / BAR_SCALE) for v in (worst, best))
    target = _percent(1 / BAR_SCALE)
    return (
        f'<div class="bar" role="img" aria-label="{e(mark.share)} of the goal">'
        f'<span class="best {_css(mark.status)}" style="width:{light}"></span>'
        f'<span class="worst {_css(mark.status)}" style="width:{solid}"></span>'
        f'<i class="target" style="left:{target}"></i></div><span class="share-text">{e(mark.share)}</span>'
    )


def _percent(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}%"


def _css(status: str) -> str:
    return status.replace(" ", "-")


# The interlock picture --------------------------------------------------------------


def _interlock(picture: Picture) -> str:
    legend = "".join(
        f'<li><span class="swatch {_css(status)}{" dashed" if status == UNRESOLVED else ""}"></span>{e(status)}</li>'
        for status in reversed(EDGE_STATUSES)
    )
    notes = "".join(f'<p class="note">{e(note)}.</p>' for note in picture.left_out)
    return (
        '<section id="interlock"><h2>The interlock</h2><p>Each team is a box (the org in blue); each arrow runs '
        "from the team that produces an assumption to the team that relies on it, coloured by how the two "
        "fit. Select a box to read its team's findings.</p>"
        f'<ul class="legend">{legend}</ul>{notes}<div class="picture">{interlock_svg(picture)}</div></section>'
    )


def interlock_svg(picture: Picture) -> str:
    """The picture as inline SVG: boxes in layers, one arrow per pair of teams (its worst status)."""
    pairs: dict[tuple[str, str], list[Edge]] = {}
    for edge in picture.edges:
        pairs.setdefault((edge.source, edge.target), []).append(edge)
    texts = {node.id: node_lines(node) for node in picture.nodes}
    layout = layered([(n.id, len(texts[n.id])) for n in picture.nodes], list(pairs))
    markers = "".join(
        f'<marker id="arrow-{_css(s)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{COLORS[s]}"/></marker>'
        for s in EDGE_STATUSES
    )
    edges = "".join(
        _svg_edge(route.path, route.label_x, route.label_y, pairs[(route.source, route.target)])
        for route in layout.routes
    )
    nodes = "".join(_svg_node(node, texts[node.id], layout) for node in picture.nodes)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" '
        f'width="{layout.width:.0f}" height="{layout.height:.0f}" role="img" aria-label="The interlock of the plan">'
        f'<defs>{markers}</defs><g class="edges">{edges}</g><g class="nodes">{nodes}</g></svg>'
    )


def _svg_edge(path: str, label_x: float, label_y: float, edges: list[Edge]) -> str:
    worst = min(edges, key=lambda edge: EDGE_STATUSES.index(edge.status))
    status = worst.status
    dashed = ' stroke-dasharray="6 4"' if status == UNRESOLVED else ""
    title = "\n".join(edge_words(edge) for edge in edges)
    found = [edge for edge in edges if edge.status != FITS_EDGE]
    label = ""
    if found:
        words = f"{found[0].assumption} ({status})" if len(found) == 1 else f"{len(found)} problems ({status})"
        label = (
            f'<text class="edge-label" x="{label_x:.1f}" y="{label_y - 4:.1f}" text-anchor="middle" '
            f'fill="{COLORS[status]}">{e(_fit(words, SVG_CHARS + 6))}</text>'
        )
    return (
        f'<g class="edge {_css(status)}"><title>{e(title)}</title><path d="{path}" fill="none" '
        f'stroke="{COLORS[status]}" stroke-width="{1.5 if status == FITS_EDGE else 2.5}"{dashed} '
        f'marker-end="url(#arrow-{_css(status)})"/>{label}</g>'
    )


def _svg_node(node: Node, lines: list[str], layout: Layout) -> str:
    box = layout.boxes[node.id]
    kind = "org" if node.kind == "org" else "nobody" if node.kind == "nobody" else _worst_goal(node)
    text = "".join(
        f'<tspan x="{box.x + BOX_PADDING:.1f}" y="{box.y + BOX_PADDING + (i + 0.8) * LINE_HEIGHT:.1f}" '
        f'class="{"name" if i == 0 else "line"}">{e(_fit(line, SVG_CHARS))}</tspan>'
        for i, line in enumerate(lines)
    )
    shape = (
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" rx="6" '
        f'class="box {kind}"/><text>{text}</text><title>{e(chr(10).join(lines))}</title>'
    )
    if node.kind == "nobody":
        return f'<g class="node">{shape}</g>'
    return f'<a href="#{e(team_anchor(node.id))}" class="node">{shape}</a>'


def _worst_goal(node: Node) -> str:
    statuses = [goal.status for goal in node.goals]
    return _css(next((s for s in GOAL_STATUSES if s in statuses), "team"))


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# Goals -------------------------------------------------------------------------------


def _goals(result: LintResult, settings: Settings, goals: list[Goal], marks: dict[Span, GoalMark]) -> str:
    if not goals:
        return ""
    graph, evaluator = result.graph, result.evaluator
    steps: dict[str, list[Step]] = {}
    # The goal-shortfall rule's closing values: solved, then verified by checking the goal again.
    guidance = {f.span: f.guidance for f in result.findings if f.rule == "goal-shortfall" and f.guidance is not None}
    articles = []
    ranked = sorted(goals, key=lambda g: _worst_first(marks[g.span]))
    for goal in ranked[:MAX_GOAL_DETAILS]:
        mark = marks[goal.span]
        if goal.metric not in steps:
            story = explain_assumption(goal.metric, graph, evaluator, settings.tolerance, settings.fiscal_year_start)
            steps[goal.metric] = story.derivation
        closing = ""
        if mark.status in (MISSED, AT_RISK) and mark.share_range is not None:
            found = guidance.get(goal.span)
            items = "".join(
                f"<li><code>{e(c.name)}</code> {e(c.op)} {e(c.value)}"
                + (
                    f' <span class="muted">(now {e(c.now)}{", " + e(c.change) if c.change else ""})</span>'
                    if c.now
                    else ""
                )
                + "</li>"
                for c in (found.closing if found is not None else ())
            )
            closing = (
                f'<p>Any one of these alone would close the gap:</p><ul class="closing">{items}</ul>'
                if items
                else "<p>No single input closes the gap alone.</p>"
            )
        articles.append(
            f'<article class="goal {_css(mark.status)}" id="{e(goal_anchor(mark))}">'
            f"<h3><code>{e(goal.metric)}</code> {e(mark.target)} "
            f'<span class="status {_css(mark.status)}">{e(mark.status)}</span></h3>'
            f'<p>Goal of <a href="#{e(team_anchor(goal.team))}">{e(goal.team)}</a> '
            f"({e(goal.span.path)}:{goal.span.line}). {e(_computed_words(mark))}</p>"
            f"{_derivation(steps[goal.metric])}{closing}</article>"
        )
    rest = [marks[goal.span] for goal in ranked[MAX_GOAL_DETAILS:]]
    if rest:
        items = "".join(
            f'<li id="{e(goal_anchor(m))}"><code>{e(m.metric)}</code> {e(m.target)} of '
            f'<a href="#{e(team_anchor(m.team))}">{e(m.team)}</a>: {e(_computed_words(m))} '
            f'<span class="status {_css(m.status)}">{e(m.status)}</span></li>'
            for m in rest
        )
        articles.append(
            f"{_more(rest, 'this list: planlint explain METRIC shows how each is reached')}"
            f'<ul class="more-goals">{items}</ul>'
        )
    return f'<section id="goals"><h2>Goals and how they are reached</h2>{"".join(articles)}</section>'


def _computed_words(mark: GoalMark) -> str:
    if mark.value is None:
        return "Its value cannot be computed from what the producers deliver."
    share = f", {mark.share} of the goal" if mark.share else ""
    return f"From what the producers deliver: {mark.value}{share}."


def _derivation(steps: list[Step]) -> str:
    if not steps:
        return "<p>Stated directly by its producer, not derived.</p>"
    items = []
    for step in steps[:MAX_STEPS]:
        if step.kind == "derived":
            words = f"<code>{e(step.name)}</code> = {e(step.formula)}"
            words += f" = {e(step.substituted)}" if step.substituted else ""
            words += f" = <b>{e(step.value)}</b>"
        elif step.kind == "unresolved":
            words = f'<code>{e(step.name)}</code>: <span class="status unresolved">nobody produces it</span>'
        else:
            words = f"<code>{e(step.name)}</code> = <b>{e(step.value or '?')}</b>"
        if step.team:
            words += f' <span class="muted">by <a href="#{e(team_anchor(step.team))}">{e(step.team)}</a></span>'
        for consumer in step.assumptions:
            if consumer.status not in ("fits", "needs", "same-definition"):
                ratio = f", {consumer.ratio}" if consumer.ratio else ""
                words += (
                    f'<br><span class="assumed">{e(consumer.team)} assumes {e(consumer.assumes or "")}: '
                    f"{e(consumer.status)}{e(ratio)}</span>"
                )
        items.append(f'<li style="margin-left:{step.depth * 1.4:.1f}em">{words}</li>')
    if len(steps) > MAX_STEPS:
        items.append(
            f'<li class="muted">… and {len(steps) - MAX_STEPS} more steps (planlint explain shows them all)</li>'
        )
    return f'<ul class="derivation">{"".join(items)}</ul>'


# Findings by team --------------------------------------------------------------------


class _GoalLinks:
    """The goals a finding is about: the goals set on its subject, and the goals of its team whose
    derivation uses the subject (a mismatch on an input is a risk to them)."""

    MOST = 3

    def __init__(self, result: LintResult, marks: dict[Span, GoalMark]) -> None:
        self.graph = result.graph
        self.by_metric: dict[str, list[GoalMark]] = {}
        self.by_team: dict[str, list[GoalMark]] = {}
        for mark in marks.values():
            self.by_metric.setdefault(mark.metric, []).append(mark)
            self.by_team.setdefault(mark.team, []).append(mark)
        self._under: dict[str, set[str]] = {}

    def of(self, finding: Finding, team: str) -> list[GoalMark]:
        found = list(self.by_metric.get(finding.subject, []))
        for mark in self.by_team.get(team, []):
            if mark not in found and finding.subject in self._names_under(mark.metric):
                found.append(mark)
        return found[: self.MOST]

    def _names_under(self, metric: str) -> set[str]:
        if metric not in self._under:
            derives, leaves = chain_of(self.graph, metric)
            self._under[metric] = {d.name for d in derives} | set(leaves)
        return self._under[metric]


def _teams(
    result: LintResult, nodes: list[Node], by_team: dict[str, list[Finding]], marks: dict[Span, GoalMark]
) -> str:
    goals = _GoalLinks(result, marks)
    articles, quiet = [], []
    for node in nodes:
        found = by_team.get(node.id, [])
        owners = ", ".join(e(o) for o in node.owners) or "no owner named in the plan"
        name = e(node.id) + (" (the org)" if node.kind == "org" else "")
        if not found:
            quiet.append(f'<li id="{e(team_anchor(node.id))}"><b class="team-name">{name}</b> · {owners}</li>')
            continue
        items = "".join(_finding(result, f, goals.of(f, node.id)) for f in found)
        articles.append(
            f'<article class="team" id="{e(team_anchor(node.id))}"><h3 class="team-name">{name}</h3>'
            f'<p class="owners">Owners: {owners}</p><ol class="findings">{items}</ol></article>'
        )
    if quiet:
        articles.append(f'<h3>Teams with no findings</h3><ul class="quiet">{"".join(quiet)}</ul>')
    unplaced = by_team.get(_NO_TEAM, [])
    if unplaced:
        items = "".join(_finding(result, f, []) for f in unplaced)
        articles.append(
            '<article class="team" id="files"><h3>Files that cannot be read</h3>'
            f'<ol class="findings">{items}</ol></article>'
        )
    return f'<section id="teams"><h2>Findings by team</h2>{"".join(articles)}</section>'


def _finding(result: LintResult, finding: Finding, goals: list[GoalMark]) -> str:
    span = finding.span
    source = result.source_line(span.path, span.line)
    shown = (
        f'<pre class="source"><span class="line-number">{span.line}</span>{e(source)}</pre>'
        if source is not None
        else ""
    )
    related = "".join(f"<li>{e(r.span.path)}:{r.span.line}: {e(r.message)}</li>" for r in finding.related)
    related = f'<ul class="related">{related}</ul>' if related else ""
    links = [f'team <a href="#{e(team_anchor(t))}">{e(t)}</a>' for t in dict.fromkeys(finding.teams) if t]
    links += [f'goal <a href="#{e(goal_anchor(mark))}">{e(mark.metric)}</a> of {e(mark.team)}' for mark in goals]
    help_text = f'<p class="help">{e(finding.help)}</p>' if finding.help else ""
    return (
        f'<li class="finding {finding.severity.value}"><p class="head"><span class="severity">'
        f"{finding.severity.value}</span> <code>{e(finding.code)}</code> {e(finding.rule)} "
        f'<span class="where">{e(span.path)}:{span.line}:{span.column}</span></p>'
        f'<p class="message">{e(finding.message)}</p>{shown}{help_text}'
        f"{related}"
        f'<p class="links">{" · ".join(links)}</p></li>'
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="planlint {version}">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header><h1>{title}</h1><p>{intro}</p>
<nav><a href="#summary">Summary</a> · <a href="#interlock">The interlock</a> · <a href="#goals">Goals</a> ·
<a href="#teams">Findings by team</a></nav></header>
<main>
{body}
</main>
<footer><p>Made by planlint {version} from the plan as it stands;
nothing on this page is fetched from anywhere.</p></footer>
</body>
</html>
"""

_STYLE = """
:root { --fits: #1a7f37; --part: #9a6700; --mismatch: #cf222e; --late: #8250df; --unresolved: #6e7781;
  --met: #1a7f37; --at-risk: #9a6700; --missed: #cf222e; --unknown: #6e7781; --ink: #1f2328; --muted: #59636e;
  --line: #d1d9e0; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 1.5rem; color: var(--ink); line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { margin: 0 0 .3rem; font-size: 1.7rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid var(--line); }
h3 { margin: 1.4rem 0 .4rem; font-size: 1.1rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
a { color: #0969da; } nav { margin-top: .6rem; } .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { background: var(--soft); font-weight: 600; } td.n, th.n { text-align: right; }
.tiles { display: flex; flex-wrap: wrap; gap: .6rem; }
.tile { flex: 1 1 9rem; border: 1px solid var(--line); border-left: 6px solid var(--unknown); border-radius: 6px;
  padding: .5rem .8rem; }
.tile b { display: block; font-size: 1.6rem; }
.tile.met { border-left-color: var(--met); } .tile.at-risk { border-left-color: var(--at-risk); }
.tile.missed { border-left-color: var(--missed); }
.status { font-weight: 600; white-space: nowrap; } .status.met { color: var(--met); }
.status.at-risk { color: var(--at-risk); } .status.missed { color: var(--missed); }
.status.unknown, .status.unresolved { color: var(--unknown); }
td.share { min-width: 12rem; }
.bar { position: relative; height: .9rem; background: var(--soft); border: 1px solid var(--line); border-radius: 3px;
  overflow: hidden; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.bar span { position: absolute; left: 0; top: 0; bottom: 0; }
.bar .worst { background: var(--unknown); } .bar .best { background: var(--unknown); opacity: .35; }
.bar .met { background: var(--met); } .bar .at-risk { background: var(--at-risk); }
.bar .missed { background: var(--missed); }
.bar .target { position: absolute; top: -2px; bottom: -2px; width: 2px; background: var(--ink); }
.share-text { font-size: .85rem; color: var(--muted); }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.swatch { display: inline-block; width: 1.6rem; height: 0; border-top: 3px solid; margin-right: .35rem;
  vertical-align: middle; }
.swatch.fits { border-color: var(--fits); } .swatch.part { border-color: var(--part); }
.swatch.mismatch { border-color: var(--mismatch); } .swatch.late { border-color: var(--late); }
.swatch.unresolved { border-color: var(--unresolved); } .swatch.dashed { border-top-style: dashed; }
.note { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: .4rem .7rem; }
.picture { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.picture svg { display: block; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
svg tspan.name { font-weight: 700; }
svg .box { fill: #fff; stroke: #8c959f; stroke-width: 1.5; }
svg .box.org { fill: #ddf4ff; stroke: #0969da; } svg .box.nobody { fill: var(--soft); stroke-dasharray: 5 4; }
svg .box.missed { stroke: var(--missed); stroke-width: 3; }
svg .box.at-risk { stroke: var(--at-risk); stroke-width: 3; }
svg .edge-label { font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg a:hover .box, svg a:focus .box { fill: #f0f6fc; }
article.goal, article.team { border: 1px solid var(--line); border-radius: 6px; padding: .2rem 1rem .8rem;
  margin: 1rem 0; break-inside: avoid-page; }
article.goal.missed { border-left: 6px solid var(--missed); }
article.goal.at-risk { border-left: 6px solid var(--at-risk); }
article.goal.met { border-left: 6px solid var(--met); }
.derivation, .closing, .related { padding-left: 1.2rem; } .derivation li { margin: .2rem 0; }
.assumed { color: var(--mismatch); font-size: .9rem; }
.findings { padding-left: 1.4rem; } .finding { margin: .8rem 0; }
.finding p { margin: .15rem 0; } .finding .message { white-space: pre-wrap; overflow-wrap: anywhere; }
.finding .severity { font-weight: 700; text-transform: uppercase; font-size: .8rem; }
.finding.error .severity { color: var(--mismatch); } .finding.warning .severity { color: var(--part); }
.finding.info .severity { color: #0969da; } .where { color: var(--muted); font-family: ui-monospace, monospace; }
.source { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: .35rem .6rem;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: .3rem 0; }
.line-number { color: var(--muted); margin-right: 1rem; user-select: none; }
.help { color: var(--muted); } .links { font-size: .9rem; }
.quiet, .more-goals { padding-left: 1.2rem; } .quiet li, .more-goals li { margin: .15rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 700px) {
  body { padding: .8rem; font-size: 14px; }
  .picture svg { max-width: none; width: 100%; min-width: 640px; }
  table.goals thead { display: none; }
  table.goals tr { display: block; border-bottom: 1px solid var(--line); padding: .4rem 0; }
  table.goals td { display: block; border: 0; padding: .1rem 0; }
  td.share { min-width: 0; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav, .picture { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; } .finding, tr { break-inside: avoid; }
  .picture svg { width: 100%; height: auto; }
  .tile, .bar, .status, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
