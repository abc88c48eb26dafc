"""Writing to the terminal whatever its encoding: `×`, `→` and `€` must never stop a report."""

from __future__ import annotations

import sys

from planlint.run.problems import UsageError

# Each severity's colour wherever a terminal shows findings.
SEVERITY_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def write_stdout(text: str) -> None:
    """Write `text`; characters the terminal's encoding cannot show become `?`. Standard output
    closed, full or gone is a `UsageError` (exit 2), never taken for findings."""
    stream = sys.stdout
    if stream is None:  # started with its standard output closed (`planlint check >&-`)
        raise UsageError("cannot write the output: standard output is closed")
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        stream.write(text.encode(encoding, errors="replace").decode(encoding))
        stream.flush()
    except OSError as err:  # /dev/full, a closed pipe
        raise UsageError(f"cannot write the output: {err.strerror or err}") from None
    except ValueError:  # closed by the caller
        raise UsageError("cannot write the output: standard output is closed") from None
