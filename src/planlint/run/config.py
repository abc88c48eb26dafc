"""Configuration: `planlint.toml` or `[tool.planlint]`, found upward, validated, overridable.

The file is checked against a JSON Schema (``schemas/config.schema.json``) and
each rule's own options schema, then turned into a frozen `Config` that the
engine asks simple questions of (is this rule on, at what severity, is it
ignored in this file). A bad file never half-loads: the first problem, in key
order, becomes a `ConfigError` that says the file, the key and what to write.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeAlias

from planlint.language.suggest import closest
from planlint.rulebook.finding import Severity, names_rule
from planlint.run.globs import BadGlob, GlobSet, compile_glob, glob_matches
from planlint.run.problems import UsageError

__all__ = [
    "ALWAYS_EXCLUDED",
    "DEFAULT",
    "Config",
    "ConfigError",
    "PlanRoot",
    "RuleMeta",
    "RuleSelection",
    "config_from_bytes",
    "declares_planlint",
    "find_config",
    "find_root",
    "load_config",
    "start_folder",
]

CONFIG_NAME = "planlint.toml"
PYPROJECT = "pyproject.toml"
ALWAYS_EXCLUDED = (".git", ".planlint_cache", "node_modules", ".venv")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_TYPE_WORDS = {
    "array": "a list",
    "object": "a table",
    "string": "a string",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
}
_SELECTOR_KEYS = ("select", "extend-select", "ignore", "extend-ignore")


class RuleMeta(Protocol):
    """What configuration needs to know about a rule; rule classes satisfy it as they are.

    Read-only members, so frozen dataclasses and plain class attributes both fit.
    """

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def groups(self) -> tuple[str, ...]: ...
    @property
    def default_severity(self) -> Severity: ...
    @property
    def enabled_by_default(self) -> bool: ...
    @property
    def options_schema(self) -> dict[str, Any]: ...  # JSON Schema of the rule's own options; {} for none
    @property
    def option_defaults(self) -> dict[str, Any]: ...


class ConfigError(UsageError):
    """A configuration the user must fix; the CLI prints the message and exits 2."""


class _Invalid(Exception):
    """One problem at one key, before it is given its file and key path."""


@dataclass(frozen=True)
class RuleSelection:
    """One layer of select/ignore (the file, then the command line); later layers win."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """The settled configuration; `DEFAULT` when there is no file."""

    path: Path | None = None
    root: Path = Path(".")
    fail_on: Severity = Severity.ERROR
    tolerance: Fraction = Fraction(1, 10)
    fiscal_year_start: int = 1
    include: tuple[str, ...] = ("**/*.plan",)
    exclude: tuple[str, ...] = ()
    cache: bool = True
    # Where the cache lives (`--cache-dir`; None: see `cache.cache_dir`). Never read from the file:
    # a pull request's planlint.toml must not choose where planlint writes. Findings do not depend on it.
    cache_dir: Path | None = field(default=None, repr=False, compare=False)
    selection: tuple[RuleSelection, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)  # rule code -> level or "off"
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code -> options
    known_rules: tuple[RuleMeta, ...] = field(default=(), repr=False, compare=False)

    def enabled(self, rule: RuleMeta) -> bool:
        """Selected (ruff semantics, see `_selected`) and not turned off by `severity`."""
        return _selected(rule, self.selection) and self.severity.get(rule.code) != "off"

    def severity_for(self, rule: RuleMeta) -> Severity | None:
        """The severity the rule reports at; None when it is off or not selected."""
        if not self.enabled(rule):
            return None
        level = self.severity.get(rule.code)
        return Severity(level) if level else rule.default_severity

    def ignored_at(self, rel_path: str, rule: RuleMeta) -> bool:
        """Whether per-path-ignores silence the rule in this file (posix, relative to root)."""
        return any(
            glob_matches(glob, _path_parts(rel_path)) and any(_specificity(s, rule) is not None for s in sels)
            for glob, sels in self.per_path_ignores
        )

    def options_for(self, rule: RuleMeta) -> dict[str, Any]:
        """The rule's options: its defaults with the file's `[rules.<rule>]` table over them."""
        return {**rule.option_defaults, **self.rule_options.get(rule.code, {})}

    def includes(self, rel_path: str) -> bool:
        """Whether a file (posix, relative to root) is part of the plan."""
        parts = _path_parts(rel_path)  # asked of every file found: the path is split once
        excluded, included = self._file_globs
        return not excluded.matches(parts) and included.matches(parts)

    @cached_property
    def _file_globs(self) -> tuple[GlobSet, GlobSet]:
        """The globs that leave a file out, and those that take it in."""
        return GlobSet((*ALWAYS_EXCLUDED, *self.exclude)), GlobSet(self.include)

    def with_overrides(
        self,
        *,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        fail_on: str | Severity | None = None,
        tolerance: str | float | Fraction | None = None,
        fiscal_year_start: int | str | None = None,
        cache: bool | None = None,
        cache_dir: Path | None = None,
    ) -> Config:
        """Command-line values over the file's; None means the flag was not given.

        `select` starts a fresh selection (the file's select and ignores no longer
        apply), while `extend_select` and `ignore` act on top of the file's, as in ruff.
        """
        changes: dict[str, Any] = {}
        try:
            for flag, values in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
                for value in values or ():
                    _check_selector(flag, value, self.known_rules)
            if select is not None or extend_select or ignore:
                layer = RuleSelection(
                    None if select is None else tuple(select), tuple(extend_select or ()), tuple(ignore or ())
                )
                changes["selection"] = (*self.selection, layer)
            parsers: tuple[tuple[str, object, Callable[[object], object], str], ...] = (
                ("--fail-on", fail_on, _parse_fail_on, "fail_on"),
                ("--tolerance", tolerance, _parse_tolerance, "tolerance"),
                ("--fiscal-year-start", fiscal_year_start, _parse_month, "fiscal_year_start"),
            )
            for flag, given, parse, name in parsers:
                if given is not None:
                    try:
                        changes[name] = parse(given)
                    except _Invalid as exc:
                        raise _Invalid(f"{flag}: {exc}") from None
        except _Invalid as exc:
            raise ConfigError(f"invalid option: {exc}") from None
        if cache is not None:
            changes["cache"] = bool(cache)
        if cache_dir is not None:
            changes["cache_dir"] = cache_dir
        return replace(self, **changes)


DEFAULT = Config()


# -- discovery ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanRoot:
    """Where a plan's files live, found by walking up from the paths a command names.

    `config` is the nearest `planlint.toml` (or pyproject with `[tool.planlint]`), `repository`
    the nearest folder holding `.git`; `root`, the plan's root, is the configuration's folder, else
    the repository (None when there is neither). The repository is resolved; the configuration is
    named as found (absolute), so that one which is a link out of the repository can be refused.
    """

    config: Path | None = None
    repository: Path | None = None

    @property
    def root(self) -> Path | None:
        return self.config.parent if self.config is not None else self.repository


def find_root(start_paths: Sequence[Path]) -> PlanRoot:
    """The configuration and repository above the paths (by their names: a named path that is a
    link is looked up where it stands, not where it points). A configuration above the repository
    never applies to it."""
    here = start_folder(start_paths)
    config = None
    for directory in (here, *here.parents):
        if config is None:
            if (directory / CONFIG_NAME).is_file():
                config = directory / CONFIG_NAME
            elif (directory / PYPROJECT).is_file() and _has_planlint_table(directory / PYPROJECT):
                config = directory / PYPROJECT
        if (directory / ".git").exists():
            return PlanRoot(config, directory.resolve())
    return PlanRoot(config, None)


def find_config(start_paths: Sequence[Path]) -> Path | None:
    """The nearest `planlint.toml` (or pyproject with `[tool.planlint]`) above the paths.

    The walk stops at the repository root (a directory holding `.git`), so a
    configuration outside the repository never applies to it.
    """
    return find_root(start_paths).config


def start_folder(start_paths: Sequence[Path]) -> Path:
    """The folder the paths have in common, as named (absolute, `..` folded, links not followed)."""
    named = [Path(os.path.abspath(p)) for p in start_paths]
    dirs = [p if p.is_dir() and not p.is_symlink() else p.parent for p in named]
    try:
        return Path(_common_path(dirs)) if dirs else Path(os.path.abspath("."))
    except ValueError:  # different drives
        return Path(os.path.abspath("."))


def _common_path(dirs: Sequence[Path]) -> str:
    return os.path.commonpath([str(d) for d in dirs])


def _has_planlint_table(pyproject: Path) -> bool:
    """True if the file has `[tool.planlint]`; a broken file that seems to is kept, to report."""
    try:
        return declares_planlint(pyproject.read_bytes())
    except OSError:
        return False


def declares_planlint(pyproject: bytes) -> bool:
    """`_has_planlint_table` for a pyproject.toml's bytes."""
    try:
        text = pyproject.decode("utf-8-sig")
        tool = tomllib.loads(text).get("tool")
    except UnicodeDecodeError:
        return False
    except (tomllib.TOMLDecodeError, RecursionError):
        return re.search(r"^\s*\[\s*tool\.planlint\b", text, re.M) is not None
    return isinstance(tool, dict) and "planlint" in tool


