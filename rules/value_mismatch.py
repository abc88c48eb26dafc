from __future__ import annotations

from collections.abc import Iterator

from planlint.analysis.evaluate import FAILS
from planlint.language import quantity as q
from planlint.model.written import requirement_text
from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding, Severity
from planlint.rulebook.suggestions import plan_on_delivered
from planlint.rulebook.wording import producer_related


class ValueMismatch(AssumptionRule):
    """A consumer assumes a value its producer does not deliver.

    **What it does**

    Compares each `consumes` requirement with what the producer states (or,
    for a derived metric, what it computes from its own producers). It gives
    both values in one unit and the ratio, consumer over producer. `=` accepts
    the stated tolerance (`± 10%`, `± $5k`), else the default (10%); `>=`,
    `<=` and `in a .. b` are exact bounds. When the producer states a range,
    a requirement that only part of the range meets is a warning, one that no
    part meets an error.

    **Why is this bad?**

    Each team hits its own number and the company misses. Marketing doubles
    its lead volume by moving to a segment whose deals are worth half of what
    sales' plan assumes; sales' revenue plan was built on $50k deals and gets
    $24k ones. Nobody's plan is wrong alone; together they do not fit.

    **Example**

    ```plan
    team marketing {
      produces leads.avg_deal_value = $24k
    }
    team sales {
      consumes leads.avg_deal_value = $50k
    }
    ```

    **Use instead**

    ```plan
    team marketing {
      produces leads.avg_deal_value = $48k
    }
    team sales {
      consumes leads.avg_deal_value = $50k   # within the default 10% tolerance
    }
    ```
    """

    code = "PL102"
    name = "value-mismatch"
    groups = ("interlock",)

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        for consumes, producer, result in context.interlock.problems(name, "value"):
            fit, delivered = result.fit, result.delivered.quantity
            asked = requirement_text(consumes.requirement)
            unit = consumes.requirement.value.quantity.unit
            shown = q.format_quantity(delivered, unit)
            if fit.status == FAILS:
                ratio = fit.ratio
                times = f", {q.format_ratio(ratio)} what" if ratio is not None else ", against what"
                message = f"{consumes.team} assumes {consumes.name} {asked}{times} {producer.team} produces ({shown})"
                severity = Severity.ERROR
            else:
                message = (
                    f"{consumes.team} assumes {consumes.name} {asked}, but {producer.team} produces "
                    f"{shown}, only part of which meets it"
                )
                severity = Severity.WARNING
            yield self.finding(
                consumes.span,
                message,
                help=_agree(consumes.team, producer.team, consumes.name, fit.accepted, shown, unit),
                related=(producer_related(producer, result.delivered),),
                subject=consumes.name,
                teams=(consumes.team, producer.team),
                severity=severity,
                fixes=plan_on_delivered(consumes, producer, result.delivered, context),
            )


def _agree(consumer: str, producer: str, name: str, accepted, shown: str, unit: q.Unit) -> str:
    lo, hi = accepted
    if lo is not None and hi is not None:
        wanted = f"{q.format_magnitude(lo, unit)} .. {q.format_magnitude(hi, unit)}"
    elif lo is not None:
        wanted = f"at least {q.format_magnitude(lo, unit)}"
    else:
        wanted = f"at most {q.format_magnitude(hi, unit)}"
    return f"agree one number: {producer} delivers {wanted}, or {consumer} plans on {shown}"
