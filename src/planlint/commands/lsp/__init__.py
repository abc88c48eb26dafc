"""`planlint lsp`: the language server (pygls over stdio) for editors.

`workspace` holds the plan as the editor sees it and re-checks it (the one seam
to the engine); `answers`, `diagnostics` and `actions` turn a check into what
the editor asks for; `server` wires them to the protocol and `server.serve`
runs it. pygls is imported only when the server starts, never by `planlint check`.
"""
