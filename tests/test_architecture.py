"""The house: each stage of the pipeline imports only from the stages before it.

language -> model -> analysis -> rulebook -> rules -> run -> output -> commands -> cli

Read from the code's own import statements (top level and inside functions),
so a new module that reaches forward, or two that import each other, fails
here and not in a review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("language", "model", "analysis", "rulebook", "rules", "run", "output", "commands", "cli")
# Where each stage's code lives in the repository.
FOLDERS = {"rules": ROOT / "rules", "language.grammar": ROOT / "grammar"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "src" / "planlint").rglob("*.py")):
        parts = path.relative_to(ROOT / "src").with_suffix("").parts
        found[".".join(p for p in parts if p != "__init__")] = path
    for package, folder in FOLDERS.items():
        for path in sorted(folder.glob("*.py")):
            name = f"planlint.{package}" + ("" if path.stem == "__init__" else f".{path.stem}")
            found[name] = path
    return found


def _imports(path: Path, module: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                base = module.split(".")[: -node.level] if path.name != "__init__.py" else module.split(".")
                found.add(".".join([*base[: len(base) - node.level + 1], node.module]))
            else:
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("planlint.") or name == "planlint"}


def _stage(module: str) -> int | None:
    """The position of a module's stage; None for the package's face (`planlint`, `planlint.api`,
    `__main__`)."""
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


MODULES = _modules()


def test_every_module_belongs_to_a_stage() -> None:
    outside = [m for m in MODULES if _stage(m) is None and m not in ("planlint", "planlint.api", "planlint.__main__")]
    assert outside == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_from_earlier_stages(module: str) -> None:
    own = _stage(module)
    if own is None:
        return
    later = sorted(
        name for name in _imports(MODULES[module], module) if (stage := _stage(name)) is not None and stage > own
    )
    assert later == [], f"{module} ({STAGES[own]}) reaches forward"


def test_no_import_circles() -> None:
    import networkx as nx

    graph = nx.DiGraph()
    for module, path in MODULES.items():
        for name in _imports(path, module):
            target = name if name in MODULES else name.rpartition(".")[0]
            if target in MODULES and target != module:
                graph.add_edge(module, target)
    assert list(nx.simple_cycles(graph)) == []
