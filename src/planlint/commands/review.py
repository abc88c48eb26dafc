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

from dataclasses import dataclass, field
from pathlib import Path

from planlint.analysis.impact import (
    diff_facts,
    facts_of,
    notices,
    reliances_on,
)
from planlint.commands.common import apply_limits, configuration, write_output
from planlint.output.review import Review, Side
from planlint.output.terminal import write_stdout
from planlint.rulebook.finding import Finding
from planlint.run.config import Config
from planlint.run.engine import LintResult, lint, lint_sources
from planlint.run.problems import EXIT_FINDINGS, EXIT_OK, UsageError
from planlint.run.revision import resolve_commit, revision_sources

WORKTREE = "WORKTREE"
FORMATS = ("text", "markdown", "json")


@dataclass
class ReviewOptions:
    base: str
    head: str = "HEAD"
    paths: list[Path] = field(default_factory=list)
    formats: list[tuple[str, str | None]] = field(default_factory=lambda: [("text", None)])
    output_file: Path | None = None
    fail_on: str | None = None
    config_path: Path | None = None
    limits: list[str] = field(default_factory=list)  # NAME=VALUE (see language.limits)


def run_review(options: ReviewOptions, cwd: Path | None = None) -> int:
    """Lint both revisions, compare them, write every requested output; 1 if new findings fail."""
    for name, _ in options.formats:
        if name not in FORMATS:
            raise UsageError(f"unknown review format '{name}' (known: {', '.join(FORMATS)})")
    cwd = (cwd or Path.cwd()).resolve()
    apply_limits(options.limits)
    review = build_review(options, cwd)
    emit(review, options)
    return EXIT_FINDINGS if review.failed else EXIT_OK


def build_review(options: ReviewOptions, cwd: Path) -> Review:
    paths = options.paths or [Path(".")]
    config = configuration(paths, options.config_path, fail_on=options.fail_on)
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
    # Not cached: the cache lives in the working tree, which a review leaves as it is.
    return lint_sources(revision_sources(commit, paths, config, cwd), config.with_overrides(cache=False), cwd)
