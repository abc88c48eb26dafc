"""The impact of a change to the plan: a diff of the model, not of the text.

Both sides of a review are reduced to facts, one per (name, team, role):
what a team produces, consumes, derives or aims at, as values (`$24k` and
`24000 USD` are the same fact; moving a line is no change). Comparing the
facts gives the changed assumptions; for each, the teams that rely on it are
assessed at both revisions (fits, partly, fails, with the ratio), and the
owners of the affected teams and of the teams with new findings are the
people to notify.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from planlint.analysis.evaluate import (
    FAILS,
    FITS,
    PARTLY,
    Evaluator,
    Known,
    Outcome,
    assess,
)
from planlint.analysis.formula import AS_WRITTEN, expression_text
from planlint.analysis.goals import measured, metric_unit
from planlint.analysis.graph import InterlockGraph, Producer
from planlint.analysis.interlock import compare, days_late
from planlint.analysis.settings import Analysed, Settings
from planlint.language import quantity as q
from planlint.language.span import Span
from planlint.model.plan import (
    Amount,
    Consumes,
    Derive,
    Expr,
    Goal,
    Literal,
    Negate,
    Owner,
    Produces,
    Reference,
    Requirement,
    post_order,
    value_meaning,
)
from planlint.model.written import requirement_text, value_text

UNCHECKED = "unchecked"  # nothing to compare: a derive's input, a goal that cannot be computed


@dataclass(frozen=True, slots=True)
class Fact:
    """One statement of one team about one name, as a comparable key and as words."""

    key: tuple[object, ...]
    shown: str
    span: Span
    edit_key: tuple[object, ...]  # the statement alone: for a derive, its formula (not what it computes)
    value_shown: str = ""  # for a derive, what it computes alone (when only that moved)


@dataclass(frozen=True, slots=True)
class Change:
    """A fact that differs between the base and the head."""

    name: str
    team: str
    role: str  # produces / consumes / derives / goal
    before: str | None  # None: added
    after: str | None  # None: removed
    span: Span  # at the head, or at the base when removed
    edited: bool  # False when only a derived value moved (its inputs changed)

    @property
    def kind(self) -> str:
        return "added" if self.before is None else "removed" if self.after is None else "changed"


@dataclass(frozen=True, slots=True)
class Reliance:
    """A team relying on a changed name, and whether what it gets still fits."""

    name: str
    team: str
    kind: str  # consumes / derives / goal
    wants: str  # "= $50k", ">= $20M/year", "sales.revenue" for a derive
    delivered: str
    status: str  # fits / partly / fails / unchecked
    detail: str  # "2.08×", "12 days late", "76.8% of the goal"
    span: Span
    was: str | None  # the status at the base; None when this reliance is new

    @property
    def fits(self) -> bool:
        return self.status in (FITS, UNCHECKED)


@dataclass(frozen=True, slots=True)
class Notice:
    """An owner handle to notify, the teams it speaks for, and why."""

    handle: str  # "" when the team names no owner
    teams: tuple[str, ...]
    reasons: tuple[str, ...]


# Facts ------------------------------------------------------------------------


Facts = dict[tuple[str, str, str], Fact]  # keyed by name, team and role


def facts_of(result: Analysed, fiscal_year_start: int = 1) -> Facts:
    """Every statement of the settled plan (first declarations only), keyed by name, team and role."""
    graph, evaluator = result.graph, result.evaluator
    found: Facts = {}
    for block in graph.blocks.values():
        for statement in block.statements:
            if isinstance(statement, Owner):  # who to notify, not a fact of the plan
                continue
            role = _ROLES[type(statement)]
            name = statement.metric if isinstance(statement, Goal) else statement.name
            found.setdefault((name, block.name, role), _fact(statement, evaluator, fiscal_year_start))
    return found


_ROLES = {Produces: "produces", Consumes: "consumes", Derive: "derives", Goal: "goal"}


def _fact(statement: Produces | Consumes | Derive | Goal, evaluator: Evaluator, fiscal_year_start: int) -> Fact:
    if isinstance(statement, Produces):
        key: tuple[object, ...] = (value_meaning(statement.value), _day(statement.by, fiscal_year_start))
        return Fact(key, _with_by(value_text(statement.value), statement.by), statement.span, key)
    if isinstance(statement, Consumes):
        key = (requirement_key(statement.requirement), _day(statement.by, fiscal_year_start))
        wants = requirement_text(statement.requirement) if statement.requirement else ""
        return Fact(key, _with_by(wants, statement.by) or "needs it", statement.span, key)
    if isinstance(statement, Derive):
        formula, meaning = formula_text(statement.expr), formula_meaning(statement.expr)
        outcome = evaluator.value_of(statement.name)
        computed = outcome_words(outcome, metric_unit(evaluator.graph, evaluator, statement.name))
        return Fact((meaning, outcome_key(outcome)), f"{formula} = {computed}", statement.span, (meaning,), computed)
    key = (requirement_key(statement.requirement),)
    return Fact(key, requirement_text(statement.requirement), statement.span, key)


def _day(by: q.PlanDate | None, fiscal_year_start: int) -> _dt.date | None:
    """`by 2027-Q3` and `by 2027-09-30` are the same date."""
    return None if by is None else by.last_day(fiscal_year_start)


def _with_by(text: str, by: q.PlanDate | None) -> str:
    return f"{text} by {by}".strip() if by is not None else text


def requirement_key(requirement: Requirement | None) -> tuple[object, ...]:
    return ("none",) if requirement is None else (requirement.op, value_meaning(requirement.value))


def outcome_key(outcome: Outcome) -> tuple[object, ...]:
    if isinstance(outcome, Known):
        return ("known", outcome.quantity.lo, outcome.quantity.hi, outcome.quantity.unit.meaning())
    return ("unknown", outcome.reason)


def outcome_words(outcome: Outcome, like: q.Unit | None = None) -> str:
    """A computed value in `like`'s unit (see `goals.metric_unit`), or why there is none."""
    if isinstance(outcome, Known):
        return q.format_quantity(outcome.quantity, like)
    return {"circular": "circular", "invalid": "cannot be computed"}.get(outcome.reason, "unknown")


