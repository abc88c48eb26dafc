"""Rule plugins: the example package installed and seen working, broken plugins survived,
and nothing imported from the repository being checked.
"""

from __future__ import annotations

import importlib.util
import json
import os
import site
import subprocess
import sys
import venv
from collections.abc import Iterator
from importlib import metadata
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from planlint.commands.check import CheckOptions, run_check
from planlint.rulebook import registry
from planlint.run.config import load_config
from planlint.run.engine import lint

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "examples" / "plugin"
ORIGIN = "planlint-example-plugin"

PLANS = {
    "marketing.plan": 'team marketing {\n  owner "@acme/marketing"\n  produces leads.avg_deal_value = $24k\n}\n',
    "sales.plan": "team sales {\n  consumes leads.avg_deal_value = $50k\n}\n",
}


def write_plans(folder: Path, files: dict[str, str] = PLANS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# The example plugin, pip-installed into a fresh environment -----------------


def _bin(env_dir: Path, name: str) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


@pytest.fixture(scope="module")
def plugin_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment that sees this planlint and holds the example plugin.

    It is made with --system-site-packages, and a .pth file adds this
    interpreter's site folders too (the running planlint may live in a venv,
    which --system-site-packages alone does not reach).
    """
    env_dir = tmp_path_factory.mktemp("plugin-env") / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = _bin(env_dir, "python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parents = [*site.getsitepackages(), site.getusersitepackages()]
    lines = [f"import site; site.addsitedir({folder!r})" for folder in parents if Path(folder).is_dir()]
    (Path(purelib) / "_planlint_parent.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    install = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check"]
    if importlib.util.find_spec("hatchling") is not None:
        install.append("--no-build-isolation")  # offline and fast; else pip fetches hatchling to build
    subprocess.run([*install, str(PLUGIN)], check=True, timeout=300)
    return python


def _planlint(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "-m", "planlint.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_installed_plugin_reports_its_rule(plugin_python: Path, tmp_path: Path) -> None:
    plans = write_plans(tmp_path / "plans")
    run = _planlint(plugin_python, "check", "--format", "json", ".", cwd=plans)
    assert run.returncode == 1, run.stderr  # the built-in value-mismatch is an error
    assert "could not be loaded" not in run.stderr and "Traceback" not in run.stderr
    findings = {(f["code"], f["rule"], f["severity"], f["path"], f["line"]) for f in json.loads(run.stdout)["findings"]}
    assert ("EX001", "team-without-owner", "warning", "sales.plan", 1) in findings
    assert ("PL102", "value-mismatch", "error", "sales.plan", 2) in findings
    assert not any(code == "EX001" and path == "marketing.plan" for code, _, _, path, _ in findings)


def test_installed_plugin_rule_can_be_ignored(plugin_python: Path, tmp_path: Path) -> None:
    plans = write_plans(tmp_path / "plans")
    run = _planlint(plugin_python, "check", "--format", "json", "--ignore", "team-without-owner", ".", cwd=plans)
    assert {f["code"] for f in json.loads(run.stdout)["findings"]} == {"PL102"}, run.stderr


def _objects(data: Any) -> Iterator[dict]:
    if isinstance(data, dict):
        yield data
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)


def test_explain_all_lists_the_plugin_with_its_origin(plugin_python: Path, tmp_path: Path) -> None:
    text = _planlint(plugin_python, "explain", "--all", "--no-color", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    line = next((ln for ln in text.stdout.splitlines() if "EX001" in ln), "")
    assert "team-without-owner" in line and ORIGIN in line, text.stdout
    as_json = _planlint(plugin_python, "explain", "--all", "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    entries = [o for o in _objects(json.loads(as_json.stdout)) if o.get("code") == "EX001"]
    assert entries and entries[0].get("origin") == ORIGIN, as_json.stdout


# Plugins that fail to load, in-process ------------------------------------------


@pytest.fixture
def entry_points_of(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Replace the installed entry points of `planlint.rules` with the ones a test gives."""

    def install(*entries: EntryPoint) -> None:
        monkeypatch.setattr(
            registry, "entry_points", lambda group: list(entries) if group == registry.ENTRY_POINT_GROUP else []
        )
        registry.load_rules.cache_clear()

    yield install
    monkeypatch.undo()
    registry.load_rules.cache_clear()  # later tests see the real plugins again


