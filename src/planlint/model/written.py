"""The plan's values written out, the one canonical way every message, output and fix uses.

`value_text` gives the plan language's own spelling (`$24k`, `14% .. 18%`,
`$50k ± 10%`, `"SQL: score >= 60"`, `2027-07-15`), so that what planlint
prints can be written back into a plan as it stands.
"""

from __future__ import annotations

from planlint.language import quantity as q
from planlint.model.plan import Amount, Requirement, Text, Value, When


def value_text(value: Value | None, like: q.Unit | None = None) -> str:
    """A stated value as the plan would write it ("" for none); amounts in `like`'s period."""
    if isinstance(value, Amount):
        text = q.format_quantity(value.quantity, like)
        return text + (" " + value.tolerance.describe(value.quantity) if value.tolerance is not None else "")
    if isinstance(value, Text):
        return f'"{value.text}"'
    if isinstance(value, When):
        return str(value.date)
    return ""


def requirement_text(requirement: Requirement, like: q.Unit | None = None) -> str:
    """`>= 2,000 leads/year`, `= $50k`, `= 20% ± 2%`, `in 15% .. 25%`, `= "SQL"`."""
    op = requirement.op if isinstance(requirement.value, Amount) else "="
    return f"{op} {value_text(requirement.value, like)}"
