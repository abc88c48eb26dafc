"""The cache: outside the repository, used when it matches, rebuilt when it does not, never trusted."""

from __future__ import annotations

import os
import pickle
import re
import resource
import shutil
import stat
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlint.cli import main
from planlint.model import parse as parse_module
from planlint.model.parse import parse_text
from planlint.run import cache as cache_module
from planlint.run.cache import Cache, dump_model, load_model
from planlint.run.config import DEFAULT
from planlint.run.engine import lint

GOOD = """team marketing {
  produces leads.volume = 100 leads/year
}
team sales {
  consumes leads.volume = 200 leads/year
  derive sales.revenue = leads.volume * ($5k - $1k) / 2
}
"""
BROKEN = "team finance {\n  produces budget.total = $5m\n}\n"  # `m` is ambiguous: a syntax error


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    (tmp_path / "good.plan").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.plan").write_text(BROKEN, encoding="utf-8")
    return tmp_path


def check(root: Path, config=DEFAULT):
    return lint([root], config, cwd=root)


def summary(result) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.span.path, f.span.line, f.message) for f in result.findings]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths parse_source is asked to parse (the cache answers the others)."""
    seen: list[str] = []
    original = parse_module.parse_source

    def counting(path: str, data: bytes, *records):
        seen.append(path)
        return original(path, data, *records)

    monkeypatch.setattr(parse_module, "parse_source", counting)
    return seen


def cache_folder(root: Path) -> Path:
    return Cache.for_project(root).folder


def store_raw(root: Path, name: str, payload: bytes) -> None:
    """Put `payload` in the cache as an authentic entry (as if this planlint had written it)."""
    cache = Cache.for_project(root)
    cache.store(name, None)  # makes the folders and the secret
    secret = cache._trusted_secret(create=False)
    (cache.folder / name).write_bytes(cache_module._MAGIC + cache._tag(secret, name, payload) + payload)


# Hits ----------------------------------------------------------------------------


def test_nothing_changed_reports_the_same_findings_without_parsing(plan: Path, parses: list[str]) -> None:
    first = check(plan)
    assert sorted(parses) == ["broken.plan", "good.plan"]
    parses.clear()
    second = check(plan)
    assert parses == [] and summary(second) == summary(first)
    assert {f.rule for f in second.findings} == {"syntax-error", "value-mismatch"}
    assert second.files_checked == 2
    assert second.source_line("good.plan", 5) == "  consumes leads.volume = 200 leads/year"
    # The model is still there for whoever asks (explain, review): parsed on demand.
    assert [f.path for f in second.plan.files] == ["broken.plan", "good.plan"]
    assert second.graph.producer("leads.volume").team == "marketing"


def test_a_file_the_grammar_read_is_kept_and_not_read_again(
    plan: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check(plan)
    (plan / "good.plan").write_text(GOOD.replace("200", "300"), encoding="utf-8")  # the run key changes
    parses.clear()

    def no_grammar():
        raise AssertionError("the grammar was asked to read a file the cache holds")

    monkeypatch.setattr(parse_module, "_parser", no_grammar)
    second = check(plan)
    assert parses == ["good.plan"]  # broken.plan came from the cache
    assert [f for f in second.findings if f.rule == "syntax-error"] == [
        f for f in first.findings if f.rule == "syntax-error"
    ]
    assert "3×" in next(f.message for f in second.findings if f.rule == "value-mismatch")


def test_the_line_reader_results_are_not_stored(plan: Path) -> None:
    check(plan)
    kept = Cache.for_project(plan).load("files.pickle")
    assert [path for path, _ in kept] == ["broken.plan"]


# Stale and corrupt entries ---------------------------------------------------------


def test_an_edited_file_is_read_again(plan: Path) -> None:
    check(plan)
    (plan / "broken.plan").write_text("team finance {\n  produces budget.total = $5M\n}\n", encoding="utf-8")
    (plan / "good.plan").write_text(GOOD.replace("200", "100"), encoding="utf-8")
    assert check(plan).findings == []


def test_a_changed_setting_or_rule_selection_is_checked_again(plan: Path) -> None:
    check(plan)
    quieter = DEFAULT.with_overrides(ignore=["value-mismatch"])
    assert {f.rule for f in check(plan, quieter).findings} == {"syntax-error"}
    assert {f.rule for f in check(plan).findings} == {"syntax-error", "value-mismatch"}


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"not a pickle",
        pickle.dumps({"x": 1}),
        pickle.dumps(("key", [1, 2])),
        pickle.dumps({("broken.plan", "0" * 64): "not a model"}),
    ],
)
def test_a_corrupt_entry_is_ignored_and_rebuilt(plan: Path, garbage: bytes) -> None:
    expected = summary(check(plan))
    for name in ("files.pickle", "run.pickle"):
        (cache_folder(plan) / name).write_bytes(garbage)  # not authentic: never unpickled
    assert summary(check(plan)) == expected
    for name in ("files.pickle", "run.pickle"):
        store_raw(plan, name, garbage)  # authentic, and still not what planlint writes
    assert summary(check(plan)) == expected  # from the state: nothing changed since it was kept
    (cache_folder(plan) / "state.sqlite").unlink()
    assert summary(check(plan)) == expected  # a whole run, which keeps its findings again
    assert isinstance(Cache.for_project(plan).load("run.pickle"), dict)


class Planted:
    def __reduce__(self):
        return (os.system, ("touch planted-ran",))


def test_a_planted_cache_file_cannot_run_code(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(plan)
    expected = summary(check(plan))
    for name in ("files.pickle", "run.pickle"):
        store_raw(plan, name, pickle.dumps(Planted()))
    assert summary(check(plan)) == expected
    assert not (plan / "planted-ran").exists()


def test_entries_of_another_planlint_are_not_read(
    plan: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    check(plan)
    old = cache_folder(plan).name
    monkeypatch.setattr(cache_module, "__version__", "99.0.0")
    cache_module.code_fingerprint.cache_clear()
    try:
        parses.clear()
        result = check(plan)
        assert sorted(parses) == ["broken.plan", "good.plan"]  # nothing came from the old folder
        assert len(result.findings) == 2
        new = cache_module.code_fingerprint()
        assert new.startswith("99.0.0-") and (cache_folder(plan).parent / new / "run.pickle").is_file()
        assert not (cache_folder(plan).parent / old).exists()  # the old planlint's folder is pruned
    finally:
        cache_module.code_fingerprint.cache_clear()


# Where it is written, and when not ---------------------------------------------------


def test_no_cache_reads_and_writes_nothing(plan: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    monkeypatch.chdir(plan)
    folder = tmp_path_factory.mktemp("own-cache")
    result = CliRunner().invoke(main, ["check", "--no-cache", "--cache-dir", str(folder), "--format", "concise", "."])
    assert result.exit_code == 1, result.output
    assert list(folder.iterdir()) == []
    result = CliRunner().invoke(main, ["check", "--cache-dir", str(folder), "--format", "concise", "."])
    assert result.exit_code == 1 and (folder / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert (
        (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert sorted(p.name for p in plan.iterdir()) == ["broken.plan", "good.plan"]  # nothing in the repository


def test_the_cache_folder_is_the_flag_else_the_environment_else_the_platform(tmp_path: Path) -> None:
    env = {"PLANLINT_CACHE_DIR": str(tmp_path / "env"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert cache_module.cache_dir(tmp_path / "flag", env) == tmp_path / "flag"
    assert cache_module.cache_dir(None, env) == tmp_path / "env"
    if sys.platform not in ("win32", "darwin"):
        assert cache_module.cache_dir(None, {"XDG_CACHE_HOME": str(tmp_path / "xdg")}) == tmp_path / "xdg" / "planlint"
        # A relative XDG_CACHE_HOME is ignored, as the XDG specification says.
        assert cache_module.cache_dir(None, {"XDG_CACHE_HOME": "in/the/repo"}) == Path.home() / ".cache" / "planlint"
    assert cache_module.cache_dir(Path("relative")) == Path.cwd() / "relative"  # made absolute once


def test_projects_are_kept_apart_by_their_absolute_path(tmp_path: Path) -> None:
    one, two = Cache.for_project(tmp_path / "one"), Cache.for_project(tmp_path / "two")
    assert one.folder != two.folder and one.folder.parent.parent == two.folder.parent.parent
    assert Cache.for_project(tmp_path / "one" / ".." / "one").folder == one.folder


def test_the_default_is_the_platform_cache_folder_and_the_repository_is_untouched(
    plan: Path, tmp_path_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    if sys.platform in ("win32", "darwin"):
        pytest.skip("XDG_CACHE_HOME is where Linux and the BSDs keep caches")
    xdg = tmp_path_factory.mktemp("xdg")
    monkeypatch.delenv("PLANLINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    monkeypatch.chdir(plan)
    result = CliRunner().invoke(main, ["check", "--format", "concise", "."])
    assert result.exit_code == 1, result.output
    assert (xdg / "planlint" / "secret").is_file()
    project = xdg / "planlint" / cache_module.project_key(plan) / cache_module.code_fingerprint()
    names = sorted(p.name for p in project.iterdir())
    assert names[0] == "files.pickle" and re.fullmatch(r"run-[0-9a-f]{32}\.pickle", names[1])
    # the runs' index, the files' signatures (run/unchanged.py), incremental checking's state
    assert names[2:] == ["run.pickle", "stat.pickle", "state.sqlite"]
    assert sorted(p.name for p in plan.iterdir()) == ["broken.plan", "good.plan"]


def test_a_cache_that_cannot_be_written_changes_nothing(plan: Path, tmp_path_factory) -> None:
    blocked = tmp_path_factory.mktemp("blocked") / "cache"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    config = DEFAULT.with_overrides(cache_dir=blocked)
    assert {f.rule for f in check(plan, config).findings} == {"syntax-error", "value-mismatch"}
    assert {f.rule for f in check(plan, config).findings} == {"syntax-error", "value-mismatch"}
    assert blocked.read_text(encoding="utf-8") == "a file where the folder should be"


def test_the_model_survives_the_round_trip() -> None:
    plan_file = parse_text("good.plan", GOOD)
    again = load_model(dump_model(plan_file))
    assert repr(again) == repr(plan_file) and again is not plan_file
    assert Cache(Path("/nonexistent/project"), Path("/nonexistent/planlint")).parsed("good.plan", "0" * 64) is None
    assert Cache(Path("/nonexistent/project"), None).parsed("good.plan", "0" * 64) is None  # no cache at all


def test_a_new_planlint_prunes_the_cache_folders_of_older_ones(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "project", tmp_path / "cache")
    old = cache.folder.parent / "0.0.9-0123456789abcdef"
    old.mkdir(parents=True)
    (old / "run.pickle").write_bytes(b"old")
    unrelated = cache.folder.parent / "notes"
    unrelated.mkdir()
    cache.save_findings("key", [])
    assert not old.exists()
    assert unrelated.exists()
    assert cache.folder.is_dir() and cache.folder.name == cache_module.code_fingerprint()


# Entries nobody but this user's planlint wrote -----------------------------------------


def test_a_forged_entry_without_the_secret_is_not_read(plan: Path) -> None:
    check(plan)
    payload = dump_model(("any key", []))
    forged = cache_module._MAGIC + b"\0" * 32 + payload
    (cache_folder(plan) / "run.pickle").write_bytes(forged)
    assert Cache.for_project(plan).load("run.pickle") is None
    store_raw(plan, "run.pickle", payload)
    assert Cache.for_project(plan).load("run.pickle") == ("any key", [])  # the same payload, signed: read


def test_an_entry_signed_for_another_project_or_name_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    one, two = Cache(tmp_path / "one", root), Cache(tmp_path / "two", root)
    one.store("run.pickle", ("key", []))
    two.store("run.pickle", ("other", []))
    (two.folder / "run.pickle").write_bytes((one.folder / "run.pickle").read_bytes())
    (one.folder / "files.pickle").write_bytes((one.folder / "run.pickle").read_bytes())
    assert Cache(tmp_path / "two", root).load("run.pickle") is None
    assert Cache(tmp_path / "one", root).load("files.pickle") is None
    assert Cache(tmp_path / "one", root).load("run.pickle") == ("key", [])


@pytest.mark.skipif(os.name != "posix", reason="file modes and owners are posix")
def test_a_secret_others_can_read_is_replaced(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    cache = Cache(tmp_path / "project", root)
    cache.store("run.pickle", ("key", []))
    secret = root / "secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE((cache.folder / "run.pickle").stat().st_mode) == 0o600
    before = secret.read_bytes()
    secret.chmod(0o644)  # as git checks a committed file out
    assert Cache(tmp_path / "project", root).load("run.pickle") is None
    Cache(tmp_path / "project", root).store("run.pickle", ("key", []))
    assert secret.read_bytes() != before and stat.S_IMODE(secret.stat().st_mode) == 0o600


class Bomb:
    """Pickles as `Fraction("1e999999999")`: reading it as a decimal would take hours."""

    def __init__(self, *args: object) -> None:
        self.args = args

    def __reduce__(self):
        return (Fraction, self.args)


@pytest.mark.parametrize(
    "bomb",
    [Bomb("1e999999999"), Bomb(10**30000, 1), Bomb(1, -3), Bomb(1.5, 1)],
    ids=["decimal-text", "huge-int", "negative-denominator", "float"],
)
def test_numbers_planlint_never_writes_are_refused_in_time(plan: Path, bomb: Bomb) -> None:
    expected = summary(check(plan))
    store_raw(plan, "run.pickle", pickle.dumps(("k", [bomb])))
    store_raw(plan, "files.pickle", pickle.dumps({("broken.plan", "0" * 64): bomb}))
    started = time.perf_counter()
    assert Cache.for_project(plan).load("run.pickle") is None
    assert Cache.for_project(plan).load("files.pickle") is None
    assert summary(check(plan)) == expected
    assert time.perf_counter() - started < 2


# An empty set, then a memo slot 201,326,592 deep (LONG_BINPUT, and PUT written as text): CPython's C
# unpickler (until gh-115952's fix) makes its memo table twice that long, 3 GB, and zeroes it.
MEMO_BOMBS = [b"\x8fr\x00\x00\x00\x0c", b"\x8fp201326592\n"]


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the bound needs /proc to read the memory in use")
@pytest.mark.parametrize("payload", MEMO_BOMBS, ids=["LONG_BINPUT", "PUT"])
def test_an_entry_naming_a_memo_slot_millions_deep_is_refused_without_the_memory(plan: Path, payload: bytes) -> None:
    """Found by the fuzzing campaign: six signed bytes took 2 s of CPU and 3 GB to refuse."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    with pytest.raises((MemoryError, pickle.UnpicklingError)):  # later Pythons: only the missing end
        load_model(payload)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 512 * 1024
    expected = summary(check(plan))
    (key,) = Cache.for_project(plan).load("run.pickle")
    store_raw(plan, cache_module._run_entry(key), payload)
    store_raw(plan, "files.pickle", payload)
    assert summary(check(plan)) == expected


