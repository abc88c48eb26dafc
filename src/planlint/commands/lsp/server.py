"""`planlint lsp`: the wiring between pygls and the plan. Each handler turns the editor's request
into a question for `answers` over the workspace's latest `Snapshot`, and nothing more.

Diagnostics: opening or saving a file publishes at once; typing publishes once
the editor has been quiet for `DEBOUNCE_SECONDS`. Every open file is published
each time, since a change in marketing's file changes the findings in sales'.

A handler never fails the editor: an unexpected error is written to the
editor's log (an error message) and the request answers "nothing here".
"""

from __future__ import annotations

import asyncio
import functools
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from planlint import __version__
from planlint.commands.lsp import actions, answers
from planlint.commands.lsp.diagnostics import diagnostics, rule_pages
from planlint.commands.lsp.positions import char_column, use_encoding
from planlint.commands.lsp.workspace import Workspace, project_root

DEBOUNCE_SECONDS = (
    0.1  # a re-check takes ~50 ms at 1,000 teams (the incremental engine): wait for a pause in typing, no longer
)
Answer = TypeVar("Answer")


class PlanServer(LanguageServer):
    """The language server, and the plan workspace it answers from (made once the editor has
    said which folders it opened)."""

    def __init__(self) -> None:
        super().__init__("planlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self._plans: Workspace | None = None
        self._uris: dict[Path, str] = {}  # open documents: file -> the URI the editor names it by
        self._pending: asyncio.TimerHandle | None = None
        self._pages: dict[str, str] | None = None

    @property
    def plans(self) -> Workspace:
        return self.plans_for(None)

    def plans_for(self, document: Path | None) -> Workspace:
        """The workspace, made on first use from the editor's folders (or its root; or, when it
        names neither, the project around the first document opened)."""
        if self._plans is None:
            use_encoding(self.workspace.position_encoding or "utf-16")  # as agreed with the client at start-up
            folders = [to_fs_path(folder.uri) for folder in self.workspace.folders.values()]
            roots = [Path(folder) for folder in folders if folder]
            if not roots and self.workspace.root_path:
                roots = [Path(self.workspace.root_path)]
            if not roots and document is not None:
                roots = [project_root(document)]
            self._plans = Workspace(root.resolve() for root in roots)
            if self._plans.config_problem:
                self.warn(f"planlint: {self._plans.config_problem}; checking with the default settings")
        return self._plans

    def warn(self, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, message))

    def log_error(self, message: str) -> None:
        self.window_log_message(types.LogMessageParams(types.MessageType.Error, message))

    # Documents -------------------------------------------------------------------------------

    def document(self, uri: str) -> tuple[Path, str] | None:
        """The file behind a `file:` URI and the editor's text of it; None for any other URI."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:
            return None
        return Path(path), self.workspace.get_text_document(uri).source

    def line_at(self, uri: str, position: types.Position) -> tuple[str, int] | None:
        """The text of the position's line and the position's character index in it."""
        lines = self.workspace.get_text_document(uri).lines
        if not 0 <= position.line < len(lines):
            return None
        line = lines[position.line].rstrip("\r\n")
        return line, char_column(line, position.character)

    def name_at(self, uri: str, position: types.Position) -> str | None:
        found = self.line_at(uri, position)
        return answers.name_at(*found) if found is not None else None

    def track(self, uri: str) -> None:
        """Hand the document's text to the workspace."""
        document = self.document(uri)
        if document is not None:
            path, text = document
            self._uris[path.resolve()] = uri
            self.plans_for(path).change(path, text)

    # Diagnostics -----------------------------------------------------------------------------

    def publish_soon(self) -> None:
        """Publish once the editor has been quiet for a moment (restarting the wait on each change)."""
        if self._pending is not None:
            self._pending.cancel()
        self._pending = asyncio.get_running_loop().call_later(DEBOUNCE_SECONDS, self.publish)

    def publish(self) -> None:
        """The diagnostics of every open document, from a check of the whole plan as it now stands."""
        self._pending = None
        try:
            snapshot = self.plans.snapshot()
            if self._pages is None:
                self._pages = rule_pages()
            for path, uri in self._uris.items():
                found = diagnostics(snapshot, self.plans.shown(path), self._pages)
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, found))
        except Exception:  # the editor keeps its last diagnostics; the log says why
            self.log_error("planlint: diagnostics failed:\n" + traceback.format_exc())


