"""A second process for the two heavy steps of a whole run on a large plan.

On a 10,000-team plan reading the files and judging the subjects each take
seconds. Both are split with a forked process, which starts with a copy of
everything the parent has (the files' bytes, later the whole model) without
copying it. Rules never see it: they judge one subject wherever they run.

- Reading: the child reads most of the files and recognises their lines
  (`model.parse.recognise`: plain strings, numbers and tuples), and streams
  them back in batches with `marshal`, while the parent reads the first files
  itself and then builds the model objects of the child's files as the
  batches arrive. The parent builds every object (handing back finished
  model objects would cost more than building them: pickling 5,000 files'
  models takes ~1.3 s), so it takes the smaller part, `PARENT_READS`.
- Judging: the child judges 12 of every 25 subjects of each kind and hands back
  their findings (a few thousand small objects, pickled); the parent judges
  the others, a few more, as it unpickles what the child sends.
- Keeping: the incremental engine's state of a whole run (each file's facts,
  ~1 s to write at 10,000 teams) is written by a child that outlives the run,
  so the findings are printed without waiting for it. The child holds a lock
  from before the fork until the state is complete; a run that needs the
  state waits for that lock (`wait_for_keeper`).

Only where fork is safe and useful: Linux, more than one CPU, no other thread
running (the language server never forks), and a plan large enough to pay for
the fork. Anything going wrong in the child (an exception, a crash, an answer
that does not load) makes the parent do that part itself, so results and
errors are exactly those of one process.
"""

from __future__ import annotations

import gc
import marshal
import os
import select
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

try:
    import fcntl
except ImportError:  # Windows: no fork there either (see fork_is_safe)
    fcntl = None  # type: ignore[assignment]

# Below these sizes a fork costs more than it saves.
MIN_SUBJECTS = 20_000  # assumption names, for judging (~2,000 teams)
MIN_FILES = 1_000  # plan files, for reading
# The parent's part of reading. It also builds every file's model objects and adds them to the graph
# (B), the child's as they arrive, so both finish together when p * R + B = (1 - p) * R, R the cost of
# reading and recognising every file: p = (R - B) / 2R. Measured best on a 10,000-team plan: 0.17
# (1.113 s to read and build the graph, median of 7, against 1.144 s at 0.2, 1.125 s at 0.15 and
# 1.160 s at 0.13; R ~1.3 s, B ~0.85 s).
PARENT_READS = 0.17
BATCH_ITEMS = 100  # answers per frame the child sends
PIPE_BYTES = 1 << 20

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


def fork_is_safe() -> bool:
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False  # macOS's system libraries, and other threads' locks, do not survive a fork
    try:
        return len(os.sched_getaffinity(0)) > 1
    except (AttributeError, OSError):
        return False


def _fork(send: Callable[[IO[bytes]], None]) -> tuple[int, int]:
    """Fork a child that writes through `send` into a pipe, then exits: (its pid, the pipe's read end).

    The child leaves through os._exit, so that nothing of the parent's (output buffers, atexit
    handlers, open databases) runs twice; an exception in it ends it with status 1 and whatever it
    had written.
    """
    read_end, write_end = os.pipe()
    if fcntl is not None:
        try:  # a wider pipe: the child seldom waits for the parent to read (Linux; best effort)
            fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
        except OSError:
            pass
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_end)
        code = 1
        try:
            with os.fdopen(write_end, "wb") as pipe:
                send(pipe)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def in_child(work: Callable[[], T], dump: Callable[[T], bytes], load: Callable[[bytes], T]) -> Callable[[], T | None]:
    """Start `work` in a forked process; the function returned waits for it and gives its result,
    or None when it failed. Call it even when the parent's own work fails: it reaps the child."""

    def send(pipe: IO[bytes]) -> None:
        pipe.write(dump(work()))

    pid, read_end = _fork(send)

    def collect() -> T | None:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        try:  # loaded while the child ends: giving back a large process's memory takes a while
            result: T | None = load(data)
        except Exception:  # a truncated or unexpected answer: as good as none
            result = None
        _, status = os.waitpid(pid, 0)
        return result if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else None

    return collect


# Reading ---------------------------------------------------------------------------


def recognise_in_child(items: list[T], answer: Callable[[list[T]], Iterable[Any]]) -> tuple[int, AnswerStream | None]:
    """Where the child's part of `items` starts, and the stream of `answer(its part)`, one answer
    per item in order (None, with the start at the end, when one process does everything). The
    child has the items from the fork; its answers come back through `marshal`: plain data."""
    if len(items) < MIN_FILES or not fork_is_safe():
        return len(items), None
    start = int(len(items) * PARENT_READS)
    part = items[start:]
    return start, AnswerStream(lambda: answer(part))