def test_the_memory_bound_is_lifted_after_a_load() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    assert load_model(dump_model(("key", []))) == ("key", [])
    with pytest.raises(EOFError):
        load_model(b"\x8f")  # no end: an error inside the bound
    assert resource.getrlimit(resource.RLIMIT_AS) == before


@pytest.mark.parametrize("value", ["not a finding", ("a", "tuple"), None, 7], ids=repr)
def test_entries_of_the_wrong_type_under_the_right_key_are_ignored(plan: Path, value: object) -> None:
    expected = summary(check(plan))
    (key,) = Cache.for_project(plan).load("run.pickle")
    broken = ("broken.plan", cache_module.digest((plan / "broken.plan").read_bytes()))
    entry = cache_module._run_entry(key)  # the run's findings; run.pickle is the index of the runs
    store_raw(plan, "run.pickle", pickle.dumps({key: [value]}))
    store_raw(plan, entry, pickle.dumps((key, [value])))
    store_raw(plan, "files.pickle", pickle.dumps({broken: value}))
    assert summary(check(plan)) == expected
    store_raw(plan, "run.pickle", dump_model({key: entry}))
    store_raw(plan, entry, pickle.dumps((key, [value])))
    assert summary(check(plan)) == expected
    store_raw(plan, entry, dump_model(("another key", [])))  # signed, but not this run's
    assert summary(check(plan)) == expected
    store_raw(plan, entry, dump_model((key, [])))  # the right type: believed (it is signed)
    assert summary(check(plan)) == []


