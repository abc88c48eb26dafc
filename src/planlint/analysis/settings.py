"""What the analysis reads besides the plan: two settings of the configuration,
and a plan already analysed (its graph and what its producers deliver).

Protocols, so that the run's configuration and lint results are what callers
pass, without the analysis knowing about either.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Protocol

from planlint.analysis.evaluate import Evaluator
from planlint.analysis.graph import InterlockGraph


class Settings(Protocol):
    @property
    def tolerance(self) -> Fraction:
        """The default tolerance of `=` (1/10 for 10%)."""

    @property
    def fiscal_year_start(self) -> int:
        """The month (1-12) a plan's fiscal year starts in: what `2027-Q1` means."""


class Analysed(Protocol):
    @property
    def graph(self) -> InterlockGraph: ...

    @property
    def evaluator(self) -> Evaluator: ...
