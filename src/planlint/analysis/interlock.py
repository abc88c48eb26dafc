"""How one consumer's assumption meets what its producer delivers.

value-mismatch, unit-mismatch and definition-mismatch each report one side of
this comparison; keeping it in one place keeps the three rules consistent
(a pair is never both a unit and a value mismatch).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Iterator

from planlint.language.records import record
from planlint.analysis.evaluate import FITS, Evaluator, Fit, Known, Outcome, assess
from planlint.analysis.graph import InterlockGraph, Producer, consumes_lines
from planlint.model.plan import Amount, Consumes, Derive, Produces, Text, When
from planlint.language.quantity import PlanDate


@record
class Comparison:
    kind: str  # "value", "unit", "definition" or "none" (nothing to compare)
    delivered: Outcome | None = None
    fit: Fit | None = None
    consumer_text: str = ""
    producer_text: str = ""


def _kind_of(value) -> str:
    if isinstance(value, Text):
        return "a text"
    if isinstance(value, When):
        return "a date"
    return "an amount"


def compare(consumes: Consumes, producer: Producer, evaluator: Evaluator, tolerance: Fraction) -> Comparison:
    """How `consumes` meets `producer`; worked out once per line and run, for all three rules that ask."""
    memo = evaluator.comparisons
    found = memo.get(id(consumes))
    if found is not None and found[0] is consumes and found[1] is producer and (
            found[2] is tolerance or found[2] == tolerance):
        return found[3]
    result = _compare(consumes, producer, evaluator, tolerance)
    memo[id(consumes)] = (consumes, producer, tolerance, result)
    return result


def comparisons_of_kind(graph: InterlockGraph, evaluator: Evaluator, tolerance: Fraction, kind: str,
                        shard: tuple[int, int] = (0, 1)) -> Iterator[tuple[Consumes, Producer, Comparison]]:
    """Every `consumes` line whose comparison with its producer is of `kind` ("value", "unit",
    "definition") and finds a problem; with a `shard` (index, count), only the index-th of count
    parts of them (see `Rule.shardable`).

    The lines are compared and sorted by kind once per run: three rules ask, each for one kind.
    Values that fit, and lines with nothing to compare, are not kept: no rule reports them, and
    on an organisation's plan they are most of the 100,000 lines.
    """
    grouped = evaluator.comparisons_by_kind.get((tolerance, shard))
    if grouped is None:
        grouped = evaluator.comparisons_by_kind[(tolerance, shard)] = {}
        for consumes, producer in consumes_lines(graph, shard):
            if producer is not None:  # compared once here for the three rules: no need of compare's memo
                result = _compare(consumes, producer, evaluator, tolerance)
                if result.kind != "none" and (result.fit is None or result.fit.status != FITS):
                    grouped.setdefault(result.kind, []).append((consumes, producer, result))
    return iter(grouped.get(kind, ()))


_NOTHING = Comparison("none")


def _compare(consumes: Consumes, producer: Producer, evaluator: Evaluator, tolerance: Fraction) -> Comparison:
    requirement = consumes.requirement
    if requirement is None:
        return _NOTHING
    asked = requirement.value
    stated = None if isinstance(producer, Derive) else producer.value
    if not isinstance(asked, Amount) or not (stated is None or isinstance(stated, Amount)):
        return _compare_kinds(asked, stated, producer)
    delivered = evaluator.value_of(producer.name)
    if not isinstance(delivered, Known):
        return _NOTHING
    if not asked.quantity.unit.comparable(delivered.quantity.unit):
        return Comparison("unit", delivered, consumer_text=asked.quantity.unit.describe(),
                          producer_text=delivered.quantity.unit.describe())
    return Comparison("value", delivered, assess(requirement, delivered.quantity, tolerance))


def _compare_kinds(asked: Text | When | Amount, stated: Text | When | Amount | None, producer: Producer) -> Comparison:
    """A text or a date on one side: definitions compared, or a unit mismatch."""
    if isinstance(asked, Text) or isinstance(stated, Text):
        if isinstance(asked, Text) and isinstance(stated, Text):
            differs = asked.text.strip() != stated.text.strip()
            return Comparison("definition" if differs else "none", consumer_text=asked.text,
                              producer_text=stated.text)
        if stated is None and not isinstance(producer, Derive):
            return _NOTHING
        return Comparison("unit", consumer_text=_kind_of(asked), producer_text=_kind_of(stated))
    if type(asked) is not type(stated) and stated is not None:
        return Comparison("unit", consumer_text=_kind_of(asked), producer_text=_kind_of(stated))
    return _NOTHING  # dates as values are compared by timing-mismatch's `by`


def deadlines(consumes: Consumes, producer: Producer | None) -> tuple[PlanDate, PlanDate] | None:
    """(needed, delivered): the two `by` dates, or two dates stated as values (`= 2027-07-15`)."""
    if not isinstance(producer, Produces):
        return None
    if consumes.by is not None and producer.by is not None:
        return consumes.by, producer.by
    requirement = consumes.requirement
    if (requirement is not None and requirement.op in ("=", "<=") and isinstance(requirement.value, When)
            and isinstance(producer.value, When)):
        return requirement.value.date, producer.value.date
    return None


def days_late(consumes: Consumes, producer: Producer | None, fiscal_year_start: int) -> int | None:
    """Calendar days the delivery comes after the need (<= 0: in time); None without two dates."""
    dates = deadlines(consumes, producer)
    if dates is None:
        return None
    needed, delivered = dates
    return (delivered.last_day(fiscal_year_start) - needed.last_day(fiscal_year_start)).days