def test_a_committed_planlint_cache_changes_nothing(tmp_path: Path) -> None:
    """The attack of issue 18: a pull request commits `.planlint_cache` with entries that say
    "no findings". It is not where planlint looks; and named with --cache-dir, its secret (0644,
    as git checks files out) is not trusted, so the signed entries are not either."""
    if shutil.which("git") is None or os.name != "posix":
        pytest.skip("needs git and posix file modes")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "good.plan").write_text(GOOD, encoding="utf-8")
    planted = repo / ".planlint_cache"
    # The attacker's own run (their own secret), then every entry rewritten as "no findings".
    run([*PLANLINT, "check", "--cache-dir", str(planted), "."], repo)
    attacker = Cache.for_project(repo, planted)
    secret = attacker._trusted_secret(create=False)
    (key,) = attacker.load("run.pickle")
    entry = cache_module._run_entry(key)
    forged = {entry: dump_model((key, [])), "files.pickle": dump_model({key: []})}
    for name, payload in forged.items():
        (attacker.folder / name).write_bytes(cache_module._MAGIC + attacker._tag(secret, name, payload) + payload)
    assert (
        run([*PLANLINT, "check", "--cache-dir", str(planted), "."], repo).returncode == 0
    )  # the forgery works on a trusted secret
    (planted / ".gitignore").unlink()
    for name in ("init", "add"):
        subprocess.run(["git", name, *(["-A"] if name == "add" else ["-q"])], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "forged cache"], cwd=repo, check=True
    )
    clone = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    assert stat.S_IMODE((clone / ".planlint_cache" / "secret").stat().st_mode) == 0o644
    for args in (["check", "."], ["check", "--cache-dir", ".planlint_cache", "."]):
        done = run([*PLANLINT, *args, "--format", "concise"], clone)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert "PL102" in done.stdout and "Found 1 error in 1 file." in done.stdout


