from __future__ import annotations

from collections.abc import Iterator

from planlint.language.wording import listing
from planlint.model.plan import Goal
from planlint.rulebook.contract import Context, GoalRule
from planlint.rulebook.finding import Finding


class OrphanGoal(GoalRule):
    """A team goal that feeds none of the shared goals.

    **What it does**

    Where the plan has an `org` with goals, reports a team goal whose metric
    reaches none of them through any chain of consumptions and derivations: a
    silo goal. A metric feeds a goal when a derivation uses it, or when a team
    consumes it and so relies on it for its own goals.

    **Why is this bad?**

    A goal that feeds nothing shared can be met while the company misses.
    Marketing redefines "lead" to hit its lead quota; the quota is met, and
    nothing in the company's plan depends on it.

    **Example**

    ```plan
    org acme {
      goal company.revenue >= $10M/year
      derive company.revenue = sales.revenue
    }
    team sales {
      produces sales.revenue = $10M/year
    }
    team marketing {
      goal marketing.mqls >= 1500 leads/quarter
      produces marketing.mqls = 1600 leads/quarter
    }
    ```

    **Use instead**

    ```plan
    org acme {
      goal company.revenue >= $10M/year
      derive company.revenue = sales.revenue
    }
    team sales {
      consumes marketing.mqls >= 1500 leads/quarter
      derive sales.revenue = marketing.mqls * $2k
    }
    team marketing {
      goal marketing.mqls >= 1500 leads/quarter
      produces marketing.mqls = 1600 leads/quarter
    }
    ```
    """

    code = "PL202"
    name = "orphan-goal"
    groups = ("goals",)

    def judge(self, goal: Goal, context: Context) -> Iterator[Finding]:
        graph = context.graph
        if graph.is_org_team(goal.team) or graph.feeds_shared_goals(goal.metric):
            return
        shared = graph.shared_metrics()
        if not shared:
            return
        yield self.finding(
            goal.span,
            f"{goal.team}'s goal {goal.metric} feeds none of the shared goals ({listing(shared)})",
            help=f"tie {goal.metric} to the shared plan (a team consumes it, or a shared metric is "
            f"derived from it), or drop the goal",
            subject=goal.metric,
            teams=(goal.team,),
        )
