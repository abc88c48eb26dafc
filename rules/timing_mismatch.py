from __future__ import annotations

import datetime
from collections.abc import Iterator

from planlint.analysis.interlock import deadlines, delivery_date
from planlint.language.quantity import PlanDate
from planlint.language.wording import plural
from planlint.model.plan import Consumes, Produces
from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding
from planlint.rulebook.suggestions import plan_on_delivery_date
from planlint.rulebook.wording import producer_related


class TimingMismatch(AssumptionRule):
    """A producer delivers after the consumer needs it.

    **What it does**

    Compares a consumer's `by` date with the producer's and reports by how many
    calendar days the delivery is late. A date stated as the value says the
    same as a `by` (`produces x = 2027-09-30` delivers by 2027-09-30). A
    quarter or a month means its last day (`by 2027-Q3` is by 2027-09-30), in
    the fiscal year if one is configured.

    **Why is this bad?**

    Product launches in Q3 and counts on a launch program marketing has
    planned for Q4. Both plans are on time by their own dates; the launch goes
    out for a quarter with nobody to sell it.

    **Example**

    ```plan
    team marketing {
      produces marketing.widget_y.launch_program by 2027-Q4
    }
    team product {
      consumes marketing.widget_y.launch_program by 2027-Q3
    }
    ```

    **Use instead**

    ```plan
    team marketing {
      produces marketing.widget_y.launch_program by 2027-08
    }
    team product {
      consumes marketing.widget_y.launch_program by 2027-Q3
    }
    ```
    """

    code = "PL105"
    name = "timing-mismatch"
    groups = ("interlock",)

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        producer = context.graph.producer(name)
        if not isinstance(producer, Produces) or delivery_date(producer) is None:
            return  # most names: nothing delivered by a date, nothing to be late
        start = context.fiscal_year_start
        for consumption in context.graph.consumptions_of(name):
            consumes = consumption.statement
            if not isinstance(consumes, Consumes):
                continue
            dates = deadlines(consumes, producer)
            if dates is None:
                continue
            asked, given = dates
            needed, delivered = asked.last_day(start), given.last_day(start)
            late = (delivered - needed).days
            if late <= 0:
                continue
            days = plural(late, "day")
            yield self.finding(
                consumes.span,
                f"{consumes.team} needs {consumes.name} by {_dated(asked, needed)}, but "
                f"{producer.team} delivers it by {_dated(given, delivered)}: {days} late",
                help=f"{producer.team} brings the delivery forward by {days}, "
                f"or {consumes.team} moves its plan to {given}",
                related=(producer_related(producer),),
                subject=consumes.name,
                teams=(consumes.team, producer.team),
                fixes=plan_on_delivery_date(consumes, producer, context),
            )


def _dated(written: PlanDate, last_day: datetime.date) -> str:
    """`2027-Q3 (2027-09-30)`; a date written to the day is not repeated."""
    return str(written) if written.day is not None else f"{written} ({last_day.isoformat()})"
