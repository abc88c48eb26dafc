"""`planlint report`: the plan as one self-contained HTML page (see `output.html`)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from planlint import __version__
from planlint.commands.common import configuration, write_output
from planlint.output.html import render_report
from planlint.run.engine import lint
from planlint.run.problems import EXIT_OK

DEFAULT_OUTPUT = Path("report.html")


@dataclass
class ReportOptions:
    paths: list[Path]
    output_file: Path = DEFAULT_OUTPUT
    config_path: Path | None = None


def run_report(options: ReportOptions) -> int:
    """Write the report; the exit code (0: a report is not a check, whatever it finds)."""
    config = configuration(options.paths, options.config_path)
    result = lint(options.paths, config)
    for note in result.notes:
        print(f"planlint: warning: {note}", file=sys.stderr)
    write_output(options.output_file, render_report(result, config, __version__))
    print(f"planlint: wrote {options.output_file}", file=sys.stderr)
    return EXIT_OK