# -- loading -------------------------------------------------------------------


def load_config(path: Path | None, rules: Sequence[RuleMeta]) -> Config:
    """Read, validate and settle the configuration at `path` (None: the defaults)."""
    rules = tuple(rules)
    if path is None:
        return replace(DEFAULT, root=Path.cwd(), known_rules=rules)
    shown = _shown(path)
    return config_from_bytes(_read_config(path, shown), path, rules, shown)


def config_from_bytes(data: bytes, path: Path, rules: Sequence[RuleMeta], shown: str | None = None) -> Config:
    """Validate and settle a configuration file's bytes as the file at `path` (its name decides
    planlint.toml or pyproject.toml, its folder the root); `review` reads a revision's this way."""
    rules = tuple(rules)
    shown = shown or _shown(path)
    document = parse_toml(data, shown)
    prefix: KeyPath = ()
    table: Any = document
    if path.name == PYPROJECT:
        prefix = ("tool", "planlint")
        tool = document.get("tool", {})
        table = tool.get("planlint", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"invalid config: {shown}: tool.planlint: must be a table")
    errors = sorted(_problems(table, rules), key=lambda e: (_sort_key(e[0]), e[1]))
    if errors:
        where, problem = errors[0]
        raise ConfigError(f"invalid config: {shown}: {_dotted((*prefix, *where))}: {problem}")
    return _settle(table, rules, path)


