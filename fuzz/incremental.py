"""Random edits of plan repositories on disk, for holding incremental checking to the cold answer.

`starting_plans()` gives folders to copy: the bundled examples, the acceptance
scenarios and a generated 40-team organisation. `apply_random_edit(folder,
rnd)` makes one edit of a kind a plan owner makes (or a merge does) and
says which; `check_edits` makes a sequence of them and holds the cached run
to a `--no-cache` run after each, byte for byte in every output format.
tests/test_incremental.py runs a bounded number of sequences; this module
runs them for as long as you like:

    python fuzz/incremental.py --minutes 30 [--seed S]   # from the repository root
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NAME = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+\b")
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
STATEMENT = re.compile(r"^\s*(owner|goal|produces|consumes|derive)\b")
BLOCK = re.compile(r"^(team|org)\s+([A-Za-z_][\w-]*)\s*\{[^\n]*\n(?:.*\n)*?\}[^\n]*\n?", re.M)


def starting_plans() -> dict[str, Path]:
    plans = {"examples/acme": REPO / "examples" / "acme", "examples/clean": REPO / "examples" / "clean"}
    for folder in sorted((REPO / "tests" / "scenarios").iterdir()):
        if folder.is_dir():
            plans[f"scenarios/{folder.name}"] = folder
    plans["generated-40"] = _generated(40)
    return plans


def _generated(teams: int) -> Path:
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from gen_plan import generate

    out = Path(tempfile.mkdtemp(prefix="planlint-generated-")) / "plan"
    generate(teams, out, 7)
    (out / "expected.json").unlink(missing_ok=True)
    return out


# Edits -------------------------------------------------------------------------


def _plans(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.plan"))


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="surrogateescape").split("\n")


def _names(folder: Path) -> list[str]:
    """Every dotted name the plan's files mention, in file order (repeats kept)."""
    return [n for p in _plans(folder) for n in NAME.findall(p.read_text(encoding="utf-8", errors="ignore"))]


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogateescape")


def _statement_lines(path: Path) -> list[int]:
    return [i for i, line in enumerate(_lines(path)) if STATEMENT.match(line)]


def _pick_statement(folder: Path, rnd: random.Random) -> tuple[Path, list[str], int] | None:
    candidates = [(path, i) for path in _plans(folder) for i in _statement_lines(path)]
    if not candidates:
        return None
    path, i = rnd.choice(candidates)
    return path, _lines(path), i


def edit_value(folder: Path, rnd: random.Random) -> None:
    found = _pick_statement(folder, rnd)
    if found is None:
        return
    path, lines, i = found
    numbers = list(NUMBER.finditer(lines[i]))
    if numbers:
        m = rnd.choice(numbers)
        new = str(rnd.choice([0, 1, 2, 5, 10, 18, 50, 100, 1000, 2500, int(float(m[0]) * 2) + 1]))
        lines[i] = lines[i][: m.start()] + new + lines[i][m.end() :]
        _write(path, lines)


def edit_unit(folder: Path, rnd: random.Random) -> None:
    found = _pick_statement(folder, rnd)
    if found is None:
        return
    path, lines, i = found
    swaps = [("$", "€"), ("€", "$"), ("leads", "deals"), ("/year", "/month"), ("/month", "/quarter"), ("%", "")]
    old, new = rnd.choice(swaps)
    if old in lines[i]:
        lines[i] = lines[i].replace(old, new, 1)
        _write(path, lines)


def edit_rename(folder: Path, rnd: random.Random) -> None:
    found = _pick_statement(folder, rnd)
    if found is None:
        return
    path, lines, i = found
    names = list(NAME.finditer(lines[i]))
    if names:
        m = rnd.choice(names)
        every = sorted(set(_names(folder)))
        new = rnd.choice([*every, m[0] + "x", m[0].replace(".", ".new.", 1)])
        lines[i] = lines[i][: m.start()] + new + lines[i][m.end() :]
        _write(path, lines)


def delete_line(folder: Path, rnd: random.Random) -> None:
    found = _pick_statement(folder, rnd)
    if found is not None:
        path, lines, i = found
        del lines[i]
        _write(path, lines)