def formula_text(expr: Expr) -> str:
    """The formula with the plan's own operators and only the parentheses it needs, its numbers
    as `amount_text` writes them (a range in brackets, `1.00001` not `1`)."""
    return expression_text(expr, str, symbols=AS_WRITTEN)  # numbers by amount_text, the default


def formula_meaning(expr: Expr) -> tuple[object, ...]:
    """What a formula computes, exactly: its operations in order, its numbers by value (the text
    rounds some: an edit of `$1.00001M` to `$1.00002M` is still an edit). Flat, however deep."""
    found: list[object] = []
    for node in post_order(expr):
        if isinstance(node, Reference):
            found.append(("name", node.name))
        elif isinstance(node, Literal):
            found.append(value_meaning(node.amount))
        else:
            found.append(("negate",) if isinstance(node, Negate) else ("op", node.op))
    return tuple(found)


def diff_facts(base: Facts, head: Facts) -> list[Change]:
    """The facts that differ: the edits first, then the derived values they moved, by name."""
    changes = []
    for key in sorted(base.keys() | head.keys()):
        before, after = base.get(key), head.get(key)
        if before is not None and after is not None and before.key == after.key:
            continue
        name, team, role = key
        if before is not None and after is not None and before.edit_key == after.edit_key:
            # the same formula: only what it computes moved
            changes.append(Change(name, team, role, before.value_shown, after.value_shown, after.span, False))
        else:
            span = after.span if after is not None else base[key].span  # removed: the key is the base's
            shown = (None if before is None else before.shown, None if after is None else after.shown)
            changes.append(Change(name, team, role, *shown, span, True))
    return sorted(changes, key=lambda c: (not c.edited, c.name, c.team, c.role))