GOOD_PLUGIN = '''
from planlint.api import PlanRule, Severity


class EveryTeam(PlanRule):
    """Reports every team (a test plugin).

    **What it does**

    Reports every team block.

    **Why is this bad?**

    It is not; it shows the plugin ran.

    **Example**

    ```plan
    team a {
    }
    ```

    **Use instead**

    ```plan
    ```
    """

    code = "TP001"
    name = "every-team"
    severity = Severity.INFO

    def judge(self, plan, context):
        for block in context.graph.blocks.values():
            yield self.finding(block.span, f"team {block.name}")


class Clash(EveryTeam):
    """Takes a built-in code (a test plugin).

    **What it does**

    Nothing.

    **Why is this bad?**

    Its code is taken.

    **Example**

    ```plan
    ```

    **Use instead**

    ```plan
    ```
    """

    code = "PL102"
    name = "clashing-rule"
'''


def test_broken_plugins_are_reported_and_the_check_runs(
    entry_points_of, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "planlint_test_plugin.py").write_text(GOOD_PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    entry_points_of(
        EntryPoint("missing", "planlint_no_such_plugin_module:Rule", "planlint.rules"),
        EntryPoint("not-a-rule", "os.path:join", "planlint.rules"),
        EntryPoint("good", "planlint_test_plugin", "planlint.rules"),
    )
    plans = write_plans(tmp_path / "plans")
    result = lint([plans], load_config(None, registry.load_rules().rules), cwd=plans)
    notes = "\n".join(result.notes)
    assert "plugin 'missing' (planlint_no_such_plugin_module:Rule) could not be loaded" in notes
    assert "No module named 'planlint_no_such_plugin_module'" in notes
    assert "plugin 'not-a-rule' (os.path:join) could not be loaded" in notes
    assert "PL102 (clashing-rule)" in notes and "clashes" in notes
    fired = {(f.code, f.span.path, f.span.line) for f in result.findings}
    assert ("PL102", "sales.plan", 2) in fired  # the built-in, not the clashing plugin rule
    assert ("TP001", "sales.plan", 1) in fired  # the plugin that loads still runs
    assert registry.load_rules().find("TP001").origin == "planlint_test_plugin"


def test_the_command_line_warns_about_a_broken_plugin(
    entry_points_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry_points_of(EntryPoint("missing", "planlint_no_such_plugin_module:Rule", "planlint.rules"))
    plans = write_plans(tmp_path / "plans")
    code = run_check(CheckOptions(paths=[plans], formats=[("json", None)]))
    out, err = capsys.readouterr()
    assert code == 1  # the value-mismatch in PLANS
    assert "planlint: warning: plugin 'missing'" in err
    assert {f["code"] for f in json.loads(out)["findings"]} == {"PL102"}


# Nothing is imported from the repository being checked -------------------------------

EVIL = "from pathlib import Path\nPath({marker!r}).write_text('imported')\n"


def _evil_repository(folder: Path, markers: Path) -> Path:
    """Python files where a careless linter might look for rules; each writes a marker if imported."""
    write_plans(folder)
    for relative in (
        "rules/__init__.py",
        "rules/evil.py",
        "rules/value_mismatch.py",
        "planlint_rules.py",
        "plugins/evil.py",
        "planlint/__init__.py",
        "planlint/rules/evil.py",
    ):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(EVIL.format(marker=str(markers / relative.replace("/", "_"))), encoding="utf-8")
    return folder


def test_nothing_is_imported_from_the_checked_repository_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    repo = _evil_repository(tmp_path / "repo", markers)
    monkeypatch.chdir(repo)
    registry.load_rules.cache_clear()
    try:
        result = lint([Path(".")], load_config(None, registry.load_rules().rules), cwd=repo)
    finally:
        registry.load_rules.cache_clear()
    assert ("PL102", "sales.plan", 2) in {(f.code, f.span.path, f.span.line) for f in result.findings}
    assert list(markers.iterdir()) == []


def test_nothing_is_imported_from_the_checked_repository_by_the_command(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    repo = _evil_repository(tmp_path / "repo", markers)
    # As the installed `planlint` script runs: the working folder is not on sys.path
    # (python -m and -c would put it there, which is Python's doing, not planlint's).
    script = "import sys; sys.path.pop(0); from planlint.cli import main; main(prog_name='planlint')"
    run = subprocess.run(
        [sys.executable, "-c", script, "check", "--format", "json", "."],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "PL102" in {f["code"] for f in json.loads(run.stdout)["findings"]}
    assert list(markers.iterdir()) == []


# Finding plugins without importing importlib.metadata when there are none ----------------


def _distribution(folder: Path, name: str, entry_points: str | None) -> Path:
    info = folder / name
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name.split('.')[0]}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)
    return info


@pytest.mark.parametrize(
    ("name", "entry_points", "declares"),
    [
        ("other.dist-info", "[console_scripts]\nother = other:main\n", False),
        ("other.dist-info", None, False),
        ("plug.dist-info", "[planlint.rules]\nplug = plug_module\n", True),
        ("Plug.DIST-INFO", "[planlint.rules]\nplug = plug_module\n", True),
        ("plug.egg-info", "[ planlint.rules ]\nplug = plug_module\n", True),
    ],
)
def test_a_distribution_on_the_path_that_names_the_group_is_read(
    name: str, entry_points: str | None, declares: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _distribution(tmp_path, name, entry_points)
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(tmp_path)])
    assert registry._may_declare(registry.ENTRY_POINT_GROUP) is declares
    found = [(entry.name, entry.value) for entry in registry.entry_points(registry.ENTRY_POINT_GROUP)]
    # Always importlib.metadata's own answer (it may read less than the superset looked at first).
    assert found == [(e.name, e.value) for e in metadata.entry_points(group=registry.ENTRY_POINT_GROUP)]
    if name.lower().endswith(".dist-info"):
        assert found == ([("plug", "plug_module")] if declares else [])


def test_a_zip_or_an_egg_on_the_path_or_another_finder_of_distributions_is_left_to_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bundle.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip archive
    monkeypatch.setattr(sys, "path", [str(tmp_path / "bundle.zip")])
    assert registry._may_declare(registry.ENTRY_POINT_GROUP)

    class Finder:
        @staticmethod
        def find_distributions(*_: object) -> list[object]:
            return []

    egg = tmp_path / "plug-1.0.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "entry_points.txt").write_text("[planlint.rules]\nplug = plug_module\n")
    monkeypatch.setattr(sys, "path", [str(egg)])
    assert registry._may_declare(registry.ENTRY_POINT_GROUP)

    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert not registry._may_declare(registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    assert registry._may_declare(registry.ENTRY_POINT_GROUP)


def test_a_check_without_plugins_does_not_import_importlib_metadata(tmp_path: Path) -> None:
    plans = write_plans(tmp_path / "plans")
    script = (
        "import sys; sys.path.pop(0); from planlint.cli import main\n"
        "try:\n    main(['check', '--no-cache', '.'], prog_name='planlint')\n"
        "except SystemExit: pass\n"
        "print('importlib.metadata' in sys.modules, file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=plans, capture_output=True, text=True, timeout=120)
    assert "PL102" in run.stdout, run.stderr
    assert run.stderr.strip().splitlines()[-1] == "False", run.stderr
