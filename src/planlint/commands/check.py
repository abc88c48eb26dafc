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
from planlint.output.formats import FORMATS, render, resolve_auto
from planlint.output.report import Report
from planlint.output.terminal import write_stdout
from planlint.rulebook.finding import Finding
from planlint.run.config import Config
from planlint.run.engine import LintResult, lint
from planlint.run.problems import EXIT_FINDINGS, EXIT_OK, UsageError

BASELINE_VERSION = 1


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
    color: bool = False
    limits: list[str] = field(default_factory=list)  # NAME=VALUE (see language.limits)


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


def make_report(result: LintResult, findings: list[Finding], config) -> Report:
    return Report(
        findings=findings,
        files_checked=result.files_checked,
        rules={rule.code: rule.info() for rule in result.rules},
        fail_on=config.fail_on,
        source_lines=result.source_line,
    )


def run_check(options: CheckOptions, keep: list | None = None) -> int:
    """The exit code of a check; `keep` receives the run's model, for a caller that would rather
    exit than free it (see `cli.run`)."""
    for name, _ in options.formats:
        if name != "auto" and name not in FORMATS:
            raise UsageError(f"unknown output format '{name}' (known: auto, {', '.join(FORMATS)})")
    apply_limits(options.limits)
    config = resolve_config(options)
    result = lint(options.paths, config)
    if keep is not None:
        keep.append(result)
    for note in result.notes:
        print(f"planlint: warning: {note}", file=sys.stderr)
    findings = result.findings
    if options.only_files:
        findings = touching(findings, options.only_files)
    if options.write_baseline is not None:
        write_baseline(options.write_baseline, findings)
        print(f"planlint: recorded {len(findings)} finding(s) in {options.write_baseline}", file=sys.stderr)
        return EXIT_OK
    if options.baseline is not None:
        findings = without_baseline(findings, read_baseline(options.baseline))
    report = make_report(result, findings, config)
    emit(report, options)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def emit(report: Report, options: CheckOptions) -> None:
    for index, (name, target) in enumerate(options.formats):
        name = resolve_auto(os.environ) if name == "auto" else name
        if target is None and index == 0 and options.output_file is not None:
            target = str(options.output_file)
        if target is None:
            write_stdout(render(name, report, color=options.color))
        else:
            write_output(target, render(name, report, color=False))


def touching(findings: list[Finding], files: list[str]) -> list[Finding]:
    """Findings located in, or related to, one of `files` (what pre-commit passes)."""
    wanted = {Path(f).as_posix().removeprefix("./") for f in files}
    return [f for f in findings if f.span.path in wanted or any(r.span.path in wanted for r in f.related)]


# Baselines ---------------------------------------------------------------


def write_baseline(path: Path, findings: list[Finding]) -> None:
    entries = sorted({(f.fingerprint, f.rule, f.subject) for f in findings})
    document = {
        "version": BASELINE_VERSION,
        "findings": [{"fingerprint": fp, "rule": rule, "subject": subject} for fp, rule, subject in entries],
    }
    write_output(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def read_baseline(path: Path) -> set[str]:
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
