"""An example planlint plugin: one rule, written exactly like a built-in one."""

from __future__ import annotations

from collections.abc import Iterator

from planlint.api import Context, Finding, Plan, PlanRule, Severity

__all__ = ["TeamWithoutOwner"]


class TeamWithoutOwner(PlanRule):
    """A team block names no owner.

    **What it does**

    Reports a `team` block that has no `owner` line. The org block is left
    alone; a team declared twice is checked on its first declaration only.

    **Why is this bad?**

    The owner is who hears about a change to the plan. When marketing's lead
    definition changes, a team without an owner is a team nobody tells: its
    plan goes stale while every number in it still looks right.

    **Example**

    ```plan
    team sales {
      consumes leads.volume >= 2000 leads/year
    }
    ```

    **Use instead**

    ```plan
    team sales {
      owner "@acme/sales"
      consumes leads.volume >= 2000 leads/year
    }
    ```
    """

    code = "EX001"
    name = "team-without-owner"
    severity = Severity.WARNING
    groups = ("hygiene",)

    def judge(self, plan: Plan, context: Context) -> Iterator[Finding]:
        blocks = sorted(context.graph.blocks.values(), key=lambda b: (b.span.path, b.span.line))
        for block in blocks:
            if block.is_org or block.owners:
                continue
            yield self.finding(
                block.span,
                f"team {block.name} names no owner, so nobody hears when the plans it relies on change",
                help=f'add a line like `owner "@your-org/{block.name}"` to team {block.name}',
                subject=f"team {block.name}",
                teams=(block.name,),
            )
