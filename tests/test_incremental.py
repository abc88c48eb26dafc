"""Incremental checking gives exactly the cold answer.

Random edit sequences on generated plans and on the shipped examples (change
a value, a unit, a name; add and delete statements, teams and files; move a
team between files; rename a file; change the configuration), and after
every edit the run with the cache is compared with a `--no-cache` run: the
same findings and byte-identical output in every format. `fuzz/campaign.py
incremental` runs the same property for longer.
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planlint.run.config import DEFAULT, Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fuzz.incremental import EDITS, apply_random_edit, check_edits, configuration_of, starting_plans  # noqa: E402

PLANS = starting_plans()


HOW: list[str] = []  # how each cached run came to its findings


def _config(folder: Path) -> Config:
    return configuration_of(folder)  # type: ignore[return-value]


@pytest.mark.parametrize("name", sorted(PLANS))
def test_edits_of_a_known_plan(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(PLANS[name], folder)
    monkeypatch.chdir(folder)
    check_edits(folder, seed=sum(map(ord, name)), edits=25, how=HOW)


EDIT_SEQUENCES = settings(
    derandomize=True,
    database=None,
    max_examples=25,
    deadline=timedelta(seconds=60),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@EDIT_SEQUENCES
@given(name=st.sampled_from(sorted(PLANS)), seed=st.integers(0, 2**32 - 1))
def test_random_edit_sequences(name: str, seed: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("plan") / "plan"
    shutil.copytree(PLANS[name], folder)
    check_edits(folder, seed, edits=8, how=HOW)


@settings(EDIT_SEQUENCES, max_examples=15)
@given(name=st.sampled_from(sorted(PLANS)), seed=st.integers(0, 2**32 - 1))
def test_files_known_by_their_signature_give_the_cold_answer(
    name: str, seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every file's signature trusted at once (as for files last written seconds ago): the files an
    edit did not write are not read, and the answer is still exactly the cold one."""
    from planlint.run import engine, unchanged

    folder = tmp_path_factory.mktemp("plan") / "plan"
    shutil.copytree(PLANS[name], folder)
    looked: list[tuple[int, int]] = []  # per cached run: (files known unchanged, files)

    def counted(sources: list[tuple[str, object]], cache: object) -> unchanged.Read:
        found = read_changed(sources, cache)  # type: ignore[arg-type]
        looked.append((sum(isinstance(s, Unchanged) for _, s in found.sources), len(found.sources)))
        return found

    read_changed, Unchanged = unchanged.read_changed, unchanged.Unchanged
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(unchanged, "RACY_NS", -(10**12))
        patch.setattr(engine, "read_changed", counted)
        check_edits(folder, seed, edits=8, how=HOW, settled=True)
    assert any(known for known, _ in looked[1:]), looked  # after the first run, files were known


def test_a_signature_is_trusted_only_once_the_file_has_settled(tmp_path: Path) -> None:
    """A file written within RACY_NS of when its signature was taken may have been written again in
    the same tick of the clock, keeping the signature: it is read again (git's racy-clean rule)."""
    import os

    from planlint.run.files import Unread
    from planlint.run.unchanged import RACY_NS, _still, signature

    path = tmp_path / "a.plan"
    path.write_text("team a {\n}\n", encoding="utf-8")
    info = os.stat(path)
    sig = signature(info)
    written = max(info.st_mtime_ns, info.st_ctime_ns)
    source = Unread(os.fspath(path))
    assert not _still((os.fspath(path), sig, "d", False, written + RACY_NS), source, info)
    assert _still((os.fspath(path), sig, "d", False, written + RACY_NS + 1), source, info)
    moved = (*sig[:2], sig[2] + 1, *sig[3:])
    assert not _still((os.fspath(path), moved, "d", False, written + 10 * RACY_NS), source, info)
    assert not _still(("elsewhere.plan", sig, "d", False, written + 10 * RACY_NS), source, info)
    assert RACY_NS == 2_000_000_000


