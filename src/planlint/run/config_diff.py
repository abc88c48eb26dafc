"""What a change to the configuration changes: the settings a review puts at its top.

A pull request brings its own `planlint.toml`, which `review` reads for the
head (each revision is checked with its own configuration). A change that
turns rules off, lowers severities, raises the failure threshold or the
tolerance, or leaves paths out would make findings disappear without a word;
`config_changes` lists each such setting with its value before and after,
and says which ones may hide findings (`weakens`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from planlint.rulebook.finding import Severity
from planlint.run.config import Config, RuleMeta

OFF = "off"


@dataclass(frozen=True)
class ConfigChange:
    """One setting, before and after, as `planlint.toml` would say it."""

    setting: str
    before: str
    after: str
    weakens: bool  # it may hide findings the setting before would report


def config_changes(before: Config, after: Config, rules: Sequence[RuleMeta]) -> list[ConfigChange]:
    """Every setting that decides what is checked and reported, where `after` differs from `before`."""
    changes = _rule_changes(before, after, rules)
    if before.fail_on != after.fail_on:
        changes.append(
            ConfigChange("fail-on", before.fail_on.value, after.fail_on.value, after.fail_on.rank > before.fail_on.rank)
        )
    if before.tolerance != after.tolerance:
        changes.append(
            ConfigChange(
                "tolerance", _percent(before.tolerance), _percent(after.tolerance), after.tolerance > before.tolerance
            )
        )
    if before.fiscal_year_start != after.fiscal_year_start:
        changes.append(
            ConfigChange("fiscal-year-start", str(before.fiscal_year_start), str(after.fiscal_year_start), True)
        )
    for setting, old, new in (
        ("include", before.include, after.include),
        ("exclude", before.exclude, after.exclude),
        ("per-path-ignores", dict(before.per_path_ignores), dict(after.per_path_ignores)),
    ):
        if old != new:
            changes.append(ConfigChange(setting, _toml(old), _toml(new), True))
    for code in sorted(set(before.rule_options) | set(after.rule_options)):
        old_options, new_options = before.rule_options.get(code, {}), after.rule_options.get(code, {})
        if old_options != new_options:
            changes.append(ConfigChange(f"rules.{code}", _toml(old_options), _toml(new_options), True))
    return changes


def _rule_changes(before: Config, after: Config, rules: Sequence[RuleMeta]) -> list[ConfigChange]:
    """Rules turned on or off and severities moved; every rule off at once (`ignore = ["ALL"]`) is one change."""
    levels = [(rule, before.severity_for(rule), after.severity_for(rule)) for rule in rules]
    was_on = [rule for rule, old, _ in levels if old is not None]
    if was_on and all(new is None for _, _, new in levels):
        return [ConfigChange("rules", f"{len(was_on)} on", "every rule off", True)]
    return [
        ConfigChange(f"rule {rule.code} ({rule.name})", _level(old), _level(new), _weaker(old, new))
        for rule, old, new in sorted(levels, key=lambda level: level[0].code)
        if old != new
    ]


def _level(severity: Severity | None) -> str:
    return OFF if severity is None else severity.value


def _weaker(old: Severity | None, new: Severity | None) -> bool:
    return old is not None and (new is None or new.rank < old.rank)


def _percent(value: Fraction) -> str:
    percent = value * 100
    return f"{percent.numerator}%" if percent.denominator == 1 else f"{float(percent):g}%"


def _toml(value: object) -> str:
    """A setting's value as TOML writes it (lists and tables inline): `["drafts/**"]`, `{}`."""
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(key))} = {_toml(item)}" for key, item in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)
