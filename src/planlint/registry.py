"""Where rules come from: the built-in `rules/` folder and installed plugins.

Built-in rules are one file each in `rules/` (shipped inside the wheel as
`planlint/rules`). Plugins register Rule subclasses, or modules of them, in the
`planlint.rules` entry-point group. planlint never imports Python from the
repository it lints: rules come only from its own folder and installed
packages, and no configuration key names a path to load.
"""
from __future__ import annotations

import importlib.util
import inspect
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from types import ModuleType

from planlint._resources import resource_dir
from planlint.rule import Rule

ENTRY_POINT_GROUP = "planlint.rules"


@dataclass
class RuleSet:
    rules: list[Rule] = field(default_factory=list)
    load_errors: list[str] = field(default_factory=list)  # plugins that failed, in plain words

    def by_code(self) -> dict[str, Rule]:
        return {rule.code: rule for rule in self.rules}

    def find(self, code_or_name: str) -> Rule | None:
        wanted = code_or_name.strip()
        for rule in self.rules:
            if wanted.upper() == rule.code or wanted.lower() == rule.name:
                return rule
        return None


def _rule_classes(module: ModuleType) -> list[type[Rule]]:
    return [obj for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, Rule) and obj is not Rule
            and obj.__module__ == module.__name__ and "code" in obj.__dict__]


def _load_builtin_module(path) -> ModuleType:
    name = f"planlint.rules.{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def builtin_rules() -> list[Rule]:
    rules = []
    for path in sorted(resource_dir("rules").glob("*.py")):
        if not path.stem.startswith("_"):
            rules.extend(cls() for cls in _rule_classes(_load_builtin_module(path)))
    return rules


def plugin_rules() -> tuple[list[Rule], list[str]]:
    """Rules from installed packages; a plugin that fails to load is reported, not fatal."""
    rules: list[Rule] = []
    errors: list[str] = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        origin = entry.dist.name if entry.dist else entry.value.split(":")[0].split(".")[0]
        try:
            loaded = entry.load()
            classes = _rule_classes(loaded) if inspect.ismodule(loaded) else [loaded]
            for cls in classes:
                if not (inspect.isclass(cls) and issubclass(cls, Rule)):
                    raise TypeError(f"{entry.value} is not a planlint Rule")
                if cls.origin == "planlint":
                    cls.origin = origin
                rules.append(cls())
        except Exception as err:  # any failure in third-party code must not stop the check
            errors.append(f"plugin '{entry.name}' ({entry.value}) could not be loaded: {err}")
    return rules, errors


@lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    """Every rule, built-ins first; a plugin whose code or name is taken is refused."""
    ruleset = RuleSet(builtin_rules())
    extra, ruleset.load_errors = plugin_rules()
    taken = {r.code for r in ruleset.rules} | {r.name for r in ruleset.rules}
    for rule in extra:
        if rule.code in taken or rule.name in taken:
            ruleset.load_errors.append(
                f"plugin rule {rule.code} ({rule.name}) from {rule.origin} clashes with a rule already loaded")
            continue
        taken |= {rule.code, rule.name}
        ruleset.rules.append(rule)
    ruleset.rules.sort(key=lambda r: r.code)
    return ruleset
