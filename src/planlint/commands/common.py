"""What every command shares: the configuration a run uses, and writing outputs to files."""

from __future__ import annotations

import os
from pathlib import Path

from planlint.language.limits import ENV_VAR as LIMITS_ENV
from planlint.language.limits import LimitError, parse_limits, set_limits
from planlint.rulebook.registry import load_rules
from planlint.run.atomic import write_atomic
from planlint.run.config import Config, find_config, load_config
from planlint.run.files import boundary
from planlint.run.problems import UsageError


def split_list(value: str | None) -> list[str] | None:
    """`a, b,c` -> ["a", "b", "c"]; None stays None (the flag was not given)."""
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def configuration(paths: list[Path], config_path: Path | None = None, **overrides: object) -> Config:
    """The configuration found for `paths` (or read from `config_path`), with the command line's
    `overrides` (see `Config.with_overrides`) on top."""
    config = load_config(config_path or find_config(paths), load_rules().rules)
    return config.with_overrides(**overrides)  # type: ignore[arg-type]


def apply_limits(settings: list[str]) -> None:
    """The run's limits: `PLANLINT_LIMITS` from the environment, then the `--limit` flags."""
    try:
        set_limits(**parse_limits([os.environ.get(LIMITS_ENV, ""), *settings]))
    except LimitError as err:
        raise UsageError(str(err)) from None


def write_output(target: str | Path, text: str) -> None:
    """Write a report or baseline atomically, making its folder, as a plain file and never through a
    link that leads out of the repository (see `write_atomic`); a failure is a usage error (exit 2)."""
    try:
        write_atomic(target, text, inside=boundary([Path(".")]))
    except OSError as err:
        raise UsageError(f"cannot write {target}: {err.strerror or err}") from None