def test_the_index_is_written_again_only_when_the_next_run_can_use_it() -> None:
    """A file read again only because it was written a moment ago changes nothing worth writing
    until it has settled; a changed signature or digest, or a file added, always is."""
    from planlint.run.unchanged import RACY_NS, _worth_saving

    written = 10 * RACY_NS
    sig = (1, 2, 30, written, written)
    known = {"a.plan": ("a.plan", sig, "d1", False, written + 1)}
    assert not _worth_saving({"a.plan": ("a.plan", sig, "d1", False, written + RACY_NS)}, known)
    assert _worth_saving({"a.plan": ("a.plan", sig, "d1", False, written + RACY_NS + 1)}, known)  # settled
    assert _worth_saving({"a.plan": ("a.plan", sig, "d2", False, written + 2)}, known)  # another digest
    assert _worth_saving({"a.plan": ("a.plan", (1, 2, 31, written, written), "d1", False, written + 2)}, known)
    assert _worth_saving({**known, "b.plan": known["a.plan"]}, known)  # a file added
    assert not _worth_saving(known, known)


def test_findings_kept_a_subject_a_row_fold_into_the_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit writes the findings of the subjects it judged as rows; past FOLD_AT rows they are
    folded into the one value. Both ways read back as the cold answer."""
    from planlint.run import store

    writes: list[str] = []
    write_findings = store.Store.write_findings

    def counted(self: store.Store, findings: dict[tuple[object, ...], list[object]], judged: object = None) -> None:
        write_findings(self, findings, judged)  # type: ignore[arg-type]
        (rows,) = self._db.execute("select count(*) from later_findings").fetchone()
        writes.append("rows" if rows else "whole")

    monkeypatch.setattr(store, "FOLD_AT", 12)
    monkeypatch.setattr(store.Store, "write_findings", counted)
    folder = tmp_path / "plan"
    shutil.copytree(PLANS["examples/acme"], folder)
    check_edits(folder, seed=sum(map(ord, "examples/acme")), edits=25, how=HOW)
    assert "rows" in writes and writes.count("whole") > 1, writes  # kept as rows, and folded again


def test_edits_were_judged_incrementally() -> None:
    """The runs above took the incremental path, not only whole runs (kept last: it reads what
    the others recorded)."""
    if len(HOW) < 50:
        pytest.skip("run with the tests above")
    assert HOW.count("incremental") > len(HOW) // 2, {h: HOW.count(h) for h in set(HOW)}


@pytest.mark.parametrize("name", ["examples/acme", "generated-40", "scenarios/doubled-leads"])
def test_a_session_in_memory_gives_the_cold_answer(name: str, tmp_path: Path) -> None:
    """The language server's way: one Session, the files' text given each time, no disk cache."""
    from planlint.run.engine import Session, lint_sources

    folder = tmp_path / "plan"
    shutil.copytree(PLANS[name], folder)
    session, rnd = Session(), random.Random(sum(map(ord, name)))
    hows = []
    for step in range(20):
        config = _config(folder).with_overrides(cache=False)
        sources = [(shown, path.read_bytes()) for shown, path in _on_disk(folder)]
        warm = session.check(sources, config, folder)
        cold = lint_sources(sources, config, folder)
        hows.append(warm.how)
        assert [f.to_dict() for f in warm.findings] == [f.to_dict() for f in cold.findings], f"step {step}"
        assert len(warm.plan.files) == len(cold.plan.files)
        apply_random_edit(folder, rnd)
    assert hows.count("incremental") >= 10, hows


def _on_disk(folder: Path) -> list[tuple[str, Path]]:
    return sorted((path.relative_to(folder).as_posix(), path) for path in folder.rglob("*.plan"))


def test_every_kind_of_edit_is_tried() -> None:
    assert {
        "value",
        "unit",
        "rename",
        "delete-line",
        "add-line",
        "add-team",
        "delete-file",
        "new-file",
        "move-team",
        "rename-file",
        "comment",
        "config",
        "loop",
        "duplicate-team",
    } <= set(EDITS)


def test_the_default_config_keeps_the_cache_on() -> None:
    assert DEFAULT.cache
