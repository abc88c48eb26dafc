from __future__ import annotations

from collections.abc import Iterator

from planlint.analysis.evaluate import Evaluator, Known, amount_quantity, nearest_ratio
from planlint.analysis.graph import Producer
from planlint.analysis.interlock import delivery_date
from planlint.language import quantity as q
from planlint.language.quantity import PlanDate
from planlint.model.plan import Amount, Derive, Text, When
from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding, Related
from planlint.rulebook.wording import producer_words


class ConflictingProducers(AssumptionRule):
    """Two teams produce the same assumption with values that disagree.

    **What it does**

    Reports a second `produces` (or `derive`) of a name whose value differs from
    the first one in path order, with both values in the first's unit and the
    ratio of the later to the first. The first counts; the later one is
    reported and otherwise ignored. Producers that agree (a `derive` that
    computes what another team states, `$24k` and `24000 USD`) are no
    conflict; nor are two that state different things (a value and a date).

    **Why is this bad?**

    The company has two numbers for one thing. Finance's customer base and
    customer success' customer base drift apart, and each consumer picks the
    one that suits its plan.

    **Example**

    ```plan
    team finance {
      produces customers.arr_base = $8.2M/year
    }
    team success {
      produces customers.arr_base = $9M/year
    }
    ```

    **Use instead**

    ```plan
    team finance {
      produces customers.arr_base = $8.2M/year
    }
    team success {
      consumes customers.arr_base = $8.2M/year
    }
    ```
    """

    code = "PL106"
    name = "conflicting-producers"
    groups = ("interlock",)

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        producers = context.graph.producers_of(name)
        if len(producers) < 2:
            return
        first = producers[0]
        counted = _stated(first, context.evaluator)
        for later in producers[1:]:
            stated = _stated(later, context.evaluator)
            if not _disagree(counted, stated, context.fiscal_year_start):
                continue
            yield self.finding(
                later.span,
                _message(later, stated, first, counted),
                help=f"one team produces {name}; the other consumes it",
                related=(Related(first.span, producer_words(first)),),
                subject=name,
                teams=(first.team, later.team),
            )


# What a producer says: the value it delivers (a quantity, a text's meaning, a date stated as the
# value, or None when it states none or it cannot be computed) and the date it delivers by.
Stated = tuple[q.Quantity | str | PlanDate | None, PlanDate | None]


def _stated(producer: Producer, evaluator: Evaluator) -> Stated:
    if isinstance(producer, Derive):
        outcome = evaluator.delivered_by(producer)
        return (outcome.quantity if isinstance(outcome, Known) else None), None
    value = producer.value
    if isinstance(value, Amount):
        return amount_quantity(value), producer.by
    if isinstance(value, Text):
        return value.meaning, producer.by
    return (value.date if isinstance(value, When) else None), delivery_date(producer)


def _disagree(first: Stated, later: Stated, fiscal_year_start: int) -> bool:
    """Two producers disagree where both state a value, or both a date, and these differ; a date
    stated as the value is compared as a delivery date."""
    (value, date), (other_value, other_date) = first, later
    if (
        date is not None
        and other_date is not None
        and date.last_day(fiscal_year_start) != other_date.last_day(fiscal_year_start)
    ):
        return True
    if value is None or other_value is None:
        return False
    if isinstance(value, q.Quantity) and isinstance(other_value, q.Quantity):
        same = (value.lo, value.hi) == (other_value.lo, other_value.hi)
        return not (same and value.unit.comparable(other_value.unit))
    if isinstance(value, PlanDate) and isinstance(other_value, PlanDate):
        return False  # compared above, as delivery dates
    return type(value) is not type(other_value) or value != other_value


def _message(later: Producer, stated: Stated, first: Producer, counted: Stated) -> str:
    """Both values in the first's unit, with the ratio of the later to the first, where they compare."""
    value, first_value = stated[0], counted[0]
    if (
        isinstance(value, q.Quantity)
        and isinstance(first_value, q.Quantity)
        and value.unit.comparable(first_value.unit)
    ):
        verb = "derives" if isinstance(later, Derive) else "produces"
        shown = q.format_quantity(value, first_value.unit)
        ratio = nearest_ratio(value, first_value)
        times = f"{q.format_ratio(ratio)} what" if ratio is not None else "against what"
        first_verb = "derives" if isinstance(first, Derive) else "produces"
        return (
            f"{later.team} {verb} {later.name} = {shown}, {times} {first.team} already {first_verb} "
            f"({q.format_quantity(first_value)}, {first.span}); the first counts"
        )
    return f"{producer_words(later)}, but {producer_words(first)} already ({first.span}); the first counts"
