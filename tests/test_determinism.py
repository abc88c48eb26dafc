"""The same plan gives byte-identical output in every format: across runs, file-discovery
orders and hash seeds (each run is a fresh `planlint` process)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planlint.language.span import Span
from planlint.output.formats import FORMATS
from planlint.rulebook.finding import Finding, Severity, in_report_order
from planlint.run.config import DEFAULT
from planlint.run.files import discover

REPO = Path(__file__).resolve().parents[1]
HASH_SEEDS = ["0", "1", "12345", "random"]


def _plan(folder: Path, nested: bool = False) -> dict[str, bytes]:
    """The plan's files by relative path; `nested` spreads them over sub-folders."""
    files = sorted(folder.glob("*.plan"))
    assert files, f"no plan files in {folder}"
    places = ["", "a/", "a/b/", "z/", "m/n/o/"] if nested else [""]
    return {f"{places[i % len(places)]}{p.name}": p.read_bytes() for i, p in enumerate(files)}


PLANS = {
    "examples-acme": _plan(REPO / "examples" / "acme"),
    "scenario-doubled-leads": _plan(REPO / "tests" / "scenarios" / "doubled-leads"),
    "scenario-broken-files-nested": _plan(REPO / "tests" / "scenarios" / "broken-files", nested=True),
}


def _write(root: Path, files: dict[str, bytes], order: list[str]) -> None:
    """Create the plan afresh at `root`, files (and so folders) created in `order`."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    for relative in order:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[relative])


def _check(root: Path, out: Path, hash_seed: str) -> dict[str, bytes]:
    """Run the CLI once writing every format; return each format's bytes."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    formats = [arg for name in FORMATS for arg in ("--format", f"{name}:{out / name}")]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    completed = subprocess.run(
        [sys.executable, "-m", "planlint.cli", "check", *formats, "."],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert completed.returncode in (0, 1), completed.stderr.decode()
    assert b"Traceback" not in completed.stderr
    return {name: (out / name).read_bytes() for name in FORMATS}


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_output_is_identical_across_runs_orders_and_hash_seeds(plan: str, tmp_path: Path) -> None:
    files = PLANS[plan]
    root, out = tmp_path / "plan", tmp_path / "out"
    shuffle = random.Random(plan)
    outputs = []
    for index, hash_seed in enumerate(HASH_SEEDS):
        order = sorted(files)
        if index == 1:
            order.reverse()
        elif index > 1:
            shuffle.shuffle(order)
        _write(root, files, order)
        outputs.append((f"PYTHONHASHSEED={hash_seed}, order {order}", _check(root, out, hash_seed)))
    outputs.append(("the same folder again", _check(root, out, "random")))
    first_label, first = outputs[0]
    assert all(first[name] for name in ("json", "sarif", "junit")), "a machine format printed nothing"
    for label, output in outputs[1:]:
        for name in FORMATS:
            assert output[name] == first[name], f"{name} differs between ({first_label}) and ({label})"


def test_discovery_sorts_whatever_the_walk_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for relative in ["b/z.plan", "a/y.plan", "x.plan", "b/a.plan", "c/d/e.plan"]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("", encoding="utf-8")
    expected = discover([tmp_path], DEFAULT)
    real_walk = os.walk

    def reversed_walk(top, *args, **kwargs):
        for root, dirs, names in reversed(list(real_walk(top, *args, **kwargs))):
            yield root, dirs, list(reversed(names))

    monkeypatch.setattr(os, "walk", reversed_walk)
    assert discover([tmp_path], DEFAULT) == expected
    assert [p.relative_to(tmp_path).as_posix() for p in expected] == [
        "a/y.plan",
        "b/a.plan",
        "b/z.plan",
        "c/d/e.plan",
        "x.plan",
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a.plan", "b.plan"]),
            st.integers(1, 2),
            st.sampled_from(["PL101", "PL102"]),
            st.sampled_from(["x", "y"]),
            st.integers(1, 3),
            st.sampled_from(["", "help"]),
            st.sampled_from([(), ("t",)]),
        ),
        max_size=40,
    )
)
def test_report_order_is_the_sort_key_s_whatever_ties(
    parts: list[tuple[str, int, str, str, int, str, tuple[str, ...]]],
) -> None:
    """`in_report_order` sorts by place, rule and message first, then runs that tie on those by the
    whole key: the same order as `Finding.sort_key` alone, ties beyond the message included."""
    findings = [
        Finding(code, code.lower(), Severity.ERROR, Span(path, line, 1, line, end), message, help, teams=teams)
        for path, line, code, message, end, help, teams in parts
    ]
    assert in_report_order(findings) == sorted(findings, key=Finding.sort_key)
