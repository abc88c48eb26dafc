"""A long fuzzing campaign: the properties of tests/test_fuzz.py with no budget but time.

    python fuzz/campaign.py --minutes 10            # from the repository root
    python fuzz/campaign.py --minutes 60 --seed 7   # a reproducible run
    python fuzz/campaign.py --inputs 1000000 --jobs 2 --seed 1  # the benchmark's run (hours; not in .ci/run)

Rounds in turn of generated valid plans, damaged corpus plans, hostile file
names and hostile cache entries (random seeds unless --seed is given), until
the time or the number of inputs is reached; prints the inputs tried and the
failures as it goes, and writes each failure's smallest input to
fuzz/failures/ (as a Python literal) so that it can become a test. Exit
status 1 if anything failed.

A hang is judged by CPU time, not the clock: each lint may use 2 s of CPU
(the limit issue 18 sets), so a campaign run under `nice` beside other work
reports no false hangs; a lint that blocks without using the CPU is caught
by a 10-minute wall-clock deadline (long enough to pause a campaign with
`kill -STOP` while something else is measured). `--jobs N` runs N campaigns
side by side, with seeds SEED, SEED+1, ..., and adds up their counts.

With a seed, round k of a job is the same inputs on every run of the same
code, so a run that was stopped can go on where it stood:
`--from-round 136,139` (one number per job, the last round each printed)
skips the rounds already done. 1,000,000 inputs take about three hours of
both cores of a 2-core machine; the first line names the commit, so the
parts of one run can be shown to be of the same code.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, seed, settings

from fuzz.oracle import (
    check_cache,
    check_names,
    check_others_untouched,
    check_readers_agree,
    check_result,
    check_valid,
    lint_files,
)
from fuzz.strategies import corpus, hostile_cache_entries, hostile_names, mutated_plans, valid_plans

FAILURES = Path(__file__).resolve().parent / "failures"
ROUND = 500  # inputs per hypothesis run; each run shrinks and reports its own failure
CPU_PER_LINT = 2.0  # seconds of CPU one lint of one input may use (issue 18's limit)


class Tally:
    def __init__(self) -> None:
        self.tried = 0
        self.failures: list[str] = []
        self.last_input: object = None


def _settings() -> settings:
    return settings(
        max_examples=ROUND,
        database=None,
        deadline=timedelta(minutes=10),  # a blocked lint; CPU hangs are cpu_budget's
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


@contextmanager
def cpu_budget(lints: int) -> Iterator[None]:
    """Fail an input whose lints used more CPU than CPU_PER_LINT each."""
    started = time.process_time()
    yield
    used = time.process_time() - started
    assert used < CPU_PER_LINT * lints, f"{used:.1f} s of CPU for {lints} lint(s): a hang"


def _properties(tally: Tally, repositories):
    @_settings()
    @given(valid_plans())
    def valid(files) -> None:
        tally.tried += 1
        tally.last_input = files
        with cpu_budget(1):
            result, outputs = lint_files(files)
        check_valid(files, result, outputs)
        check_readers_agree(files)

    @_settings()
    @given(mutated_plans(repositories))
    def damaged(case) -> None:
        tally.tried += 1
        original, target, files = case
        tally.last_input = files
        with cpu_budget(1):
            result, outputs = lint_files(files)
        check_result(files, result, outputs)
        check_others_untouched(original, target, result)
        check_readers_agree({target: files[target]})

    @_settings()
    @given(hostile_names())
    def names(names) -> None:
        tally.tried += 1
        tally.last_input = names
        with cpu_budget(1):
            check_names(names)

    @_settings()
    @given(hostile_cache_entries())
    def cache(entries) -> None:
        tally.tried += 1
        tally.last_input = entries
        with tempfile.TemporaryDirectory() as folder, cpu_budget(3):
            check_cache(entries, Path(folder))

    return {"valid": valid, "damaged": damaged, "names": names, "cache": cache}


def _record(tally: Tally, kind: str, err: BaseException) -> None:
    FAILURES.mkdir(exist_ok=True)
    path = FAILURES / f"{time.strftime('%Y%m%d-%H%M%S')}-{kind}-{len(tally.failures)}.txt"
    summary = "".join(traceback.format_exception_only(type(err), err)).strip().splitlines()[0]
    path.write_text(
        f"# {kind}: {summary}\n{tally.last_input!r}\n\n{''.join(traceback.format_exception(err))}", encoding="utf-8"
    )
    tally.failures.append(f"{kind}: {summary} -> {path.name}")
    print(f"  FAILURE ({kind}): {summary}\n  smallest input written to {path}", flush=True)


KINDS = ("valid", "damaged", "names", "cache")


def run(minutes: float, base_seed: int | None, inputs: int | None = None, from_round: int = 0) -> Tally:
    tally = Tally()
    properties = _properties(tally, corpus())
    rng = random.Random(base_seed)
    for _ in range(from_round):  # the seeds of the rounds already run
        rng.getrandbits(64)
    deadline = time.monotonic() + minutes * 60
    start = time.monotonic()
    round_number = from_round
    while time.monotonic() < deadline and (inputs is None or tally.tried < inputs):
        kind = KINDS[round_number % len(KINDS)]
        test = properties[kind]
        if base_seed is not None:
            test = seed(rng.getrandbits(64))(test)
        try:
            test()
        except Exception as err:  # a property failed: hypothesis has shrunk it already
            _record(tally, kind, err)
        round_number += 1
        elapsed = time.monotonic() - start
        print(
            f"round {round_number} ({kind}): {tally.tried} inputs in {elapsed:.0f} s, {len(tally.failures)} failure(s)",
            flush=True,
        )
    return tally


RESULT = "campaign result: "  # the line a job ends with, read by the parent


def run_jobs(
    jobs: int, minutes: float | None, base_seed: int | None, inputs: int | None, from_rounds: list[int]
) -> Tally:
    """Run `jobs` campaigns as child processes, each with its own seed and share of the inputs."""
    base_seed = base_seed if base_seed is not None else random.getrandbits(32)
    children = []
    for job in range(jobs):
        command = [sys.executable, __file__, "--jobs", "1", "--seed", str(base_seed + job)]
        command += ["--from-round", str(from_rounds[job])]
        command += ["--minutes", str(minutes)] if minutes is not None else []
        command += ["--inputs", str(-(-inputs // jobs))] if inputs is not None else []
        children.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1))
    tally = Tally()
    readers = [
        threading.Thread(target=_relay, args=(child, f"[job {job}, seed {base_seed + job}] ", tally))
        for job, child in enumerate(children)
    ]
    for reader in readers:
        reader.start()
    for job, (reader, child) in enumerate(zip(readers, children)):
        reader.join()
        if child.wait() not in (0, 1):
            tally.failures.append(f"job {job} exited with status {child.returncode}")
    return tally


def _relay(child: subprocess.Popen[str], prefix: str, tally: Tally) -> None:
    """Print a job's lines as they come (a pipe left unread would stop it) and add up its result."""
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith(RESULT):
            summary = json.loads(line[len(RESULT) :])
            with _COUNTING:
                tally.tried += summary["tried"]
                tally.failures += summary["failures"]
        elif line.strip():
            print(prefix + line, end="", flush=True)


