"""Shared phrasing of findings, so every rule speaks the same plain English."""

from __future__ import annotations

from planlint.analysis.evaluate import Known, Outcome
from planlint.analysis.graph import Producer
from planlint.language import quantity as q
from planlint.model.plan import Derive
from planlint.model.written import value_text
from planlint.rulebook.finding import Related


def producer_words(producer: Producer, delivered: Outcome | None = None, like: q.Unit | None = None) -> str:
    """`marketing produces leads.avg_deal_value = $24k` / `sales derives sales.revenue`."""
    if isinstance(producer, Derive):
        text = f"{producer.team} derives {producer.name}"
        if isinstance(delivered, Known):
            text += f" = {q.format_quantity(delivered.quantity, like)}"
        return text
    text = f"{producer.team} produces {producer.name}"
    if producer.value is not None:
        text += f" = {value_text(producer.value, like)}"
    if producer.by is not None:
        text += f" by {producer.by}"
    return text


def producer_related(producer: Producer, delivered: Outcome | None = None) -> Related:
    return Related(producer.span, producer_words(producer, delivered))
