"""The cache in `.planlint_cache/`: parsed files and whole runs, keyed by content hashes.

Like ruff's, it lives at the project root (beside `planlint.toml`, else in the
working directory), in a folder named after planlint's version and a
fingerprint of its code (grammar, parser, model, rules), so that a new
planlint, or an edited one, never reads an old entry. It holds:

- parsed files: (path as shown, SHA-256 of the file's bytes) -> its model.
  Only files the grammar had to read are kept: the line reader reads a file
  about as fast as pickle loads its model (and storing costs a third of a
  read more), while the grammar is ~30 times slower, and slower still when
  it has a syntax error to describe.
- the last run: a digest of every file's path and content hash, the
  configuration and the rules -> the findings. When nothing changed, a check
  reports them again without parsing anything.

Entries are never trusted: anything that fails to load, or does not match
its key exactly, is ignored and rebuilt. Loading is restricted to planlint's
own model classes, so a planted cache file cannot run code. Files are
replaced atomically, and the folder holds a `.gitignore` so it is never
committed. A cache that cannot be read or written only makes planlint slower.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import operator
import os
import pickle
import re
import secrets
import shutil
import sys
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from fractions import Fraction
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from planlint import __version__
from planlint.analysis import guidance
from planlint.language import quantity, source, span
from planlint.model import plan as model
from planlint.rulebook import finding

CACHE_DIR = ".planlint_cache"
_FILES = "files.pickle"
_RUN = "run.pickle"
# Code that shapes the model or the findings: a change to any of it opens a new cache folder.
_CODE_PACKAGES = (("planlint", "*.py"), ("planlint.language.grammar", "*.lark"), ("planlint.rules", "*.py"))


# Serialising the model ---------------------------------------------------------
# Dataclasses pickle through Python-level __getstate__/__setstate__ and Fractions
# through their decimal text; reducing each to its constructor and arguments
# makes loading ~3 times faster (and is what the restricted loader accepts).

_MODEL_CLASSES = tuple(
    cls
    for module in (model, quantity, span, source, finding, guidance)
    for cls in vars(module).values()
    if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == module.__name__
)
_ALLOWED = {(cls.__module__, cls.__qualname__): cls for cls in (*_MODEL_CLASSES, span.Span, finding.Severity, Fraction)}
_ALLOWED[("builtins", "frozenset")] = frozenset
_ALLOWED[("builtins", "set")] = set


def _reducer(cls: type):
    names = [f.name for f in fields(cls)]
    if len(names) == 1:
        get_one = operator.attrgetter(names[0])
        return lambda obj: (cls, (get_one(obj),))
    get_all = operator.attrgetter(*names)
    return lambda obj: (cls, get_all(obj))


_DISPATCH = copyreg.dispatch_table.copy()
_DISPATCH.update({cls: _reducer(cls) for cls in _MODEL_CLASSES if all(f.init for f in fields(cls))})
_DISPATCH[span.Span] = lambda value: (span.Span, tuple(value))
_DISPATCH[Fraction] = lambda value: (Fraction, (value.numerator, value.denominator))


def dump_model(value: object) -> bytes:
    """Pickle parsed files or findings compactly (see `load_model`)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)
    return buffer.getvalue()


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of planlint's model")
        return found


def load_model(data: bytes) -> object:
    """Unpickle what `dump_model` wrote; nothing but planlint's model classes can be built."""
    return _ModelUnpickler(io.BytesIO(data)).load()


# Keys ------------------------------------------------------------------------


def digest(data: bytes) -> str:
    """The content hash a cache entry is keyed by."""
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """planlint's version and a hash of its code and grammar: what the cache folder is named after."""
    hasher = hashlib.sha256(f"{__version__} {sys.version}".encode())
    sources: list[Path] = []
    for package, pattern in _CODE_PACKAGES:
        sources += sorted(Path(str(files(package))).rglob(pattern))
    for code in sources:
        try:
            hasher.update(code.name.encode() + b"\0" + code.read_bytes())
        except OSError:
            hasher.update(code.name.encode() + b"\0unreadable")
    return f"{__version__}-{hasher.hexdigest()[:16]}"


