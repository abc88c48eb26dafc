"""'Did you mean ...?': the closest of many names, as difflib picks it, at the cost of a few lookups.

Every did-you-mean planlint prints comes from here: misspelt keywords, rule
names in the configuration and on the command line, assumption names.

On an organisation's plan a rule may look for a close name thousands of times.
`difflib.get_close_matches` spends most of that time on `quick_ratio`, a bound
that rules out almost every candidate; `closest` works out the same two bounds
with C-level string counts (remembered for names that repeat), and hands
difflib only the candidates that pass them. The answer is difflib's.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """`difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)`'s match, or None."""
    candidates = list(candidates)
    # Letters of a start all share (`leads.` in leads.*) are common to every pair: counted once.
    start = len(os.path.commonprefix([word, *candidates]))
    rest = word[start:]
    length = len(word)
    hopeful = []
    for candidate in candidates:
        total = length + len(candidate)
        # difflib's real_quick_ratio and quick_ratio, written as it computes them: 2.0 * matches / total
        # (two empty strings match fully).
        if total and 2.0 * min(length, len(candidate)) / total < cutoff:
            continue
        if not total or 2.0 * (start + _letters_shared(rest, candidate[start:])) / total >= cutoff:
            hopeful.append(candidate)
    close = difflib.get_close_matches(word, hopeful, n=1, cutoff=cutoff)
    return close[0] if close else None


def closest_few(word: str, candidates: Iterable[str], most: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to `most` close matches, closest first (`difflib.get_close_matches`), for a short list."""
    return difflib.get_close_matches(word, list(candidates), n=most, cutoff=cutoff)


_SHARED: dict[tuple[str, str], int] = {}


def _letters_shared(a: str, b: str) -> int:
    """How many letters `a` and `b` have in common, counted with repeats (a multiset intersection).

    Remembered: past the area, names repeat across a plan (`leads.volume` in many areas)."""
    found = _SHARED.get((a, b))
    if found is None:
        if len(_SHARED) > 100_000:
            _SHARED.clear()
        found = _SHARED[(a, b)] = sum(min(a.count(letter), b.count(letter)) for letter in set(a))
    return found
