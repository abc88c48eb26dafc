"""Incremental checking at organisation scale: an edit is answered in the time of the edit.

    python benchmarks/incremental.py [--teams 10000] [--repeat 5] [--plan FOLDER]

On a generated plan (benchmarks/gen_plan.py, seed 42) with the cache filled,
it times whole `planlint check` processes (median of --repeat; each edit is
made, timed, then undone and the cache brought back; each repeat's edit also
adds a comment of its own, so that no edit is one the cache has seen) for:

- nothing changed;
- a comment added to one leaf team's file;
- a produced value that two consumers read, changed;
- a goal changed;
- a value near the root of the derivation tree changed (it reaches
  company.contribution);
- nothing changed since an edit (the incremental engine's state answers, not the
  findings a whole run keeps);
- `check --pre-commit FILE`, one staged file of the plan, edited (a comment);
- a cold run without a cache (`--no-cache`), and `python -c pass`.

Each line gives the ratio to the nothing-changed run of the same pass, and
the number of subjects judged again (from an in-process run of the same
edit), so that a regression in the dependency tracking shows as a count.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
Edit = tuple[Path, str, str]  # file, text before, text after


def generate(teams: int, out: Path) -> Path:
    subprocess.run([sys.executable, str(HERE / "gen_plan.py"), str(teams), str(out)], check=True, capture_output=True)
    return out


def _team_file(plan: Path, team: int) -> Path:
    return next(plan.rglob(f"t{team:05d}.plan"), None) or next(plan.rglob(f"t{team:04d}.plan"))


def edits(plan: Path, teams: int) -> dict[str, Edit]:
    """The edits to time, each as (file, before, after)."""
    leaf = _team_file(plan, teams - 1)  # the last team has no child teams
    leaf_text = leaf.read_text(encoding="utf-8")
    found: dict[str, Edit] = {"comment in a leaf team": (leaf, leaf_text, "# reviewed\n" + leaf_text)}
    consumed = _value_read_twice(plan)
    if consumed is not None:
        found["a value two teams read"] = consumed
    goal_line = next(line for line in leaf_text.splitlines() if line.strip().startswith("goal "))
    found["a goal"] = (
        leaf,
        leaf_text,
        leaf_text.replace(goal_line, goal_line + " # tightened", 1).replace(goal_line, _bumped(goal_line), 1),
    )
    root = _team_file(plan, 0)
    root_text = root.read_text(encoding="utf-8")
    produced = next(line for line in root_text.splitlines() if "produces" in line and "$" in line and ".." not in line)
    found["a value near the root"] = (root, root_text, root_text.replace(produced, _bumped(produced), 1))
    return found


def _bumped(line: str) -> str:
    """The line with the leading digit of its value (after the operator) changed."""
    start = max(line.find("="), line.find(" in "))
    for i in range(start + 1, len(line)):
        if line[i].isdigit():
            return line[:i] + ("9" if line[i] != "9" else "8") + line[i + 1 :]
    return line


def _value_read_twice(plan: Path) -> Edit | None:
    """A `produces` line whose name two other teams consume."""
    consumers: dict[str, int] = {}
    for path in plan.rglob("*.plan"):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) > 1 and words[0] == "consumes":
                consumers[words[1]] = consumers.get(words[1], 0) + 1
    for path in sorted(plan.rglob("*.plan")):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            words = line.split()
            if len(words) > 3 and words[0] == "produces" and consumers.get(words[1]) == 2 and "=" in words:
                return path, text, text.replace(line, _bumped(line), 1)
    return None


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def judged(plan: Path) -> tuple[str, int]:
    """How an in-process run came to its findings, and how many subjects it judged (run as the
    command runs: from the plan's folder, on `.`)."""
    import os

    from planlint.commands.common import configuration
    from planlint.run.engine import lint

    here = Path.cwd()
    os.chdir(plan)
    try:
        result = lint([Path(".")], configuration([Path(".")]))
    finally:
        os.chdir(here)
    return result.how, result.judged


def measure(plan: Path, repeat: int) -> list[dict[str, object]]:
    check = [sys.executable, "-m", "planlint", "check", "--format", "concise", "."]
    subprocess.run(check, cwd=plan, capture_output=True)  # fill the cache
    rows: list[dict[str, object]] = []

    def case(name: str, run: Callable[[], float], count: Callable[[], tuple[str, int]] | None = None) -> None:
        seconds = statistics.median(run() for _ in range(repeat))
        how, subjects = count() if count is not None else ("", 0)
        rows.append({"case": name, "seconds": round(seconds, 3), "how": how, "judged": subjects})

    case("nothing changed", lambda: timed(check, plan), lambda: judged(plan))
    made = itertools.count()
    for name, (path, before, after) in edits(plan, _teams(plan)).items():

        def run(path: Path = path, before: str = before, after: str = after) -> float:
            # Each repeat's edit is one the cache has never seen (it keeps the last runs' findings
            # whole): a comment of its own after the edit, so the incremental engine is what is timed.
            path.write_text(f"{after}# edit {next(made)}\n", encoding="utf-8")
            seconds = timed(check, plan)
            path.write_text(before, encoding="utf-8")
            subprocess.run(check, cwd=plan, capture_output=True)  # the cache back to the plan as generated
            return seconds

        def count(path: Path = path, before: str = before, after: str = after) -> tuple[str, int]:
            path.write_text(f"{after}# edit {next(made)}\n", encoding="utf-8")
            found = judged(plan)
            path.write_text(before, encoding="utf-8")
            judged(plan)
            return found

        case(name, run, count)
    leaf = _team_file(plan, _teams(plan) - 1)
    leaf_text = leaf.read_text(encoding="utf-8")

    def after_an_edit() -> float:  # nothing changed since an incremental run: the state answers
        leaf.write_text(f"{leaf_text}# edit {next(made)}\n", encoding="utf-8")
        subprocess.run(check, cwd=plan, capture_output=True)
        seconds = timed(check, plan)
        leaf.write_text(leaf_text, encoding="utf-8")
        subprocess.run(check, cwd=plan, capture_output=True)
        return seconds

    case("nothing changed since an edit", after_an_edit)
    staged, staged_text = leaf, leaf_text
    pre_commit = [*check[:-1], "--pre-commit", str(staged.relative_to(plan))]

    def commit() -> float:  # the hook on a commit of one edited file: a new comment in it
        staged.write_text(f"{staged_text}# edit {next(made)}\n", encoding="utf-8")
        seconds = timed(pre_commit, plan)
        staged.write_text(staged_text, encoding="utf-8")
        subprocess.run(check, cwd=plan, capture_output=True)
        return seconds

    case("check --pre-commit FILE", commit)
    case("cold, --no-cache", lambda: timed([*check[:-1], "--no-cache", "."], plan))
    case("python -c pass", lambda: timed([sys.executable, "-c", "pass"], plan))
    base = rows[0]["seconds"]
    for row in rows:
        row["ratio"] = round(float(row["seconds"]) / float(base), 2)  # type: ignore[arg-type]
    return rows


def _teams(plan: Path) -> int:
    return sum(1 for _ in plan.rglob("t*.plan"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plan", type=Path, help="a plan generated by gen_plan.py (else one is generated)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    plan = args.plan or generate(args.teams, Path(tempfile.mkdtemp()) / "plan")
    rows = measure(plan, args.repeat)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'case':<31} {'seconds':>8} {'÷ unchanged':>12}  judged again")
    for row in rows:
        judged_text = f"{row['judged']} subjects ({row['how']})" if row["how"] else ""
        print(f"{row['case']:<31} {row['seconds']:>8.3f} {row['ratio']:>11.2f}×  {judged_text}")
    unchanged, bare = rows[0]["seconds"], rows[-1]["seconds"]  # issue 19 states its target so
    print(f"\nnothing changed = {float(unchanged) / float(bare):.1f}× `python -c pass` started the same way")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