def add_line(folder: Path, rnd: random.Random) -> None:
    """A statement copied into another block (so a name gets a second producer or consumer)."""
    found = _pick_statement(folder, rnd)
    target = rnd.choice(_plans(folder)) if _plans(folder) else None
    if found is None or target is None:
        return
    _, lines, i = found
    into = _lines(target)
    opens = [j for j, line in enumerate(into) if re.match(r"^(team|org)\b", line)]
    if opens:
        into.insert(rnd.choice(opens) + 1, lines[i])
        _write(target, into)


def add_team(folder: Path, rnd: random.Random) -> None:
    names = _names(folder)
    if not names:
        return
    a, b = rnd.choice(names), rnd.choice(names)
    text = f"team extra{rnd.randint(0, 999)} {{\n  consumes {a} >= 1\n  produces {b} = 5\n  goal {a} >= 2\n}}\n"
    path = rnd.choice(_plans(folder))
    path.write_text(
        path.read_text(encoding="utf-8", errors="surrogateescape") + text, encoding="utf-8", errors="surrogateescape"
    )


def duplicate_team(folder: Path, rnd: random.Random) -> None:
    """A block declared again in another file, before or after the first in path order."""
    blocks = [(p, m) for p in _plans(folder) for m in BLOCK.finditer(p.read_text(encoding="utf-8", errors="ignore"))]
    if blocks:
        _, m = rnd.choice(blocks)
        (folder / rnd.choice(["aaa_copy.plan", "zzz_copy.plan"])).write_text(m[0], encoding="utf-8")


def delete_file(folder: Path, rnd: random.Random) -> None:
    plans = _plans(folder)
    if len(plans) > 1:
        rnd.choice(plans).unlink()


def new_file(folder: Path, rnd: random.Random) -> None:
    names = _names(folder)
    name = rnd.choice(names) if names else "leads.volume"
    text = f"team newcomer{rnd.randint(0, 999)} {{\n  produces {name} = {rnd.choice([1, 10, 4000])}\n}}\n"
    (folder / f"new{rnd.randint(0, 99)}.plan").write_text(text, encoding="utf-8")


def move_team(folder: Path, rnd: random.Random) -> None:
    plans = _plans(folder)
    if len(plans) < 2:
        return
    source, target = rnd.sample(plans, 2)
    text = source.read_text(encoding="utf-8", errors="surrogateescape")
    blocks = list(BLOCK.finditer(text))
    if blocks:
        m = rnd.choice(blocks)
        source.write_text(text[: m.start()] + text[m.end() :], encoding="utf-8", errors="surrogateescape")
        target.write_text(
            target.read_text(encoding="utf-8", errors="surrogateescape") + "\n" + m[0],
            encoding="utf-8",
            errors="surrogateescape",
        )


def rename_file(folder: Path, rnd: random.Random) -> None:
    plans = _plans(folder)
    if plans:
        path = rnd.choice(plans)
        path.rename(path.with_name("renamed_" + path.name))


def add_comment(folder: Path, rnd: random.Random) -> None:
    plans = _plans(folder)
    if plans:
        path = rnd.choice(plans)
        lines = _lines(path)
        lines.insert(rnd.randint(0, len(lines)), "# a note")
        _write(path, lines)


def change_config(folder: Path, rnd: random.Random) -> None:
    choices = [
        'tolerance = "5%"\n',
        'tolerance = "25%"\n',
        'fiscal-year-start = "July"\n',
        'extend-select = ["unused-assumption"]\n',
        '[severity]\nvalue-mismatch = "warning"\n',
        'ignore = ["goal-shortfall"]\n',
        "",
    ]
    (folder / "planlint.toml").write_text(rnd.choice(choices), encoding="utf-8")


def add_loop(folder: Path, rnd: random.Random) -> None:
    names = _names(folder)
    if len(names) >= 2:
        a, b = rnd.sample(names, 2)
        path = rnd.choice(_plans(folder))
        path.write_text(
            path.read_text(encoding="utf-8", errors="surrogateescape")
            + f"team looper {{\n  derive {a} = {b} * 2\n}}\n",
            encoding="utf-8",
            errors="surrogateescape",
        )


