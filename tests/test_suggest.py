"""`suggest.closest` gives difflib's answer, whatever the candidates."""

from __future__ import annotations

import difflib
import random

import pytest

from planlint.language.suggest import closest


def _difflib(word: str, candidates: list[str], cutoff: float) -> str | None:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    return close[0] if close else None


@pytest.mark.parametrize("cutoff", [0.0, 0.6, 0.8, 1.0])
def test_same_answer_as_difflib_on_random_names(cutoff: float) -> None:
    rng = random.Random(5)
    letters = "abcde.x"

    def name() -> str:
        return "".join(rng.choice(letters) for _ in range(rng.randint(0, 8)))

    for _ in range(3000):
        start = name() if rng.random() < 0.5 else ""  # often a start all share, as names of one area do
        word = start + name()
        candidates = [start + name() for _ in range(rng.randint(0, 6))]
        assert closest(word, candidates, cutoff) == _difflib(word, candidates, cutoff), (word, candidates)


def test_a_typo_is_found_and_a_stranger_is_not() -> None:
    names = ["leads.avg_deal_value", "leads.volume", "pipeline.value"]
    assert closest("leads.avg_deal_valeu", names, 0.8) == "leads.avg_deal_value"
    assert closest("headcount.engineers", names, 0.8) is None


def test_ties_go_to_difflibs_choice() -> None:
    # Equal scores: difflib keeps the largest string; so must closest.
    assert closest("ab", ["ac", "ad", "ae"], 0.5) == _difflib("ab", ["ac", "ad", "ae"], 0.5) == "ae"
