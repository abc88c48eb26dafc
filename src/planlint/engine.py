"""One run of planlint as a library call: files in, findings out.

discover -> read -> parse -> graph -> rules -> severity, suppression and
per-path ignores -> sorted findings. The CLI is a thin shell over `lint`.

At organisation scale (10,000 files) the parse dominates, so `lint` keeps the
garbage collector out of it (the model is millions of small objects without
a single reference cycle), and uses the cache in `.planlint_cache/` (see `cache.py`): when no file, setting or rule
changed, the last run's findings are reported again without parsing.
"""
from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

from planlint._processes import check_rules, recognise_in_child
from planlint.cache import Cache, digest, run_key
from planlint.config import ALWAYS_EXCLUDED, DEFAULT, Config
from planlint.evaluate import Evaluator
from planlint.finding import Finding
from planlint.graph import InterlockGraph
from planlint.model import ParseProblem, Plan, PlanFile
from planlint.parse import UNREAD, decode, parse_source, recognise
from planlint.registry import RuleSet, load_rules
from planlint.rule import Context, Rule
from planlint.span import Span

PLAN_SUFFIX = ".plan"


class LintResult:
    """The findings of a run, and the plan, graph and evaluator they came from.

    When the findings come from the cache, the plan is parsed (and the graph
    built) only if someone asks for it.
    """

    def __init__(self, plan: Plan | None, graph: InterlockGraph | None, evaluator: Evaluator | None,
                 findings: list[Finding], rules: list[Rule], notes: list[str] | None = None, *,
                 files_checked: int | None = None, later: Callable[[], Plan] | None = None,
                 lines: Callable[[str], list[str] | None] | None = None) -> None:
        self._plan, self._graph, self._evaluator = plan, graph, evaluator
        self.findings = findings
        self.rules = rules
        self.notes = notes if notes is not None else []  # plugin load errors and the like, for stderr
        self._files_checked = files_checked
        self._later = later
        self._lines = lines
        self._files_by_path: dict[str, PlanFile] | None = None

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            self._plan = self._later()  # type: ignore[misc]
        return self._plan

    @property
    def graph(self) -> InterlockGraph:
        if self._graph is None:
            self._graph = InterlockGraph.build(self.plan)
        return self._graph

    @property
    def evaluator(self) -> Evaluator:
        if self._evaluator is None:
            self._evaluator = Evaluator(self.graph)
        return self._evaluator

    @property
    def files_checked(self) -> int:
        return self._files_checked if self._plan is None and self._files_checked is not None else len(self.plan.files)

    def source_line(self, path: str, line: int) -> str | None:
        if self._plan is None and self._lines is not None:
            lines = self._lines(path)
        else:
            if self._files_by_path is None:  # one look-up per finding: index the files once
                self._files_by_path = {}
                for plan_file in self.plan.files:
                    self._files_by_path.setdefault(plan_file.path, plan_file)
            plan_file = self._files_by_path.get(path)
            lines = plan_file.lines if plan_file is not None else None
        return lines[line - 1] if lines is not None and 0 < line <= len(lines) else None


def display_path(path: str | Path, cwd: Path) -> str:
    """Relative to the working directory when below it, posix, as users expect in messages."""
    if not os.path.isabs(path):
        return _posix(os.fspath(path))
    try:
        return Path(path).resolve().relative_to(cwd).as_posix()
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return Path(path).as_posix()


def discover(paths: Iterable[Path], config: Config = DEFAULT) -> list[Path]:
    """Every `*.plan` file below the paths, sorted; excluded folders and symlink loops skipped."""
    return [Path(found) for found in plan_files(paths, config)]


def plan_files(paths: Iterable[Path], config: Config = DEFAULT) -> list[str]:
    """`discover`'s files as the file system's path strings: a Path per file costs more than
    reading the file does."""
    paths = list(paths)
    given = {os.fspath(path) for path in paths}
    root = _resolved(config.root)
    plans = []
    for path in paths:
        if not path.is_dir():
            plans.append(os.fspath(path))  # named on the command line: always checked
            continue
        for found, relative in _walk(path, root):
            if relative is _UNKNOWN:  # a symlinked file: where it really is decides
                relative = _relative_to(Path(found), root)
            if relative is None or config.includes(relative) or found in given:
                plans.append(found)
    if len(paths) > 1:  # one file named two ways is read once (one folder's walk finds each file once)
        unique: dict[str, str] = {}
        for plan in sorted(plans, key=_posix):
            unique.setdefault(os.path.abspath(plan), plan)
        plans = list(unique.values())
    return sorted(plans, key=_posix)


