from __future__ import annotations

from collections.abc import Iterator

from planlint.model.plan import PlanFile
from planlint.rulebook.contract import Context, FileRule
from planlint.rulebook.finding import Finding
from planlint.rulebook.suggestions import spelt_right


class SyntaxError_(FileRule):
    """A file cannot be read as a plan.

    **What it does**

    Reports a `.plan` file that does not parse, that is not UTF-8 text, or that
    cannot be read, at the line and column where reading stopped, with what was
    expected there and a did-you-mean for a misspelt keyword or a near miss of
    a spelling the language reads (`20 %`, `$20mil`, `>` in a goal, `to` in a
    range, `pct`, `24K`, `$3MM`): the one spelling that parses in its place.
    Every other file is still read and checked.

    **Why is this bad?**

    A plan that cannot be read is a plan nobody else can rely on: every
    assumption it produces looks missing to the teams that consume it, and its
    goals silently drop out of the company's numbers.

    **Example**

    ```plan
    team sales {
      consume leads.volume >= 2000 leads/year
    }
    ```

    **Use instead**

    ```plan
    team sales {
      consumes leads.volume >= 2000 leads/year
    }
    ```
    """

    code = "PL001"
    name = "syntax-error"
    groups = ("syntax",)

    def judge(self, plan_file: PlanFile, context: Context) -> Iterator[Finding]:
        problem = plan_file.problem
        if problem is not None:
            yield self.finding(
                problem.span, problem.message, help=problem.help, subject=plan_file.path, fixes=spelt_right(problem)
            )
