"""`planlint review`: what a change to the plan breaks, and who must hear about it.

Both revisions are read from git objects (`git ls-tree` and one `git cat-file
--batch`), never by checking anything out, so the working tree and the index
are left exactly as they are. Each side is linted as one whole plan with its
own configuration (the base's `planlint.toml` for the base, the head's for the
head: a pull request brings its own); findings are matched by fingerprint
(rule, subject and teams, never line numbers) into new, fixed and still open.
When the change edits the configuration, the review says so at its top and
lists the findings the edit hides.

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
from planlint.rulebook.finding import Finding, Severity
from planlint.rulebook.registry import load_rules
from planlint.run.config import Config, config_from_bytes, load_config
from planlint.run.config_diff import config_changes
from planlint.run.engine import LintResult, lint, lint_sources
from planlint.run.files import display_path
from planlint.run.problems import EXIT_FINDINGS, EXIT_OK, UsageError
from planlint.run.revision import resolve_commit, revision_config, revision_sources

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
    """Each side checked with its own configuration. When the change edits the configuration, the
    head is checked with the base's too: what the edit hides is reported, and a new finding it
    hides fails the review as any new finding does. The threshold is the base's (or --fail-on)."""
    paths = options.paths or [Path(".")]
    base_commit = resolve_commit(options.base, cwd)  # both resolved before any linting: fail fast
    head_commit = None if options.head == WORKTREE else resolve_commit(options.head, cwd)
    if options.config_path is not None:  # named on the command line: both sides use it
        base_config = head_config = configuration(paths, options.config_path, fail_on=options.fail_on)
        config_file = None
    else:
        base_config, base_file = revision_configuration(base_commit, paths, cwd, options.fail_on)
        if head_commit is None:
            head_config = configuration(paths, fail_on=options.fail_on)
            head_file = display_path(head_config.path, cwd) if head_config.path is not None else None
        else:
            head_config, head_file = revision_configuration(head_commit, paths, cwd, options.fail_on)
        config_file = head_file or base_file
    base = Side(options.base, base_commit, lint_revision(base_commit, paths, base_config, cwd))
    head = Side(options.head, head_commit, _lint_head(head_commit, paths, head_config, cwd))
    changed = config_changes(base_config, head_config, head_config.known_rules)
    shadow = _lint_head(head_commit, paths, base_config, cwd) if changed else None
    review = compare_sides(base, head, head_config, fail_on=base_config.fail_on, shadow=shadow)
    review.config_changes, review.config_file = changed, config_file
    return review


def revision_configuration(commit: str, paths: list[Path], cwd: Path, fail_on: str | None) -> tuple[Config, str | None]:
    """The configuration `commit` holds for `paths` (the defaults when it holds none), and its file's name."""
    rules = load_rules().rules
    found = revision_config(commit, paths, cwd)
    if found is None:
        return load_config(None, rules).with_overrides(fail_on=fail_on), None
    path, data = found
    shown = f"{display_path(path, cwd)} at {commit[:7]}"
    return config_from_bytes(data, path, rules, shown).with_overrides(fail_on=fail_on), display_path(path, cwd)


def _lint_head(commit: str | None, paths: list[Path], config: Config, cwd: Path) -> LintResult:
    return lint(paths, config, cwd) if commit is None else lint_revision(commit, paths, config, cwd)


def compare_sides(
    base: Side, head: Side, config: Config, fail_on: Severity | None = None, shadow: LintResult | None = None
) -> Review:
    """New, fixed and still open findings; with `shadow` (the head checked with the base's
    configuration), what the head's configuration hides, and no finding called fixed that is only hidden."""
    before = {f.fingerprint for f in base.result.findings}
    after = {f.fingerprint: f for f in head.result.findings}
    hidden = [
        f
        for f in (shadow.findings if shadow is not None else [])
        if f.fingerprint not in after or after[f.fingerprint].severity.rank < f.severity.rank
    ]
    still_found = {f.fingerprint for f in shadow.findings} if shadow is not None else set()
    start = config.fiscal_year_start
    changes = diff_facts(facts_of(base.result, start), facts_of(head.result, start))
    names = list(dict.fromkeys(change.name for change in changes))
    reliances = reliances_on(names, base.result, head.result, config)
    new = [f for f in head.result.findings if f.fingerprint not in before]
    hidden_new = [f for f in hidden if f.fingerprint not in before]
    graphs = (head.result.graph, base.result.graph)
    return Review(
        base=base,
        head=head,
        new=new,
        fixed=[f for f in base.result.findings if f.fingerprint not in after and f.fingerprint not in still_found],
        still_open=[f for f in head.result.findings if f.fingerprint in before],
        changes=changes,
        reliances=reliances,
        notices=notices(changes, reliances, [(f.teams, _new_finding_words(f)) for f in (*new, *hidden_new)], graphs),
        fail_on=fail_on or config.fail_on,
        hidden=hidden,
        hidden_new=hidden_new,
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
    """Lint the plan files below `paths` as they are in `commit`, from git's object store. With the
    cache, a revision checked before (the base of every review of a branch) is not judged again."""
    return lint_sources(revision_sources(commit, paths, config, cwd), config, cwd)
