"""Write a report or a baseline: whole or not at all, as a plain file, only where the user asked.

planlint writes reports and baselines that CI jobs and editors read while it
runs; a crash or a full disk must leave the previous file whole, never a
truncated one. So: write a sibling temporary file, fsync it, rename it over.

The checkout it runs in is written by whoever opened the pull request, so
before anything is written the target is checked: only a regular file is
replaced (never a FIFO, a device such as `/dev/stdout`, or a folder), and a
path named inside the repository must not lead out of it through a link that
the repository holds (`report.sarif -> ~/.bashrc`, `out -> /etc`).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from planlint.run.config import leads_out
from planlint.run.problems import UsageError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def write_atomic(path: str | os.PathLike[str], text: str, inside: Path | None = None) -> None:
    """Replace `path` with `text` (UTF-8, line endings as given) in one step, making its folder.

    The temporary file lives in the same directory, so os.replace is a rename
    on one file system. An existing file keeps its permission bits; a new one
    gets the usual 0o666 less the umask. A link is followed (its target is
    replaced, the link stays) unless it leads from inside `inside` (the
    repository) to outside it: then, as for a target that is not a regular
    file, a `UsageError` says so and nothing is written. On any other failure
    the temporary file is removed and the old file is left as it was.
    """
    target = checked_target(path, inside)
    directory, name = os.path.split(target)
    os.makedirs(directory, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    temp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def checked_target(path: str | os.PathLike[str], inside: Path | None = None) -> str:
    """The real path `write_atomic` replaces, once it is known to be safe to replace (see there)."""
    named = os.path.abspath(os.fspath(path))
    shown = os.fspath(path)
    outside = leads_out(named, inside)
    if outside is not None:
        raise UsageError(
            f"cannot write {shown}: it leads out of the repository (a link to {outside}); "
            "planlint writes inside the repository only where no link leads out of it"
        )
    real = os.path.realpath(named)
    try:
        info = os.stat(named)
    except OSError:
        return real  # nothing there yet (or a dangling link, whose target is inside)
    for is_kind, kind in _KINDS:
        if is_kind(info.st_mode):
            raise UsageError(
                f"cannot write {shown}: it is {kind}, not a file; planlint writes reports only as plain files "
                "(leave out the file name to print to the terminal)"
            )
    return real


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable where the platform allows it (not Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
