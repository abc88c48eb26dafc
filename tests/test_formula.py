"""Small pieces of the analysis pinned directly: a closing value in words (`analysis/guidance.py`)
and the ratio of two values at their nearest points (`analysis/evaluate.py`)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from planlint.analysis.evaluate import nearest_ratio
from planlint.analysis.guidance import Closing
from planlint.language import quantity as q


def _number(lo: int, hi: int | None = None) -> q.Quantity:
    return q.Quantity(Fraction(lo), Fraction(lo if hi is None else hi), q.NUMBER)


@pytest.mark.parametrize(
    ("now", "change", "words"),
    [
        ("16%", "+30%", "leads.win_rate >= 20.84% (now 16%, +30%)"),
        ("16%", "", "leads.win_rate >= 20.84% (now 16%)"),
        ("", "", "leads.win_rate >= 20.84%"),  # nobody produces it: nothing in brackets, not "()"
    ],
)
def test_a_closing_value_in_words_shows_today_s_value_only_when_there_is_one(now: str, change: str, words: str) -> None:
    closing = Closing("leads.win_rate", ">=", "20.84%", Fraction(2084, 10000), now=now, change=change)
    assert closing.words() == words


@pytest.mark.parametrize(
    ("asked", "delivered", "ratio"),
    [
        (_number(5), _number(0), None),  # 5 / 0: no ratio
        (_number(5), _number(-2, 0), None),  # nearest point of -2 .. 0 to 5 is 0
        (_number(2), _number(1), Fraction(2)),  # 2 / 1, not None: only zero has no ratio
        (_number(3), _number(1, 2), Fraction(3, 2)),  # nearest point of 1 .. 2 to 3 is 2
        (_number(1), _number(2, 4), Fraction(1, 2)),  # nearest point of 2 .. 4 to 1 is 2
        (_number(1, 3), _number(2, 5), Fraction(1)),  # they overlap
    ],
)
def test_the_ratio_of_two_values_is_taken_at_their_nearest_points(
    asked: q.Quantity, delivered: q.Quantity, ratio: Fraction | None
) -> None:
    assert nearest_ratio(asked, delivered) == ratio
