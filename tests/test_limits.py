"""Bounded work on any input (issue 18, item 10): each hostile input finishes in under 2 seconds
with a located, clear finding or error, the rest of the plan still checked, and every limit can
be moved from the command line or the environment (never from planlint.toml)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planlint.commands.check import make_report
from planlint.language.limits import LIMITS, LimitError, Limits, parse_limits, set_limits
from planlint.output.formats import FORMATS, render
from planlint.run.config import DEFAULT
from planlint.run.engine import LintResult, lint

BOUND = 2.0  # seconds
FLOAT_ARTEFACTS = re.compile(r"\b(inf|infinity|nan)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _default_limits() -> Iterator[None]:
    set_limits()
    yield
    set_limits()


@pytest.fixture
def repo(hostile_repo) -> Path:
    return hostile_repo()


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    return subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True, check=True).stdout.decode()


def timed_lint(root: Path) -> tuple[LintResult, float]:
    started = time.perf_counter()
    result = lint([root], DEFAULT.with_overrides(cache=False), cwd=root)
    outputs = {name: render(name, make_report(result, result.findings, DEFAULT)) for name in FORMATS}
    elapsed = time.perf_counter() - started
    assert not [name for name, text in outputs.items() if FLOAT_ARTEFACTS.search(text) or "Traceback" in text]
    return result, elapsed


def on(result: LintResult, path: str) -> list[tuple[str, int, int, str]]:
    return [(f.rule, f.span.line, f.span.column, f.message) for f in result.findings if f.span.path == path]


def assert_good_checked(result: LintResult) -> None:
    assert [(f.rule, f.span.line) for f in result.findings if f.span.path == "good.plan"] == [("value-mismatch", 5)]


def test_a_one_megabyte_number(repo: Path) -> None:
    digits = "7" * 2**20
    (repo / "big.plan").write_text(f"team big {{\n  produces big.x = {digits} leads\n}}\n", encoding="utf-8")
    result, elapsed = timed_lint(repo)
    assert elapsed < BOUND
    ((rule, line, column, message),) = on(result, "big.plan")
    assert (rule, line, column) == ("syntax-error", 2, 20)
    assert message == "'777777777777…' has 1,048,576 digits; planlint reads numbers of up to 1,000 digits"
    assert_good_checked(result)


def test_a_number_at_the_limit_is_read_and_one_past_it_is_not(repo: Path) -> None:
    (repo / "edge.plan").write_text(
        f"team edge {{\n  produces edge.a = {'9' * 999}.5\n  produces edge.b = {'9' * 1001}\n}}\n", encoding="utf-8"
    )
    result, _ = timed_lint(repo)
    assert [(rule, line) for rule, line, _, _ in on(result, "edge.plan")] == [("syntax-error", 3)]
    set_limits(number_digits=1001)
    result, _ = timed_lint(repo)
    assert on(result, "edge.plan") == []


def squaring_chain(steps: int, start: str = "1000000000", team: str = "sq") -> str:
    lines = [f"  produces {team}.v0 = {start}"]
    lines += [f"  derive {team}.v{n} = {team}.v{n - 1} * {team}.v{n - 1}" for n in range(1, steps + 1)]
    return f"team {team} {{\n" + "\n".join(lines) + f"\n  goal {team}.v{steps} >= 1\n}}\n"


def test_a_chain_of_squaring_derivations(repo: Path) -> None:
    (repo / "square.plan").write_text(squaring_chain(60), encoding="utf-8")
    result, elapsed = timed_lint(repo)
    assert elapsed < BOUND
    invalid = [(line, message) for rule, line, _, message in on(result, "square.plan") if rule == "invalid-derivation"]
    # 10^9 squared 8 times is 10^2304 (7,654 bits); once more, 10^4608 passes the 12,000 bits.
    assert [line for line, _ in invalid] == [11]
    assert "more than 3,612 digits" in invalid[0][1]
    assert_good_checked(result)


def test_values_that_would_overflow_decimal(repo: Path) -> None:
    """Past 10^999999 Python's decimal raises Overflow when a value is printed; tiny values the same."""
    (repo / "huge.plan").write_text(squaring_chain(30, start="1" + "0" * 999), encoding="utf-8")
    (repo / "tiny.plan").write_text(squaring_chain(30, start="0." + "0" * 997 + "1", team="tn"), encoding="utf-8")
    result, elapsed = timed_lint(repo)
    assert elapsed < BOUND
    for path in ("huge.plan", "tiny.plan"):
        assert {rule for rule, *_ in on(result, path)} == {"invalid-derivation"}, on(result, path)
    assert_good_checked(result)


