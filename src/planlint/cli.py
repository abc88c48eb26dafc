"""The `planlint` command: a thin shell over the library.

Heavy modules (lark, networkx, jsonschema) are imported inside the commands
that need them, so `planlint --help` and `planlint explain CODE` start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from planlint import __version__
from planlint.run.problems import EXIT_INTERNAL, EXIT_USAGE, UsageError

if TYPE_CHECKING:  # the engine is imported by the commands that run it, never at start-up
    from planlint.run.engine import LintResult

# Set by `run`, the `planlint` command itself: the model of a check is kept here until the
# process ends, rather than freed object by object (see `run`).
_kept: list[LintResult] | None = None
F = TypeVar("F", bound=Callable[..., Any])


class PlanlintError(click.ClickException):
    """A usage or configuration problem: printed plainly, exit code 2."""

    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        return self.message


class InternalError(click.ClickException):
    """Anything planlint did not expect: one line, exit code 3 (never 1, which means findings)."""

    exit_code = EXIT_INTERNAL

    def format_message(self) -> str:
        return self.message


class _Commands(click.Group):
    """Every command fails the same way: a `UsageError` exits 2 with its message; any other
    exception exits 3 with one line naming it, and its traceback only with `--debug`."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except UsageError as err:
            raise PlanlintError(err.message) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:
            if ctx.meta.get("planlint.debug"):
                raise
            detail = " ".join(str(err).split()) or "no detail"
            raise InternalError(
                f"internal error: {type(err).__name__}: {detail[:300]} (run again with --debug for the traceback)"
            ) from None


