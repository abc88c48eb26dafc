"""`planlint lsp`: the language server (pygls over stdio) for editors.

`workspace` holds the plan as the editor sees it and re-checks it (the one seam
to the engine); `answers`, `diagnostics` and `actions` turn a check into what
the editor asks for; `server` wires them to the protocol. pygls is imported
only when the server starts, never by `planlint check`.
"""

from __future__ import annotations


def serve() -> None:
    """Run the language server over stdin and stdout."""
    from planlint.commands.lsp.server import serve as start

    start()
