"""How one consumer's assumption meets what its producer delivers.

value-mismatch, unit-mismatch and definition-mismatch each report one side of
this comparison; keeping it in one place keeps the three rules consistent
(a pair is never both a unit and a value mismatch).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Literal, overload

from planlint.analysis.evaluate import FITS, Evaluator, Fit, Known, Outcome, assess, fits_at_a_glance
from planlint.analysis.graph import Consumption, InterlockGraph, Producer
from planlint.language.quantity import PlanDate
from planlint.language.records import record
from planlint.model.plan import Amount, Consumes, Derive, Produces, Text, When


@record
class Comparison:
    # "value", "unit", "definition", "missing" (a value asked of a producer that states none),
    # "none" (nothing to compare) or, in `Interlock`'s own look (`problems_only`), "fits"
    kind: str
    delivered: Outcome | None = None
    fit: Fit | None = None
    consumer_text: str = ""
    producer_text: str = ""


def _kind_of(value: Text | When | Amount | None) -> str:
    if isinstance(value, Text):
        return "a text"
    if isinstance(value, When):
        return "a date"
    return "an amount"


def compare(consumes: Consumes, producer: Producer, evaluator: Evaluator, tolerance: Fraction) -> Comparison:
    """How `consumes` meets `producer`."""
    return _compare(consumes, producer, evaluator, tolerance)


class Interlock:
    """How each consumer of a name meets its producer, worked out once per name and run: the
    three rules that report a side of it (value, unit, definition) each ask for the same name."""

    def __init__(self, graph: InterlockGraph, evaluator: Evaluator, tolerance: Fraction) -> None:
        self.graph, self.evaluator, self.tolerance = graph, evaluator, tolerance
        self._problems: dict[str, dict[str, list[Problem]]] = {}

    @overload
    def problems(self, name: str, kind: Literal["value", "unit", "definition"]) -> Sequence[ConsumesProblem]: ...
    @overload
    def problems(self, name: str, kind: Literal["missing"]) -> Sequence[Problem]: ...
    def problems(self, name: str, kind: str) -> Sequence[Problem]:
        """The `consumes` lines of `name` whose comparison with the producer is of `kind`
        ("value", "unit" or "definition") and finds a problem, in plan order. Values that fit and
        lines with nothing to compare are not kept: no rule reports them. The "missing" ones
        (a value asked of a producer that states none) may be derives too."""
        found = self._problems.get(name)
        if found is None:
            found = self._problems[name] = self._compared(name)
        return found.get(kind, ()) if found else ()

    def _compared(self, name: str) -> dict[str, list[Problem]]:
        producer = self.graph.producer(name)
        consumptions = self.graph.consumptions_of(name)
        if producer is None or not consumptions:
            return _NO_PROBLEMS
        found: dict[str, list[Problem]] = {}
        for consumption in consumptions:
            consumes = consumption.statement
            if type(consumes) is Consumes:
                result = _compare(consumes, producer, self.evaluator, self.tolerance, problems_only=True)
                if result.kind not in ("none", "fits") and (result.fit is None or result.fit.status != FITS):
                    found.setdefault(result.kind, []).append((consumes, producer, result))
        if type(producer) is Produces and producer.value is None:
            _derives_without_value(consumptions, producer, found)
        return found or _NO_PROBLEMS


Problem = tuple[Consumes | Derive, Producer, Comparison]
ConsumesProblem = tuple[Consumes, Producer, Comparison]  # only a `consumes` line is compared (`_compared`)
_MISSING = Comparison("missing")


def _derives_without_value(
    consumptions: list[Consumption], producer: Produces, found: dict[str, list[Problem]]
) -> None:
    """A `derive` computes with the values of its inputs: one with no value stated is missing. A team
    that also asks a value of it in a `consumes` line is told once, there; and once per team."""
    missing = found.setdefault("missing", [])
    told = {consumes.team for consumes, _, _ in missing}
    for consumption in consumptions:
        derive = consumption.statement
        if type(derive) is Derive and derive.team not in told:
            told.add(derive.team)
            missing.append((derive, producer, _MISSING))
    if not missing:
        del found["missing"]


_NO_PROBLEMS: dict[str, list[Problem]] = {}  # shared by the many names that have none: never written to


_NOTHING = Comparison("none")
_FITS = Comparison("fits")  # a value that fits, found so without working out how (`problems_only`)


def _compare(
    consumes: Consumes, producer: Producer, evaluator: Evaluator, tolerance: Fraction, *, problems_only: bool = False
) -> Comparison:
    requirement = consumes.requirement
    if requirement is None:
        return _NOTHING
    asked = requirement.value
    stated = None if isinstance(producer, Derive) else producer.value
    if stated is None and not isinstance(producer, Derive):
        # A producer without a value satisfies only requirements without one; a date asked of a
        # thing delivered by a date is timing-mismatch's to check.
        return _NOTHING if isinstance(asked, When) and producer.by is not None else _MISSING
    if not isinstance(asked, Amount) or not (stated is None or isinstance(stated, Amount)):
        return _compare_kinds(asked, stated, producer)
    delivered = evaluator.value_of(producer.name)
    if not isinstance(delivered, Known):
        return _NOTHING
    if not asked.quantity.unit.comparable(delivered.quantity.unit):
        return Comparison(
            "unit",
            delivered,
            consumer_text=asked.quantity.unit.describe(),
            producer_text=delivered.quantity.unit.describe(),
        )
    if problems_only and fits_at_a_glance(requirement, delivered.quantity, tolerance):
        return _FITS
    return Comparison("value", delivered, assess(requirement, delivered.quantity, tolerance))


def _compare_kinds(asked: Text | When | Amount, stated: Text | When | Amount | None, producer: Producer) -> Comparison:
    """A text or a date on one side: definitions compared, or a unit mismatch."""
    if isinstance(asked, Text) and isinstance(stated, Text):
        differs = asked.meaning != stated.meaning
        return Comparison("definition" if differs else "none", consumer_text=asked.text, producer_text=stated.text)
    if type(asked) is not type(stated):
        return Comparison("unit", consumer_text=_kind_of(asked), producer_text=_kind_of(stated))
    return _NOTHING  # dates as values are delivery dates: timing-mismatch compares them


def deadlines(consumes: Consumes, producer: Producer | None) -> tuple[PlanDate, PlanDate] | None:
    """(needed, delivered): the consumer's and the producer's dates, each a `by` or a date stated
    as a value (`= 2027-07-15` says the same as `by 2027-07-15`); None unless both have one."""
    if not isinstance(producer, Produces):
        return None
    delivered = delivery_date(producer)
    if delivered is None:
        return None
    needed = consumes.by
    requirement = consumes.requirement
    if needed is None and requirement is not None and requirement.op in ("=", "<="):
        needed = requirement.value.date if isinstance(requirement.value, When) else None
    return (needed, delivered) if needed is not None else None


def delivery_date(producer: Produces) -> PlanDate | None:
    """When the producer delivers: its `by`, or a date stated as its value."""
    if producer.by is not None:
        return producer.by
    return producer.value.date if isinstance(producer.value, When) else None


def days_late(consumes: Consumes, producer: Producer | None, fiscal_year_start: int) -> int | None:
    """Calendar days the delivery comes after the need (<= 0: in time); None without two dates."""
    dates = deadlines(consumes, producer)
    if dates is None:
        return None
    needed, delivered = dates
    return (delivered.last_day(fiscal_year_start) - needed.last_day(fiscal_year_start)).days