# Reliances --------------------------------------------------------------------


def reliances_on(names: Iterable[str], base: Analysed, head: Analysed, settings: Settings) -> dict[str, list[Reliance]]:
    """For each changed name, who relies on it at the head, and how that compares with the base."""
    before = {(r.name, r.team, r.kind): r.status for name in names for r in _reliances(name, base, settings)}
    return {
        name: [_with_was(r, before.get((r.name, r.team, r.kind))) for r in _reliances(name, head, settings)]
        for name in names
    }


def _with_was(reliance: Reliance, was: str | None) -> Reliance:
    return replace(reliance, was=was)


def _reliances(name: str, result: Analysed, settings: Settings) -> list[Reliance]:
    graph, evaluator = result.graph, result.evaluator
    found: list[Reliance] = []
    for consumption in graph.consumptions.get(name, []):
        statement = consumption.statement
        if isinstance(statement, Consumes):
            found.append(_consumer(statement, graph, evaluator, settings))
        else:
            found.append(
                Reliance(
                    name,
                    consumption.team,
                    "derives",
                    statement.name,
                    outcome_words(evaluator.value_of(name), metric_unit(graph, evaluator, name)),
                    UNCHECKED,
                    "",
                    statement.span,
                    None,
                )
            )
    for goal in graph.goals:
        if goal.metric == name:
            found.append(_goal(goal, evaluator.value_of(name), settings))
    return found


def _consumer(statement: Consumes, graph: InterlockGraph, evaluator: Evaluator, settings: Settings) -> Reliance:
    unit = metric_unit(graph, evaluator, statement.name)  # the metric's one unit, whoever states it
    wants = _with_by(requirement_text(statement.requirement, unit) if statement.requirement else "", statement.by)
    producer = graph.producer(statement.name)
    if producer is None:
        return Reliance(
            statement.name,
            statement.team,
            "consumes",
            wants or "needs it",
            "nothing",
            FAILS,
            "nobody produces it",
            statement.span,
            None,
        )
    status, details, delivered = FITS, [], _delivered_words(producer, evaluator)
    result = compare(statement, producer, evaluator, settings.tolerance)
    if result.kind == "value" and result.fit is not None and isinstance(result.delivered, Known):
        status = result.fit.status
        delivered = q.format_quantity(result.delivered.quantity, unit)
        if (missed_by := result.fit.missed_by) is not None:
            details.append(q.format_ratio(missed_by))
    elif result.kind == "unit":
        status = FAILS
        details.append(f"{result.consumer_text} against {result.producer_text}")
    elif result.kind == "definition":
        status = FAILS
        details.append("the definitions differ")
    elif result.kind == "missing":
        status = PARTLY
        details.append("its producer states no value")
    late = days_late(statement, producer, settings.fiscal_year_start) or 0
    if late > 0:
        status = FAILS
        details.append(f"{late} day{'s' if late != 1 else ''} late")
    return Reliance(
        statement.name,
        statement.team,
        "consumes",
        wants or "needs it",
        delivered,
        status,
        ", ".join(details),
        statement.span,
        None,
    )


def _delivered_words(producer: Producer, evaluator: Evaluator) -> str:
    if isinstance(producer, Derive):
        return outcome_words(evaluator.value_of(producer.name), metric_unit(evaluator.graph, evaluator, producer.name))
    return _with_by(value_text(producer.value), producer.by) or "delivered"


