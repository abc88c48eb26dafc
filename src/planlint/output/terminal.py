"""Writing to the terminal whatever its encoding: `×`, `→` and `€` must never stop a report."""

from __future__ import annotations

import sys

# Each severity's colour wherever a terminal shows findings.
SEVERITY_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def write_stdout(text: str) -> None:
    """Write `text`; characters the terminal's encoding cannot show become `?`."""
    stream = sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(text.encode(encoding, errors="replace").decode(encoding))
    stream.flush()
