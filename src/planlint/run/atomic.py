"""Write a file so that a reader never sees half of it.

planlint writes reports and baselines that CI jobs and editors read while it
runs; a crash or a full disk must leave the previous file whole, never a
truncated one. So: write a sibling temporary file, fsync it, rename it over.
"""

from __future__ import annotations

import os
import secrets
import stat


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace `path` with `text` (UTF-8, line endings as given) in one step.

    The temporary file lives in the same directory, so os.replace is a rename
    on one file system. An existing file keeps its permission bits; a new one
    gets the usual 0o666 less the umask. A symlink is followed: its target is
    replaced, the link stays. On any failure the temporary file is removed and
    the old file is left as it was.
    """
    target = os.path.realpath(os.fspath(path))
    directory, name = os.path.split(target)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    temp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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