def _goal(goal: Goal, outcome: Outcome, settings: Settings) -> Reliance:
    wants = requirement_text(goal.requirement)
    value = goal.requirement.value
    if not (
        isinstance(outcome, Known)
        and isinstance(value, Amount)
        and value.quantity.unit.comparable(outcome.quantity.unit)
    ):
        return Reliance(goal.metric, goal.team, "goal", wants, outcome_words(outcome), UNCHECKED, "", goal.span, None)
    fit = assess(goal.requirement, outcome.quantity, settings.tolerance)
    detail = "" if fit.status == FITS else measured(goal, outcome.quantity)
    return Reliance(
        goal.metric,
        goal.team,
        "goal",
        wants,
        q.format_quantity(outcome.quantity, value.quantity.unit),
        fit.status,
        detail,
        goal.span,
        None,
    )


# Owners -----------------------------------------------------------------------


def notices(
    changes: list[Change],
    reliances: dict[str, list[Reliance]],
    new: list[tuple[tuple[str, ...], str]],
    graphs: tuple[InterlockGraph, ...],
) -> list[Notice]:
    """Owners of the teams relying on a changed name (other than the teams that changed it)
    and of the teams named by new findings (`new`: each finding's teams and what it is, in
    words), each with the reasons, sorted by handle."""
    editors: dict[str, set[str]] = {}
    for change in changes:
        if change.edited:
            editors.setdefault(change.name, set()).add(change.team)
    reasons: dict[str, list[str]] = {}
    for name, relying in reliances.items():
        for reliance in relying:
            if reliance.team not in editors.get(name, set()) and affected(reliance):
                reasons.setdefault(reliance.team, []).append(reliance_reason(reliance))
    for named, what in new:
        for team in named:
            reasons.setdefault(team, []).append(what)
    teams_of: dict[str, list[str]] = {}
    for team in sorted(reasons):
        for handle in _owners(team, graphs) or [""]:
            teams_of.setdefault(handle, []).append(team)
    found: list[Notice] = []
    for handle in sorted(teams_of, key=lambda h: (h == "", h)):
        teams = teams_of[handle]
        why = [
            f"{team}: {reason}" if len(teams) > 1 else reason
            for team in teams
            for reason in dict.fromkeys(reasons[team])
        ]
        found.append(Notice(handle, tuple(teams), tuple(why)))
    return found


def affected(reliance: Reliance) -> bool:
    """Worth a notification: it does not fit now, or its fit changed (for better or worse).

    A consumer that fitted and still fits is listed in the review but not pinged,
    nor is a derive's input, whose effect shows on the derived metric's own consumers.
    """
    return not reliance.fits or (reliance.was is not None and reliance.was != reliance.status)


def _owners(team: str, graphs: tuple[InterlockGraph, ...]) -> list[str]:
    for graph in graphs:  # the head first; a team removed by the change still has its base owners
        if graph.block_named(team) is not None:
            return list(dict.fromkeys(graph.owners_of(team)))
    return []


def reliance_reason(reliance: Reliance) -> str:
    """`consumes leads.avg_deal_value = $50k: no longer fits (2.08×)`."""
    verb = {"consumes": "consumes", "derives": "derives", "goal": "has the goal"}[reliance.kind]
    if reliance.kind == "derives":
        return f"derives {reliance.wants} from {reliance.name}, now {reliance.delivered}"
    subject = f"{verb} {reliance.name} {reliance.wants}".rstrip()
    return f"{subject}: {status_words(reliance)}"


def status_words(reliance: Reliance) -> str:
    """`fits`, `still fits`, `no longer fits (2.08×)`, `partly fits (…)`, `does not fit (…)`."""
    detail = f" ({reliance.detail})" if reliance.detail else ""
    if reliance.status == UNCHECKED:
        return "cannot be checked" if reliance.kind == "goal" else "not checked"
    if reliance.status == FITS:
        return {FITS: "still fits", FAILS: "now fits", PARTLY: "now fits"}.get(reliance.was or "", "fits")
    if reliance.status == FAILS:
        return ("no longer fits" if reliance.was in (FITS, PARTLY) else "does not fit") + detail
    return "now only partly fits" + detail if reliance.was == FITS else "partly fits" + detail
