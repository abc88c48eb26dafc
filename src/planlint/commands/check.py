"""`planlint check` as a function: configuration, lint, baseline, outputs, exit code.

Kept apart from the click layer so that tests, the review command and other
tools can call it, and so that the CLI module stays light to import.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from planlint.commands.common import apply_limits, configuration, split_list, write_output
from planlint.language.wording import listing, plural
from planlint.output.formats import FORMATS, render, resolve_auto
from planlint.output.report import Report
from planlint.output.terminal import write_stdout
from planlint.rulebook.finding import Finding
from planlint.rulebook.fixes import Fix
from planlint.run.config import Config, find_root, leads_out
from planlint.run.engine import LintResult, lint
from planlint.run.files import display_path
from planlint.run.problems import EXIT_FINDINGS, EXIT_OK, UsageError

BASELINE_VERSION = 1
DEFAULT_BASELINE = "planlint-baseline.json"


@dataclass
class CheckOptions:
    paths: list[Path]
    formats: list[tuple[str, str | None]] = field(default_factory=lambda: [("auto", None)])
    output_file: Path | None = None
    select: str | None = None
    extend_select: str | None = None
    ignore: str | None = None
    fail_on: str | None = None
    tolerance: str | None = None
    fiscal_year_start: str | None = None
    config_path: Path | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    cache: bool = True
    cache_dir: Path | None = None
    only_files: list[str] = field(default_factory=list)
    isolated: bool = False  # check only the files named, not the whole plan they belong to
    color: bool = False
    limits: list[str] = field(default_factory=list)  # NAME=VALUE (see language.limits)
    fix: bool = False  # apply the fixes that apply, then report what is left
    unsafe_fixes: bool = False  # with fix or diff: the unsafe ones too
    diff: bool = False  # show what fix would change, and write nothing


def resolve_config(options: CheckOptions) -> Config:
    return configuration(
        options.paths,
        options.config_path,
        select=split_list(options.select),
        extend_select=split_list(options.extend_select),
        ignore=split_list(options.ignore),
        fail_on=options.fail_on,
        tolerance=options.tolerance,
        fiscal_year_start=options.fiscal_year_start,
        cache=options.cache if not options.cache else None,
        cache_dir=options.cache_dir,
    )


def make_report(result: LintResult, findings: list[Finding], config: Config) -> Report:
    return Report(
        findings=findings,
        files_checked=result.files_checked,
        rules={rule.code: rule.info() for rule in result.rules},
        fail_on=config.fail_on,
        source_lines=result.source_line,
    )


def run_check(options: CheckOptions, keep: list[LintResult] | None = None) -> int:
    """The exit code of a check; `keep` receives the run's model, for a caller that would rather
    exit than free it (see `cli.run`)."""
    for name, _ in options.formats:
        if name != "auto" and name not in FORMATS:
            raise UsageError(f"unknown output format '{name}' (known: auto, {', '.join(FORMATS)})")
    if (options.fix or options.diff) and options.write_baseline is not None:
        raise UsageError("--fix and --diff cannot be used with --write-baseline: record the findings, or fix them")
    apply_limits(options.limits)
    config = resolve_config(options)
    paths, named = whole_plan(options.paths, options.isolated)
    only = [*options.only_files, *named]  # the files whose findings are reported (all when none)
    known = read_baseline(options.baseline) if options.baseline is not None else None
    if options.fix or options.diff:
        return run_fixes(options, paths, only, config, known, keep)
    result = lint(paths, config, one_shot=True)  # this process ends once it has printed
    if keep is not None:
        keep.append(result)
    if result.files_checked == 0:
        raise UsageError(
            f"no plan files found under {listing([p.as_posix() for p in options.paths])} (planlint reads "
            "files named *.plan; `include` and `exclude` in planlint.toml choose among them)"
        )
    for note in result.notes:
        print(f"planlint: warning: {note}", file=sys.stderr)
    findings = touching(result.findings, only) if only else result.findings
    if options.write_baseline is not None:
        write_baseline(options.write_baseline, findings)
        print(f"planlint: recorded {len(findings)} finding(s) in {options.write_baseline}", file=sys.stderr)
        return EXIT_OK
    if known is not None and options.baseline is not None:
        shown = len(findings)
        findings = without_baseline(findings, known)
        print(baseline_note(options.baseline, shown - len(findings), known, result.findings), file=sys.stderr)
    report = make_report(result, findings, config)
    emit(report, options)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def reported(findings: list[Finding], only: list[str], known: set[str] | None) -> list[Finding]:
    """The findings a check reports: those touching `only` (when given), less those in the baseline."""
    if only:
        findings = touching(findings, only)
    return without_baseline(findings, known) if known is not None else findings


def run_fixes(
    options: CheckOptions,
    paths: list[Path],
    only: list[str],
    config: Config,
    known: set[str] | None,
    keep: list[LintResult] | None,
) -> int:
    """`--fix`: apply what applies to the findings the check reports, write, report what is left.
    `--diff`: show the change instead, write nothing, exit 1 when there is one (as ruff does)."""
    from planlint.run.fixing import fix_plan, write_fixed

    outcome = fix_plan(
        paths,
        config,
        Path.cwd(),
        unsafe=options.unsafe_fixes,
        reported=lambda found: reported(found, only, known),
        only=only or None,
    )
    if keep is not None:
        keep.append(outcome.result)
    warnings = [*outcome.result.notes, *outcome.notes]
    if options.diff:
        write_stdout(outcome.diff())
        left = reported(outcome.result.findings, only, known)
        _say(warnings, fix_summary(outcome.applied, left, options.unsafe_fixes, would=True))
        return EXIT_FINDINGS if outcome.changed else EXIT_OK
    problems = write_fixed(outcome)
    result = outcome.result if not problems else lint(paths, config)  # what is really on disk
    left = reported(result.findings, only, known)
    _say(warnings + problems, fix_summary(outcome.applied, left, options.unsafe_fixes))
    report = make_report(result, left, config)
    emit(report, options)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def fix_summary(applied: list[tuple[Finding, Fix]], left: list[Finding], unsafe: bool, would: bool = False) -> str:
    """`fixed 3 findings in 2 files; 2 left (1 fixable with --unsafe-fixes)`, in ruff's spirit."""
    files = {path for _, fix in applied for path in fix.paths}
    verb = "would fix" if would else "fixed"
    text = f"{verb} {plural(len(applied), 'finding')} in {plural(len(files), 'file')}; {len(left)} left"
    hidden = sum(1 for f in left if f.fixable(unsafe=True))
    if hidden and not unsafe:
        text += f" ({hidden} fixable with --unsafe-fixes)"
    return text