def test_a_derivation_of_a_million_terms(repo: Path) -> None:
    terms = " + ".join(["mil.a"] * 1_000_000)
    (repo / "million.plan").write_text(
        f"team mil {{\n  produces mil.a = 1\n  derive mil.total = {terms}\n}}\n", encoding="utf-8"
    )
    result, elapsed = timed_lint(repo)
    assert elapsed < BOUND
    ((rule, line, column, message),) = on(result, "million.plan")
    assert (rule, line, column) == ("syntax-error", 3, 22 + 6 + 10_000 * 8)  # the 10,001st `+`
    assert message == "this derivation has more than 10,000 operators, more than planlint reads in one"
    assert_good_checked(result)


def test_a_glob_built_to_backtrack(repo: Path) -> None:
    (repo / "planlint.toml").write_text('exclude = ["*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"]\n', encoding="utf-8")
    for n in range(20):
        (repo / f"{'a' * (200 + n)}.plan").write_text(f"team t{n} {{\n}}\n", encoding="utf-8")
    from planlint.commands.common import configuration

    started = time.perf_counter()
    result = lint([repo], configuration([repo]).with_overrides(cache=False), cwd=repo)
    assert time.perf_counter() - started < BOUND
    assert result.files_checked == 21  # nothing excluded: no name ends in b
    assert_good_checked(result)


def test_a_review_of_a_revision_with_a_126_mb_blob(repo: Path, planlint) -> None:
    # 126 MB that compresses well, put in the next commit without a copy in the working tree.
    line = b"  produces big.metric = 1 leads/year   # padding\n"
    content = b"team big {\n" + line * (126 * 2**20 // len(line)) + b"}\n"
    blob = git(repo, "hash-object", "-w", "--stdin", stdin=content).strip()
    git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},big.plan")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "a 126 MB plan file")
    started = time.perf_counter()
    done = planlint("review", "--base", "HEAD~1", "--head", "HEAD", "--format", "json", cwd=repo)
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND + 1.5, elapsed  # the command's own start (python, imports) included
    assert done.returncode == 1 and done.stderr == "", done.stderr
    new = json.loads(done.stdout)["findings"]["new"]
    assert [(f["path"], f["rule"], f["line"]) for f in new] == [("big.plan", "syntax-error", 1)]
    assert new[0]["message"] == "the file is 126.0 MB, more than the 10 MB planlint reads from one plan file"


# Moving the limits ------------------------------------------------------------------


def test_limits_are_read_from_flags_and_the_environment(repo: Path, planlint) -> None:
    (repo / "edge.plan").write_text(f"team edge {{\n  produces edge.b = {'9' * 1001}\n}}\n", encoding="utf-8")
    refused = planlint("check", "--format", "json", "--no-cache", ".", cwd=repo)
    assert "edge.plan" in {f["path"] for f in json.loads(refused.stdout)["findings"]}
    read = planlint("check", "--format", "json", "--no-cache", "--limit", "number-digits=2k", ".", cwd=repo)
    assert "edge.plan" not in {f["path"] for f in json.loads(read.stdout)["findings"]}
    smaller = planlint("check", "--format", "json", "--no-cache", "--limit", "file-bytes=1k", ".", cwd=repo)
    assert [(f["path"], f["line"]) for f in json.loads(smaller.stdout)["findings"]] == [
        ("edge.plan", 1),
        ("good.plan", 5),
    ]
    env_limits = {**os.environ, "PLANLINT_LIMITS": "file-bytes=1M number-digits=2k"}
    both = subprocess.run(
        [sys.executable, "-m", "planlint.cli", "check", "--format", "json", "--no-cache", "."],
        cwd=repo,
        env=env_limits,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert [(f["path"], f["line"]) for f in json.loads(both.stdout)["findings"]] == [("good.plan", 5)]
    bad = planlint("check", "--limit", "file-bytes=lots", ".", cwd=repo)
    assert bad.returncode == 2 and bad.stderr.strip() == (
        "Error: limit file-bytes: 'lots' is not a positive number (write it like file-bytes=10485760)"
    )


def test_limits_are_parsed_with_their_scales() -> None:
    assert parse_limits(["file-bytes=20MB", "derive-terms=50k, number-digits=200"]) == {
        "file_bytes": 20 * 2**20,
        "derive_terms": 50_000,
        "number_digits": 200,
    }
    with pytest.raises(LimitError, match="unknown limit 'max-files'"):
        parse_limits(["max-files=3"])
    set_limits(derive_terms=5)
    assert (LIMITS.derive_terms, LIMITS.file_bytes) == (5, Limits().file_bytes)


def test_a_cached_run_is_not_reused_under_other_limits(repo: Path) -> None:
    (repo / "edge.plan").write_text(f"team edge {{\n  produces edge.b = {'9' * 1001}\n}}\n", encoding="utf-8")
    assert on(lint([repo], DEFAULT, cwd=repo), "edge.plan")
    set_limits(number_digits=2000)
    assert on(lint([repo], DEFAULT, cwd=repo), "edge.plan") == []