def _source_hash(cls: type) -> str:
    """The code of a rule class's module, for plugin rules (built-in ones are in the fingerprint)."""
    module = sys.modules.get(cls.__module__)
    path = getattr(module, "__file__", None)
    try:
        return digest(Path(path).read_bytes()) if path else "no-source"
    except OSError:
        return "unreadable"


def run_key(files: Iterable[tuple[str, str]], config: object, rules: Iterable[object], cwd: Path) -> str:
    """Everything the findings of a run depend on: files (shown path, content hash), configuration,
    rules (with their code) and the working directory the paths are shown from."""
    hasher = hashlib.sha256()
    hasher.update(f"{cwd}\0{config!r}\0".encode())
    for rule in rules:
        cls = type(rule)
        hasher.update(f"{cls.__module__}.{cls.__qualname__}\0{_source_hash(cls)}\0".encode())
    for shown, content in files:
        hasher.update(f"{shown}\0{content}\0".encode())
    return hasher.hexdigest()


# The cache -------------------------------------------------------------------


class Cache:
    """One project's cache folder; every method is safe to call whatever state the folder is in."""

    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR / code_fingerprint()
        self._files: dict[tuple[str, str], model.PlanFile] | None = None
        self._new_files = False

    # Parsed files ------------------------------------------------------------

    def parsed(self, shown: str, content: str) -> model.PlanFile | None:
        """The model of the file `shown` whose bytes hash to `content`, when kept."""
        if self._files is None:
            self._files = self._load_files()
        return self._files.get((shown, content))

    def keep_parsed(self, shown: str, content: str, plan_file: model.PlanFile) -> None:
        if self._files is None:
            self._files = self._load_files()
        self._files[(shown, content)] = plan_file
        self._new_files = True

    def _load_files(self) -> dict[tuple[str, str], model.PlanFile]:
        entries = self._read(_FILES)
        if not isinstance(entries, dict):
            return {}
        return {
            key: value
            for key, value in entries.items()
            if isinstance(key, tuple) and len(key) == 2 and isinstance(value, model.PlanFile) and value.path == key[0]
        }

    def save_files(self, current: set[tuple[str, str]]) -> None:
        """Write the kept files that are still part of the plan, if any were added."""
        if self._files is not None and self._new_files:
            self._write(_FILES, {key: value for key, value in self._files.items() if key in current})

    # Runs ----------------------------------------------------------------------

    def findings(self, key: str) -> list[finding.Finding] | None:
        """The findings of the last run, when it had exactly this key."""
        entry = self._read(_RUN)
        if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == key and isinstance(entry[1], list)):
            return None
        found = entry[1]
        return found if all(isinstance(f, finding.Finding) for f in found) else None

    def save_findings(self, key: str, found: list[finding.Finding]) -> None:
        self._write(_RUN, (key, found))

    # Storage -------------------------------------------------------------------

    def _read(self, name: str) -> object:
        try:
            return load_model((self.folder / name).read_bytes())
        except Exception:  # missing, truncated, from another planlint, planted: ignored, rebuilt
            return None

    def _write(self, name: str, value: object) -> None:
        try:
            if not self.folder.is_dir():
                self.folder.mkdir(parents=True)
                _prune_other_versions(self.folder)
            _mark_ignored(self.folder.parent)
            target = self.folder / name
            temp = self.folder / f".{name}.{secrets.token_hex(6)}.tmp"
            try:
                temp.write_bytes(dump_model(value))
                os.replace(temp, target)
            finally:
                temp.unlink(missing_ok=True)
        except Exception:  # a read-only checkout, a full disk: no cache, same findings
            pass


_FOLDER_NAME = re.compile(r"^[0-9][\w.+]*-[0-9a-f]{16}$")


def _prune_other_versions(current: Path) -> None:
    """A new planlint (or an edited one) starts a new folder; the old ones would only grow."""
    for sibling in current.parent.iterdir():
        if sibling != current and sibling.is_dir() and _FOLDER_NAME.match(sibling.name):
            shutil.rmtree(sibling, ignore_errors=True)


def _mark_ignored(folder: Path) -> None:
    """Keep the cache out of git, as ruff does."""
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by planlint: the cache is never committed.\n*\n", encoding="utf-8")