def _posix(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")


_UNKNOWN = "\0unknown"


def _walk(top: Path, root: Path | None) -> Iterator[tuple[str, str | None]]:
    """`*.plan` files below `top` as os.walk finds them (symlinked folders not entered), each with its
    path relative to `root` (None: not below it), worked out per folder rather than asked of the file
    system per file; `_UNKNOWN` for a symlinked file. Paths are joined as pathlib would (no `./`)."""
    resolved = _resolved(top)
    start = _relative_to_resolved(resolved, root) if resolved is not None else _UNKNOWN
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


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _relative_to_resolved(resolved: Path, root: Path | None) -> str | None:
    try:
        return resolved.relative_to(root).as_posix() if root is not None else None
    except ValueError:
        return None


def _relative_to(path: Path, root: Path | None) -> str | None:
    """`path` relative to the (resolved) `root`, or None when it is not below it."""
    if root is None:
        return None
    try:
        return path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


# A hand-written plan file is a few kilobytes. Lark reads ~1.5 MB/s, so a file
# past this limit would hold a CI job for many seconds; it is refused instead,
# with a finding, and the rest of the plan is still checked.
MAX_FILE_BYTES = 10 * 1024 * 1024
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
            return _unreadable(shown, "this is not a regular file, so planlint does not read it",
                               "a plan file must be an ordinary text file")
        return os.open(path, _READ_ONLY), info  # cheaper than a file object; not inherited (PEP 446)
    except OSError as err:
        return _cannot_read(shown, err)


def _read_opened(opened: Opened, shown: str) -> bytes | PlanFile:
    """The bytes of a file `_open_source` opened, which it closes."""
    descriptor, info = opened
    try:
        data = _read_at_most(descriptor, MAX_FILE_BYTES + 1, info.st_size)
    except OSError as err:
        return _cannot_read(shown, err)
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:
        return _unreadable(
            shown, f"the file is {max(info.st_size, len(data)) / 2**20:.1f} MB, more than the "
                   f"{MAX_FILE_BYTES // 2**20} MB planlint reads from one plan file",
            "split it into smaller files (one per team, say); they are still read as one plan")
    return data


def _cannot_read(shown: str, err: OSError) -> PlanFile:
    return _unreadable(shown, f"the file cannot be read: {err.strerror or err}",
                       "check that the file exists and that you may read it")


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


# Parsing many files ------------------------------------------------------------


@dataclass(frozen=True)
class Unread:
    """A plan file not read yet: the process that recognises it reads it (see `parse_sources`)."""

    path: str


Source = Union[bytes, PlanFile, Unread]  # a file's bytes, the problem that stopped its reading, or neither yet


def parse_sources(sources: list[tuple[str, Source]], cache: Cache | None = None,
                  contents: list[str] | None = None) -> list[PlanFile]:
    """Every file's model, in order: from the cache when kept there, else parsed.

    On a large plan a second process reads and recognises most files meanwhile
    (see `_processes.py`): files still `Unread` are read there, in parallel.
    """
    result: list[PlanFile | None] = []
    todo: list[int] = []  # the files to parse
    for index, (shown, data) in enumerate(sources):
        kept = None
        if isinstance(data, PlanFile):
            kept = data
        elif cache is not None and contents is not None:
            kept = cache.parsed(shown, contents[index])
        result.append(kept)
        if kept is None:
            todo.append(index)
    start, child = recognise_in_child([sources[i] for i in todo], _read_and_recognise)
    try:
        own = todo[:start]
        for index, data in zip(own, _read_in_order([sources[i] for i in own])):
            result[index] = _parsed(sources, index, cache, contents, data)
            if child is not None:
                child.receive()
        answers = child.answers() if child is not None else iter(())
        for index in todo[start:]:  # what the child did not send (it failed) is done here
            answer = next(answers, None)
            data, records = answer if answer is not None else (None, UNREAD)
            result[index] = _parsed(sources, index, cache, contents, data, records)
    finally:
        if child is not None:
            child.close()
    return result  # type: ignore[return-value]


def _read_and_recognise(sources: list[tuple[str, Source]]) -> Iterator[tuple[bytes | None, list | None] | None]:
    """In the child, for each source: (the bytes it read, or None when the parent has them;
    `recognise`'s records), or None for a file it cannot read, which the parent then reads and reports."""
    for (_, source), data in zip(sources, _read_in_order(sources)):
        if not isinstance(data, bytes):
            yield None
        else:
            yield (data if data is not source else None), recognise(data)


READ_AHEAD = 32  # files opened and announced to the operating system before they are read


def _read_in_order(sources: list[tuple[str, Source]]) -> Iterator[bytes | PlanFile]:
    """Each source's bytes, or the problem that stopped its reading, in order.

    Files not read yet are opened and announced to the operating system `READ_AHEAD` files
    early (posix_fadvise WILLNEED), so that a disk whose cache is cold fetches many at once
    while this process parses: half the wait on 10,000 cold files, for the cost of one system
    call a file when they are cached.
    """
    upcoming = iter(sources)
    ahead: collections.deque[tuple[str, Opened | bytes | PlanFile]] = collections.deque(
        (shown, _announced(shown, source)) for shown, source in itertools.islice(upcoming, READ_AHEAD))
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


def _parsed(sources: list, index: int, cache: Cache | None, contents: list[str] | None,
            data: bytes | PlanFile | None = None, records: list | None = UNREAD) -> PlanFile:
    shown, source = sources[index]
    if data is None:
        data = read_source(source.path, shown) if isinstance(source, Unread) else source
    if isinstance(data, PlanFile):
        return data
    parsed, by_grammar = parse_source(shown, data, records)
    if by_grammar and cache is not None and contents is not None:  # worth keeping: see cache.py
        cache.keep_parsed(shown, contents[index], parsed)
    return parsed


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while the model is built: it has no reference cycles, and the
    collector would walk its millions of objects again and again. Afterwards the model is
    moved out of the collector's way (gc.freeze); it is still freed when no longer used."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


# Rules -----------------------------------------------------------------------------


def run_rules(plan: Plan, config: Config, ruleset: RuleSet, cwd: Path | None = None) -> LintResult:
    """Run every enabled rule; `cwd` is what finding paths are relative to (for per-path-ignores)."""
    cwd = cwd or Path.cwd()
    graph = InterlockGraph.build(plan)
    evaluator = Evaluator(graph)
    active = [rule for rule in ruleset.rules if config.severity_for(rule) is not None]
    suppressed = {f.path: f.suppressions for f in plan.files}

    def check(rule: Rule, shard: tuple[int, int]) -> list[Finding]:
        context = Context(plan, graph, evaluator, config.tolerance, config.fiscal_year_start,
                          config.options_for(rule), shard)
        severity = config.severity_for(rule)
        override = severity if severity != rule.severity else None
        kept = []
        for finding in rule.check(context):
            if _silenced(finding, suppressed.get(finding.span.path, {})):
                continue
            if config.per_path_ignores and config.ignored_at(_config_relative(finding.span.path, cwd, config), rule):
                continue
            if override is not None and finding.severity == rule.severity:
                finding = replace(finding, severity=override)
            kept.append(finding)
        return kept

    findings = [f for found in check_rules(active, check, len(graph.consumes_statements)) for f in found]
    findings.sort(key=Finding.sort_key)
    return LintResult(plan, graph, evaluator, findings, active, list(ruleset.load_errors))


def _config_relative(path: str, cwd: Path, config: Config) -> str:
    return _relative_to(cwd / path, _resolved(config.root)) or path


def _silenced(finding: Finding, by_line: dict[int, frozenset[str]]) -> bool:
    rules = by_line.get(finding.span.line)
    if rules is None:
        return False
    return not rules or finding.rule in rules or finding.code in rules


def lint(paths: Iterable[Path], config: Config = DEFAULT, cwd: Path | None = None) -> LintResult:
    """Check every plan file below `paths` as one plan."""
    cwd = (cwd or Path.cwd()).resolve()
    paths = list(paths)
    ruleset = load_rules()
    files = plan_files(paths, config)
    with _collector_paused():
        unread: list[tuple[str, Source]] = [(display_path(path, cwd), Unread(path)) for path in files]
        if not config.cache:  # each file is read where it is recognised: on a large plan, in two processes
            return run_rules(Plan(parse_sources(unread)), config, ruleset, cwd)
        shown = [name for name, _ in unread]
        sources = list(zip(shown, _read_in_order(unread)))  # all read first: the cache's key is their digest
        cache = Cache(cwd / config.root)
        contents = [digest(data) if isinstance(data, bytes) else "unreadable:" + data.problem.message  # type: ignore
                    for _, data in sources]
        key = run_key(zip(shown, contents), config, ruleset.rules, cwd)
        found = cache.findings(key)
        if found is not None:
            return _reused(found, sources, cache, contents, config, ruleset)
        result = run_rules(Plan(parse_sources(sources, cache, contents)), config, ruleset, cwd)
        cache.save_files(set(zip(shown, contents)))
        cache.save_findings(key, result.findings)
        return result


def _reused(found: list[Finding], sources: list, cache: Cache, contents: list[str], config: Config,
            ruleset: RuleSet) -> LintResult:
    """The last run's findings; the plan is parsed only if asked for."""
    by_path = dict(sources)

    def lines(path: str) -> list[str] | None:
        data = by_path.get(path)
        if isinstance(data, PlanFile):
            return data.lines
        text = decode(path, data) if data is not None else None
        return text.split("\n") if isinstance(text, str) else None

    active = [rule for rule in ruleset.rules if config.severity_for(rule) is not None]
    return LintResult(None, None, None, found, active, list(ruleset.load_errors), files_checked=len(sources),
                      later=lambda: Plan(parse_sources(sources, cache, contents)), lines=lines)
