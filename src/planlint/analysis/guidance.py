"""What a plan owner can do about a finding, as data: the values that close a goal's gap and the
inputs that drive it. Plain frozen dataclasses (no analysis code), so that a finding can carry them
to every output and through the cache."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from planlint.language.span import Span


@dataclass(frozen=True, slots=True)
class Closing:
    """A value that alone closes a goal's gap: `produces NAME = VALUE` by the producer of `name`.

    `value` is the literal printed, and the one verified: written into the plan it makes the goal
    hold; `exact` is the bound it was rounded from (base units), in the safe direction.
    """

    name: str
    op: str  # ">=" or "<=": which way the value moves from today's (or bounds it, for a missing one)
    value: str  # a value literal of the plan language: `$31.25k`, `20.84%`
    exact: Fraction
    now: str = ""  # today's value, as the producer states it; "" when nobody produces it
    change: str = ""  # `+30%` from today's value; "" when there is none to compare with
    team: str = ""  # the producer; "" when nobody produces it
    span: Span | None = None  # the producer's statement

    def words(self) -> str:
        """`leads.win_rate >= 20.84% (now 16%, +30%)`."""
        now = ", ".join(part for part in (self.now and f"now {self.now}", self.change) if part)
        return f"{self.name} {self.op} {self.value}" + (f" ({now})" if now else "")

    def to_dict(self) -> dict[str, Any]:
        now, team = self.now or None, self.team or None
        return {"name": self.name, "op": self.op, "value": self.value, "now": now, "team": team}


@dataclass(frozen=True, slots=True)
class Driver:
    """An input whose delivered value differs from what a team under the goal assumed, and how far
    that difference alone moves the goal's metric."""

    name: str
    assumed: str  # the assumption, in the input's own unit: `= $50k`, `>= 2,000 leads/year`
    delivered: str  # `$24k`
    impact: str  # `-$16.64M/year`: the metric as delivered minus the metric as assumed, in the goal's unit
    effect: Fraction  # the same, exact, in base units
    team: str  # the producer
    assumed_by: str  # the team whose assumption it is
    span: Span  # that assumption's statement

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "assumed": self.assumed,
            "delivered": self.delivered,
            "impact": self.impact,
            "team": self.team,
        }


@dataclass(frozen=True, slots=True)
class Guidance:
    """The closing values (each alone closes the gap) and the drivers (largest impact first)."""

    closing: tuple[Closing, ...] = ()
    drivers: tuple[Driver, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"closing": [c.to_dict() for c in self.closing], "drivers": [d.to_dict() for d in self.drivers]}


__all__ = ["Closing", "Driver", "Guidance"]
