"""The fixes rules offer, built from the model they already hold.

Each builder returns the fixes for one finding, or none when it cannot be
sure of one: a value is printed the one canonical way (`model.written`) and
read back as the plan's own reader would read it; a consumer's new
requirement is compared with its producer again before it is offered (a
value printed rounded the wrong way is not). Closing values are the goals
analysis's own, solved exactly, rounded the way each input has to move and
verified by checking the goal again with each.

- `spelt_right`: a syntax error's did-you-mean (safe);
- `plan_on_delivered`: a consumer's value, unit, definition or date becomes
  what its producer delivers (unsafe);
- `near_name`: an unresolved name becomes the produced name it nearly is (unsafe);
- `closing_fixes`: each value that alone closes a goal's gap, on its
  producer's line (unsafe alternatives).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from planlint.analysis.evaluate import FITS, Known, Outcome, amount_quantity
from planlint.analysis.goals import chain_of
from planlint.analysis.graph import Consumption, Producer
from planlint.analysis.guidance import Closing
from planlint.analysis.interlock import compare, days_late
from planlint.language import quantity as q
from planlint.language.source import ParseProblem
from planlint.language.span import Span
from planlint.language.values import ValueRefused, read_date
from planlint.model.plan import (
    Amount,
    Consumes,
    Derive,
    Goal,
    Produces,
    Requirement,
    Statement,
    Text,
    When,
)
from planlint.model.written import requirement_text
from planlint.rulebook.contract import Context
from planlint.rulebook.fixes import Edit, Fix, safe_fix, unsafe_fix

# Syntax errors -------------------------------------------------------------------


def spelt_right(problem: ParseProblem) -> tuple[Fix, ...]:
    """The spelling a near miss meant, in place of what the problem covers (the parser checked that
    the file then reads past it)."""
    if not problem.suggestion:
        return ()
    return (safe_fix(f"write '{problem.suggestion}'", Edit.replacing(problem.span, problem.suggestion)),)


# Plan on what is delivered ---------------------------------------------------------


def plan_on_delivered(
    consumes: Consumes, producer: Producer, delivered: Outcome | None, context: Context
) -> tuple[Fix, ...]:
    """The consumer's requirement rewritten to what the producer delivers: `= $24k` for a point,
    `>= 1,500 leads/year` under a `>=` (the worst case of a range), `in 14% .. 18%` for a range, the
    producer's definition or date. In the consumer's unit where the two compare, unless printing it
    there rounds it the wrong way (398 leads/week is 1,729.4.. a month): then in the producer's."""
    asked = consumes.requirement
    wanted = _delivered_requirement(asked, producer, delivered)
    span = _requirement_span(consumes, context)
    if asked is None or wanted is None or span is None:
        return ()
    consumers_unit = asked.value.quantity.unit if isinstance(asked.value, Amount) else None
    for like in (consumers_unit, None) if consumers_unit is not None else (None,):
        text = requirement_text(wanted, like)
        if _resolves(consumes, wanted, text, producer, context):
            words = _delivered_words(wanted.op, text)
            title = f"{consumes.team} plans on what {producer.team} delivers: {words}"
            return (unsafe_fix(title, Edit.replacing(span, text)),)
    return ()


def plan_on_delivery_date(consumes: Consumes, producer: Produces, context: Context) -> tuple[Fix, ...]:
    """The consumer's `by` date moved to the producer's; dates stated as values as `plan_on_delivered`."""
    if consumes.by is None or producer.by is None:
        return plan_on_delivered(consumes, producer, None, context)
    needed, given = str(consumes.by), str(producer.by)
    span = consumes.span
    line = context.plan.source_line(span.path, span.end_line) or ""
    start = span.end_column - 1 - len(needed)
    if line[start : span.end_column - 1] != needed or _read_date(given) != producer.by:
        return ()
    moved = Consumes(consumes.name, consumes.requirement, producer.by, span, consumes.team)
    if (days_late(moved, producer, context.fiscal_year_start) or 0) > 0:
        return ()
    edit = Edit(span.path, span.end_line, start + 1, span.end_line, span.end_column, given)
    return (unsafe_fix(f"{consumes.team} plans on {producer.team}'s date: {given}", edit),)


def _delivered_requirement(
    asked: Requirement | None, producer: Producer, delivered: Outcome | None
) -> Requirement | None:
    stated = None if isinstance(producer, Derive) else producer.value
    span = asked.value.span if asked is not None else producer.span
    if isinstance(stated, Text):
        return Requirement("=", Text(stated.text, span))
    if isinstance(stated, When):
        return Requirement("=", When(stated.date, span))
    if isinstance(delivered, Known):
        quantity = delivered.quantity
    elif isinstance(stated, Amount):
        quantity = amount_quantity(stated)
    else:
        return None
    op = asked.op if asked is not None and isinstance(asked.value, Amount) else "="
    if op == ">=":
        return Requirement(">=", Amount(q.Quantity.point(quantity.lo, quantity.unit), span))
    if op == "<=":
        return Requirement("<=", Amount(q.Quantity.point(quantity.hi, quantity.unit), span))
    if quantity.is_point:
        return Requirement("=", Amount(quantity, span))
    return Requirement("in", Amount(quantity, span, is_range=True))


