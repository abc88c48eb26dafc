"""A finding's fixes as the language server offers them: LSP code actions, as plain data.

The server turns the findings at the editor's cursor into quick fixes with
`code_actions`, and any one edit into an LSP `TextEdit` with `text_edit`.
Everything is plain dictionaries in the protocol's shape, so this module needs
no LSP library. LSP counts lines from 0 and characters in the position encoding
client and server agreed on (UTF-16 code units unless they chose "utf-8" or
"utf-32"); findings count both from 1, in characters, so each position is
converted on the line's own text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planlint.rulebook.finding import Finding
from planlint.rulebook.fixes import SAFE, Edit, Fix

LineText = Callable[[str, int], "str | None"]  # (path, 1-based line) -> the line as written, None if unknown
ENCODINGS = ("utf-16", "utf-8", "utf-32")


def code_actions(
    finding: Finding,
    uri_of: Callable[[str], str],
    line_text: LineText,
    encoding: str = "utf-16",
    diagnostic: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """One `quickfix` CodeAction per fix of `finding`; a safe fix is the preferred one. `uri_of` maps
    a finding's path to the document's URI; `diagnostic`, when given, is the LSP diagnostic the
    actions resolve."""
    actions = []
    for fix in finding.fixes:
        action: dict[str, Any] = {
            "title": fix.title,
            "kind": "quickfix",
            "edit": workspace_edit(fix, uri_of, line_text, encoding),
        }
        if fix.applicability == SAFE:
            action["isPreferred"] = True
        if diagnostic is not None:
            action["diagnostics"] = [diagnostic]
        actions.append(action)
    return actions


def workspace_edit(
    fix: Fix, uri_of: Callable[[str], str], line_text: LineText, encoding: str = "utf-16"
) -> dict[str, Any]:
    """`{"changes": {uri: [TextEdit, ...]}}`: every edit of the fix, by document."""
    changes: dict[str, list[dict[str, Any]]] = {}
    for edit in fix.edits:
        changes.setdefault(uri_of(edit.path), []).append(text_edit(edit, line_text, encoding))
    return {"changes": changes}


def text_edit(edit: Edit, line_text: LineText, encoding: str = "utf-16") -> dict[str, Any]:
    """`{"range": {"start": ..., "end": ...}, "newText": ...}` in the agreed position encoding."""
    return {
        "range": {
            "start": position(edit.path, edit.start_line, edit.start_column, line_text, encoding),
            "end": position(edit.path, edit.end_line, edit.end_column, line_text, encoding),
        },
        "newText": edit.new_text,
    }


def position(path: str, line: int, column: int, line_text: LineText, encoding: str = "utf-16") -> dict[str, int]:
    """An LSP Position from a 1-based line and character column."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown position encoding {encoding!r} (known: {', '.join(ENCODINGS)})")
    before = (line_text(path, line) or "")[: column - 1]
    if encoding == "utf-16":
        character = len(before.encode("utf-16-le")) // 2
    elif encoding == "utf-8":
        character = len(before.encode("utf-8"))
    else:
        character = len(before)
    return {"line": line - 1, "character": character + max(column - 1 - len(before), 0)}