def _settle(data: dict[str, Any], rules: tuple[RuleMeta, ...], path: Path) -> Config:
    """Build the Config from data already known to be valid."""
    severity: dict[str, str] = {}
    options: dict[str, dict[str, Any]] = {}
    # Entries by name first, then by code, so a code beats a name given for the same rule.
    for key in sorted(data.get("severity", {}), key=lambda k: _code(k, rules) == k):
        severity[_code(key, rules)] = data["severity"][key]
    for key in sorted(data.get("rules", {}), key=lambda k: _code(k, rules) == k):
        options[_code(key, rules)] = {**options.get(_code(key, rules), {}), **data["rules"][key]}
    has = data.__contains__
    layer = RuleSelection(
        tuple(data["select"]) if has("select") else None,
        tuple(data.get("extend-select", ())),
        (*data.get("ignore", ()), *data.get("extend-ignore", ())),
    )
    return Config(
        path=path,
        root=path.resolve().parent,
        fail_on=_parse_fail_on(data["fail-on"]) if has("fail-on") else DEFAULT.fail_on,
        tolerance=_parse_tolerance(data["tolerance"]) if has("tolerance") else DEFAULT.tolerance,
        fiscal_year_start=(
            _parse_month(data["fiscal-year-start"]) if has("fiscal-year-start") else DEFAULT.fiscal_year_start
        ),
        include=tuple(data.get("include", DEFAULT.include)),
        exclude=tuple(data.get("exclude", ())),
        cache=data.get("cache", True),
        selection=(layer,),
        per_path_ignores=tuple((g, tuple(s)) for g, s in data.get("per-path-ignores", {}).items()),
        severity=severity,
        rule_options=options,
        known_rules=rules,
    )


