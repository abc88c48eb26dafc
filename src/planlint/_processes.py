"""A second process for the two heavy steps of a run on a large plan.

On a 10,000-team plan reading the files and running the rules each take
seconds. Both are split with a forked process, which starts with a copy of
everything the parent has (the files' bytes, later the whole model) without
copying it:

- Reading: the child recognises the lines of the second half of the files
  (`parse.recognise`: plain strings, numbers and tuples, which `marshal` hands
  back at ~0.1 s for 5,000 files) while the parent reads the first half; the
  parent then builds the model objects of the child's half, about 40% of the
  cost of reading them. Handing back finished model objects would cost more
  than building them (pickling 5,000 files' models: ~1.3 s).
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
import sys
import threading
from typing import Callable, Sequence, TypeVar

from planlint.cache import dump_model, load_model
from planlint.finding import Finding
from planlint.rule import Rule

# Below these sizes (~2,000 teams) a fork costs more than it saves.
MIN_LINES = 20_000  # `consumes` lines, for the rules
MIN_BYTES = 2_000_000  # of plan files, for reading

T = TypeVar("T")
Check = Callable[[Rule, tuple[int, int]], list[Finding]]


def fork_is_safe() -> bool:
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False  # macOS's system libraries, and other threads' locks, do not survive a fork
    try:
        return len(os.sched_getaffinity(0)) > 1
    except (AttributeError, OSError):
        return False


def in_child(work: Callable[[], T], dump: Callable[[T], bytes],
             load: Callable[[bytes], T]) -> Callable[[], T | None]:
    """Start `work` in a forked process; the function returned waits for it and gives its result,
    or None when it failed. Call it even when the parent's own work fails: it reaps the child."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(write_end, work, dump)
    os.close(write_end)

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


def _child(write_end: int, work: Callable[[], T], dump: Callable[[T], bytes]) -> None:
    """The forked process: never returns, and leaves through os._exit so that nothing of the
    parent's (output buffers, atexit handlers) runs twice."""
    code = 1
    try:
        data = dump(work())
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)


# Reading ---------------------------------------------------------------------------


def recognise_second_half(sources: list[bytes], recognise: Callable[[bytes], list | None]
                          ) -> tuple[int, Callable[[], list | None] | None]:
    """Where the second half of `sources` starts, and the collector of the child recognising it
    (None, with the half at the end, when one process reads everything)."""
    if sum(map(len, sources)) < MIN_BYTES or not fork_is_safe():
        return len(sources), None
    half = len(sources) // 2
    rest = sources[half:]
    return half, in_child(lambda: [recognise(data) for data in rest], marshal.dumps, marshal.loads)


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
