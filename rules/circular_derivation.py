from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import cast

from planlint.analysis.graph import InterlockGraph
from planlint.model.plan import Derive, references
from planlint.rulebook.contract import AssumptionRule, Context
from planlint.rulebook.finding import Finding, Related


class CircularDerivation(AssumptionRule):
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

    def judge(self, name: str, context: Context) -> Iterator[Finding]:
        graph = context.graph
        names = graph.cycle_of(name)
        if names is None:
            return
        derives = sorted((_derive_of(graph, n) for n in names), key=lambda d: (d.span.path, d.span.line))
        first = derives[0]
        if first.name != name:  # the loop is reported once, on its first derive in path order
            return
        loop = _shown(_loop_from(graph, first.name, set(names)))
        yield self.finding(
            first.span,
            f"{first.name} is derived from itself: {loop}",
            help="derive one of these from a value some team produces, to break the loop",
            related=tuple(Related(d.span, f"{d.team} derives {d.name}") for d in derives[1:]),
            subject=first.name,
            teams=tuple(d.team for d in derives),
        )


def _derive_of(graph: InterlockGraph, name: str) -> Derive:
    """The derive that counts for a name in a loop: only such derives make one (`cyclic_names`)."""
    return cast(Derive, graph.producer(name))


def _loop_from(graph: InterlockGraph, start: str, group: set[str]) -> list[str]:
    """The shortest chain of dependencies from `start` back to itself, in formula order."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        name = queue.popleft()
        for ref in references(_derive_of(graph, name).expr):
            if ref.name not in group:
                continue
            if ref.name == start:
                path = [name]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if ref.name not in came_from:
                came_from[ref.name] = name
                queue.append(ref.name)
    return [start, start]


def _shown(loop: list[str], most: int = 8) -> str:
    """`a → b → a`; a long loop is shortened so the message stays readable."""
    if len(loop) <= most:
        return " → ".join(loop)
    return " → ".join([*loop[:3], f"… ({len(loop) - 1} names in all) …", *loop[-2:]])
