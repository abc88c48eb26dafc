from __future__ import annotations

from collections.abc import Iterator

from planlint.analysis.evaluate import Unknown
from planlint.model.plan import Binary, Derive
from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding


class InvalidDerivation(AssumptionRule):
    """A derivation divides by zero or mixes units that cannot meet.

    **What it does**

    Evaluates each `derive` on what its inputs' producers deliver and reports
    a division by zero (or by a range that includes zero), naming the divisor,
    and an addition or subtraction of quantities whose units cannot meet
    (`$` + `leads`, USD + EUR).

    **Why is this bad?**

    The metric has no value, so no goal that rests on it can be checked, and
    a formula that adds dollars to leads says the model behind it is wrong.

    **Example**

    ```plan
    team marketing {
      produces leads.volume = 4000 leads/year
      produces leads.avg_deal_value = $24k
    }
    team sales {
      derive sales.pipeline = leads.volume + leads.avg_deal_value
    }
    ```

    **Use instead**

    ```plan
    team marketing {
      produces leads.volume = 4000 leads/year
      produces leads.avg_deal_value = $24k
    }
    team sales {
      derive sales.pipeline = leads.volume * leads.avg_deal_value
    }
    ```
    """

    code = "PL302"
    name = "invalid-derivation"
    groups = ("derivations",)

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        derive = context.graph.producer(name)
        if not isinstance(derive, Derive):
            return
        outcome = context.evaluator.value_of(name)
        if not isinstance(outcome, Unknown) or outcome.reason != "invalid":
            return
        node = outcome.node
        detail = outcome.detail
        if isinstance(node, Binary) and node.op == "/":
            divisor = context.plan.source_text(node.right.span) or "the divisor"
            detail = f"it divides by {divisor}, which is zero" + (
                "" if "range" not in detail else " somewhere in its range"
            )
        elif isinstance(node, Binary):
            detail = f"{detail} in {context.plan.source_text(node.span)}"
        yield self.finding(
            derive.span,
            f"{derive.team} derives {derive.name}, but {detail}",
            help="check the formula and the units of its inputs",
            subject=derive.name,
            teams=(derive.team,),
        )
