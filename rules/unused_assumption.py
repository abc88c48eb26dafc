from __future__ import annotations

from collections.abc import Iterator

from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding, Severity


class UnusedAssumption(AssumptionRule):
    """A produced value that no team consumes (off by default).

    **What it does**

    Reports a `produces` line whose name no team consumes, no derivation uses
    and no goal measures. It is informational and off by default: turn it on
    with `extend-select = ["unused-assumption"]`.

    **Why is this bad?**

    Work nobody relies on may be work nobody needs, or a consumer that forgot
    to write down what its plan rests on. Either way the interlock is
    incomplete.

    **Example**

    ```plan
    team marketing {
      produces marketing.brand.campaign by 2027-Q1
    }
    ```

    **Use instead**

    ```plan
    team marketing {
      produces marketing.brand.campaign by 2027-Q1
    }
    team sales {
      consumes marketing.brand.campaign by 2027-Q2
    }
    ```
    """

    code = "PL401"
    name = "unused-assumption"
    severity = Severity.INFO
    groups = ("hygiene",)
    enabled_by_default = False

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        graph = context.graph
        producer = graph.producer(name)
        if producer is None or graph.consumptions_of(name) or graph.goals_for(name):
            return
        yield self.finding(
            producer.span,
            f"{producer.team} produces {name}, which no team consumes",
            help=f"a team that relies on {name} says so with `consumes {name}`; otherwise drop it",
            subject=name,
            teams=(producer.team,),
        )