def _use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _fail_on_option(help: str) -> Callable[[F], F]:
    """`--fail-on`, with what the threshold applies to in its help."""
    return click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help=help)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planlint")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error (exit code 3).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Check that the plans of every team fit together.

    Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 a usage or configuration
    problem, 3 an internal error.
    """
    ctx.meta["planlint.debug"] = debug


_limit_option = click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=VALUE",
    help="Change a limit on the work planlint does (README, Limits): file-bytes, number-digits, number-bits, "
    "derive-terms, glob-chars, markdown-chars. Also PLANLINT_LIMITS.",
)


# Every command that reads a plan takes its configuration file the same way.
_config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Use this configuration file instead of looking for one.",
)


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
@_fail_on_option("Lowest severity that makes the exit code 1 (default: error).")
@click.option("--tolerance", help='Default tolerance for "=" comparisons, like 10%.')
@click.option("--fiscal-year-start", help="Month the fiscal year starts in (1-12 or a name).")
@_config_option
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
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PLANLINT_CACHE_DIR",
    help="Keep the cache in this folder (default: the platform's cache folder, never the repository).",
)
@click.option(
    "--isolated",
    is_flag=True,
    help="Check only the files named, as a plan of their own. By default a file named is checked "
    "against the whole plan it belongs to, and the findings touching it are reported.",
)
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
@click.option("--fix", is_flag=True, help="Apply the safe fixes, check again, and report what is left.")
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="With --fix or --diff, also apply the fixes that change a plan commitment (a consumer's assumed value).",
)
@click.option("--diff", is_flag=True, help="Print what --fix would change as a unified diff, and write nothing.")
@_limit_option
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
    cache_dir: Path | None,
    isolated: bool,
    only_files: tuple[str, ...],
    pre_commit: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    limits: tuple[str, ...],
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
        cache_dir=cache_dir,
        only_files=list(only_files),
        isolated=isolated,
        color=_use_color(sys.stdout) if color is None else color,
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        diff=diff,
        limits=list(limits),
    )
    sys.exit(run_check(options, keep=_kept))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--file",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default="planlint-baseline.json",
    show_default=True,
    help="The baseline file.",
)
@click.option("--update", is_flag=True, help="Only remove the entries no finding matches any more (adds none).")
@_config_option
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache.")
@_limit_option
def baseline(
    paths: tuple[Path, ...],
    baseline_file: Path,
    update: bool,
    config_path: Path | None,
    no_cache: bool,
    limits: tuple[str, ...],
) -> None:
    """Record the findings of the plan below PATHS in a baseline (for check --baseline), or --update it."""
    from planlint.commands.baseline import run_baseline
    from planlint.commands.check import CheckOptions

    options = CheckOptions(
        paths=list(paths) or [Path(".")], config_path=config_path, cache=not no_cache, limits=list(limits)
    )
    sys.exit(run_baseline(options, baseline_file, update))


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
    sys.exit(run_explain(subject, list(paths) or [Path(".")], show_all, output_format, use_color, spread))


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
@_fail_on_option("Lowest severity of a NEW finding that makes the exit code 1 (default: error).")
@_config_option
@_limit_option
def review(
    paths: tuple[Path, ...],
    base: str,
    head: str,
    formats: tuple[str, ...],
    output_file: Path | None,
    fail_on: str | None,
    config_path: Path | None,
    limits: tuple[str, ...],
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
        limits=list(limits),
    )
    sys.exit(run_review(options))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["mermaid", "dot", "json"]),
    default="mermaid",
    show_default=True,
    help="mermaid (renders on GitHub), dot (Graphviz) or json.",
)
@click.option("--team", metavar="TEAM", help="Draw this team and the teams it trades assumptions with.")
@click.option("--metric", metavar="NAME", help="Draw the derivation tree of this metric, with its values.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@_config_option
def graph(
    paths: tuple[Path, ...],
    output_format: str,
    team: str | None,
    metric: str | None,
    output_file: Path | None,
    config_path: Path | None,
) -> None:
    """Draw the interlock of the plan below PATHS: teams, the assumptions between them, goals.

    Each assumption is an edge from its producer to its consumer: fits, part (only part of
    a range meets it), mismatch, late, or unresolved (from "nobody"). A large plan is drawn
    with its problems only, and the drawing says what it left out.
    """
    from planlint.commands.graph import GraphOptions, run_graph

    options = GraphOptions(list(paths) or [Path(".")], output_format, team, metric, output_file, config_path)
    sys.exit(run_graph(options))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default="report.html",
    show_default=True,
    help="Where to write the HTML page.",
)
@_config_option
def report(paths: tuple[Path, ...], output_file: Path, config_path: Path | None) -> None:
    """Write the plan below PATHS as one self-contained HTML page: goals met, at risk and missed,
    the interlock as a picture, each goal's derivation, and the findings by team.

    The page fetches nothing (no script, style or font from anywhere): it opens the same from
    a mail attachment, on a phone and printed.
    """
    from planlint.commands.report import ReportOptions, run_report

    sys.exit(run_report(ReportOptions(list(paths) or [Path(".")], output_file, config_path)))


@main.command()
@click.argument("folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--team", "teams", multiple=True, metavar="NAME", help="A team to start a plan for (repeat it).")
def init(folder: Path, teams: tuple[str, ...]) -> None:
    """Start a plan repository in FOLDER (default: here): org.plan with a shared goal, a plan
    per team with an example of each statement, planlint.toml, a pre-commit configuration and
    a GitHub Actions workflow. `planlint check` passes on it at once; an existing file is never
    overwritten (it is skipped, and named).
    """
    from planlint.commands.init import InitOptions, run_init

    sys.exit(run_init(InitOptions(folder, list(teams))))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a file would be reformatted.")
@click.option("--diff", is_flag=True, help="Write nothing; print what would change as a diff.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Use this configuration file instead of looking for one.",
)
def fmt(paths: tuple[Path, ...], check: bool, diff: bool, config_path: Path | None) -> None:
    """Lay out every *.plan file below PATHS (default: the current folder) the one canonical way.

    Only spaces and line breaks change, and a file is rewritten only when what it
    says stays exactly the same; a file that does not parse is left as it is.
    """
    from planlint.commands.fmt import FmtOptions, run_fmt

    try:
        code = run_fmt(FmtOptions(list(paths) or [Path(".")], check, diff, config_path))
    except ValueError as err:
        raise PlanlintError(str(err)) from None
    sys.exit(code)


@main.command()
def lsp() -> None:
    """Run the language server over stdin and stdout, for an editor (see editors/)."""
    from planlint.commands.lsp.server import serve

    serve()


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
@_fail_on_option("Lowest severity, after the change, that makes the exit code 1 (default: error).")
@_config_option
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
    sys.exit(run_what_if(options))


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
    else:  # sys.exit("message"): printed as Python would, and never taken for findings
        print(status, file=sys.stderr)
        code = EXIT_INTERNAL
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: started with it closed
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
