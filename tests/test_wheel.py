"""A built wheel carries grammar/ and rules/ and works outside the checkout.

pre-commit installs hooks from a built wheel, so this is how most users get
planlint: the test builds one, installs it into a fresh virtual environment
and checks an example from a folder that has no planlint source in sight.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)], check=True, cwd=out
    )
    (found,) = out.glob("planlint-*.whl")
    return found


def test_wheel_contains_grammar_and_rules(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "planlint/language/grammar/planlint.lark" in names
    assert "planlint/rules/value_mismatch.py" in names
    assert "planlint/schemas/output.schema.json" in names
    assert "planlint/language/grammar.pyi" not in names  # mypy's pointer to grammar/, for the checkout only
    # Every package of the source tree is listed in pyproject.toml, so none is left out of a wheel.
    for init in (ROOT / "src").rglob("__init__.py"):
        assert init.relative_to(ROOT / "src").as_posix() in names


def test_installed_wheel_checks_an_example(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True)
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "tests" / "scenarios" / "doubled-leads", plans)
    run = subprocess.run(
        [str(bin_dir / "planlint"), "check", "--format", "json", "."],
        cwd=plans,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    found = {(f["rule"], f["path"], f["line"]) for f in json.loads(run.stdout)["findings"]}
    assert ("value-mismatch", "sales.plan", 6) in found
    assert ("goal-shortfall", "company.plan", 4) in found
    # The rules came from the wheel, not from this checkout.
    where = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import planlint.rules, planlint.language.grammar as g; print(planlint.rules.__file__, g.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=plans,
    ).stdout
    assert str(env_dir) in where
