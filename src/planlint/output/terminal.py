"""Writing to the terminal whatever its encoding: `×`, `→` and `€` must never stop a report."""

from __future__ import annotations

import os
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
    data = text.encode(encoding, errors="replace")
    # The bytes straight to the stream's buffer where lines end in \n as written (a report of
    # 10,000 findings is 4 MB: encoded once, not three times); else through the text layer.
    buffer = getattr(stream, "buffer", None) if os.linesep == "\n" else None
    try:
        if buffer is not None:
            stream.flush()  # what was written before comes first
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode(encoding))
            stream.flush()
    except OSError as err:  # /dev/full, a closed pipe
        raise UsageError(f"cannot write the output: {err.strerror or err}") from None
    except ValueError:  # closed by the caller
        raise UsageError("cannot write the output: standard output is closed") from None
