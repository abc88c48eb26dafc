"""What stops a run before it can check anything, and the exit codes a run ends with.

Exit 1 means findings at or above the failure threshold, and only that: a
problem the user must fix (a flag, the configuration, a path, a revision) is
a `UsageError` and exits 2; anything planlint did not expect exits 3.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class UsageError(ValueError):
    """Bad flags, configuration, paths or revisions: the message is for the user as it stands (exit 2)."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
