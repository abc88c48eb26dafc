"""Where rules come from: the built-in `rules/` folder and installed plugins.

Built-in rules are one file each in `rules/` (shipped inside the wheel as
`planlint/rules`). Plugins register Rule subclasses, or modules of them, in the
`planlint.rules` entry-point group. planlint never imports Python from the
repository it lints: rules come only from its own folder and installed
packages, and no configuration key names a path to load.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import inspect
import os
import pkgutil
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

from planlint.rulebook.contract import Rule
from planlint.rulebook.finding import names_rule

ENTRY_POINT_GROUP = "planlint.rules"
BUILTIN_PACKAGE = "planlint.rules"


@dataclass
class RuleSet:
    rules: list[Rule[Any]] = field(default_factory=list)
    load_errors: list[str] = field(default_factory=list)  # plugins that failed, in plain words

    def by_code(self) -> dict[str, Rule[Any]]:
        return {rule.code: rule for rule in self.rules}

    def find(self, code_or_name: str) -> Rule[Any] | None:
        return next((rule for rule in self.rules if names_rule(code_or_name, rule.code, rule.name)), None)


def is_rule_class(obj: object) -> TypeGuard[type[Rule[Any]]]:
    return inspect.isclass(obj) and issubclass(obj, Rule)


def _rule_classes(module: ModuleType) -> list[type[Rule[Any]]]:
    return [
        obj
        for obj in vars(module).values()
        if is_rule_class(obj) and obj is not Rule and obj.__module__ == module.__name__ and "code" in obj.__dict__
    ]


def rules_of(loaded: object) -> list[type]:
    """The rule classes an entry point names: a Rule class, a module of them, or a package whose
    modules hold them (planlint's own `planlint.rules` is such a package). A class is returned as
    it is: the caller says when it is no Rule."""
    if inspect.isclass(loaded):
        return [loaded]
    if not inspect.ismodule(loaded):
        raise TypeError(f"{loaded!r} is neither a planlint Rule nor a module of them")
    found: list[type] = []
    found += _rule_classes(loaded)
    for info in pkgutil.iter_modules(getattr(loaded, "__path__", [])):
        if not info.name.startswith("_"):
            found += _rule_classes(importlib.import_module(f"{loaded.__name__}.{info.name}"))
    return found


def builtin_rules() -> list[Rule[Any]]:
    """planlint's own rules, the package `planlint.rules`, loaded as a plugin's would be."""
    return [cls() for cls in rules_of(importlib.import_module(BUILTIN_PACKAGE)) if is_rule_class(cls)]


def entry_points(group: str) -> list[EntryPoint]:
    """The installed entry points of `group`, as importlib.metadata finds them. That module takes
    ~20 ms to import (email, zipfile, csv ...), a tenth of a small check: it is imported only
    where some distribution may declare the group (`_may_declare`), which most never do."""
    if not _may_declare(group):
        return []
    from importlib.metadata import entry_points as installed

    return list(installed(group=group))


def _may_declare(group: str) -> bool:
    """Whether an `entry_points.txt` that importlib.metadata would read mentions `group` anywhere:
    a superset of the distributions that declare it, so no plugin is ever missed. True wherever
    this cannot tell: an egg or a zip file on sys.path, or a finder of distributions other than
    Python's own."""
    if any(hasattr(f, "find_distributions") and f is not importlib.machinery.PathFinder for f in sys.meta_path):
        return True
    for entry in sys.path:
        if not isinstance(entry, str) or entry.lower().endswith(".egg"):  # an egg's EGG-INFO: let it look
            return True
        folder = entry or "."
        try:
            with os.scandir(folder) as children:
                found = [c.name for c in children if c.name.lower().endswith((".dist-info", ".egg-info"))]
        except NotADirectoryError:  # a zip file: importlib.metadata reads it
            return True
        except OSError:  # no such folder (a path hook's name, a missing zip)
            continue
        for name in found:
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8", errors="replace") as f:
                    if group in f.read():
                        return True
            except OSError:  # none, or an egg-info that is one file
                continue
    return False


def plugin_rules() -> tuple[list[Rule[Any]], list[str]]:
    """Rules from installed packages; a plugin that fails to load is reported, not fatal."""
    rules: list[Rule[Any]] = []
    errors: list[str] = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        origin = entry.dist.name if entry.dist else entry.value.split(":")[0].split(".")[0]
        try:
            for cls in rules_of(entry.load()):
                if not is_rule_class(cls):
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
                f"plugin rule {rule.code} ({rule.name}) from {rule.origin} clashes with a rule already loaded"
            )
            continue
        taken |= {rule.code, rule.name}
        ruleset.rules.append(rule)
    ruleset.rules.sort(key=lambda r: r.code)
    return ruleset
