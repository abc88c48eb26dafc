"""`planlint baseline`: record today's findings, or drop the entries no finding matches any more.

A baseline lets a team adopt planlint on an existing plan: `check --baseline`
reports only what the baseline does not record, and says how many findings it
hides and how many of its entries are fixed. `--update` removes those fixed
entries and adds nothing, so a baseline only ever shrinks unless it is written
again on purpose.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from planlint.commands.check import CheckOptions, baseline_entries, read_baseline, resolve_config, write_baseline
from planlint.commands.common import apply_limits, write_output
from planlint.run.engine import lint
from planlint.run.problems import EXIT_OK


def run_baseline(options: CheckOptions, file: Path, update: bool) -> int:
    """Write `file` from the findings of the plan at `options.paths`; with `update`, keep only its
    entries that a finding still matches."""
    apply_limits(options.limits)
    result = lint(options.paths, resolve_config(options))
    if not update:
        write_baseline(file, result.findings)
        print(f"planlint: recorded {len(result.findings)} finding(s) in {file.as_posix()}", file=sys.stderr)
        return EXIT_OK
    known = read_baseline(file)
    found = {f.fingerprint for f in result.findings}
    document = json.loads(file.read_text(encoding="utf-8"))  # read_baseline has checked its shape
    document["findings"] = [entry for entry in document["findings"] if entry["fingerprint"] in found]
    write_output(file, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(
        f"planlint: removed {baseline_entries(len(known - found))} now fixed from {file.as_posix()}, "
        f"{len(document['findings'])} left",
        file=sys.stderr,
    )
    return EXIT_OK
