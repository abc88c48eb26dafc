"""`planlint review`: what a change to the plan breaks, and who must hear about it.

Both revisions are read from git objects (`git ls-tree` and one `git cat-file
--batch`), never by checking anything out, so the working tree and the index
are left exactly as they are. Each side is linted as one whole plan with the
working tree's configuration; findings are matched by fingerprint (rule,
subject and teams, never line numbers) into new, fixed and still open.

`--head` defaults to HEAD; `--head WORKTREE` reviews the files as they are on
disk (tracked or not), which is what you want before committing.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from planlint.analysis.impact import (
    diff_facts,
    facts_of,
    notices,
    reliances_on,
)
from planlint.commands.check import EXIT_FINDINGS, EXIT_OK, CheckOptions, UsageError, resolve_config, write_output
from planlint.model.parse import parse_bytes
from planlint.model.plan import Plan
from planlint.output.review import Review, Side
from planlint.output.terminal import write_stdout
from planlint.rulebook.finding import Finding
from planlint.rulebook.registry import load_rules
from planlint.run.config import ALWAYS_EXCLUDED, Config
from planlint.run.engine import LintResult, lint, run_rules
from planlint.run.files import PLAN_SUFFIX

WORKTREE = "WORKTREE"
FORMATS = ("text", "markdown", "json")
_BLOB_MODES = ("100644", "100755")


@dataclass
class ReviewOptions:
    base: str
    head: str = "HEAD"
    paths: list[Path] = field(default_factory=list)
    formats: list[tuple[str, str | None]] = field(default_factory=lambda: [("text", None)])
    output_file: Path | None = None
    fail_on: str | None = None
    config_path: Path | None = None


def run_review(options: ReviewOptions, cwd: Path | None = None) -> int:
    """Lint both revisions, compare them, write every requested output; 1 if new findings fail."""
    for name, _ in options.formats:
        if name not in FORMATS:
            raise UsageError(f"unknown review format '{name}' (known: {', '.join(FORMATS)})")
    cwd = (cwd or Path.cwd()).resolve()
    review = build_review(options, cwd)
    emit(review, options)
    return EXIT_FINDINGS if review.failed else EXIT_OK


def build_review(options: ReviewOptions, cwd: Path) -> Review:
    paths = options.paths or [Path(".")]
    config = resolve_config(CheckOptions(paths=paths, fail_on=options.fail_on, config_path=options.config_path))
    base_commit = resolve_commit(options.base, cwd)  # both resolved before any linting: fail fast
    head_commit = None if options.head == WORKTREE else resolve_commit(options.head, cwd)
    base = Side(options.base, base_commit, lint_revision(base_commit, paths, config, cwd))
    head_result = lint(paths, config, cwd) if head_commit is None else lint_revision(head_commit, paths, config, cwd)
    head = Side(options.head, head_commit, head_result)
    return compare_sides(base, head, config)


def compare_sides(base: Side, head: Side, config: Config) -> Review:
    before = {f.fingerprint for f in base.result.findings}
    after = {f.fingerprint for f in head.result.findings}
    start = config.fiscal_year_start
    changes = diff_facts(facts_of(base.result, start), facts_of(head.result, start))
    names = list(dict.fromkeys(change.name for change in changes))
    reliances = reliances_on(names, base.result, head.result, config)
    new = [f for f in head.result.findings if f.fingerprint not in before]
    graphs = (head.result.graph, base.result.graph)
    return Review(
        base=base,
        head=head,
        new=new,
        fixed=[f for f in base.result.findings if f.fingerprint not in after],
        still_open=[f for f in head.result.findings if f.fingerprint in before],
        changes=changes,
        reliances=reliances,
        notices=notices(changes, reliances, [(f.teams, _new_finding_words(f)) for f in new], graphs),
        fail_on=config.fail_on,
    )


def _new_finding_words(finding: Finding) -> str:
    return f"new {finding.severity.value} {finding.rule} at {finding.span.path}:{finding.span.line}"


def emit(review: Review, options: ReviewOptions) -> None:
    from planlint.output.review import render

    for index, (name, target) in enumerate(options.formats):
        if target is None and index == 0 and options.output_file is not None:
            target = str(options.output_file)
        text = render(name, review)
        if target is None:
            write_stdout(text)
        else:
            write_output(target, text)


# Reading a revision from git ---------------------------------------------------


def lint_revision(commit: str, paths: list[Path], config: Config, cwd: Path) -> LintResult:
    """Lint the plan files below `paths` as they are in `commit`, from git's object store."""
    listed = plan_blobs(commit, paths, config, cwd)
    contents = read_blobs([oid for _, oid in listed], cwd)
    plan = Plan([parse_bytes(path, data) for (path, _), data in zip(listed, contents, strict=True)])
    return run_rules(plan, config, load_rules(), cwd)


def resolve_commit(rev: str, cwd: Path) -> str:
    if rev.startswith("-"):
        raise UsageError(f"'{rev}' is not a revision")
    found = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd,
        problem=f"'{rev}' is not a commit in this repository (in CI, fetch it first: git fetch origin {rev})",
    )
    return found.decode().strip()


def plan_blobs(commit: str, paths: list[Path], config: Config, cwd: Path) -> list[tuple[str, str]]:
    """(path relative to cwd, blob id) of each plan file, sorted by path as `check` sorts them."""
    output = _git(["ls-tree", "-r", "-z", commit, "--", *[p.as_posix() for p in paths]], cwd)
    explicit = {p.as_posix().removeprefix("./") for p in paths}
    found = []
    for entry in output.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode in _BLOB_MODES and _is_plan(path, explicit, config, cwd):
            found.append((path, oid))
    return sorted(found)


def _is_plan(path: str, explicit: set[str], config: Config, cwd: Path) -> bool:
    """The same choice `files.discover` makes for a file on disk."""
    if path in explicit:
        return True
    if not path.endswith(PLAN_SUFFIX) or any(part in ALWAYS_EXCLUDED for part in path.split("/")[:-1]):
        return False
    try:
        relative = (cwd / path).resolve().relative_to(config.root.resolve()).as_posix()
    except (ValueError, OSError):
        return True
    return config.includes(relative)


def read_blobs(oids: list[str], cwd: Path) -> list[bytes]:
    """The contents of the blobs, in one `git cat-file --batch` process."""
    if not oids:
        return []
    output = _git(["cat-file", "--batch"], cwd, stdin=("\n".join(oids) + "\n").encode())
    contents, at = [], 0
    for oid in oids:
        end = output.index(b"\n", at)
        header = output[at:end].split()
        if len(header) != 3:
            raise UsageError(f"git could not read the object {oid}")
        size = int(header[2])
        contents.append(output[end + 1 : end + 1 + size])
        at = end + 1 + size + 1  # the content is followed by a newline
    return contents


def _git(args: list[str], cwd: Path, stdin: bytes | None = None, problem: str | None = None) -> bytes:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env)
    except FileNotFoundError:
        raise UsageError("planlint review needs git, and git is not installed here") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        if message and "not a git repository" in message[0]:
            raise UsageError("planlint review works inside a git repository, and this folder is not in one")
        raise UsageError(problem or f"git {args[0]} failed: {message[0] if message else 'no reason given'}")
    return done.stdout
