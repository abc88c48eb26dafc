"""Finding and reading plan files: the file system side of a run.

`plan_files` lists every `*.plan` file below the paths (sorted, excluded folders
and symlink loops skipped); `read_source` reads one, and `read_in_order` reads
many, opening and announcing each to the operating system a little before it is
read. Whatever stops a read (a folder, a FIFO, a missing or unreadable file, a
file past `LIMITS.file_bytes`) becomes a `PlanFile` whose problem is at its line 1,
so the rest of the plan is still checked.
"""

from __future__ import annotations

import collections
import itertools
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from planlint.language.limits import LIMITS
from planlint.language.source import ParseProblem
from planlint.language.span import Span
from planlint.model.plan import PlanFile
from planlint.run.config import ALWAYS_EXCLUDED, DEFAULT, Config, find_root, within

PLAN_SUFFIX = ".plan"


# Finding files ---------------------------------------------------------------------


def display_path(path: str | Path, cwd: Path) -> str:
    """Relative to the working directory when below it, posix, as users expect in messages."""
    return display_paths([path], cwd)[0]


def display_paths(paths: Iterable[str | Path], cwd: Path) -> list[str]:
    """`display_path` of each path. An absolute path is resolved as its folder, worked out once for
    every file in it, and its name, unless that is a symlink: 10,000 files named by an absolute path
    took 0.37 s resolving each, component by component."""
    folders: dict[str, Path] = {}
    shown = []
    for path in paths:
        if not os.path.isabs(path):
            text = _posix(os.fspath(path))
            if text.startswith("../"):  # found from a folder above this one: its shortest name from here
                text = _posix(os.path.relpath(os.path.join(cwd, text), cwd))
            shown.append(shown_name(text))
            continue
        try:
            shown.append(shown_name(_resolved_file(os.fspath(path), folders).relative_to(cwd).as_posix()))
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            shown.append(shown_name(Path(path).as_posix()))
    return shown


def _resolved_file(path: str, folders: dict[str, Path]) -> Path:
    """`Path(path).resolve()`, the folder's part taken from `folders` when worked out before."""
    folder, name = os.path.split(path)
    if name in ("", ".", "..") or os.path.islink(path):
        return Path(path).resolve()
    found = folders.get(folder)
    if found is None:
        found = folders[folder] = Path(folder).resolve()
    return found / name


def shown_name(path: str) -> str:
    """A file name as every output shows it: bytes that are not UTF-8 (which Python carries as lone
    surrogates, and no output could write) become `\\xNN`, so `caf\\xe9.plan` for Latin-1 `café.plan`."""
    if path.isascii():
        return path
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def discover(paths: Iterable[Path], config: Config = DEFAULT) -> list[Path]:
    """Every `*.plan` file below the paths, sorted; excluded folders and symlink loops skipped."""
    return [Path(found) for found in plan_files(paths, config)]


def plan_files(paths: Iterable[Path], config: Config = DEFAULT) -> list[str]:
    """`discover`'s files as the file system's path strings: a Path per file costs more than
    reading the file does."""
    return _find(list(paths), config, None)[0]


def plan_sources(paths: Iterable[Path], config: Config, cwd: Path) -> list[tuple[str, Source]]:
    """Each plan file below the paths as (its path as shown, the file to read). A file or folder that
    is a link to somewhere outside the repository is not read: it becomes a problem at its line 1."""
    paths = list(paths)
    found, outside = _find(paths, config, boundary(paths))
    return [
        (shown, _outside(shown, path, outside[path]) if path in outside else Unread(path))
        for path, shown in zip(found, display_paths(found, cwd))
    ]


def boundary(paths: list[Path]) -> Path:
    """What no plan file may lead out of: the repository above the paths, else the configuration's
    folder, else the current folder (when the paths are below it) or the folder holding them."""
    found = find_root(paths)
    if found.root is not None:
        return found.repository or found.root
    here = os.path.abspath(".")
    named = [os.path.abspath(path) for path in paths]
    if all(within(path, here) for path in named):
        return Path(here).resolve()
    return Path(os.path.commonpath([os.path.dirname(path) for path in named])).resolve()