_COUNTING = threading.Lock()


def _commit() -> str:
    """The checkout's commit and whether it has changes, to tie the parts of one run together."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True)
    except OSError:
        return "unknown (no git)"
    return head.stdout.strip() + (" with uncommitted changes" if dirty.stdout.strip() else "") or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=None, help="how long to run (default 10, or no bound)")
    parser.add_argument("--inputs", type=int, default=None, help="stop after this many inputs")
    parser.add_argument("--seed", type=int, default=None, help="make the run reproducible")
    parser.add_argument("--jobs", type=int, default=1, help="campaigns side by side (seeds SEED, SEED+1, ...)")
    parser.add_argument(
        "--from-round", default="0", help="go on after these rounds (one number per job, comma-separated; needs --seed)"
    )
    args = parser.parse_args(argv)
    from_rounds = [int(number) for number in args.from_round.split(",")]
    if len(from_rounds) == 1:
        from_rounds *= args.jobs
    if len(from_rounds) != args.jobs or (any(from_rounds) and args.seed is None):
        parser.error("--from-round needs --seed and one round number per job")
    started, began = time.strftime("%Y-%m-%d %H:%M"), time.monotonic()
    if args.jobs > 1:
        print(f"code: {_commit()}, seed {args.seed}, from rounds {args.from_round}", flush=True)
        tally = run_jobs(args.jobs, args.minutes, args.seed, args.inputs, from_rounds)
    else:
        minutes = args.minutes if args.minutes is not None else (10.0 if args.inputs is None else float("inf"))
        tally = run(minutes, args.seed, args.inputs, from_rounds[0])
        if "--jobs" in (argv if argv is not None else sys.argv):  # a child: its counts for the parent
            print(RESULT + json.dumps({"tried": tally.tried, "failures": tally.failures}), flush=True)
    ran = (time.monotonic() - began) / 60
    print(f"\nstarted {started}, ran {ran:.1f} min: {tally.tried} inputs tried, {len(tally.failures)} failure(s)")
    for failure in tally.failures:
        print(f"  {failure}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
