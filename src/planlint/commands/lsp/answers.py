"""What the editor asks about a plan, answered from one `Snapshot`: hover, definition, references,
symbols, completion and formatting. Each answer is a plain function of the snapshot and the text.

A hover is `planlint explain NAME`, short; a name's definition is the statement
that produces it (the first in path order, the one that counts); its
references are every `consumes` and every `derive` that uses it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lsprotocol import types

from planlint.analysis.trace import explain_assumption, known_names
from planlint.commands.lsp.positions import client_column, location, span_range, whole_text
from planlint.commands.lsp.workspace import Snapshot
from planlint.language import quantity as q
from planlint.language.grammar import keywords
from planlint.language.wording import plural
from planlint.model.plan import Amount, Block, Consumes, Derive, Goal, Owner, Produces, Statement
from planlint.model.reformat import reformat
from planlint.model.written import requirement_text, value_text
from planlint.output.explain import NameExplanation, Painter, assumption

# A dotted name, or the start of one being typed (`leads.`).
_NAME_CHARS = re.compile(r"[A-Za-z0-9_.]")
# A hover stays short: at most this many consumers (references list them all), findings, and one level of
# derivation (`planlint explain NAME` draws the whole tree).
HOVER_CONSUMERS = 8
HOVER_FINDINGS = 3
HOVER_DEPTH = 1
MOST_NAMES = 200  # completion sends at most this many names, and asks again as more is typed


def name_at(line: str, column: int) -> str | None:
    """The dotted name (`leads.volume`) the 0-based character `column` of `line` touches."""
    start = column
    while start > 0 and _NAME_CHARS.match(line[start - 1]):
        start -= 1
    end = column
    while end < len(line) and _NAME_CHARS.match(line[end]):
        end += 1
    word = line[start:end].strip(".")
    return word if "." in word and re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+", word, re.ASCII) else None


def typed_prefix(line: str, column: int) -> int:
    """Where the name being typed before `column` starts (its first character's index)."""
    start = column
    while start > 0 and _NAME_CHARS.match(line[start - 1]):
        start -= 1
    return start


# Hover, definition, references -----------------------------------------------------------------


def hover(snapshot: Snapshot, name: str) -> types.Hover | None:
    """`planlint explain NAME` for the name, with at most HOVER_CONSUMERS consumers."""
    if name not in known_names(snapshot.graph):
        return None
    config = snapshot.config
    story = explain_assumption(
        name, snapshot.graph, snapshot.evaluator, config.tolerance, config.fiscal_year_start, max_depth=HOVER_DEPTH
    )
    more = len(story.consumers) - HOVER_CONSUMERS
    if more > 0:
        story = replace(story, consumers=story.consumers[:HOVER_CONSUMERS])
    findings = [finding for finding in snapshot.findings if finding.subject == name][:HOVER_FINDINGS]
    text = assumption(NameExplanation(story, findings), Painter(color=False, unicode=True))
    if more > 0:
        text += f"... and {plural(more, 'more consumer')}: find all references to list them\n"
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, f"```text\n{text}```"))


def definition(snapshot: Snapshot, name: str) -> types.Location | None:
    """The statement that produces the name (the first in path order: the one that counts)."""
    producer = snapshot.graph.producer(name)
    return location(snapshot, producer.span) if producer is not None else None


def references(snapshot: Snapshot, name: str, with_declaration: bool) -> list[types.Location]:
    """Every statement that consumes the name, and every use of it in a derivation."""
    graph = snapshot.graph
    found = [producer.span for producer in graph.producers.get(name, [])] if with_declaration else []
    for consumption in graph.consumptions.get(name, []):
        found.append(consumption.reference.span if consumption.reference is not None else consumption.span)
    return [location(snapshot, span) for span in found]


# Symbols -------------------------------------------------------------------------------------


def document_symbols(snapshot: Snapshot, shown: str) -> list[types.DocumentSymbol]:
    """The file's teams (and org), each with its goals and statements."""
    plan_file = snapshot.file(shown)
    if plan_file is None:
        return []
    return [_block_symbol(snapshot, block) for block in plan_file.blocks]


def _block_symbol(snapshot: Snapshot, block: Block) -> types.DocumentSymbol:
    children = [_statement_symbol(snapshot, statement) for statement in block.statements]
    last = block.statements[-1].span if block.statements else block.span
    whole = types.Range(span_range(snapshot, block.span).start, span_range(snapshot, last).end)
    return types.DocumentSymbol(
        name=block.name,
        detail=block.kind,
        kind=types.SymbolKind.Namespace if block.is_org else types.SymbolKind.Module,
        range=whole,
        selection_range=span_range(snapshot, block.span),
        children=children,
    )


_STATEMENT_KINDS: dict[type, types.SymbolKind] = {
    Owner: types.SymbolKind.String,
    Goal: types.SymbolKind.Event,
    Produces: types.SymbolKind.Property,
    Consumes: types.SymbolKind.Field,
    Derive: types.SymbolKind.Function,
}


def _statement_symbol(snapshot: Snapshot, statement: Statement) -> types.DocumentSymbol:
    where = span_range(snapshot, statement.span)
    return types.DocumentSymbol(
        name=statement_title(statement),
        detail=statement_detail(snapshot, statement),
        kind=_STATEMENT_KINDS[type(statement)],
        range=where,
        selection_range=where,
    )


