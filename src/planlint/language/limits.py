"""The bounds on work that keep planlint fast on any input, a pull request's included.

Each limit ends in a clear, located message (a syntax-error or invalid-derivation
finding, a usage error), never a hang. They are set for the whole run from the
command line (`--limit NAME=VALUE`) or the environment (`PLANLINT_LIMITS`), not
from `planlint.toml`: the repository being checked must not relax the limits
that protect the job checking it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields

ENV_VAR = "PLANLINT_LIMITS"


@dataclass
class Limits:
    """The run's limits (see README, "Limits")."""

    file_bytes: int = 10 * 2**20  # one plan file, or one git blob in a review
    number_digits: int = 1_000  # digits in one written number
    number_bits: int = 12_000  # a computed value's numerator and denominator (~3,600 digits)
    derive_terms: int = 10_000  # operators in one derivation
    glob_chars: int = 1_024  # one glob of the configuration
    markdown_chars: int = 65_536  # a review's Markdown: GitHub's comment limit

    def named(self) -> dict[str, int]:
        """`{"file-bytes": 10485760, ...}`: each limit by the name the command line uses."""
        return {field.name.replace("_", "-"): getattr(self, field.name) for field in fields(self)}


LIMITS = Limits()  # the run's: read where each limit applies, set by `set_limits`
_SCALES = {"": 1, "k": 10**3, "m": 10**6, "kb": 2**10, "mb": 2**20, "gb": 2**30}


class LimitError(ValueError):
    """A limit setting that is not `NAME=NUMBER`; the message says what to write."""


def parse_limits(settings: Iterable[str]) -> dict[str, int]:
    """`["file-bytes=20MB", "derive-terms=50k"]` (or one comma- or space-separated string each)
    -> {"file_bytes": 20971520, "derive_terms": 50000}."""
    known = Limits().named()
    found: dict[str, int] = {}
    for setting in (part for text in settings for part in re.split(r"[,\s]+", text) if part):
        name, _, value = setting.partition("=")
        name = name.strip().lower()
        number = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", value)
        if name not in known:
            raise LimitError(f"unknown limit '{name}' (known: {', '.join(known)})")
        if number is None or number[2].lower() not in _SCALES or int(number[1]) < 1:
            raise LimitError(f"limit {name}: '{value}' is not a positive number (write it like {name}={known[name]})")
        found[name.replace("-", "_")] = int(number[1]) * _SCALES[number[2].lower()]
    return found


def set_limits(**values: int) -> None:
    """The run's limits: the defaults, with `values` (`parse_limits`' result) over them."""
    for name, value in {**vars(Limits()), **values}.items():
        setattr(LIMITS, name, value)
