from __future__ import annotations

from collections.abc import Iterator

from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding
from planlint.rulebook.suggestions import plan_on_delivered
from planlint.rulebook.wording import producer_related


class UnitMismatch(AssumptionRule):
    """A consumer and its producer state an assumption in units that cannot be compared.

    **What it does**

    Reports a `consumes` line whose value is in a unit that cannot be compared
    with the producer's: money against a count (`$` vs `leads`), one currency
    against another (USD vs EUR: planlint never converts currencies silently),
    a count of one thing against a count of another (`leads` vs `deals`), an
    amount against a text or a date.

    **Why is this bad?**

    The two teams are not talking about the same thing. A plan that counts
    deals where the producer counts leads is off by the whole conversion rate,
    and a budget in euros checked against one in dollars is off by the
    exchange rate, however close the numbers look.

    **Example**

    ```plan
    team marketing {
      produces leads.volume = 4000 leads/year
    }
    team sales {
      consumes leads.volume >= 800 deals/year
    }
    ```

    **Use instead**

    ```plan
    team marketing {
      produces leads.volume = 4000 leads/year
    }
    team sales {
      consumes leads.volume >= 4000 leads/year
    }
    ```
    """

    code = "PL103"
    name = "unit-mismatch"
    groups = ("interlock",)

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        for consumes, producer, result in context.interlock.problems(name, "unit"):
            yield self.finding(
                consumes.span,
                f"{consumes.team} states {consumes.name} in {result.consumer_text}, "
                f"but {producer.team} produces it in {result.producer_text}; they cannot be compared",
                help=f"{consumes.team} and {producer.team} agree on one unit for {consumes.name}",
                related=(producer_related(producer, result.delivered),),
                subject=consumes.name,
                teams=(consumes.team, producer.team),
                fixes=plan_on_delivered(consumes, producer, result.delivered, context),
            )
