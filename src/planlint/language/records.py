"""`@record`: the dataclass form of the value objects built by the hundred thousand.

A frozen dataclass sets each field through `object.__setattr__`, which makes it
three times as slow to build as a plain slotted one (~0.74 µs against
~0.24 µs for three fields). The parser and the rules build about a million
quantities, amounts, requirements and comparisons for a 10,000-team plan, so
these classes are slotted and hashable like frozen ones, and immutable by
convention: nothing in planlint assigns to them after construction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the type checker reads it from its own stubs, on every Python planlint supports
    from typing_extensions import dataclass_transform
else:
    try:
        from typing import dataclass_transform
    except ImportError:  # Python 3.10

        def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
            return lambda decorated: decorated


T = TypeVar("T", bound=type)


@dataclass_transform(frozen_default=True)
def record(cls: T) -> T:
    """A slotted dataclass with a frozen dataclass's equality and hash, built at a plain one's speed."""
    return dataclass(slots=True, unsafe_hash=True)(cls)  # type: ignore[return-value]
