from __future__ import annotations

from collections.abc import Iterator

from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding
from planlint.rulebook.suggestions import plan_on_delivered
from planlint.rulebook.wording import producer_related


class DefinitionMismatch(AssumptionRule):
    """A consumer and its producer define the same thing in different words.

    **What it does**

    Compares text values: when a team consumes a definition
    (`consumes leads.definition = "SQL: score >= 60"`) and the producer states
    another one, the finding quotes both.

    **Why is this bad?**

    To hit its lead quota, marketing lowers the score that makes a lead. Its
    count goes up, sales works twice as hard on weaker leads, and the revenue
    plan built on the old definition misses. A changed definition is a
    changed number that no number shows.

    **Example**

    ```plan
    team marketing {
      produces leads.definition = "MQL: score >= 40"
    }
    team sales {
      consumes leads.definition = "MQL: score >= 60"
    }
    ```

    **Use instead**

    ```plan
    team marketing {
      produces leads.definition = "MQL: score >= 60"
    }
    team sales {
      consumes leads.definition = "MQL: score >= 60"
    }
    ```
    """

    code = "PL104"
    name = "definition-mismatch"
    groups = ("interlock",)

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        for consumes, producer, result in context.interlock.problems(name, "definition"):
            yield self.finding(
                consumes.span,
                f'{consumes.team} assumes {consumes.name} = "{result.consumer_text}", '
                f'but {producer.team} produces "{result.producer_text}"',
                help=f"{consumes.team} and {producer.team} agree one definition, "
                f"and revisit the numbers that rest on it",
                related=(producer_related(producer),),
                subject=consumes.name,
                teams=(consumes.team, producer.team),
                fixes=plan_on_delivered(consumes, producer, result.delivered, context),
            )
