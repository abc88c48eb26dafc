from __future__ import annotations

from typing import Iterator

from planlint.finding import Finding, Related
from planlint.model import Derive
from planlint.rule import Context, Rule


class CircularDerivation(Rule):
    """Derivations depend on themselves.

    **What it does**

    Reports each group of `derive` lines whose names depend on each other in a
    loop, on the first of them in path order, with the others as related
    locations. None of their values can be computed.

    **Why is this bad?**

    A number defined by itself is no number: bookings derived from pipeline
    derived from bookings can be made to say anything, and every goal that
    rests on it goes unchecked.

    **Example**

    ```plan
    team sales {
      derive sales.bookings = sales.pipeline * 25%
      derive sales.pipeline = sales.bookings * 4
    }
    ```

    **Use instead**

    ```plan
    team marketing {
      produces marketing.pipeline = $40M/year
    }
    team sales {
      derive sales.bookings = marketing.pipeline * 25%
    }
    ```
    """

    code = "PL301"
    name = "circular-derivation"
    groups = ("derivations",)

    def check(self, context: Context) -> Iterator[Finding]:
        graph = context.graph
        for names in graph.cyclic_names():
            derives = sorted((graph.producer(n) for n in names), key=lambda d: (d.span.path, d.span.line))
            first = derives[0]
            loop = " → ".join([*names, names[0]])
            yield self.finding(
                first.span,
                f"{first.name} is derived from itself: {loop}",
                help="derive one of these from a value some team produces, to break the loop",
                related=tuple(Related(d.span, f"{d.team} derives {d.name}") for d in derives[1:]),
                subject=first.name, teams=tuple(d.team for d in derives),
            )