def _find(paths: list[Path], config: Config, fence: Path | None) -> tuple[list[str], dict[str, str]]:
    """The plan files below the paths, sorted, and those that really are outside `fence` (None: no
    fence) with where they really are."""
    given = {os.fspath(path) for path in paths}
    root = resolved(config.root)
    fence_text = os.fspath(fence) if fence is not None else None
    plans: list[str] = []
    outside: dict[str, str] = {}
    for path in paths:
        if fence_text is not None:
            real = os.path.realpath(path)
            if not within(real, fence_text):  # a named link (or a folder below one) that leads out
                plans.append(os.fspath(path))
                outside[os.fspath(path)] = real
                continue
        if not path.is_dir():
            plans.append(os.fspath(path))  # named on the command line: always checked
            continue
        for found, relative in _walk(path, root):
            if relative is _UNKNOWN:  # a symlinked file: where it really is decides
                real = os.path.realpath(found)
                if fence_text is not None and not within(real, fence_text):
                    plans.append(found)
                    outside[found] = real
                    continue
                relative = _relative_to_resolved(Path(real), root)
            if relative is None or config.includes(relative) or found in given:
                plans.append(found)
    if len(paths) > 1:  # one file named two ways is read once (one folder's walk finds each file once)
        unique: dict[str, str] = {}
        for plan in sorted(plans, key=_posix):
            unique.setdefault(os.path.abspath(plan), plan)
        plans = list(unique.values())
    return sorted(plans, key=_posix), outside


def _outside(shown: str, path: str, real: str) -> PlanFile:
    """The problem of a file or folder that leads out of the repository, naming the link's own target."""
    what = "folder" if os.path.isdir(real) else "file"
    try:
        target = os.readlink(path)
    except OSError:  # below a linked folder: where it really is
        target = real
    return _unreadable(
        shown,
        f"this {what} is a link to {shown_name(target)}, outside the repository; planlint reads nothing outside it",
        f"copy the plan {what} into the repository, or remove the link",
    )


