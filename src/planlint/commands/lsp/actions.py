"""Code actions: the fixes of the findings under the editor's cursor, as quick fixes.

The fixes are the findings' own (the fix model of `rulebook.fixes`, the same
that `check --fix`, SARIF and the review offer): a syntax error's
did-you-mean (safe, the preferred action), "plan on what is delivered" on a
mismatch, each verified closing value of a goal-shortfall. `output.code_actions`
shapes them as the protocol's data; this module only picks the findings and
hands that data to lsprotocol.
"""

from __future__ import annotations

from lsprotocol import converters, types

from planlint.commands.lsp.positions import encoding, span_range
from planlint.commands.lsp.workspace import Snapshot
from planlint.output.code_actions import code_actions as fix_actions

_CONVERTER = converters.get_converter()


def code_actions(snapshot: Snapshot, shown: str, uri: str, wanted: types.Range) -> list[types.CodeAction]:
    """The quick fixes of the findings in `shown` whose lines touch the lines of `wanted`."""

    def uri_of(path: str) -> str:  # the editor's own URI for its document; the rest by path
        return uri if path == shown else snapshot.path_of(path).as_uri()

    def line_text(path: str, line: int) -> str | None:
        plan_file = snapshot.file(path)
        lines = plan_file.lines if plan_file is not None else []
        return lines[line - 1] if 0 < line <= len(lines) else None

    actions = []
    for finding in snapshot.findings_in(shown):
        if not finding.fixes:
            continue
        where = span_range(snapshot, finding.span)
        if where.end.line < wanted.start.line or where.start.line > wanted.end.line:
            continue
        for action in fix_actions(finding, uri_of, line_text, encoding()):
            actions.append(_CONVERTER.structure(action, types.CodeAction))
    return actions
