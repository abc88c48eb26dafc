"""Running the rules in two processes on a large plan.

On a 10,000-team plan the rules take as long as reading the plan, and most of
that is value-mismatch comparing 100,000 `consumes` lines with what their
producers deliver. Rules marked `shardable` look only at `context.share(...)`
of their items, so after the model and graph are built the process forks: the
child checks the second share of every shardable rule and hands its findings
back (a few thousand small objects, pickled), while the parent checks the first
share and every other rule. The fork shares the model without copying it;
handing the model itself to a second process costs more than building it (see
benchmarks/README.md).

Only where fork is safe and useful: Linux, more than one CPU, no other thread
running, and a plan large enough to pay for the fork. Anything going wrong in
the child (an exception in a rule, a crash) makes the parent check that share
itself, so errors surface exactly as in one process.
"""
from __future__ import annotations

import os
import sys
import threading
from typing import Callable, Sequence

from planlint.cache import dump_model, load_model
from planlint.finding import Finding
from planlint.rule import Rule

# Below this many `consumes` lines (~2,000 teams) forking costs more than it saves.
MIN_LINES = 20_000

Check = Callable[[Rule, tuple[int, int]], list[Finding]]


def check_rules(rules: Sequence[Rule], check: Check, lines: int) -> list[list[Finding]]:
    """Each rule's findings, in the order of `rules`: `check(rule, shard)` gives one share's."""
    shardable = [index for index, rule in enumerate(rules) if rule.shardable]
    if lines < MIN_LINES or not shardable or not _fork_is_safe():
        return [check(rule, (0, 1)) for rule in rules]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(write_end, rules, check, shardable)
    os.close(write_end)
    try:
        found = [check(rule, (0, 2) if rule.shardable else (0, 1)) for rule in rules]
    finally:
        theirs = _collect(read_end, pid)
    if theirs is None:  # the child failed: its share is checked here, raising what it raised
        theirs = {index: check(rules[index], (1, 2)) for index in shardable}
    for index, more in theirs.items():
        found[index] = found[index] + more
    return found


def _fork_is_safe() -> bool:
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False  # macOS's system libraries, and other threads' locks, do not survive a fork
    try:
        return len(os.sched_getaffinity(0)) > 1
    except (AttributeError, OSError):
        return False


def _child(write_end: int, rules: Sequence[Rule], check: Check, shardable: list[int]) -> None:
    """The forked process: the second share of each shardable rule, pickled into the pipe. It never
    returns, and leaves through os._exit so that nothing of the parent's (buffers, atexit) runs twice."""
    code = 1
    try:
        data = dump_model({index: check(rules[index], (1, 2)) for index in shardable})
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)


def _collect(read_end: int, pid: int) -> dict[int, list[Finding]] | None:
    """The child's findings by rule index, or None when it failed."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        return load_model(data)  # type: ignore[return-value]
    except Exception:  # a truncated pickle: as good as no answer
        return None
