"""Plain English that every message shares: lists of names, counts of things."""

from __future__ import annotations


def listing(items: list[str], conjunction: str = "and") -> str:
    """`a`, `a and b`, `a, b and c` (or `a, b or c`)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def plural(count: int, noun: str) -> str:
    """`1 day`, `92 days`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
