"""A second process for the two heavy steps of a run on a large plan.

On a 10,000-team plan reading the files and running the rules each take
seconds. Both are split with a forked process, which starts with a copy of
everything the parent has (the files' bytes, later the whole model) without
copying it:

- Reading: the child reads most of the files and recognises their lines
  (`parse.recognise`: plain strings, numbers and tuples), and streams both
  back in batches with `marshal`, while the parent reads the first files
  itself and then builds the model objects of the child's files as the
  batches arrive. The parent builds every object (handing back finished
  model objects would cost more than building them: pickling 5,000 files'
  models takes ~1.3 s), so it takes the smaller part, `PARENT_READS`. Two
  processes reading also halve the wait for a disk whose cache is cold.
- Rules: those marked `shardable` look only at `context.share(...)` of their
  items. The child checks the second share of each and hands back its findings
  (a few thousand small objects, pickled); the parent checks the first share
  and every other rule.

Only where fork is safe and useful: Linux, more than one CPU, no other thread
running, and a plan large enough to pay for the fork. Anything going wrong in
the child (an exception, a crash) makes the parent do that part itself, so
errors surface exactly as in one process.
"""
from __future__ import annotations

import marshal
import os
import select
import sys
import threading
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Sequence, TypeVar

try:
    import fcntl
except ImportError:  # Windows: no fork there either (see fork_is_safe)
    fcntl = None  # type: ignore[assignment]

from planlint.run.cache import dump_model, load_model
from planlint.rulebook.finding import Finding
from planlint.rulebook.contract import Rule

# Below these sizes a fork costs more than it saves.
MIN_LINES = 20_000  # `consumes` lines, for the rules (~2,000 teams)
MIN_FILES = 1_000  # plan files, for reading
# The parent's part of reading. It also builds every file's model objects (B), the child's as they
# arrive, so both finish together when p * R + B = (1 - p) * R, R the cost of reading and recognising
# every file: p = (R - B) / 2R, ~0.3 on a 10,000-team plan (R ~1.4 s, B ~0.5 s).
PARENT_READS = 0.3
BATCH_ITEMS = 100  # answers per frame the child sends
PIPE_BYTES = 1 << 20

T = TypeVar("T")
Check = Callable[[Rule, tuple[int, int]], list[Finding]]


def fork_is_safe() -> bool:
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False  # macOS's system libraries, and other threads' locks, do not survive a fork
    try:
        return len(os.sched_getaffinity(0)) > 1
    except (AttributeError, OSError):
        return False


def _fork(send: Callable[[BinaryIO], None]) -> tuple[int, int]:
    """Fork a child that writes through `send` into a pipe, then exits: (its pid, the pipe's read end).

    The child leaves through os._exit, so that nothing of the parent's (output buffers, atexit
    handlers) runs twice; an exception in it ends it with status 1 and whatever it had written.
    """
    read_end, write_end = os.pipe()
    try:  # a wider pipe: the child seldom waits for the parent to read (Linux; best effort)
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):
        pass
    pid = os.fork()
    if pid == 0:
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


def in_child(work: Callable[[], T], dump: Callable[[T], bytes],
             load: Callable[[bytes], T]) -> Callable[[], T | None]:
    """Start `work` in a forked process; the function returned waits for it and gives its result,
    or None when it failed. Call it even when the parent's own work fails: it reaps the child."""
    pid, read_end = _fork(lambda pipe: pipe.write(dump(work())))

    def collect() -> T | None:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        try:
            return load(data)
        except Exception:  # a truncated answer: as good as none
            return None

    return collect


# Reading ---------------------------------------------------------------------------


def recognise_in_child(items: list[Any], answer: Callable[[list[Any]], Iterable[Any]]
                       ) -> tuple[int, AnswerStream | None]:
    """Where the child's part of `items` starts, and the stream of `answer(its part)`, one answer
    per item in order (None, with the start at the end, when one process does everything). The
    child has the items from the fork; its answers come back through `marshal`: plain data."""
    if len(items) < MIN_FILES or not fork_is_safe():
        return len(items), None
    start = int(len(items) * PARENT_READS)
    return start, AnswerStream(items[start:], answer)


class AnswerStream:
    """The answers of a forked child working through items, received in order as it sends them.

    The child sends frames (4-byte length, then `marshal` of one batch of
    answers) and an empty frame once all are sent. A child that fails sends
    fewer: `answers()` then ends early, and the parent does the rest itself.
    """

    def __init__(self, items: list[Any], answer: Callable[[list[Any]], Iterable[Any]]) -> None:
        self._pid, self._pipe = _fork(lambda pipe: _send_answers(pipe, answer(items)))
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
        size = int.from_bytes(self._received[start - 4:start], "little")
        if not self._wait_for(4 + size):
            return None
        frame = self._received[start:start + size]
        self._taken = start + size
        if self._taken * 2 > len(self._received):  # drop what was handed out: linear cost overall
            del self._received[:self._taken]
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


def _send_answers(pipe: BinaryIO, answers: Iterable[Any]) -> None:
    batch = []
    for answer in answers:
        batch.append(answer)
        if len(batch) == BATCH_ITEMS:
            _send_frame(pipe, marshal.dumps(batch))
            batch = []
    if batch:
        _send_frame(pipe, marshal.dumps(batch))
    _send_frame(pipe, b"")  # all sent


def _send_frame(pipe: BinaryIO, frame: bytes) -> None:
    pipe.write(len(frame).to_bytes(4, "little") + frame)
    pipe.flush()  # the parent uses this batch while the child works on


# Rules -----------------------------------------------------------------------------


def check_rules(rules: Sequence[Rule], check: Check, lines: int) -> list[list[Finding]]:
    """Each rule's findings, in the order of `rules`: `check(rule, shard)` gives one share's."""
    shardable = [index for index, rule in enumerate(rules) if rule.shardable]
    if lines < MIN_LINES or not shardable or not fork_is_safe():
        return [check(rule, (0, 1)) for rule in rules]
    collect = in_child(lambda: {index: check(rules[index], (1, 2)) for index in shardable},
                       dump_model, load_model)  # type: ignore[arg-type]
    try:
        found = [check(rule, (0, 2) if rule.shardable else (0, 1)) for rule in rules]
    finally:
        theirs = collect()
    if theirs is None:  # the child failed: its share is checked here, raising what it raised
        theirs = {index: check(rules[index], (1, 2)) for index in shardable}
    for index, more in theirs.items():
        found[index] = found[index] + more
    return found
