"""Fuzzing in CI: valid plans from the grammar, and damaged copies of the shipped plans.

A bounded, reproducible budget (derandomize=True): about 2,700 inputs in all, hostile
file names and cache entries (issue 18) among them.
`fuzz/campaign.py` runs the same properties for as long as you like. Each
input must lint in-process, render in every format, and keep every finding
inside its file; the hypothesis deadline bounds the time of each one.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz.oracle import (
    check_cache,
    check_names,
    check_others_untouched,
    check_readers_agree,
    check_result,
    check_valid,
    lint_files,
)
from fuzz.strategies import MUTATIONS, corpus, hostile_cache_entries, hostile_names, mutated_plans, valid_plans

CORPUS = corpus()
BUDGET = settings(
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=5),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


def test_the_corpus_holds_the_examples_and_scenarios() -> None:
    names = [name for name, _ in CORPUS]
    assert any("examples/acme" in name for name in names), names
    assert any("scenarios/broken-files" in name for name in names), names


@settings(BUDGET, max_examples=800)
@given(valid_plans())
def test_every_generated_plan_parses_and_lints(files) -> None:
    result, outputs = lint_files(files)
    check_valid(files, result, outputs)
    check_readers_agree(files)


@settings(BUDGET, max_examples=1500)
@given(mutated_plans(CORPUS))
def test_every_damaged_plan_gives_located_findings(case) -> None:
    original, target, damaged = case
    result, outputs = lint_files(damaged)
    check_result(damaged, result, outputs)
    check_others_untouched(original, target, result)
    check_readers_agree({target: damaged[target]})


@settings(BUDGET, max_examples=120)
@given(st.sampled_from(sorted(MUTATIONS)), st.data())
def test_each_mutation_alone(mutation, data) -> None:
    """Every kind of damage is tried on its own, on every corpus repository in turn."""
    _, files = CORPUS[data.draw(st.integers(0, len(CORPUS) - 1))]
    target = data.draw(st.sampled_from(sorted(files)))
    damaged = {**files, target: MUTATIONS[mutation](data.draw, files[target])}
    result, outputs = lint_files(damaged)
    check_result(damaged, result, outputs)
    check_others_untouched(files, target, result)
    check_readers_agree({target: damaged[target]})


@settings(BUDGET, max_examples=300)
@given(hostile_names())
def test_hostile_file_names_stay_text_in_every_output(names) -> None:
    check_names(names)


@settings(BUDGET, max_examples=40, deadline=timedelta(seconds=10))
@given(hostile_cache_entries())
def test_hostile_cache_entries_change_nothing(entries) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_cache(entries, Path(folder))