def _read_config(path: Path, shown: str) -> bytes:
    """The bytes of the configuration file; one that is a link out of the repository is not read."""
    real = leads_out(path, find_root([path]).repository)
    if real is not None:
        raise ConfigError(
            f"invalid config: {shown}: it is a link to {real}, outside the repository; "
            "planlint reads nothing outside it"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"invalid config: {shown}: cannot be read ({exc.strerror})") from None


MAX_CONFIG_DEPTH = 32  # tables and lists within each other; planlint's own keys go 4 deep


def parse_toml(data: bytes, shown: str) -> dict[str, Any]:
    """A configuration file's bytes as a TOML document; any problem is a `ConfigError` naming `shown`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(f"invalid config: {shown}: line {line}: not valid UTF-8") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, re.S)
        if found:
            message, line = f"{found[1]} (column {found[3]})", int(found[2])
        else:
            message = message.replace(" (at end of document)", " (at the end of the file)")
            line = max(1, len(text.splitlines()))
        message = message[:1].lower() + message[1:]
        raise ConfigError(f"invalid config: {shown}: line {line}: {message}") from None
    except RecursionError:
        document = None
    if document is None or _too_deep(document):
        raise ConfigError(
            f"invalid config: {shown}: tables and lists nested more than {MAX_CONFIG_DEPTH} deep; "
            "planlint's keys need no more than 4"
        )
    return document


def _too_deep(value: object) -> bool:
    """Whether tables and lists nest past MAX_CONFIG_DEPTH (walked without recursion)."""
    todo = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if depth > MAX_CONFIG_DEPTH:
            return True
        if isinstance(item, dict):
            todo.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            todo.extend((child, depth + 1) for child in item)
    return False


def within(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or below it (both absolute, compared as written)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def leads_out(path: str | os.PathLike[str], inside: Path | None) -> str | None:
    """Where `path` really is, when it is named inside the folder `inside` (the repository) and a link
    takes it out of there; None otherwise (no folder, named outside it, or really inside)."""
    if inside is None:
        return None
    named, fence = os.path.abspath(path), os.path.realpath(inside)
    real = os.path.realpath(named)
    if (within(named, os.path.abspath(inside)) or within(named, fence)) and not within(real, fence):
        return real
    return None


@lru_cache(maxsize=1)
def _core_schema() -> dict[str, Any]:
    text = resources.files("planlint").joinpath("schemas/config.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


KeyPath: TypeAlias = tuple[str | int, ...]  # where in the document: ("rules", "PL102", "min")
Problem: TypeAlias = tuple[KeyPath, str]  # where, and what is wrong there in plain words


def _problems(data: dict[str, Any], rules: tuple[RuleMeta, ...]) -> Iterator[Problem]:
    """Every problem as (key path, message): schema first, then meaning, then rule options."""
    schema_errors = list(_schema_problems(_core_schema(), data, "key"))
    yield from schema_errors
    broken = {where[0] for where, _ in schema_errors if where}
    ok = {key: value for key, value in data.items() if key not in broken}
    for key, parse in (("tolerance", _parse_tolerance), ("fiscal-year-start", _parse_month)):
        if key in ok:
            try:
                parse(ok[key])
            except _Invalid as exc:
                yield (key,), str(exc)
    for key in ("include", "exclude"):
        for index, glob in enumerate(ok.get(key, ())):
            yield from _glob_problem((key, index), glob)
    for glob in ok.get("per-path-ignores", {}):
        yield from _glob_problem(("per-path-ignores", glob), glob)
    for key in _SELECTOR_KEYS:
        for index, value in enumerate(ok.get(key, ())):
            yield from _selector_problem((key, index), value, rules)
    for glob, values in ok.get("per-path-ignores", {}).items():
        for index, value in enumerate(values):
            yield from _selector_problem(("per-path-ignores", glob, index), value, rules)
    for table in ("severity", "rules"):
        for key in ok.get(table, {}):
            if rules and _rule_by_key(key, rules) is None:
                yield (table, key), "unknown rule" + _did_you_mean(key, _rule_keys(rules))
    for key, options in ok.get("rules", {}).items():
        rule = _rule_by_key(key, rules)
        if rule is not None:
            for where, problem in _schema_problems(_options_schema(rule), options, "option"):
                if problem == "unknown option" and not rule.options_schema.get("properties"):
                    problem = f"unknown option ({rule.name} has no options)"
                yield ("rules", key, *where), problem


def _options_schema(rule: RuleMeta) -> dict[str, Any]:
    """The rule's schema, closed to unknown options unless it says otherwise (typos show)."""
    schema = {"type": "object", **rule.options_schema}
    if "additionalProperties" not in schema and "patternProperties" not in schema:
        schema["additionalProperties"] = False
    return schema


