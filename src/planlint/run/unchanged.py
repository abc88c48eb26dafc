"""Reading only the files that changed: what the file system says of each file tells whether a
recent run already read it, as git's index and ruff's cache tell.

A run keeps, in the cache, each plan file's signature (device, inode, size, and the times of its
last write and last change of any kind) with the digest of its bytes. The next run `stat`s every
file and reads only those whose signature moved; the others keep their digest and are read only
if their text is needed (a finding's frame, a suppression comment, a parse the cache does not
hold). The change time cannot be set by a program, and any write moves it.

A file changed within `RACY_NS` of when its signature was taken is read again regardless: a
second write in the same tick of a coarse file system clock could leave the signature as it was
(git's "racy clean" problem).

The index is a cache entry like any other (authenticated, outside the repository), so a
checkout cannot plant one; a wrong or missing index only means more files are read.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass

from planlint.model.plan import PlanFile
from planlint.run.cache import Cache, digest
from planlint.run.files import Source, Unchanged, Unread, read_in_order

STAT_ENTRY = "stat.pickle"
RACY_NS = 2_000_000_000  # coarser than any file system's clock that planlint runs on (FAT: 2 s)
MARK = b"planlint:"  # what a suppression comment holds

Signature = tuple[int, int, int, int, int]  # device, inode, size, last write, last change (ns)
Entry = tuple[str, Signature, str, bool, int]  # path, signature, digest, marked, when it was taken


def signature(info: os.stat_result) -> Signature:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


@dataclass
class Read:
    """The plan's files after a run's look at them: each as read, or known `Unchanged`."""

    sources: list[tuple[str, Source]]
    digests: list[str]
    entries: dict[str, Entry]  # what the next run may trust
    changed_index: bool  # whether `entries` differ from the index this run read

    def save(self, cache: Cache) -> None:
        if self.changed_index:
            cache.store(STAT_ENTRY, self.entries)


def read_changed(sources: list[tuple[str, Source]], cache: Cache) -> Read:
    """Every source's digest, reading only the files whose signature moved since the index."""
    known = _index(cache)
    now = time.time_ns()  # before any stat: a write after it moves the change time past it
    out: list[tuple[str, Source] | None] = []
    digests: list[str] = []
    entries: dict[str, Entry] = {}
    todo: list[int] = []
    signatures: dict[int, Signature] = {}
    for position, (shown, source) in enumerate(sources):
        info = _regular_stat(source.path) if isinstance(source, Unread) else None
        if isinstance(source, Unread) and info is not None:
            entry = known.get(shown)
            if entry is not None and _still(entry, source, info):
                out.append((shown, Unchanged(source.path, entry[3])))
                digests.append(entry[2])
                entries[shown] = entry
                continue
            signatures[position] = signature(info)
        out.append(None)
        digests.append("")
        todo.append(position)
    for position, data in zip(todo, read_in_order([sources[i] for i in todo])):
        shown, source = sources[position]
        out[position] = (shown, data)
        digests[position] = content_key(data)
        if isinstance(data, bytes) and position in signatures:
            assert isinstance(source, Unread)
            entries[shown] = (source.path, signatures[position], digests[position], MARK in data, now)
    on_disk = bool(entries) or bool(signatures)  # a review's blobs have no signatures: the index stays
    return Read([item for item in out if item is not None], digests, entries, on_disk and _worth_saving(entries, known))


def content_key(data: bytes | PlanFile) -> str:
    """What a file's cache keys hold: its digest, or the problem that stopped its reading."""
    return digest(data) if isinstance(data, bytes) else "unreadable:" + data.problem.message  # type: ignore[union-attr]


def _worth_saving(entries: dict[str, Entry], known: dict[str, Entry]) -> bool:
    """Whether the index changed in a way the next run can use: a file added, removed or changed,
    or one read again only because it was written recently that has now settled. (Right after an
    edit, every run reads the edited file again: writing the index each time would not help.)"""
    if entries.keys() != known.keys():
        return True
    for shown, entry in entries.items():
        before = known[shown]
        if before == entry:
            continue
        if type(before) is not tuple or before[:4] != entry[:4]:
            return True
        if _settled(entry[1], entry[4]):
            return True
    return False


def _still(entry: object, source: Unread, info: os.stat_result) -> bool:
    """Whether the file is as it was when `entry` was taken, settled long enough to tell (an entry
    of any other shape is not believed: the cache checks who wrote it, this what it holds)."""
    if type(entry) is not tuple or len(entry) != 5:
        return False
    path, was, content, marked, taken = entry
    return (
        path == source.path
        and signature(info) == was
        and type(content) is str
        and type(marked) is bool
        and type(taken) is int
        and _settled(was, taken)  # `was` equals a signature: five whole numbers
    )


def _settled(written: Signature, taken: int) -> bool:
    """Whether the file was last written (or changed) long enough before `taken` that a write in
    the same tick of the clock would have shown in its signature."""
    return max(written[3], written[4]) < taken - RACY_NS


def _regular_stat(path: str) -> os.stat_result | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def _index(cache: Cache) -> dict[str, Entry]:
    """The index the last run kept (each entry is checked when used, by `_still`)."""
    stored = cache.load(STAT_ENTRY)
    return stored if isinstance(stored, dict) else {}
