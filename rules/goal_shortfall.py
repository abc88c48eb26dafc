from __future__ import annotations

from collections.abc import Iterator

from planlint.analysis.evaluate import FAILS, FITS, Unknown
from planlint.analysis.goals import assess_goal, drivers, goal_point, goal_share
from planlint.language import quantity as q
from planlint.language.wording import listing
from planlint.model.plan import Amount, Goal
from planlint.model.written import requirement_text
from planlint.rulebook.contract import Context, GoalRule
from planlint.rulebook.finding import Finding, Related, Severity
from planlint.rulebook.suggestions import closing_values, remembered_closing_bounds


class GoalShortfall(GoalRule):
    """A goal the producers' real numbers cannot reach.

    **What it does**

    Computes each goal's metric from what the producers actually deliver, not
    from what the goal's team assumed, through every derivation and with
    ranges carried as worst .. best case, and compares it with the target. The
    message gives the computed value, its share of the goal, and the inputs
    that drive the gap; the help says what each input would need to be, alone,
    to close it. A goal whose inputs nobody produces is reported once as one
    that cannot be checked.

    **Why is this bad?**

    Every team hits its own number and the company lands at 75% of plan.
    Sales' $20M goal was built on $50k deals at a 20% win rate; marketing
    delivers $24k deals at 16%, so the goal was out of reach the day the plans
    were merged, not at quarter end.

    **Example**

    ```plan
    team marketing {
      produces leads.volume = 4000 leads/year
      produces leads.avg_deal_value = $24k
    }
    team sales {
      goal sales.revenue >= $20M/year
      consumes leads.volume >= 4000 leads/year
      consumes leads.avg_deal_value = $24k
      derive sales.revenue = leads.volume * 20% * leads.avg_deal_value
    }
    ```

    **Use instead**

    ```plan
    team marketing {
      produces leads.volume = 4000 leads/year
      produces leads.avg_deal_value = $24k
    }
    team sales {
      goal sales.revenue >= $19M/year
      consumes leads.volume >= 4000 leads/year
      consumes leads.avg_deal_value = $24k
      derive sales.revenue = leads.volume * 20% * leads.avg_deal_value
    }
    ```
    """

    code = "PL201"
    name = "goal-shortfall"
    groups = ("goals",)

    def judge(self, goal: Goal, context: Context) -> Iterator[Finding]:
        if not isinstance(goal.requirement.value, Amount):
            return
        graph, evaluator = context.graph, context.evaluator
        outcome = evaluator.value_of(goal.metric)
        if isinstance(outcome, Unknown):
            if outcome.reason in ("unresolved", "no-value"):
                yield self._unverifiable(goal, outcome)
            return
        computed = outcome.quantity
        target = goal.requirement.value.quantity
        if not computed.unit.comparable(target.unit):
            yield self.finding(
                goal.span,
                f"{goal.team}'s goal {goal.metric} cannot be checked: the plan computes it in "
                f"{computed.unit.describe()}, the goal is in {target.unit.describe()}",
                help=f"state the goal in the unit {goal.metric} is derived in, or fix the derivation",
                subject=goal.metric,
                teams=(goal.team,),
                severity=Severity.WARNING,
            )
            return
        fit = assess_goal(goal, computed, context.tolerance)
        if fit.status == FITS:
            return
        found = drivers(graph, evaluator, goal.metric, context.tolerance)
        message = (
            f"{goal.metric} = {q.format_quantity(computed, target.unit)} from what its producers deliver, "
            f"{goal_share(computed, goal)} of the {_target_words(goal)}"
        )
        if found:
            message += "; driven by " + listing([_driver_words(d, i == 0) for i, d in enumerate(found)])
        yield self.finding(
            goal.span,
            message,
            help=_closing_help(goal, graph, evaluator, computed),
            related=tuple(
                Related(d.assumed.span, f"{d.assumed.team} assumes {d.name} {requirement_text(d.assumed.requirement)}")
                for d in found
            ),
            subject=goal.metric,
            teams=(goal.team, *(d.producer_team for d in found)),
            severity=Severity.ERROR if fit.status == FAILS else Severity.WARNING,
            fixes=closing_values(goal, context),
        )

    def _unverifiable(self, goal: Goal, outcome: Unknown) -> Finding:
        missing = listing(list(outcome.names))
        return self.finding(
            goal.span,
            f"{goal.team}'s goal {goal.metric} cannot be checked: nobody produces a value for {missing}",
            help=f"the team that delivers {missing} states its value with `produces NAME = VALUE`",
            subject=goal.metric,
            teams=(goal.team,),
            severity=Severity.WARNING,
        )


def _target_words(goal: Goal) -> str:
    amount = goal.requirement.value
    text = q.format_quantity(amount.quantity)
    op = goal.requirement.op
    if op == ">=":
        return f"{text} goal"
    if op == "<=":
        return f"{text} limit"
    words = requirement_text(goal.requirement).removeprefix("= ").removeprefix("in ")
    return f"{words} goal"  # "the 100 people goal", "the 10 .. 20 goal"


def _driver_words(driver, first: bool) -> str:
    unit = driver.assumed.requirement.value.quantity.unit
    delivered = q.format_quantity(driver.delivered, unit)
    asked = requirement_text(driver.assumed.requirement, unit).lstrip("=").strip()
    if first:
        return f"{driver.name} ({delivered} from {driver.producer_team} vs {asked} assumed)"
    return f"{driver.name} ({delivered} vs {asked})"


def _closing_help(goal: Goal, graph, evaluator, computed: q.Quantity) -> str:
    target = goal_point(goal)
    parts = [f"{name} {bound}" for name, bound, _ in remembered_closing_bounds(graph, evaluator, goal.metric, target)]
    if not parts:
        return f"raise what feeds {goal.metric}, or lower the goal to what the plan delivers"
    return "any one of these alone would close the gap: " + listing(parts, "or")