def statement_title(statement: Statement) -> str:
    """`goal sales.revenue`, `produces leads.volume`, `owner @acme/sales`."""
    if isinstance(statement, Owner):
        return f"owner {statement.handle}"
    if isinstance(statement, Goal):
        return f"goal {statement.metric}"
    keyword = {Produces: "produces", Consumes: "consumes", Derive: "derive"}[type(statement)]
    return f"{keyword} {statement.name}"


def statement_detail(snapshot: Snapshot, statement: Statement) -> str:
    """What the statement states: `>= $20M/year`, `= $24k`, `= leads.volume * leads.win_rate`."""
    if isinstance(statement, (Goal, Consumes)) and statement.requirement is not None:
        return requirement_text(statement.requirement)
    if isinstance(statement, Produces) and statement.value is not None:
        return "= " + value_text(statement.value)
    if isinstance(statement, Derive):
        return "= " + snapshot.plan.source_text(statement.expr.span)
    return ""


def workspace_symbols(snapshot: Snapshot, query: str) -> list[types.WorkspaceSymbol]:
    """Every assumption and metric name containing `query` (any case), at its producer, else its
    first consumer, else its first goal."""
    graph, wanted = snapshot.graph, query.lower()
    found = []
    for name in sorted(known_names(graph)):
        if wanted not in name.lower():
            continue
        producer = graph.producer(name)
        consumptions = graph.consumptions.get(name)
        span = (
            producer.span
            if producer is not None
            else consumptions[0].span
            if consumptions
            else graph.goals_for(name)[0].span
        )
        team = producer.team if producer is not None else ""
        found.append(
            types.WorkspaceSymbol(
                location=location(snapshot, span),
                name=name,
                kind=types.SymbolKind.Variable,
                container_name=team or None,
            )
        )
    return found


# Completion -----------------------------------------------------------------------------------


def completion(snapshot: Snapshot, number: int, line: str, column: int) -> types.CompletionList:
    """Assumption names (with what their producer states), units, periods and keywords, for the
    0-based character `column` of line `number` (0-based) whose text is `line`."""
    start = typed_prefix(line, column)
    if line[:start].rstrip().endswith("/"):  # `leads/` and `leads / `: only a period fits here
        return types.CompletionList(False, _periods())
    # A name replaces all that is typed of it, dots included (editors' words stop at a dot).
    typed = types.Range(
        types.Position(number, client_column(line, start)), types.Position(number, client_column(line, column))
    )
    names = _names(snapshot, line[start:column], typed)
    return types.CompletionList(len(names) == MOST_NAMES, [*names, *_units(snapshot), *_keywords()])


def _names(snapshot: Snapshot, typed_text: str, typed: types.Range) -> list[types.CompletionItem]:
    """The names that hold what is typed (any case), at most MOST_NAMES of them."""
    graph, wanted = snapshot.graph, typed_text.lower()
    items = []
    for name in sorted(name for name in known_names(graph) if wanted in name.lower())[:MOST_NAMES]:
        producer = graph.producer(name)
        detail = None
        if isinstance(producer, Produces):
            detail = f"{producer.team}: " + (value_text(producer.value) or "no value")
        elif isinstance(producer, Derive):
            detail = f"{producer.team}: derived"
        items.append(
            types.CompletionItem(
                name,
                kind=types.CompletionItemKind.Variable,
                detail=detail,
                text_edit=types.TextEdit(typed, name),
            )
        )
    return items


def _units(snapshot: Snapshot) -> list[types.CompletionItem]:
    """The count units the plan already writes (`leads`, `deals`), and currency codes."""
    labels: set[str] = set()
    for block in snapshot.plan.blocks:
        for statement in block.statements:
            value = _stated(statement)
            if isinstance(value, Amount) and value.quantity.unit.label:
                labels.add(value.quantity.unit.label)
    words = sorted(labels) + sorted(q.ISO_CURRENCIES)
    return [types.CompletionItem(word, kind=types.CompletionItemKind.Unit, detail="unit") for word in words]


def _stated(statement: Statement) -> object:
    if isinstance(statement, Produces):
        return statement.value
    if isinstance(statement, (Consumes, Goal)) and statement.requirement is not None:
        return statement.requirement.value
    return None


def _periods() -> list[types.CompletionItem]:
    periods = sorted(set(q.PERIOD_ALIASES.values()), key=list(q.PERIOD_YEARS).index)
    return [types.CompletionItem(period, kind=types.CompletionItemKind.Unit, detail="period") for period in periods]


def _keywords() -> list[types.CompletionItem]:
    return [types.CompletionItem(word, kind=types.CompletionItemKind.Keyword) for word in sorted(keywords())]


# Formatting ----------------------------------------------------------------------------------


def formatting(shown: str, text: str) -> list[types.TextEdit] | None:
    """The whole document in the canonical layout (`planlint fmt`); None when it may not be
    reformatted (it does not parse, or its meaning would change)."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    result = reformat(shown, normalised)
    if result.refused is not None:
        return None
    if not result.changed and normalised == text:
        return []
    newline = "\r\n" if "\r\n" in text else "\n"
    return [types.TextEdit(whole_text(text), result.text.replace("\n", newline))]