def _schema_problems(schema: dict[str, Any], instance: Any, noun: str) -> Iterator[Problem]:
    """jsonschema's errors in plain English, one per key."""
    import jsonschema  # here, not at the top: ~85 ms, and only a configuration file needs it

    for error in jsonschema.Draft202012Validator(schema).iter_errors(instance):
        where = tuple(error.absolute_path)
        kind, expected, value = error.validator, error.validator_value, error.instance
        if kind == "additionalProperties" and isinstance(value, dict):
            known = list(error.schema.get("properties", {}))
            for key in value:
                if key not in known:
                    yield (*where, key), f"unknown {noun}" + _did_you_mean(key, known)
        elif kind == "type":
            kinds = [expected] if isinstance(expected, str) else list(expected)
            yield where, f"must be {' or '.join(_TYPE_WORDS.get(k, k) for k in kinds)}, not {_show(value)}"
        elif kind == "enum":
            yield where, f"must be one of {', '.join(map(_show, expected))}, not {_show(value)}"
        elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            words = {
                "minimum": "at least",
                "maximum": "at most",
                "exclusiveMinimum": "more than",
                "exclusiveMaximum": "less than",
            }[kind]
            yield where, f"must be {words} {_show(expected)}, not {_show(value)}"
        elif kind == "minLength" and expected == 1:
            yield where, "must not be empty"
        elif kind == "required":
            yield where, f"missing {noun} " + error.message.replace(" is a required property", "")
        else:
            yield where, error.message


def _glob_problem(where: KeyPath, glob: str) -> Iterator[Problem]:
    try:
        compile_glob(glob)
    except BadGlob as exc:
        yield where, str(exc)


def _selector_problem(where: KeyPath, value: str, rules: tuple[RuleMeta, ...]) -> Iterator[Problem]:
    try:
        _check_selector("", value, rules)
    except _Invalid as exc:
        yield where[:-1], str(exc)  # the value names the item; the index would only add noise


# -- values --------------------------------------------------------------------


