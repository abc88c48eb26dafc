"""Writing to the terminal whatever its encoding: `×`, `→` and `€` must never stop a report."""

from __future__ import annotations

import sys


def write_stdout(text: str) -> None:
    """Write `text`; characters the terminal's encoding cannot show become `?`."""
    stream = sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(text.encode(encoding, errors="replace").decode(encoding))
    stream.flush()
