from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from planlint.analysis.evaluate import FAILS, Known
from planlint.analysis.goals import metric_unit
from planlint.analysis.graph import Producer
from planlint.language import quantity as q
from planlint.model.plan import Amount, Consumes, Derive, references
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
    both values in one unit and the ratio, consumer over producer, in the
    period every output states the metric in (its goal's, else its
    producer's); no ratio for a range only part of which meets it (the two
    overlap). `=` accepts the stated tolerance (`± 10%`, `± $5k`), else
    the default (10%); `>=`, `<=` and `in a .. b` are exact bounds. When the producer states a range,
    a requirement that only part of the range meets is a warning, one that no
    part meets an error. A producer that states no value
    (`produces leads.volume`) satisfies only a requirement without one: a
    value asked of it, or a `derive` that computes with it, is a warning
    (once per team).

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
        interlock = context.interlock
        for consumer, producer, _ in interlock.problems(name, "missing"):
            yield self._missing(name, consumer, producer)
        for consumes, producer, result in interlock.problems(name, "value"):
            requirement, fit, outcome = consumes.requirement, result.fit, result.delivered
            # A value compared: an amount asked, a known one delivered, and how the two fit.
            assert requirement is not None and isinstance(requirement.value, Amount)
            assert fit is not None and isinstance(outcome, Known)
            asked, delivered = requirement_text(requirement), outcome.quantity
            unit = requirement.value.quantity.unit
            # One metric, one period: the producer's value (and the consumer's, after it as written)
            # in the period every output states the metric in; "plans on" in the consumer's own.
            metric = q.in_period_of(unit, metric_unit(context.graph, context.evaluator, name))
            if metric is not unit:  # in_period_of gives the unit itself when the period is the same
                converted = requirement_text(requirement, metric)
                if converted != asked:
                    asked += f" ({converted.partition(' ')[2]})"
            shown = q.format_quantity(delivered, metric)
            planned = shown if metric is unit else q.format_quantity(delivered, unit)  # in the consumer's unit
            ratio = fit.missed_by
            times = f", {q.format_ratio(ratio)} what" if ratio is not None else ", against what"
            message = f"{consumes.team} assumes {consumes.name} {asked}{times} {producer.team} produces ({shown})"
            if fit.status != FAILS:
                message += ", only part of which meets it"
            yield self.finding(
                consumes.span,
                message,
                help=_agree(consumes.team, producer.team, fit.accepted, metric, planned),
                related=(producer_related(producer, result.delivered),),
                subject=consumes.name,
                teams=(consumes.team, producer.team),
                severity=Severity.ERROR if fit.status == FAILS else Severity.WARNING,
                fixes=plan_on_delivered(consumes, producer, result.delivered, context),
            )

    def _missing(self, name: str, consumer: Consumes | Derive, producer: Producer) -> Finding:
        """A value asked of (or computed from) a producer that states none: a warning."""
        stated = f"{producer.team} produces {name} without a value"
        help = f"{producer.team} states the value it stands behind (`produces {name} = VALUE`)"
        if isinstance(consumer, Derive):
            span = next(ref.span for ref in references(consumer.expr) if ref.name == name)
            message = f"{stated}; {consumer.team} derives {consumer.name} from it"
        else:
            assert consumer.requirement is not None  # a value is asked: that is what is missing
            span = consumer.span
            message = f"{stated}; {consumer.team} assumes {requirement_text(consumer.requirement)}"
            help += f", or {consumer.team} drops the value from its assumption"
        return self.finding(
            span,
            message,
            help=help,
            related=(producer_related(producer),),
            subject=name,
            teams=(consumer.team, producer.team),
            severity=Severity.WARNING,
        )


def _agree(
    consumer: str,
    producer: str,
    accepted: tuple[Fraction | None, Fraction | None],
    unit: q.Unit,
    planned: str,
) -> str:
    """What the two teams can agree: the values the requirement accepts, in the metric's `unit`, or
    the consumer plans on what is delivered, `planned` in its own unit (the edit of its line)."""
    lo, hi = accepted
    if lo is not None and hi is not None:
        wanted = f"{q.format_magnitude(lo, unit)} .. {q.format_magnitude(hi, unit)}"
    elif lo is not None:
        wanted = f"at least {q.format_magnitude(lo, unit)}"
    else:
        assert hi is not None  # a requirement bounds one side at least
        wanted = f"at most {q.format_magnitude(hi, unit)}"
    return f"agree one number: {producer} delivers {wanted}, or {consumer} plans on {planned}"