class AnswerStream:
    """The answers of a forked child working through items, received in order as it sends them.

    The child sends frames (4-byte length, then `marshal` of one batch of
    answers) and an empty frame once all are sent. A child that fails sends
    fewer: `answers()` then ends early, and the parent does the rest itself.
    """

    def __init__(self, answers: Callable[[], Iterable[Any]]) -> None:
        self._pid, self._pipe = _fork(lambda pipe: _send_answers(pipe, answers()))
        os.set_blocking(self._pipe, False)
        self._received = bytearray()
        self._taken = 0  # bytes of `_received` already handed out
        self._ended = False  # the pipe is at its end

    def receive(self) -> None:
        """Take in what the child has sent so far, without waiting: called between the parent's
        own files, so that the child never waits for room in the pipe."""
        while not self._ended:
            try:
                chunk = os.read(self._pipe, PIPE_BYTES)
            except BlockingIOError:
                return
            self._received += chunk
            self._ended = not chunk

    def answers(self) -> Iterator[Any]:
        """Each item's answer, in order, waiting for the child as needed."""
        while True:
            self.receive()  # empty the pipe at every frame: a full pipe would hold the child up
            frame = self._frame()
            if not frame:  # all sent, or the child failed: the caller reads what is missing
                return
            yield from marshal.loads(frame)

    def _frame(self) -> bytearray | None:
        """The next frame: empty when all was sent, None when the stream ended without saying so."""
        if not self._wait_for(4):
            return None
        start = self._taken + 4
        size = int.from_bytes(self._received[start - 4 : start], "little")
        if not self._wait_for(4 + size):
            return None
        frame = self._received[start : start + size]
        self._taken = start + size
        if self._taken * 2 > len(self._received):  # drop what was handed out: linear cost overall
            del self._received[: self._taken]
            self._taken = 0
        return frame

    def _wait_for(self, size: int) -> bool:
        """Whether `size` more bytes than those handed out have come, waiting for them if need be."""
        while len(self._received) - self._taken < size and not self._ended:
            select.select([self._pipe], [], [])
            self.receive()
        return len(self._received) - self._taken >= size

    def close(self) -> None:
        """Stop listening and reap the child (a child still sending then ends on a broken pipe)."""
        os.close(self._pipe)
        os.waitpid(self._pid, 0)


def _send_answers(pipe: IO[bytes], answers: Iterable[Any]) -> None:  # pragma: no cover - in the child
    batch = []
    for answer in answers:
        batch.append(answer)
        if len(batch) == BATCH_ITEMS:
            _send_frame(pipe, marshal.dumps(batch))
            batch = []
    if batch:
        _send_frame(pipe, marshal.dumps(batch))
    _send_frame(pipe, b"")  # all sent


def _send_frame(pipe: IO[bytes], frame: bytes) -> None:  # pragma: no cover - in the child
    pipe.write(len(frame).to_bytes(4, "little") + frame)
    pipe.flush()  # the parent uses this batch while the child works on


# Judging ---------------------------------------------------------------------------


# Which subjects each process judges: subject i where `share[i % len(share)]`. The child takes every
# second subject but one in 25 (12 of 25, spread evenly), as it also pickles its findings and the
# parent unpickles them (~0.035 s each at 10,000 teams) after judging a little more meanwhile. Each
# process walks the subjects once, in order: one pass over the model, not one per slice of it
# (judging at 10,000 teams: ~0.03 s less than in 12 slices of every 25th subject).
Share = tuple[bool, ...]
EVERY_SUBJECT: Share = (True,)
CHILD_JUDGES: Share = tuple(index % 2 == 0 and index < 24 for index in range(25))
PARENT_JUDGES: Share = tuple(not taken for taken in CHILD_JUDGES)


def judged_in_two(
    count: int,
    judge: Callable[[Share], dict[K, V]],
    dump: Callable[[object], bytes],
    load: Callable[[bytes], object],
) -> dict[K, V]:
    """`judge(EVERY_SUBJECT)`: the subjects' findings by subject. When `count` subjects make a
    fork worth it, the child judges its share of them (`CHILD_JUDGES`) and the parent the others,
    and the child's findings come back through `dump` and `load`."""
    if count < MIN_SUBJECTS or not fork_is_safe():
        return judge(EVERY_SUBJECT)
    collect = in_child(lambda: judge(CHILD_JUDGES), dump, load)
    try:
        found = judge(PARENT_JUDGES)
    finally:
        theirs = collect()
    if not isinstance(theirs, dict):  # the child failed: its share is judged here, raising what it raised
        theirs = judge(CHILD_JUDGES)
    found.update(theirs)
    return found


# Keeping ---------------------------------------------------------------------------

WAIT_FOR_KEEPER = 30.0  # seconds a run waits for a state being written before going on without it


def kept_in_background(keep: Callable[[], None], lock: Path, files: int) -> bool:
    """Run `keep` in a child that outlives this process, holding `lock` until it is done; False
    when it is not worth a fork or not safe (the caller then keeps the state itself)."""
    if files < MIN_FILES or fcntl is None or not fork_is_safe():
        return False
    try:
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held before the fork: no run slips in
        pid = os.fork()
    except OSError:
        os.close(descriptor)
        return False
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        _keep_detached(keep)
    os.close(descriptor)  # the child's copy keeps the lock
    return True


def _keep_detached(keep: Callable[[], None]) -> None:  # pragma: no cover - in the child
    """In the child: let go of the parent's terminal and pipes (whoever waits for the run's output
    must not wait for this), write, and leave without running anything of the parent's."""
    code = 1
    try:
        os.setsid()  # not in the run's process group: a harness ending the run does not end this
        quiet = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(quiet, stream)
        gc.freeze()  # the parent's objects stay shared pages: a collection would copy them all
        keep()
        code = 0
    finally:
        os._exit(code)


def wait_for_keeper(lock: Path) -> None:
    """Wait (at most WAIT_FOR_KEEPER seconds) for a child writing the state to finish."""
    if fcntl is None:
        return
    try:
        descriptor = os.open(lock, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # no lock file: nobody is writing
        return
    try:
        deadline = time.monotonic() + WAIT_FOR_KEEPER
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return  # a writer that hangs: go on (what it has not committed is never read)
                time.sleep(0.01)
            except OSError:
                return
    finally:
        os.close(descriptor)