def _delivered_words(op: str, requirement: str) -> str:
    """`at least 1,500 leads/year` for `>= 1,500 leads/year`, `$24k` for `= $24k`."""
    value = requirement.partition(" ")[2]
    return {">=": f"at least {value}", "<=": f"at most {value}"}.get(op, value)


def _requirement_span(consumes: Consumes, context: Context) -> Span | None:
    """From the requirement's operator to the end of its value, as written on the line."""
    requirement = consumes.requirement
    if requirement is None:
        return None
    value = requirement.value.span
    line = context.plan.source_line(value.path, value.line)
    if line is None or value.line != value.end_line:
        return None
    before = line[: value.column - 1].rstrip(" \t\f")
    op = requirement.op
    if not before.endswith(op) or (op == "in" and before[-3:-2] not in (" ", "\t", "\f")):
        return None
    return Span(value.path, value.line, len(before) - len(op) + 1, value.end_line, value.end_column)


def _resolves(consumes: Consumes, wanted: Requirement, text: str, producer: Producer, context: Context) -> bool:
    """Whether the consumer's line, with `text` as its requirement, reads back and meets the producer.
    Texts and dates print exactly; an amount is read back, as printing rounds. What `wanted` says
    meets the producer as it stands: only what reads back otherwise is compared again."""
    if isinstance(wanted.value, Amount):
        read = _read_back(f"consumes a.b {text}")
        if not isinstance(read, Consumes) or read.requirement is None:
            return False
        if _same(read.requirement, wanted):
            return True
        wanted = read.requirement
    rewritten = Consumes(consumes.name, wanted, consumes.by, consumes.span, consumes.team)
    if isinstance(wanted.value, When):  # a date as the value: the timing is what must fit
        return (days_late(rewritten, producer, context.fiscal_year_start) or 0) <= 0
    result = compare(rewritten, producer, context.evaluator, context.tolerance)
    return result.kind == "none" or (result.fit is not None and result.fit.status == FITS)


def _same(read: Requirement, wanted: Requirement) -> bool:
    a, b = read.value, wanted.value
    return (
        read.op == wanted.op
        and isinstance(a, Amount)
        and isinstance(b, Amount)
        and (a.quantity.lo, a.quantity.hi, a.quantity.unit.meaning())
        == (b.quantity.lo, b.quantity.hi, b.quantity.unit.meaning())
        and a.tolerance is None
    )


@lru_cache(maxsize=4096)  # findings repeat a few delivered values many times over
def _read_back(statement: str) -> Statement | None:
    """One statement as the plan's reader reads it, or None where it does not parse."""
    # Imported only once a fix is made: `explain CODE` and a run that reuses its findings never parse.
    from planlint.model.parse import parse_statement

    return parse_statement("<fix>", statement)


def _read_date(text: str) -> q.PlanDate | None:
    try:
        return read_date(text)
    except (ValueRefused, ValueError, IndexError):
        return None


# Unresolved names ------------------------------------------------------------------


def near_name(consumption: Consumption, close: str, context: Context) -> tuple[Fix, ...]:
    """The consumed name replaced by the produced one it nearly is ("did you mean leads.win_rate?"),
    unless that would make a derivation depend on itself."""
    statement, name = consumption.statement, consumption.name
    if isinstance(statement, Derive):
        derived = {d.name for d in chain_of(context.graph, close)[0]} | {close}
        if statement.name in derived:
            return ()
    span = consumption.reference.span if consumption.reference is not None else _name_span(statement, name, context)
    if span is None:
        return ()
    return (unsafe_fix(f"did you mean {close}?", Edit.replacing(span, close)),)


def _name_span(statement: Consumes | Derive, name: str, context: Context) -> Span | None:
    """Where `name` is written on the statement's line: right after its keyword."""
    span = statement.span
    line = context.plan.source_line(span.path, span.line) or ""
    start = line.find(name, span.column - 1)
    end = start + len(name)
    if start < 0 or line[end : end + 1].isalnum() or line[end : end + 1] in ("_", "."):
        return None
    return Span(span.path, span.line, start + 1, span.line, end + 1)


# Goals -----------------------------------------------------------------------------


def closing_fixes(goal: Goal, closing: Iterable[Closing], context: Context) -> tuple[Fix, ...]:
    """One fix per verified closing value of a goal (`analysis.goals`: each, written as its
    producer's value, makes the goal hold), an edit of that producer's value; alternatives to one
    another, so `--fix` applies none. A value whose producer states none, or that nobody produces,
    has no line to edit."""
    fixes = []
    for value in closing:
        producer = context.graph.producer(value.name)
        if not isinstance(producer, Produces) or not isinstance(producer.value, Amount):
            continue
        read = _read_back(f"produces a.b = {value.value}")
        if not isinstance(read, Produces) or not isinstance(read.value, Amount):
            continue
        fixes.append(
            unsafe_fix(
                f"{producer.team} produces {value.name} = {value.value}, which alone reaches the goal",
                Edit.replacing(producer.value.span, value.value),
                alternative_group=f"{goal.team}: {goal.metric}",
            )
        )
    return tuple(fixes)
