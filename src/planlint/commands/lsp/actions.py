"""Code actions: quick fixes for the findings under the editor's cursor.

The fixes themselves are not made here. Today the only ones are the syntax
errors' did-you-means, read from the finding's help (`write 'consumes'`, on the
span of the misspelt word); the fix model of issue 20 will bring the rest
("plan on what is delivered", a goal's closing values). `replacements` is the
one adapter between them and the editor: point it at the fix model, and the
handler and `code_actions` stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lsprotocol import types

from planlint.commands.lsp.positions import span_range
from planlint.commands.lsp.workspace import Snapshot
from planlint.language.span import Span
from planlint.rulebook.finding import Finding

_WRITE_INSTEAD = re.compile(r"write '(?P<text>[^']+)'(?: for [^']*)?")


def replacements(snapshot: Snapshot, shown: str) -> Iterator[tuple[Finding, str, Span, str]]:
    """(finding, title, span to replace, new text) for each fix of the findings in the file."""
    for finding in snapshot.findings_in(shown):
        suggested = _WRITE_INSTEAD.fullmatch(finding.help) if finding.rule == "syntax-error" else None
        if suggested is None or finding.span.line != finding.span.end_line:
            continue
        written = snapshot.plan.source_text(finding.span)
        text = suggested["text"]
        if written and written != text:
            yield finding, f"Replace '{written}' with '{text}'", finding.span, text


def code_actions(snapshot: Snapshot, shown: str, uri: str, wanted: types.Range) -> list[types.CodeAction]:
    """The quick fixes whose finding touches the lines of `wanted`."""
    actions = []
    for _finding, title, span, text in replacements(snapshot, shown):
        where = span_range(snapshot, span)
        if where.end.line < wanted.start.line or where.start.line > wanted.end.line:
            continue
        edit = types.WorkspaceEdit(changes={uri: [types.TextEdit(where, text)]})
        actions.append(
            types.CodeAction(
                title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=None,
                edit=edit,
                is_preferred=True,
            )
        )
    return actions
