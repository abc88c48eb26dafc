"""Apply mutants of a mutation run to this checkout one at a time, and run tests against each.

    python benchmarks/mutants_by_hand.py WORK_FOLDER TESTS MUTANT...
    python benchmarks/mutants_by_hand.py /tmp/planlint-mutation tests/test_impact.py \\
        $(python benchmarks/mutation_report.py /tmp/planlint-mutation --survivors | grep impact | sed 's/.*: //')

For the survivors of a run (`mutation.sh`), once tests were written for them: a mutmut run again
would take its setup and every test mapped to each mutant, this takes the few tests that matter.
Each mutant's change (`mutmut show`) is written into the checkout's source, TESTS (comma-separated)
run, and the source put back (Ctrl-C included; a run killed outright may leave a mutant
in: `git checkout src rules`). A mutant whose lines are not found as they
are (the source changed since the run) is "not applied". Run it on a clean checkout, alone: the
source is changed while a mutant is tested.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def mutant_change(work: Path, name: str) -> tuple[Path, str, str] | None:
    """The file a mutant changes (in this checkout), and the lines it replaces and writes."""
    shown = subprocess.run([str(work / ".venv/bin/mutmut"), "show", name], cwd=work, capture_output=True, text=True)
    lines = shown.stdout.splitlines()
    path = next((line[4:] for line in lines if line.startswith("--- ")), None)
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]
    if path is None or not removed:
        return None
    # the run's copy is laid out as a wheel installs it: planlint/rules is the checkout's rules/
    source = REPO / path.replace("src/planlint/rules/", "rules/")
    return source, "\n".join(removed), "\n".join(added)


def verdict(work: Path, name: str, tests: list[str]) -> str:
    change = mutant_change(work, name)
    if change is None:
        return "no change shown"
    source, old, new = change
    text = source.read_text()
    if text.count(old) != 1:
        return "not applied"
    try:
        source.write_text(text.replace(old, new))
        command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
        run = subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        source.write_text(text)
    return {0: "survived", 1: "killed"}.get(run.returncode, f"pytest exit {run.returncode}")


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    work, tests, names = Path(argv[0]), argv[1].split(","), argv[2:]
    verdicts: Counter[str] = Counter()
    for name in names:
        found = verdict(work, name, tests)
        verdicts[found] += 1
        print(f"{name}: {found}", flush=True)
    print(dict(verdicts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
