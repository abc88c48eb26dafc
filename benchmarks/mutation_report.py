"""The results of a mutation run (`mutation.sh`) as the table in MUTATION.md, module by module.

    python benchmarks/mutation_report.py /tmp/planlint-mutation            # the table
    python benchmarks/mutation_report.py /tmp/planlint-mutation --survivors  # and each survivor
    python benchmarks/mutation_report.py /tmp/part1 /tmp/part2   # a run made in parts

Reads mutmut's own record of each mutant (`mutants/**/*.py.meta`: the exit code of its tests), so
it works on a run that is still going or was stopped: what is not run yet is counted as such. Of a
run made in parts (`MUTANTS=...` picks a part's modules), each module is taken from the part that
ran most of its mutants (the later part on a tie).
A mutant the tests kill, or that makes them run past their time (a loop the mutant never leaves),
or that mypy --strict rejects (as `.ci/run` would), is caught; the score is caught over all run.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

# mutmut 3.8's exit codes (mutmut/stats.py), folded into what the table says.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no test", 33: "no test", 36: "timeout", 37: "type check"}
STATUS |= {code: "timeout" for code in (-24, 24, 152, 255)}
CAUGHT = ("killed", "timeout", "type check")
COLUMNS = ("killed", "timeout", "type check", "survived", "no test", "not run", "other")


def results(work: Path) -> dict[str, dict[str, str]]:
    """{module: {mutant: status}} for every mutated module of the run in `work`."""
    found: dict[str, dict[str, str]] = {}
    for meta in sorted((work / "mutants" / "src").rglob("*.py.meta")):
        module = meta.relative_to(work / "mutants" / "src" / "planlint").as_posix().removesuffix(".py.meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        found[module.replace("/", ".")] = {
            name: "not run" if code is None else STATUS.get(code, "other") for name, code in codes.items()
        }
    return found


def combined(parts: list[dict[str, dict[str, str]]]) -> dict[str, dict[str, str]]:
    """Each module from the part that ran most of its mutants (the later part on a tie)."""
    found: dict[str, dict[str, str]] = {}
    for part in parts:
        for module, statuses in part.items():
            ran = sum(status != "not run" for status in statuses.values())
            if module not in found or ran >= sum(status != "not run" for status in found[module].values()):
                found[module] = statuses
    return dict(sorted(found.items()))


def table(found: dict[str, dict[str, str]]) -> str:
    lines = [
        "| module | mutants | " + " | ".join(COLUMNS) + " | caught of those run |",
        "| --- | --- | " + " | ".join("---" for _ in COLUMNS) + " | --- |",
    ]
    total: Counter[str] = Counter()
    for module, statuses in found.items():
        if statuses:
            counts = Counter(statuses.values())
            total += counts
            lines.append(_row(module, counts))
    lines.append(_row("**all**", total))
    return "\n".join(lines)


def _row(label: str, counts: Counter[str]) -> str:
    run = sum(counts.values()) - counts["not run"]
    caught = sum(counts[status] for status in CAUGHT)
    share = f"{caught / run:.1%}" if run else "-"
    cells = " | ".join(f"{counts[column]:,}" for column in COLUMNS)
    return f"| {label} | {sum(counts.values()):,} | {cells} | {share} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, nargs="+", help="the folder mutation.sh ran in (one for each part)")
    parser.add_argument("--survivors", action="store_true", help="also list every mutant that survived")
    args = parser.parse_args(argv)
    found = combined([results(work) for work in args.work])
    print(table(found))
    if args.survivors:
        print()
        for statuses in found.values():
            for name, status in statuses.items():
                if status in ("survived", "no test"):
                    print(f"{status}: {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
