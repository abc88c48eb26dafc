from __future__ import annotations

from collections.abc import Iterator

from planlint.analysis.evaluate import FAILS, FITS, Unknown
from planlint.analysis.goals import Answers, GoalGap, assess_goal, measured, needed_values
from planlint.analysis.guidance import Closing, Driver, Guidance
from planlint.language import quantity as q
from planlint.language.wording import listing, plural
from planlint.model.plan import Amount, Goal
from planlint.model.written import requirement_text
from planlint.rulebook.contract import Context, GoalRule
from planlint.rulebook.finding import Finding, Related, Severity
from planlint.rulebook.suggestions import closing_fixes

NAMED_DRIVERS = 3  # the message names the largest; `explain` and the JSON output list them all
NAMED_STUCK = 5


class GoalShortfall(GoalRule):
    """A goal the producers' real numbers cannot reach.

    **What it does**

    Computes each goal's metric from what the producers actually deliver, not
    from what the goal's team assumed, through every derivation and with
    ranges carried as worst .. best case, and compares it with the target. The
    message gives the computed value, its share of the goal (of the nearest end
    of an `in` goal), and the inputs that drive the gap: those delivered
    otherwise than the goal's team, or a team whose derivation is under the
    goal, assumed, inside the tolerance or not, largest impact on the metric
    first.

    The help says what each input would need to be, alone, to close the gap,
    with today's value and the change:
    `leads.win_rate >= 20.84% (now 16%, +30%)`. Each value is solved from the
    derivation over the whole range of the other inputs, rounded the way the
    input has to move, and offered only once the goal, re-checked with the
    value as printed, holds. An input that would need a value its producer
    cannot state (above 100%, below zero) is named as unable to close the gap
    alone. The JSON output carries the same values as `closing` and
    `drivers`; `planlint what-if --set NAME=VALUE` checks the plan with one
    of them applied.

    A goal with one input nobody produces says what that input needs (info);
    with several, it is reported once as one that cannot be checked.

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
        outcome = context.evaluator.value_of(goal.metric)
        if isinstance(outcome, Unknown):
            if outcome.reason in ("unresolved", "no-value"):
                yield self._unverifiable(goal, outcome, context)
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
        gap = GoalGap(context.graph, context.evaluator, goal, context.tolerance)
        answers = gap.closing()
        drivers = gap.drivers()
        named = [d for d in drivers if gap.against(d)][:NAMED_DRIVERS]
        message = (
            f"{goal.metric} = {q.format_quantity(computed, target.unit)} from what its producers deliver, "
            f"{measured(goal, computed)}"
        )
        if named:
            message += "; driven by " + listing([_driver_words(d, i == 0) for i, d in enumerate(named)])
        yield self.finding(
            goal.span,
            message,
            help=_closing_help(goal, answers),
            related=tuple(Related(d.span, f"{d.assumed_by} assumes {d.name} {d.assumed}") for d in named),
            subject=goal.metric,
            teams=(goal.team,),
            severity=Severity.ERROR if fit.status == FAILS else Severity.WARNING,
            guidance=Guidance(tuple(answers.closing), tuple(drivers)),
            fixes=closing_fixes(goal, answers.closing, context),
        )

    def _unverifiable(self, goal: Goal, outcome: Unknown, context: Context) -> Finding:
        """A goal with inputs nobody states a value for; with one such input, what it must be."""
        missing = listing(list(outcome.names))
        message = f"{goal.team}'s goal {goal.metric} cannot be checked: nobody produces a value for {missing}"
        help = f"the team that delivers {missing} states its value with `produces NAME = VALUE`"
        severity, guidance = Severity.WARNING, None
        needed = []
        if len(outcome.names) == 1:
            needed = needed_values(context.graph, context.evaluator, goal, missing, context.tolerance)
        if needed:
            producer = context.graph.producer(missing)
            who = f"{producer.team} produces {missing} without a value" if producer else f"nobody produces {missing}"
            needs = _needs_words(needed)
            message = f"{who}; {goal.metric} {requirement_text(goal.requirement)} needs it {needs}"
            help = f"the team that delivers {missing} states a value {needs} with `produces {missing} = VALUE`"
            severity, guidance = Severity.INFO, Guidance(tuple(needed))
        return self.finding(
            goal.span, message, help=help, subject=goal.metric, teams=(goal.team,), severity=severity, guidance=guidance
        )


def _driver_words(driver: Driver, first: bool) -> str:
    """`leads.avg_deal_value ($24k from marketing vs $50k assumed: -$16.64M/year)`."""
    asked = driver.assumed.removeprefix("= ")
    if first:
        return f"{driver.name} ({driver.delivered} from {driver.team} vs {asked} assumed: {driver.impact})"
    return f"{driver.name} ({driver.delivered} vs {asked}: {driver.impact})"


def _needs_words(needed: list[Closing]) -> str:
    """`>= $31.25k`, or `between $28.13k and $34.38k`."""
    if len(needed) == 2:
        return f"between {needed[0].value} and {needed[1].value}"
    return f"{needed[0].op} {needed[0].value}"


_WHAT_TO_DO = {
    ">=": "raise what feeds {metric}, or lower the goal to what the plan delivers",
    "<=": "cut what feeds {metric}, or raise the limit to what the plan delivers",
}


def _closing_help(goal: Goal, answers: Answers) -> str:
    closing, stuck = answers.closing, answers.stuck
    if closing:
        text = "any one of these alone would close the gap: " + listing([c.words() for c in closing], "or")
        if answers.larger:
            text += f" ({plural(answers.larger, 'other input')} would need larger changes)"
    else:
        text = _WHAT_TO_DO.get(
            goal.requirement.op, "change what feeds {metric}, or move the goal to what the plan delivers"
        ).format(metric=goal.metric)
    if answers.inputs:
        text += f"; its derivations reach {answers.inputs:,} inputs, too many to solve one by one: "
        text += "try values with `planlint what-if --set NAME=VALUE`"
    if answers.untried:
        text += f"; not solved: {plural(answers.untried, 'other input')} used more than once"
    cannot = [s for s in stuck if s.cannot]
    if cannot:
        text += f"; {_names([f'{s.name} (it would need {s.needs})' if s.needs else s.name for s in cannot])}"
        text += " cannot close it alone"
    unsure = [s.name for s in stuck if not s.cannot]
    if unsure:
        text += f"; no single value can be worked out for {_names(unsure)}"
    return text


def _names(names: list[str]) -> str:
    """The first few names, and how many more."""
    others = [plural(len(names) - NAMED_STUCK, "other input")] if len(names) > NAMED_STUCK else []
    shown = names[:NAMED_STUCK] + others
    return listing(shown)