EDITS: dict[str, Callable[[Path, random.Random], None]] = {
    "value": edit_value,
    "unit": edit_unit,
    "rename": edit_rename,
    "delete-line": delete_line,
    "add-line": add_line,
    "add-team": add_team,
    "duplicate-team": duplicate_team,
    "delete-file": delete_file,
    "new-file": new_file,
    "move-team": move_team,
    "rename-file": rename_file,
    "comment": add_comment,
    "config": change_config,
    "loop": add_loop,
}


def apply_random_edit(folder: Path, rnd: random.Random) -> str:
    kind = rnd.choice(sorted(EDITS))
    EDITS[kind](folder, rnd)
    return kind


# Holding the cached run to the cold one ---------------------------------------------


def outputs(folder: Path, config: object, how: list[str] | None = None) -> dict[str, str]:
    """Every output format's text for the plan in `folder` (`how`: where the run came from)."""
    from planlint.commands.check import make_report
    from planlint.output.formats import FORMATS, render
    from planlint.run.engine import lint

    result = lint([folder], config, cwd=folder)  # type: ignore[arg-type]
    if how is not None:
        how.append(result.how)
    report = make_report(result, result.findings, config)
    return {name: render(name, report) for name in sorted(FORMATS)}


def configuration_of(folder: Path) -> object:
    from planlint.rulebook.registry import load_rules
    from planlint.run.config import load_config

    path = folder / "planlint.toml"
    return load_config(path if path.exists() else None, load_rules().rules)


def check_edits(folder: Path, seed: int, edits: int, how: list[str] | None = None, settled: bool = False) -> None:
    """Apply `edits` random edits; after each, the cached run must give every output a cold run
    gives. Raises AssertionError naming the seed, the edit and the format that differ.

    `settled`: each edited file gets a modification time of its own, as files edited a moment
    apart do, so that a test which makes planlint trust every file's signature at once (see
    `run/unchanged.py`) checks that unchanged files are never read and changed ones always are."""
    rnd = random.Random(seed)
    outputs(folder, configuration_of(folder))  # the first run fills the cache
    for step in range(edits):
        before = _contents(folder) if settled else {}
        kind = apply_random_edit(folder, rnd)
        if settled:
            _new_times(folder, before)
        config = configuration_of(folder)
        warm = outputs(folder, config, how)
        cold = outputs(folder, config.with_overrides(cache=False))  # type: ignore[attr-defined]
        for name in cold:
            assert warm[name] == cold[name], f"seed {seed}, edit {step} ({kind}): {name} differs"


def _contents(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


_STAMPS = itertools.count(1)


def _new_times(folder: Path, before: dict[Path, bytes]) -> None:
    """A modification time of its own for every file the edit wrote (the clock's tick is coarser
    than a run: two writes within it would keep the time)."""
    for path, data in _contents(folder).items():
        if before.get(path) != data:
            stamp = time.time_ns() + next(_STAMPS) * 1_000_000
            os.utime(path, ns=(stamp, stamp))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Incremental checking against cold runs, for a while.")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--edits", type=int, default=30, help="edits per sequence")
    args = parser.parse_args(argv)
    plans, rnd = starting_plans(), random.Random(args.seed)
    end, sequences, failures = time.monotonic() + args.minutes * 60, 0, 0
    while time.monotonic() < end:
        name, seed = rnd.choice(sorted(plans)), rnd.randrange(2**32)
        folder = Path(tempfile.mkdtemp()) / "plan"
        shutil.copytree(plans[name], folder)
        try:
            check_edits(folder, seed, args.edits)
        except AssertionError as err:
            failures += 1
            print(f"FAIL {name}: {err}", flush=True)
        finally:
            shutil.rmtree(folder.parent, ignore_errors=True)
        sequences += 1
        if sequences % 10 == 0:
            print(f"{sequences} sequences of {args.edits} edits, {failures} failed", flush=True)
    print(f"done: {sequences} sequences of {args.edits} edits, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
