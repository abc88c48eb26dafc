from __future__ import annotations

from collections.abc import Iterator

from planlint.language.suggest import closest
from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding
from planlint.rulebook.suggestions import near_name


class UnresolvedAssumption(AssumptionRule):
    """A consumed assumption has no producer.

    **What it does**

    Reports a `consumes` line, or a name a `derive` uses, that no team
    produces: no `produces` and no `derive` for that name anywhere in the plan.

    **Why is this bad?**

    The plan rests on something nobody has committed to deliver. Product plans
    a launch that no marketing program supports; sales counts on enablement no
    team is building. Each plan looks complete alone, and the gap shows only
    when the launch date comes.

    **Example**

    ```plan
    team product {
      produces launch.widget_x by 2027-Q3
      consumes marketing.widget_x.launch_program by 2027-Q3
    }
    ```

    **Use instead**

    ```plan
    team product {
      produces launch.widget_x by 2027-Q3
      consumes marketing.widget_x.launch_program by 2027-Q3
    }
    team marketing {
      produces marketing.widget_x.launch_program by 2027-Q3
    }
    ```
    """

    code = "PL101"
    name = "unresolved-assumption"
    groups = ("interlock",)

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        graph = context.graph
        if graph.producer(name) is not None:
            return
        # Suggest only among names of the same area: cheap, and the likely typo.
        close = closest(name, graph.produced_in_area(name), cutoff=0.8)
        hint = f"did you mean {close}? " if close else ""
        seen_statements = set()
        for consumption in graph.consumptions_of(name):
            if consumption.span in seen_statements:
                continue
            seen_statements.add(consumption.span)
            verb = "derives from" if consumption.reference is not None else "consumes"
            yield self.finding(
                consumption.reference.span if consumption.reference else consumption.span,
                f"{consumption.team} {verb} {name}, which no team produces",
                help=hint + f"the team that should deliver it adds `produces {name}` to its plan; "
                f"otherwise {consumption.team} drops the assumption",
                subject=name,
                teams=(consumption.team,),
                fixes=near_name(consumption, close, context) if close else (),
            )
