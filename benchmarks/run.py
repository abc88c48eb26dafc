"""Benchmarks for issue 5: planlint against its peers on the same organisation plan, at three sizes.

    python benchmarks/run.py [--sizes 100,1000,10000] [--repeat 3] [--install-peers] [--no-readme]

For each size it generates the shared organisation plan (../shared/bench/gen_org.py:
.plan files, the same plan as plan.json, and the exact expected counts) and ours
(benchmarks/gen_plan.py: every rule), then measures whole processes, median of
`--repeat` runs, wall time and peak memory (the child's own maximum RSS):

- planlint `check` on the shared plan: cold without a cache (--no-cache), cold
  writing an empty cache, and warm (the cache holds the last run, nothing changed);
- the peers on plan.json: the plain-Python floor (peers/floor.py) and Spectral 6
  (peers/spectral-ruleset.mjs), when Node and the peers are installed
  (--install-peers copies ../shared/bench/peers to benchmarks/.peers, runs npm install);
- `python -c "import lark, networkx, click"`, planlint's unavoidable imports;
- planlint on our plan, cold, its findings checked rule by rule;
- the peak memory of a cold run's whole process tree (`tree_memory`: planlint
  itself runs in one process; a tree counts whatever it starts), beside the
  largest process's own peak.

Every planlint and peer run is checked against expected.json. A fresh process per
size then splits one cold run into its stages (see `stages`). The results go to
the terminal and, between the markers, into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared" / "bench"
DATA = HERE / ".data"
PEERS = HERE / ".peers"
SPECTRAL = PEERS / "node_modules" / "@stoplight" / "spectral-cli" / "dist" / "index.js"
README = HERE / "README.md"
BEGIN, END = "<!-- results: written by benchmarks/run.py -->", "<!-- end of results -->"
STAGES = ("start-up", "read", "parse", "model", "graph", "rules", "output")


@dataclass
class Run:
    seconds: float  # median wall time
    mib: float  # peak resident memory of the process, MiB
    stdout: str
    times: list[float] = field(default_factory=list)  # each run's wall time, in order


def measure(command: list[str], cwd: Path, repeat: int, before=None) -> Run:
    """Median wall time and the largest peak RSS over `repeat` runs of `command`."""
    return interleaved({"run": (command, cwd)}, repeat, before)["run"]


def interleaved(commands: dict[str, tuple[list[str], Path]], repeat: int, before=None) -> dict[str, Run]:
    """Each command run `repeat` times, in turn (A B C A B C ...), so that a ratio of two of them can be
    taken run by run (`ratio`): the shared machine's speed drifts by more than the margins compared."""
    runs: dict[str, list[tuple[float, float, str]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (command, cwd) in commands.items():
            if before is not None:
                before()
            runs[name].append(_once(command, cwd))
    return {
        name: Run(
            statistics.median(t for t, _, _ in done), max(m for _, m, _ in done), done[-1][2], [t for t, _, _ in done]
        )
        for name, done in runs.items()
    }


def _once(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """One run: its wall time, its own peak memory (MiB) and what it printed."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = process.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak memory
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()  # type: ignore[union-attr]
    return seconds, usage.ru_maxrss / 1024, out


def ratio(a: Run, b: Run) -> tuple[float, float, float]:
    """A's time over B's, run by run (they ran in turn): the median, the lowest and the highest."""
    each = [x / y for x, y in zip(a.times, b.times)]
    return statistics.median(each), min(each), max(each)


def tree_memory(command: list[str], cwd: Path) -> float | None:
    """Peak memory of a run's whole process tree, MiB: the sum of
    the processes' proportional set sizes (PSS: a page two processes share counts half in each),
    sampled every 10 ms from /proc. None where /proc has no smaps_rollup (not Linux)."""
    if not Path("/proc/self/smaps_rollup").exists():
        return None
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(_pss_kib(pid) for pid in [process.pid, *_children(process.pid)]))
        time.sleep(0.01)
    return peak / 1024


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:  # the process ended meanwhile
        pass
    return 0


# Data ----------------------------------------------------------------------------


def generate(kind: str, teams: int) -> Path:
    """The generated plan of `kind` (org: shared, ours) with `teams` teams, made once and kept."""
    out = DATA / f"{kind}{teams}"
    if not (out / "expected.json").is_file():
        shutil.rmtree(out, ignore_errors=True)
        script = SHARED / "gen_org.py" if kind == "org" else HERE / "gen_plan.py"
        subprocess.run([sys.executable, str(script), str(teams), str(out)], check=True, capture_output=True)
    return out


def compile_planlint() -> None:
    """Byte-compile planlint's modules where they are imported from, as `pip install` does: a checkout
    installed with `pip install -e .` under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every
    module from source in every run (~0.35 s of a 100-team check's 0.5 s), which no installed
    planlint does."""
    import compileall

    import planlint
    import planlint.rules

    for folder in {*planlint.__path__, *planlint.rules.__path__}:
        compileall.compile_dir(folder, quiet=1)


def install_peers() -> None:
    if not SPECTRAL.is_file():
        PEERS.mkdir(parents=True, exist_ok=True)
        for item in (SHARED / "peers").iterdir():
            shutil.copy(item, PEERS / item.name)
            os.chmod(PEERS / item.name, 0o644)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=PEERS, check=True, capture_output=True)


# Checks ----------------------------------------------------------------------------


def planlint_counts(plan: Path, target: str) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-m", "planlint.cli", "check", "--no-cache", "--format", "json", target],
        cwd=plan,
        capture_output=True,
        text=True,
    ).stdout
    counts: dict[str, int] = {}
    for finding in json.loads(out)["findings"]:
        counts[finding["rule"]] = counts.get(finding["rule"], 0) + 1
    return counts


def org_ok(counts: dict[str, int], expected: dict) -> bool:
    return (
        counts.get("unresolved-assumption", 0) == expected["unresolved"]
        and counts.get("value-mismatch", 0) == expected["mismatch"]
        and sum(counts.values()) == expected["findings"]
    )


def ours_ok(counts: dict[str, int], expected: dict) -> bool:
    return (
        all(counts.get(rule, 0) == n for rule, n in expected["counts"].items())
        and sum(counts.values()) == expected["findings"]
    )


def peer_count(out: str) -> int:
    """Findings a peer printed: floor.py's last line, or Spectral's one line per finding."""
    lines = [line for line in out.splitlines() if line.strip()]
    if lines and lines[-1].startswith("findings:"):
        return int(lines[-1].split()[1])
    return sum(1 for line in lines if " error " in line)


# One size -----------------------------------------------------------------------------


def bench_size(teams: int, repeat: int) -> dict:
    org, ours = generate("org", teams), generate("ours", teams)
    expected = json.loads((org / "expected.json").read_text())
    cache = org / ".bench-cache"  # its own cache folder, emptied for the cold runs
    check = [sys.executable, "-m", "planlint.cli", "check", "--format", "text", "--cache-dir", str(cache)]
    clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    row: dict = {"teams": teams}
    # planlint cold, floor.py and the bare imports in turn: their ratios are taken run by run (`ratio`).
    row.update(
        interleaved(
            {
                "cold": ([*check, "--no-cache", "plans"], org),
                "floor": ([sys.executable, str(SHARED / "peers" / "floor.py"), "plan.json"], org),
                "imports": ([sys.executable, "-c", "import lark, networkx, click"], REPO),
            },
            repeat,
        )
    )
    row["cold+write"] = measure([*check, "plans"], org, repeat, before=clear)
    row["warm"] = measure([*check, "plans"], org, repeat)  # the cache holds the run just made
    row["tree_mib"] = tree_memory([*check, "--no-cache", "plans"], org)
    row["correct"] = org_ok(planlint_counts(org, "plans"), expected)
    row["warm_same"] = row["warm"].stdout == row["cold"].stdout
    row["floor_ok"] = peer_count(row["floor"].stdout) == expected["findings"]
    if SPECTRAL.is_file() and shutil.which("node"):
        row["spectral"] = measure(
            [
                "node",
                str(SPECTRAL),
                "lint",
                "plan.json",
                "--ruleset",
                str(PEERS / "spectral-ruleset.mjs"),
                "-f",
                "text",
                "--display-only-failures",
            ],
            org,
            repeat,
        )
        row["spectral_ok"] = peer_count(row["spectral"].stdout) == expected["findings"]
    row["ours"] = measure([*check, "--no-cache", "."], ours, repeat)
    row["ours_ok"] = ours_ok(planlint_counts(ours, "."), json.loads((ours / "expected.json").read_text()))
    row["stages"] = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--stages", str(org / "plans")],
            cwd=org,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    return row


def stages(folder: str) -> dict[str, list[float]]:
    """One cold run in this fresh process, stage by stage: [seconds, growth of peak RSS in MiB].

    The line reader builds the model as it recognises each line, so `parse` is a
    pass that only recognises the lines (decode, split, match the statement
    patterns) and `model` is the full read minus that pass. Every file is read
    first, as with the cache on.
    """
    import resource

    marks: list[tuple[str, float, float]] = [("", time.perf_counter(), _rss(resource))]

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter(), _rss(resource)))

    from planlint.analysis.evaluate import Evaluator
    from planlint.analysis.graph import InterlockGraph
    from planlint.commands.check import make_report
    from planlint.language.reader import _FIRST_WORD, _LINES
    from planlint.language.source import decode
    from planlint.model.plan import Plan
    from planlint.output.formats import render
    from planlint.rulebook.registry import load_rules
    from planlint.run import engine, files
    from planlint.run.config import DEFAULT

    mark("start-up")
    cwd = Path.cwd()
    with engine._collector_paused(freeze=True):
        ruleset = load_rules()
        found = files.plan_files([Path(folder)], DEFAULT)
        unread = [(files.display_path(path, cwd), files.Unread(path)) for path in found]
        sources = [(name, data) for (name, _), data in zip(unread, files.read_in_order(unread))]
        mark("read")
        recognised = 0
        for name, data in sources:
            for line in decode(name, data).split("\n"):  # type: ignore[union-attr]
                word = _FIRST_WORD.match(line)["word"]
                recognised += word is not None and _LINES[word].match(line) is not None
        mark("parse")
        plan = Plan(engine.parse_sources(sources))
        mark("model")
        graph = InterlockGraph.build(plan)
        Evaluator(graph)
        mark("graph")
        result = engine.run_rules(plan, DEFAULT, ruleset, cwd)
        mark("rules")
    render("text", make_report(result, result.findings, DEFAULT))
    mark("output")
    out = {name: [t - marks[i][1], rss - marks[i][2]] for i, (name, t, rss) in enumerate(marks[1:])}
    out["model"][0] -= out["parse"][0]  # the full read minus the recognising pass
    out["rules"][0] -= out["graph"][0]  # run_rules builds the graph again
    out["total"] = [marks[-1][1] - marks[0][1], marks[-1][2]]
    return out


def _rss(resource) -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Report -------------------------------------------------------------------------------


def _fmt(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 1 else f"{seconds:.2f} s"


def tables(rows: list[dict]) -> str:
    """The results as Markdown: whole processes with ratios, the stage split, and the targets."""
    out = [
        "Whole processes, median of the runs, on the shared plan (`gen_org.py`); peak memory in MiB. planlint"
        " cold, floor.py and the bare imports ran in turn; their ratios are the medians of the run-by-run ratios.",
        "",
        "| teams | planlint cold | cold, writing the cache | warm, nothing changed | floor.py | Spectral "
        "| planlint ÷ floor | Spectral ÷ planlint | our plan, cold |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        cold, spectral = row["cold"], row.get("spectral")
        out.append(
            f"| {row['teams']:,} | {_fmt(cold.seconds)}, {cold.mib:.0f} MiB | {_fmt(row['cold+write'].seconds)} "
            f"| {_fmt(row['warm'].seconds)} | {_fmt(row['floor'].seconds)}, {row['floor'].mib:.0f} MiB "
            f"| {_fmt(spectral.seconds) + f', {spectral.mib:.0f} MiB' if spectral else 'not installed'} "
            f"| {ratio(cold, row['floor'])[0]:.2f}× "
            f"| {f'{spectral.seconds / cold.seconds:.1f}×' if spectral else '-'} "
            f"| {_fmt(row['ours'].seconds)}, {row['ours'].mib:.0f} MiB |"
        )
    out += [
        "",
        "One cold run split into stages (in-process, seconds / growth of peak memory in MiB):",
        "",
        "| teams | " + " | ".join(STAGES) + " | total |",
        "| --- " * (len(STAGES) + 2) + "|",
    ]
    for row in rows:
        split = row["stages"]
        cells = [f"{split[name][0]:.3f} / {split[name][1]:.0f}" for name in STAGES]
        out.append(
            f"| {row['teams']:,} | " + " | ".join(cells) + f" | {split['total'][0]:.2f} / "
            f"{split['total'][1]:.0f} peak |"
        )
    out += [
        "",
        "Findings exactly as expected.json says: "
        + ", ".join(
            f"{row['teams']:,} teams: shared plan {_yes(row['correct'])}, ours {_yes(row['ours_ok'])}, "
            f"floor {_yes(row['floor_ok'])}, Spectral {_yes(row.get('spectral_ok'))}, warm output identical "
            f"{_yes(row['warm_same'])}"
            for row in rows
        )
        + ".",
        "",
        *targets(rows),
    ]
    return "\n".join(out) + "\n"


def _yes(flag: bool | None) -> str:
    return "n/a" if flag is None else "yes" if flag else "NO"


def targets(rows: list[dict]) -> list[str]:
    by = {row["teams"]: row for row in rows}
    lines = ["| target | measured | met |", "| --- | --- | --- |"]
    big, one, small = by.get(10_000), by.get(1_000), by.get(100)
    if big:
        cold, floor, spectral = big["cold"], big["floor"], big.get("spectral")
        lines.append(f"| 10,000 teams cold: exact findings | {_yes(big['correct'])} | {_yes(big['correct'])} |")
        times, low, high = ratio(cold, floor)
        lines.append(
            f"| 10,000 teams cold ≤ 5× floor | {times:.2f}× run by run ({low:.2f}-{high:.2f}×; medians "
            f"{_fmt(cold.seconds)} vs {_fmt(floor.seconds)}) | {_yes(times <= 5)} |"
        )
        if spectral:
            faster = spectral.seconds / cold.seconds
            lines.append(f"| 10,000 teams cold ≥ 3× faster than Spectral | {faster:.1f}× | {_yes(faster >= 3)} |")
        tree = big["tree_mib"]
        most = max(cold.mib, tree or 0)
        measured = f"{cold.mib:.0f} MiB the largest process" + (
            f", {tree:.0f} MiB all its processes together (PSS)" if tree is not None else ""
        )
        lines.append(f"| 10,000 teams peak memory < 500 MiB | {measured} | {_yes(most < 500)} |")
        lines.append(
            f"| 10,000 teams warm, nothing changed < 1 s | {_fmt(big['warm'].seconds)} "
            f"| {_yes(big['warm'].seconds < 1)} |"
        )
    if small:
        times, low, high = ratio(small["cold"], small["imports"])
        lines.append(
            f"| 100 teams ≤ 1.5× `import lark, networkx, click` | {times:.2f}× run by run ({low:.2f}-{high:.2f}×; "
            f"medians {_fmt(small['cold'].seconds)} vs {_fmt(small['imports'].seconds)}) | {_yes(times <= 1.5)} |"
        )
    if big and one:
        growth = big["cold"].seconds / one["cold"].seconds
        lines.append(f"| 10,000 teams ≤ 12× 1,000 teams | {growth:.1f}× | {_yes(growth <= 12)} |")
    return lines


def write_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    stamp = f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, Python {sys.version.split()[0]}."
    block = f"{BEGIN}\n{stamp}\n\n{text}{END}"
    if BEGIN in readme and END in readme:
        readme = readme[: readme.index(BEGIN)] + block + readme[readme.index(END) + len(END) :]
    else:
        readme = readme.rstrip("\n") + "\n\n" + block + "\n"
    README.write_text(readme, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="team counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the median is kept)")
    parser.add_argument("--install-peers", action="store_true", help="npm install Spectral into benchmarks/.peers")
    parser.add_argument("--no-readme", action="store_true", help="print only, leave README.md as it is")
    parser.add_argument("--stages", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stages:
        print(json.dumps(stages(args.stages)))
        return 0
    if not (SHARED / "gen_org.py").is_file():
        parser.error(f"the shared benchmark ({SHARED}) is not here; it holds the peers and their data")
    if args.install_peers:
        install_peers()
    compile_planlint()
    rows = []
    for teams in (int(n) for n in args.sizes.split(",")):
        print(f"{teams:,} teams ...", file=sys.stderr, flush=True)
        rows.append(bench_size(teams, args.repeat))
    text = tables(rows)
    print(text)
    if not args.no_readme:
        write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
