from __future__ import annotations

from collections.abc import Iterator

from planlint.model.plan import Block, PlanFile
from planlint.rulebook.contract import Context, FileRule
from planlint.rulebook.finding import Finding, Related


class DuplicateTeam(FileRule):
    """A team (or the org) is declared twice.

    **What it does**

    Reports a second `team NAME { ... }` block with a name already declared,
    in the same file or another, and a second `org` block (a plan has one org,
    whatever its name). The first declaration in path order counts; the later
    one is reported and otherwise ignored.

    **Why is this bad?**

    Two blocks for one team are two versions of its plan. Reviewers read one
    while the numbers come from the other, and the owners of the ignored block
    believe commitments that nobody else sees.

    **Example**

    ```plan
    team sales {
      owner "@acme/sales"
    }
    team sales {
      owner "@acme/field-sales"
    }
    ```

    **Use instead**

    ```plan
    team sales {
      owner "@acme/sales"
    }
    team field_sales {
      owner "@acme/field-sales"
    }
    ```
    """

    code = "PL002"
    name = "duplicate-team"
    groups = ("syntax",)

    def judge(self, plan_file: PlanFile, context: Context) -> Iterator[Finding]:
        for later in plan_file.blocks:
            first = context.graph.first_declaration(later)
            if first is None:
                continue
            what = f"{later.kind} {later.name}"
            again, advice = _wording(later, first)
            yield self.finding(
                later.span,
                f"{what} {again}; the first declaration ({first.span}) counts and this one is ignored",
                help=advice,
                related=(self_related(first),),
                subject=what,
                teams=(later.name,),
            )


def _wording(later: Block, first: Block) -> tuple[str, str]:
    """What is wrong and what to do: the same name twice, or a second org under another name."""
    if later.name == first.name and later.kind != first.kind:
        return (
            f"shares its name with {first.kind} {first.name}",
            f"give the {later.kind} another name: statements name their block only by it",
        )
    if later.name == first.name:
        return "is declared again", f"merge the two blocks into one, or give this {later.kind} another name"
    return f"is a second org after org {first.name}", "a plan has one org: merge the two blocks into one"


def self_related(first: Block) -> Related:
    return Related(first.span, f"{first.kind} {first.name} is first declared here")