def _parse_tolerance(value: object) -> Fraction:
    """ "10%", 0.1 or "0.1" (as the command line passes it) -> Fraction(1, 10); in [0%, 100%)."""
    if isinstance(value, Fraction):
        fraction = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        fraction = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    elif isinstance(value, str) and (found := re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*(%?)\s*", value)):
        fraction = Fraction(found[1]) / (100 if found[2] else 1)
    else:
        raise _Invalid(f'{_show(value)} is not a valid tolerance (write it like "10%")')
    if not 0 <= fraction < 1:
        as_number = fraction >= 1 and not (isinstance(value, str) and "%" in value)
        hint = ' (a number is a fraction: write 0.1 or "10%")' if as_number else ""
        raise _Invalid(f"{_show(value)} is out of range: a tolerance is at least 0% and below 100%{hint}")
    return fraction


def _parse_month(value: object) -> int:
    """1..12, or an English month name or its first three letters."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 12:
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        for number, name in enumerate(_MONTHS, start=1):
            if len(word) >= 3 and name.startswith(word):
                return number
        if word.isdigit() and 1 <= int(word) <= 12:
            return int(word)
    raise _Invalid(f'{_show(value)} is not a month (write 1 to 12, or a name like "July")')


def _parse_fail_on(value: object) -> Severity:
    try:
        return Severity(value)  # type: ignore[arg-type]  # any value: one that names no severity raises
    except ValueError:
        choices = ", ".join(_show(s.value) for s in reversed(Severity))
        raise _Invalid(f"must be one of {choices}, not {_show(value)}") from None


def _check_selector(flag: str, value: str, rules: tuple[RuleMeta, ...]) -> None:
    """Raise if `value` names no rule, group or ALL (skipped when no rules are known)."""
    if not rules or value == "ALL" or _rule_by_key(value, rules) is not None:
        return
    groups = sorted({g for r in rules for g in r.groups})
    if value in groups:
        return
    where = f"{flag}: " if flag else ""
    raise _Invalid(
        f"{where}unknown rule or group {_show(value)}" + _did_you_mean(value, [*_rule_keys(rules), *groups, "ALL"])
    )


def _rule_by_key(key: str, rules: Iterable[RuleMeta]) -> Any:
    return next((r for r in rules if names_rule(key, r.code, r.name)), None)


def _code(key: str, rules: Iterable[RuleMeta]) -> str:
    rule = _rule_by_key(key, rules)
    return rule.code if rule is not None else key


def _rule_keys(rules: Iterable[RuleMeta]) -> list[str]:
    return [key for r in rules for key in (r.code, r.name)]


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = closest(word, candidates)
    return f" (did you mean {_show(close)}?)" if close else ""


def _show(value: object) -> str:
    """A value as the message quotes it: strings in single quotes, booleans as TOML writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, Fraction):
        return str(value)
    return repr(value)


def _dotted(where: Sequence[str | int]) -> str:
    """A key path as TOML writes it: tool.planlint.severity.PL102, per-path-ignores."x/**"."""
    out = ""
    for part in where:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part)
            out += f".{text}" if out else text
    return out


def _sort_key(where: Sequence[str | int]) -> tuple[str, ...]:
    return tuple(f"{p:09d}" if isinstance(p, int) else p for p in where)


def _shown(path: Path) -> str:
    """The file as named from the working folder (a link is not followed: it is named where it is)."""
    for target, here in (
        (Path(os.path.abspath(path)), Path(os.path.abspath("."))),
        (path.resolve(), Path.cwd().resolve()),
    ):
        try:
            return target.relative_to(here).as_posix()
        except ValueError:
            continue
    return str(path)


# -- selection and globs ---------------------------------------------------------


def _specificity(selector: str, rule: RuleMeta) -> int | None:
    """How precisely a selector names a rule: 2 by code or name, 1 by group, 0 by ALL."""
    if names_rule(selector, rule.code, rule.name):
        return 2
    if selector in rule.groups:
        return 1
    return 0 if selector == "ALL" else None


def _selected(rule: RuleMeta, layers: Sequence[RuleSelection]) -> bool:
    """ruff's semantics: per layer, the more specific of select and ignore wins; a tie, ignore.

    A rule still on from the defaults (or an earlier layer without `select`) counts
    as selected below ALL, so any ignore that matches it turns it off.
    """
    on = rule.enabled_by_default
    for layer in layers:
        chosen = [_specificity(s, rule) for s in (*(layer.select or ()), *layer.extend_select)]
        if layer.select is None and on:
            chosen.append(-1)
        dropped = [_specificity(s, rule) for s in layer.ignore]
        best_chosen = max((s for s in chosen if s is not None), default=None)
        best_dropped = max((s for s in dropped if s is not None), default=None)
        on = best_chosen is not None and (best_dropped is None or best_chosen > best_dropped)
    return on


def _path_parts(rel_path: str) -> list[str]:
    return [p for p in rel_path.removeprefix("./").split("/") if p not in ("", ".")]
