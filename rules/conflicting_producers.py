from __future__ import annotations

from collections.abc import Iterator

from planlint.model.plan import Derive, value_meaning
from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding, Related
from planlint.rulebook.wording import producer_words


class ConflictingProducers(AssumptionRule):
    """Two teams produce the same assumption with values that disagree.

    **What it does**

    Reports a second `produces` (or `derive`) of a name whose value differs from
    the first one in path order. The first counts; the later one is reported
    and otherwise ignored.

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
        for later in producers[1:]:
            if not _disagree(first, later):
                continue
            yield self.finding(
                later.span,
                f"{producer_words(later)}, but {producer_words(first)} already ({first.span}); the first counts",
                help=f"one team produces {name}; the other consumes it",
                related=(Related(first.span, producer_words(first)),),
                subject=name,
                teams=(first.team, later.team),
            )


def _disagree(first, later) -> bool:
    if isinstance(first, Derive) or isinstance(later, Derive):
        return True  # two ways of arriving at one number: they will drift apart
    if first.value is None or later.value is None:
        return False
    return value_meaning(first.value) != value_meaning(later.value)
