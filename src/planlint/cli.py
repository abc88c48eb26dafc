"""The `planlint` command: a thin shell over the library.

Heavy modules (lark, networkx, jsonschema) are imported inside the commands
that need them, so `planlint --help` and `planlint explain CODE` start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from planlint import __version__
from planlint.run.problems import EXIT_USAGE

# Set by `run`, the `planlint` command itself: the model of a check is kept here until the
# process ends, rather than freed object by object (see `run`).
_kept: list | None = None
F = TypeVar("F", bound=Callable[..., Any])


class PlanlintError(click.ClickException):
    """A usage or configuration problem: printed plainly, exit code 2."""

    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        return self.message


def _use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


# Options several commands share.
config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Use this configuration file instead of looking for one.",
)


def fail_on_option(help: str) -> Callable[[F], F]:
    """`--fail-on`, with what the threshold applies to in its help."""
    return click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help=help)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planlint")
def main() -> None:
    """Check that the plans of every team fit together."""


def _parse_format(value: str) -> tuple[str, str | None]:
    name, _, target = value.partition(":")
    return name.strip().lower(), (target or None)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="NAME[:FILE]",
    help="Output format: auto, text, concise, json, sarif, github, rdjson, gitlab, junit. "
    "Repeat it; NAME:FILE writes that format to FILE.",
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the (first) output to this file instead of the terminal.",
)
@click.option("--select", help="Rules to check, comma-separated codes, names or groups (replaces the config's).")
@click.option("--extend-select", help="Rules to check in addition.")
@click.option("--ignore", help="Rules not to check.")
@fail_on_option("Lowest severity that makes the exit code 1 (default: error).")
@click.option("--tolerance", help='Default tolerance for "=" comparisons, like 10%.')
@click.option("--fiscal-year-start", help="Month the fiscal year starts in (1-12 or a name).")
@config_option
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record the current findings in this file, and exit 0.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the parse cache.")
@click.option(
    "--only-files",
    multiple=True,
    hidden=True,
    help="Report only findings that touch these files (pre-commit passes them).",
)
@click.option(
    "--pre-commit",
    "pre_commit",
    is_flag=True,
    hidden=True,
    help="PATHS are the files pre-commit passes: check the whole plan below the current folder "
    "and report the findings that touch them.",
)
@click.option("--color/--no-color", default=None, help="Force colour on or off (default: on a terminal).")
def check(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    output_file: Path | None,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    fail_on: str | None,
    tolerance: str | None,
    fiscal_year_start: str | None,
    config_path: Path | None,
    baseline: Path | None,
    write_baseline: Path | None,
    no_cache: bool,
    only_files: tuple[str, ...],
    pre_commit: bool,
    color: bool | None,
) -> None:
    """Check every *.plan file below PATHS (default: the current folder) as one plan."""
    from planlint.commands.check import CheckOptions, run_check

    if pre_commit:  # cross-file findings need every file, so the passed files only filter the report
        only_files, paths = (*only_files, *map(str, paths)), ()

    options = CheckOptions(
        paths=list(paths) or [Path(".")],
        formats=[_parse_format(f) for f in formats] or [("auto", None)],
        output_file=output_file,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        fail_on=fail_on,
        tolerance=tolerance,
        fiscal_year_start=fiscal_year_start,
        config_path=config_path,
        baseline=baseline,
        write_baseline=write_baseline,
        cache=not no_cache,
        only_files=list(only_files),
        color=_use_color(sys.stdout) if color is None else color,
    )
    try:
        code = run_check(options, keep=_kept)
    except ValueError as err:  # bad flags and config, already worded for the user
        raise PlanlintError(str(err)) from None
    sys.exit(code)


@main.command()
@click.argument("subject", required=False)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--all", "show_all", is_flag=True, help="List every rule with its origin.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--spread",
    metavar="PCT",
    help="How far the sensitivity table moves an input stated as one value, up and down (default 10%).",
)
@click.option("--color/--no-color", default=None)
def explain(
    subject: str | None,
    paths: tuple[Path, ...],
    show_all: bool,
    output_format: str,
    spread: str | None,
    color: bool | None,
) -> None:
    """Explain a rule (CODE or NAME), an assumption (sales.revenue) or the findings on PATH:LINE."""
    from planlint.commands.explain import run_explain

    use_color = _use_color(sys.stdout) if color is None else color
    try:
        code = run_explain(subject, list(paths) or [Path(".")], show_all, output_format, use_color, spread)
    except ValueError as err:
        raise PlanlintError(str(err)) from None
    sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--base",
    required=True,
    envvar="PRE_COMMIT_FROM_REF",
    metavar="REV",
    help="The revision before the change: a branch, tag or commit (pre-push: what the remote has).",
)
@click.option(
    "--head",
    default="HEAD",
    show_default=True,
    envvar="PRE_COMMIT_TO_REF",
    metavar="REV",
    help="The revision after the change; WORKTREE means the files as they are on disk.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="NAME[:FILE]",
    help="text (default), markdown (for a pull request comment) or json. Repeat it; "
    "NAME:FILE writes that format to FILE.",
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the (first) output to this file instead of the terminal.",
)
@fail_on_option("Lowest severity of a NEW finding that makes the exit code 1 (default: error).")
@config_option
def review(
    paths: tuple[Path, ...],
    base: str,
    head: str,
    formats: tuple[str, ...],
    output_file: Path | None,
    fail_on: str | None,
    config_path: Path | None,
) -> None:
    """Review a change to the plan: findings new, fixed and still open, what changed and who must hear.

    Both revisions are read from git; the working tree is not touched. Exit 1
    only when the change brings new findings at or above --fail-on.
    """
    from planlint.commands.review import ReviewOptions, run_review

    options = ReviewOptions(
        base=base,
        head=head,
        paths=list(paths),
        formats=[_parse_format(f) for f in formats] or [("text", None)],
        output_file=output_file,
        fail_on=fail_on,
        config_path=config_path,
    )
    try:
        code = run_review(options)
    except ValueError as err:
        raise PlanlintError(str(err)) from None
    sys.exit(code)


@main.command("what-if")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--set",
    "settings",
    multiple=True,
    required=True,
    metavar="NAME=VALUE",
    help="Check as if NAME's producer stated VALUE (a value as the plan writes it, like 20.84% or $31.25k); "
    "a producer is added for a name nobody produces. Repeat it for several.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@fail_on_option("Lowest severity, after the change, that makes the exit code 1 (default: error).")
@config_option
def what_if(
    paths: tuple[Path, ...],
    settings: tuple[str, ...],
    output_format: str,
    fail_on: str | None,
    config_path: Path | None,
) -> None:
    """Check the plan below PATHS as if producers stated other values: each goal before and after,
    and the findings fixed, new and still open. Nothing on disk changes."""
    from planlint.commands.what_if import WhatIfOptions, run_what_if

    options = WhatIfOptions(list(paths) or [Path(".")], list(settings), output_format, config_path, fail_on)
    try:
        code = run_what_if(options)
    except ValueError as err:
        raise PlanlintError(str(err)) from None
    sys.exit(code)


def run() -> None:
    """The `planlint` command. Once the output is written it leaves with `os._exit`: freeing the
    model of a 10,000-team plan object by object takes ~0.3 s, which an ending process need not spend
    (mypy does the same). In-process callers (tests, other tools) use `main`, which exits normally."""
    global _kept
    _kept = []
    status: object = None
    try:
        main(prog_name="planlint")
    except SystemExit as stop:
        status = stop.code
    if isinstance(status, int):
        code = status
    elif status is None:
        code = 0
    else:  # sys.exit("message"): printed as Python would
        print(status, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