PLANLINT = [sys.executable, "-m", "planlint.cli"]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


# Links --------------------------------------------------------------------------------


def _links_work(tmp_path: Path) -> None:
    try:
        os.symlink(tmp_path, tmp_path / "probe-link")
    except (OSError, NotImplementedError):
        pytest.skip("this file system has no symbolic links")
    (tmp_path / "probe-link").unlink()


def test_a_cache_folder_that_is_a_link_is_not_written_through(plan: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    _links_work(outside)
    link = tmp_path_factory.mktemp("links") / "cache"
    os.symlink(outside, link)
    result = check(plan, DEFAULT.with_overrides(cache_dir=link))
    assert {f.rule for f in result.findings} == {"syntax-error", "value-mismatch"}
    assert list(outside.iterdir()) == []


def test_a_link_inside_the_cache_is_replaced_never_followed(plan: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    _links_work(outside)
    victim = outside / "precious.txt"
    victim.write_text("keep me", encoding="utf-8")
    root = tmp_path_factory.mktemp("cache")
    config = DEFAULT.with_overrides(cache_dir=root)
    check(plan, config)
    folder = Cache.for_project(plan, root).folder
    (folder / "run.pickle").unlink()
    (folder / "state.sqlite").unlink()  # a whole run again: one that writes run.pickle
    os.symlink(victim, folder / "run.pickle")
    os.symlink(outside, folder.parent / "0.0.1-0123456789abcdef")  # an "old version" to prune: a link
    assert {f.rule for f in check(plan, config).findings} == {"syntax-error", "value-mismatch"}
    assert victim.read_text(encoding="utf-8") == "keep me" and sorted(p.name for p in outside.iterdir()) == [
        "precious.txt"
    ]
    assert not (folder / "run.pickle").is_symlink()
    # A project folder that is a link to somewhere else: nothing is written there.
    project = folder.parent
    shutil.rmtree(project)
    os.symlink(outside, project)
    (plan / "good.plan").write_text(GOOD.replace("200", "300"), encoding="utf-8")
    assert {f.rule for f in check(plan, config).findings} == {"syntax-error", "value-mismatch"}
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


def test_a_unit_from_the_cache_hashes_as_one_made_here() -> None:
    """Units cache their hash, and a string's hash differs between processes: a unit loaded from
    a cache another process wrote must still find its place in a dict keyed by units."""
    import subprocess
    import sys

    from planlint.language import quantity as q
    from planlint.run.cache import dump_model

    data = dump_model(q.money_unit("USD"))
    code = (
        "from planlint.run.cache import load_model; from planlint.language import quantity as q; "
        f"u = load_model({data!r}); print({{u: 'found'}}.get(q.money_unit('USD')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "found"


def test_a_goals_guidance_survives_the_cache(tmp_path: Path, parses: list[str]) -> None:
    """Closing values and drivers come back from the last run as they were, exact values included."""
    (tmp_path / "plan.plan").write_text(
        "team marketing {\n  produces leads.volume = 4000 leads/year\n  produces leads.win_rate = 16%\n}\n"
        "team sales {\n  goal sales.deals >= 800 deals/year\n  consumes leads.win_rate = 20%\n"
        "  derive sales.deals = leads.volume * leads.win_rate\n}\n",
        encoding="utf-8",
    )
    first = check(tmp_path).findings
    parses.clear()
    again = check(tmp_path).findings
    assert parses == [] and again == first  # from the cache, equal field by field
    [shortfall] = [f for f in again if f.rule == "goal-shortfall"]
    assert shortfall.guidance is not None
    assert [(c.name, c.value, c.exact) for c in shortfall.guidance.closing] == [
        ("leads.volume", "5,000 leads/year", 5000),
        ("leads.win_rate", "20%", Fraction(1, 5)),
    ]
    assert [(d.name, d.impact) for d in shortfall.guidance.drivers] == [("leads.win_rate", "-160 deals/year")]


def test_a_review_of_blobs_leaves_the_files_signatures_as_they_were(plan: Path) -> None:
    """`review` checks a revision's blobs through the same engine: having no files on disk, it must
    not replace the working tree's signatures (the next `check` would read every file again)."""
    from planlint.run.engine import lint_sources

    check(plan)
    kept = Cache.for_project(plan).load("stat.pickle")
    assert isinstance(kept, dict) and sorted(kept) == ["broken.plan", "good.plan"]
    blobs = [(name, (plan / name).read_bytes().replace(b"200", b"300")) for name in sorted(kept)]
    assert summary(lint_sources(blobs, DEFAULT, cwd=plan)) != summary(check(plan, DEFAULT.with_overrides(cache=False)))
    assert Cache.for_project(plan).load("stat.pickle") == kept