def _posix(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")


_UNKNOWN = "\0unknown"


def _walk(top: Path, root: Path | None) -> Iterator[tuple[str, str | None]]:
    """`*.plan` files below `top` as os.walk finds them (symlinked folders not entered), each with its
    path relative to `root` (None: not below it), worked out per folder rather than asked of the file
    system per file; `_UNKNOWN` for a symlinked file. Paths are joined as pathlib would (no `./`)."""
    real = resolved(top)
    start = _relative_to_resolved(real, root) if real is not None else _UNKNOWN
    stack = [(os.fspath(top), "" if start == "." else start)]
    while stack:
        folder, relative = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        prefix = "" if folder == "." else folder if folder.endswith(os.sep) else folder + os.sep
        for entry in listed:
            name = entry.name
            try:
                is_dir, is_link = entry.is_dir(), entry.is_symlink()
            except OSError:  # as os.walk: what cannot be examined is taken for a file
                is_dir = is_link = False
            below = relative if relative is None or relative is _UNKNOWN else f"{relative}/{name}" if relative else name
            if is_dir:
                if not is_link and name not in ALWAYS_EXCLUDED:
                    stack.append((prefix + name, below))
            elif name.endswith(PLAN_SUFFIX):
                yield prefix + name, (_UNKNOWN if is_link else below)


def resolved(path: Path) -> Path | None:
    """The real path, or None when it cannot be worked out (a symlink loop, say)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _relative_to_resolved(real: Path, root: Path | None) -> str | None:
    try:
        return real.relative_to(root).as_posix() if root is not None else None
    except ValueError:
        return None


def relative_to(path: Path, root: Path | None) -> str | None:
    """`path` relative to the (resolved) `root`, or None when it is not below it."""
    if root is None:
        return None
    try:
        return path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


# Reading files ---------------------------------------------------------------------

# A hand-written plan file is a few kilobytes. Lark reads ~1.5 MB/s, so a file
# past LIMITS.file_bytes would hold a CI job for many seconds; it is refused
# instead, with a finding, and the rest of the plan is still checked.
_READ_ONLY = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # O_BINARY: Windows would translate line ends


def read_source(path: str | Path, shown: str) -> bytes | PlanFile:
    """A file's bytes; whatever stops the read becomes a PlanFile whose problem is at its line 1."""
    opened = _open_source(path, shown)
    return opened if isinstance(opened, PlanFile) else _read_opened(opened, shown)


Opened = tuple[int, os.stat_result]  # a plan file's descriptor, and what stat said of it


def _open_source(path: str | Path, shown: str) -> Opened | PlanFile:
    """A regular file, opened; a folder, a FIFO or a device is never opened (it could block)."""
    try:
        info = os.stat(path)  # follows symlinks; a symlink loop raises OSError here
        if stat.S_ISDIR(info.st_mode):
            return _unreadable(shown, "this is a folder, not a plan file", "")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            return _unreadable(
                shown,
                "this is not a regular file, so planlint does not read it",
                "a plan file must be an ordinary text file",
            )
        return os.open(path, _READ_ONLY), info  # cheaper than a file object; not inherited (PEP 446)
    except OSError as err:
        return _cannot_read(shown, err)


def _read_opened(opened: Opened, shown: str) -> bytes | PlanFile:
    """The bytes of a file `_open_source` opened, which it closes."""
    descriptor, info = opened
    try:
        data = _read_at_most(descriptor, LIMITS.file_bytes + 1, info.st_size)
    except OSError as err:
        return _cannot_read(shown, err)
    finally:
        os.close(descriptor)
    if len(data) > LIMITS.file_bytes:
        return too_large(shown, max(info.st_size, len(data)))
    return data


def too_large(shown: str, size: int) -> PlanFile:
    """The problem of a plan file (or a git blob) past `LIMITS.file_bytes`, which is not read."""
    limit = LIMITS.file_bytes / 2**20
    return _unreadable(
        shown,
        f"the file is {size / 2**20:.1f} MB, more than the {limit:.{0 if limit.is_integer() else 1}f} MB "
        "planlint reads from one plan file",
        "split it into smaller files (one per team, say); they are still read as one plan",
    )


def _cannot_read(shown: str, err: OSError) -> PlanFile:
    return _unreadable(
        shown, f"the file cannot be read: {err.strerror or err}", "check that the file exists and that you may read it"
    )


def _read_at_most(descriptor: int, limit: int, size: int) -> bytes:
    """Up to `limit` bytes, asked for in pieces of the file's size: `read(limit)` would
    allocate the whole 10 MB limit for every small file (3 times slower over 10,000 files)."""
    chunks, left = [], limit
    while left > 0:  # usually one read, and the empty one that says the file ended
        chunk = os.read(descriptor, min(left, max(size + 1, 1 << 16)))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _unreadable(shown: str, message: str, help: str) -> PlanFile:
    return PlanFile(shown, problem=ParseProblem(Span(shown, 1, 1, 1, 1), message, help))


@dataclass(frozen=True)
class Unread:
    """A plan file not read yet: the process that recognises it reads it (see `engine.parse_sources`)."""

    path: str


@dataclass(frozen=True)
class Unchanged(Unread):
    """A plan file that is, by what the file system says of it, exactly as a recent run read it
    (see `run/unchanged.py`): its digest is known to the run, and it is read only when its text is
    needed."""

    marked: bool  # its text holds `planlint:`, so it may suppress findings


Source = bytes | PlanFile | Unread  # a file's bytes, the problem that stopped its reading, or neither yet


def loaded(shown: str, source: Source | None) -> bytes | PlanFile | None:
    """A source's bytes (or the problem that stopped their reading), read now if not read yet."""
    return read_source(source.path, shown) if isinstance(source, Unread) else source


READ_AHEAD = 128  # files opened and announced to the operating system before they are read (open files)


def read_in_order(sources: list[tuple[str, Source]]) -> Iterator[bytes | PlanFile]:
    """Each source's bytes, or the problem that stopped its reading, in order.

    Files not read yet are opened and announced to the operating system `READ_AHEAD` files
    early (posix_fadvise WILLNEED), so that a disk whose cache is cold fetches many at once
    while this process parses: half the wait on 10,000 cold files, for the cost of one system
    call a file when they are cached.
    """
    upcoming = iter(sources)
    ahead: collections.deque[tuple[str, Opened | bytes | PlanFile]] = collections.deque(
        (shown, _announced(shown, source)) for shown, source in itertools.islice(upcoming, READ_AHEAD)
    )
    try:
        while ahead:
            shown, item = ahead.popleft()
            following = next(upcoming, None)
            if following is not None:
                ahead.append((following[0], _announced(*following)))
            yield _read_opened(item, shown) if isinstance(item, tuple) else item
    finally:
        for _, item in ahead:  # the caller stopped early: close what was opened for it
            if isinstance(item, tuple):
                os.close(item[0])


def _announced(shown: str, source: Source) -> Opened | bytes | PlanFile:
    if not isinstance(source, Unread):
        return source
    opened = _open_source(source.path, shown)
    if isinstance(opened, tuple) and _WILL_NEED is not None:
        try:
            os.posix_fadvise(opened[0], 0, 0, _WILL_NEED)
        except OSError:  # only a hint
            pass
    return opened


_WILL_NEED = getattr(os, "POSIX_FADV_WILLNEED", None) if hasattr(os, "posix_fadvise") else None