server = PlanServer()


def answering(default: Any) -> Callable[[Callable[..., Answer]], Callable[..., Answer]]:
    """A handler that answers `default` (and logs the error) rather than fail the request."""

    def wrap(handler: Callable[..., Answer]) -> Callable[..., Answer]:
        @functools.wraps(handler)
        def safe(ls: PlanServer, params: Any) -> Answer:
            try:
                return handler(ls, params)
            except Exception:
                ls.log_error(f"planlint: {handler.__name__} failed:\n" + traceback.format_exc())
                return default  # type: ignore[no-any-return]

        return safe

    return wrap


# Notifications ---------------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@answering(None)
def did_open(ls: PlanServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.track(params.text_document.uri)
    ls.publish()


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@answering(None)
def did_change(ls: PlanServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.track(params.text_document.uri)
    ls.publish_soon()


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@answering(None)
def did_save(ls: PlanServer, params: types.DidSaveTextDocumentParams) -> None:
    document = ls.document(params.text_document.uri)
    if document is not None:
        ls.plans.saved(document[0])
    ls.publish()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@answering(None)
def did_close(ls: PlanServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if path is not None:
        ls._uris.pop(Path(path).resolve(), None)
        ls.plans.close(Path(path))
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
    ls.publish()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@answering(None)
def did_change_watched_files(ls: PlanServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        path = to_fs_path(change.uri)
        if path is not None:
            ls.plans.saved(Path(path))
    ls.publish()


# Requests --------------------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_HOVER)
@answering(None)
def hover(ls: PlanServer, params: types.HoverParams) -> types.Hover | None:
    name = ls.name_at(params.text_document.uri, params.position)
    return answers.hover(ls.plans.snapshot(), name) if name else None


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@answering(None)
def definition(ls: PlanServer, params: types.DefinitionParams) -> types.Location | None:
    name = ls.name_at(params.text_document.uri, params.position)
    return answers.definition(ls.plans.snapshot(), name) if name else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
@answering(None)
def references(ls: PlanServer, params: types.ReferenceParams) -> list[types.Location] | None:
    name = ls.name_at(params.text_document.uri, params.position)
    if not name:
        return None
    return answers.references(ls.plans.snapshot(), name, params.context.include_declaration)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@answering(None)
def document_symbol(ls: PlanServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
    document = ls.document(params.text_document.uri)
    if document is None:
        return None
    return answers.document_symbols(ls.plans.snapshot(), ls.plans.shown(document[0]))


@server.feature(types.WORKSPACE_SYMBOL)
@answering(None)
def workspace_symbol(ls: PlanServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol] | None:
    return answers.workspace_symbols(ls.plans.snapshot(), params.query)


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", "/"]))
@answering(None)
def completion(ls: PlanServer, params: types.CompletionParams) -> types.CompletionList | None:
    found = ls.line_at(params.text_document.uri, params.position)
    if found is None:
        return None
    line, column = found
    return answers.completion(ls.plans.snapshot(), params.position.line, line, column)


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
@answering(None)
def formatting(ls: PlanServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    document = ls.document(params.text_document.uri)
    if document is None:
        return None
    path, text = document
    return answers.formatting(ls.plans.shown(path), text)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])
)
@answering(None)
def code_action(ls: PlanServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    document = ls.document(params.text_document.uri)
    if document is None:
        return None
    shown = ls.plans.shown(document[0])
    return actions.code_actions(ls.plans.snapshot(), shown, params.text_document.uri, params.range)


def serve() -> None:
    """Answer the editor over stdin and stdout until it says exit."""
    server.start_io()