def _say(warnings: list[str], summary: str) -> None:
    for warning in warnings:
        print(f"planlint: warning: {warning}", file=sys.stderr)
    print(f"planlint: {summary}", file=sys.stderr)


def emit(report: Report, options: CheckOptions) -> None:
    for index, (name, target) in enumerate(options.formats):
        name = resolve_auto(os.environ) if name == "auto" else name
        if target is None and index == 0 and options.output_file is not None:
            target = str(options.output_file)
        if target is None:
            write_stdout(render(name, report, color=options.color))
        else:
            write_output(target, render(name, report, color=False))


def whole_plan(paths: list[Path], isolated: bool = False) -> tuple[list[Path], list[str]]:
    """What to read and what to report. Files named on the command line are checked against the
    whole plan they belong to (an interlock needs the producers in the other files): the plan's
    root (see `find_root`) is read, and only findings touching the named files (or folders named
    with them) are reported. Folders alone, `isolated`, or a file with no root above it: as named."""
    named_files = [path for path in paths if not path.is_dir()]
    root = find_root(paths).root if named_files and not isolated else None
    if root is None:
        return paths, []
    here = Path.cwd().resolve()
    try:
        from_here = [os.path.relpath(os.path.abspath(path), here) for path in (root, *paths)]  # `../x.plan`
    except ValueError:  # another drive: as named
        return [root, *paths], [display_path(Path(os.path.abspath(path)), here) for path in paths]
    return [Path(path) for path in from_here], [display_path(path, here) for path in from_here[1:]]


def touching(findings: list[Finding], files: list[str]) -> list[Finding]:
    """Findings located in, or related to, one of `files` or a file below one of them (a folder)."""
    wanted = {Path(f).as_posix().removeprefix("./").rstrip("/") for f in files}
    below = tuple(f"{w}/" for w in wanted if w not in ("", "."))

    def wanted_path(path: str) -> bool:
        return path in wanted or path.startswith(below) or "." in wanted

    return [f for f in findings if wanted_path(f.span.path) or any(wanted_path(r.span.path) for r in f.related)]


# Baselines ---------------------------------------------------------------


def write_baseline(path: Path, findings: list[Finding]) -> None:
    entries = sorted({(f.fingerprint, f.rule, f.subject) for f in findings})
    document = {
        "version": BASELINE_VERSION,
        "findings": [{"fingerprint": fp, "rule": rule, "subject": subject} for fp, rule, subject in entries],
    }
    write_output(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def read_baseline(path: Path) -> set[str]:
    """The fingerprints a baseline records; one that is a link out of the repository is not read."""
    outside = leads_out(path, find_root([path]).repository)
    if outside is not None:
        raise UsageError(f"baseline {path} is a link to {outside}, outside the repository; planlint does not read it")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return {entry["fingerprint"] for entry in document["findings"]}
    except FileNotFoundError:
        raise UsageError(f"baseline not found: {path}") from None
    except RecursionError:
        raise UsageError(f"baseline {path} cannot be read: it is nested too deeply to be a baseline") from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise UsageError(f"baseline {path} cannot be read: {err}") from None


def without_baseline(findings: list[Finding], known: set[str]) -> list[Finding]:
    return [f for f in findings if f.fingerprint not in known]


def baseline_entries(count: int) -> str:
    return f"{count} baseline {'entry' if count == 1 else 'entries'}"


def baseline_note(path: Path, hidden: int, known: set[str], found: list[Finding]) -> str:
    """What a baseline hides, and which of its entries no finding matches any more (fixed: the
    whole plan's findings decide, not the ones reported)."""
    fixed = len(known - {f.fingerprint for f in found})
    note = f"planlint: {plural(hidden, 'finding')} hidden by the baseline {path.as_posix()}"
    if fixed:
        update = "planlint baseline --update" + ("" if path.name == DEFAULT_BASELINE else f" --file {path.as_posix()}")
        note += f", {baseline_entries(fixed)} now fixed (run `{update}`)"
    return note
