"""The cache: parsed files and whole runs, kept outside the linted repository and authenticated.

Everything in a checkout is written by whoever opened the pull request, so the
cache never lives there by default and nothing in it is believed unless this
user's planlint wrote it:

- **Where.** The platform's cache folder (`$XDG_CACHE_HOME/planlint` or
  `~/.cache/planlint`, `~/Library/Caches/planlint`, `%LOCALAPPDATA%\\planlint\\Cache`),
  or the folder named by `--cache-dir` or the environment variable
  `PLANLINT_CACHE_DIR`. Not by `planlint.toml`: that file is part of the
  checkout, and must not choose where planlint writes. Inside it, one folder
  per project, named after a hash of the project's absolute path, holds one
  folder per planlint code fingerprint (version, code, grammar, rules), so a
  new or edited planlint never reads an old entry.
- **Authenticated.** The cache folder holds a `secret`: 32 random bytes in a
  regular file of this user that nobody else may read (0600). Each entry is
  stored as `HMAC-SHA256(secret, project, entry name, limits, payload) + payload`,
  and a payload whose tag does not match is never unpickled. A secret that is
  a link, another user's, or readable by others (as any file from a git
  checkout is) is replaced, which invalidates every entry.
- **Bounded.** An entry larger than `MAX_ENTRY_BYTES` is not read; the
  unpickler builds planlint's own model classes and nothing else, numbers only
  from whole numbers of at most `MAX_INT_BITS` bits (never from text, so no
  `Fraction("1e999999999")`), and every entry's shape is checked after loading.
  Anything unexpected is ignored and rebuilt.
- **Written safely.** Folders are made and checked one level at a time and
  never entered through a symbolic link; files are written to a fresh
  temporary name (refusing to follow a link) and renamed into place.

What is kept:

- parsed files: (path as shown, SHA-256 of the file's bytes) -> its model.
  Only files the grammar had to read are kept: the line reader reads a file
  about as fast as pickle loads its model, while the grammar is ~30 times
  slower, and slower still when it has a syntax error to describe.
- the last runs: a digest of every file's path and content hash, the
  configuration and the rules -> the findings. When nothing changed, a check
  reports them again without parsing anything.
- each file's signature and content hash (`run/unchanged.py`): a file whose
  signature has not moved is not read again.
- incremental checking's state (`run/store.py`), a database of its own in
  this folder, bound to the secret through its key (`private_path`).

A cache that cannot be read or written only makes planlint slower.
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import hmac
import io
import operator
import os
import pickle
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields, is_dataclass
from fractions import Fraction
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

from planlint import __version__
from planlint.analysis import guidance
from planlint.language import quantity, source, span
from planlint.language.exact import exact
from planlint.language.limits import LIMITS
from planlint.model import plan as model
from planlint.rulebook import finding, fixes

ENV_VAR = "PLANLINT_CACHE_DIR"
SECRET_NAME = "secret"
SECRET_BYTES = 32
FILES_ENTRY = "files.pickle"
RUN_ENTRY = "run.pickle"  # the index of the kept runs; each run's findings in `_run_entry(key)`
_RUN_ENTRY_NAME = re.compile(r"run-[0-9a-f]{32}\.pickle")


def _run_entry(key: str) -> str:
    return f"run-{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


RUNS_KEPT = 4  # the last runs whose findings are kept whole, newest last
MAX_ENTRY_BYTES = 512 * 2**20  # a 10,000-team run's findings are a few MB
MAX_INT_BITS = 1 << 16  # ~19,700 digits: more than any number a plan may write (see language.values)
_MAGIC = b"planlint-cache-1\n"
_TAG_BYTES = hashlib.sha256().digest_size
# Code that shapes the model or the findings: a change to any of it opens a new cache folder.
_CODE_PACKAGES = (("planlint", "*.py"), ("planlint.language.grammar", "*.lark"), ("planlint.rules", "*.py"))
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


# Where the cache lives -----------------------------------------------------------


def platform_cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """planlint's folder in the platform's cache folder; None when there is no home to put it in."""
    env = os.environ if env is None else env
    try:
        if sys.platform == "win32":
            base = Path(env["LOCALAPPDATA"]) if env.get("LOCALAPPDATA") else Path.home() / "AppData" / "Local"
            return base / "planlint" / "Cache"
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "planlint"
        xdg = env.get("XDG_CACHE_HOME", "")
        return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "planlint"
    except (KeyError, RuntimeError):  # no home folder (a bare container user)
        return None


def cache_dir(explicit: Path | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """The cache folder: `--cache-dir`, else `$PLANLINT_CACHE_DIR`, else the platform's (absolute)."""
    env = os.environ if env is None else env
    chosen = explicit or (Path(env[ENV_VAR]) if env.get(ENV_VAR) else None) or platform_cache_dir(env)
    return Path(os.path.abspath(chosen)) if chosen is not None else None


def project_key(project: Path) -> str:
    """The name of a project's folder in the cache: a hash of its absolute path."""
    return hashlib.sha256(os.fsencode(os.path.abspath(project))).hexdigest()[:24]


# Serialising the model ---------------------------------------------------------
# Dataclasses pickle through Python-level __getstate__/__setstate__ and Fractions
# through their decimal text; reducing each to its constructor and arguments
# makes loading ~3 times faster (and is what the restricted loader accepts).

_MODEL_CLASSES = tuple(
    cls
    for module in (model, quantity, span, source, finding, fixes, guidance)
    for cls in vars(module).values()
    if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == module.__name__
)


def _reducer(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
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


class UnexpectedEntry(pickle.UnpicklingError):
    """Something in a cache entry that planlint never writes."""


def _bounded(value: object) -> object:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise UnexpectedEntry(f"a number of {value.bit_length()} bits")
    return value


def _checked(cls: type) -> Callable[..., object]:
    """`cls`'s constructor, refusing numbers past `MAX_INT_BITS` among its arguments."""

    def build(*args: object) -> object:
        for arg in args:
            _bounded(arg)
        return cls(*args)

    return build


def _fraction(numerator: object, denominator: object) -> Fraction:
    """A Fraction from two whole numbers only: never from text, which can take hours to read."""
    if type(numerator) is not int or type(denominator) is not int or denominator <= 0:
        raise UnexpectedEntry("a number that is not two whole numbers")
    return exact(_bounded(numerator), _bounded(denominator))  # type: ignore[arg-type]


_ALLOWED: dict[tuple[str, str], Callable[..., object]] = {
    (cls.__module__, cls.__qualname__): _checked(cls) for cls in (*_MODEL_CLASSES, span.Span)
}
_ALLOWED[(finding.Severity.__module__, finding.Severity.__qualname__)] = finding.Severity
_ALLOWED[("fractions", "Fraction")] = _fraction
_ALLOWED[("builtins", "frozenset")] = frozenset
_ALLOWED[("builtins", "set")] = set


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Callable[..., object]:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise UnexpectedEntry(f"{module}.{name} is not part of planlint's model")
        return found


def load_model(data: bytes) -> object:
    """Unpickle what `dump_model` wrote; nothing but planlint's model classes can be built, in
    memory bounded by the size of `data` (see `_memory_bounded`)."""
    with _memory_bounded(len(data)):
        return _ModelUnpickler(io.BytesIO(data)).load()


MEMORY_PER_BYTE = 64  # the most address space unpickling one byte may take (planlint's entries: under 5)
MEMORY_AT_LEAST = 256 << 20
_STATM = Path("/proc/self/statm")


@contextlib.contextmanager
def _memory_bounded(size: int) -> Iterator[None]:
    """While inside, the process's address space may grow by MEMORY_PER_BYTE * `size` bytes (at
    least MEMORY_AT_LEAST). CPython's C unpickler sizes its memo table by the index an entry names:
    six bytes ask for gigabytes and seconds of zeroing them (CPython gh-115952, fixed in later
    releases). Past the bound that allocation fails as a MemoryError, which a cache read takes for an
    entry to ignore. Where the limit cannot be read and set (not Linux), nothing changes."""
    before = _address_space_lowered(size)
    try:
        yield
    finally:
        if before is not None:
            resource.setrlimit(resource.RLIMIT_AS, before)


def _address_space_lowered(size: int) -> tuple[int, int] | None:
    """Lower the address-space limit for unpickling `size` bytes; the limits to put back, or None
    when nothing was lowered (already as tight, or no way to read or set it here)."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        used = int(_STATM.read_bytes().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        bound = used + max(MEMORY_AT_LEAST, MEMORY_PER_BYTE * size)
        unlimited = resource.RLIM_INFINITY
        if (soft != unlimited and soft <= bound) or (hard != unlimited and hard <= bound):
            return None
        resource.setrlimit(resource.RLIMIT_AS, (bound, hard))
    except (AttributeError, OSError, ValueError, IndexError):  # no resource module, no /proc, not allowed
        return None
    return soft, hard


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


def judging_key(config: object, rules: Iterable[object]) -> str:
    """What a rule's judgement of a subject depends on besides the plan: planlint's code, the
    settings rules read (default tolerance, fiscal year), the limits and each enabled rule with its
    options and code. Severities, ignores and suppressions are applied after judging: not in it."""
    hasher = hashlib.sha256(f"{code_fingerprint()}\0{LIMITS!r}\0".encode())
    hasher.update(f"{config.tolerance}\0{config.fiscal_year_start}\0".encode())  # type: ignore[attr-defined]
    for rule in rules:
        cls = type(rule)
        options = config.options_for(rule)  # type: ignore[attr-defined]
        hasher.update(
            f"{cls.__module__}.{cls.__qualname__}\0{_source_hash(cls)}\0{sorted(options.items())!r}\0".encode()
        )
    return hasher.hexdigest()


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
    """One project's entries in a cache folder; every method is safe whatever state the folder is in.

    `load` and `store` keep any value `dump_model` can write under a name; `parsed`, `keep_parsed`,
    `save_files`, `findings` and `save_findings` are the entries a run uses.
    """

    def __init__(self, project: Path, root: Path | None) -> None:
        self.root = root  # the cache folder (None: no cache at all)
        self.project = project_key(project)
        self.folder = root / self.project / code_fingerprint() if root is not None else None
        self._secret: bytes | None = None
        self._files: dict[tuple[str, str], model.PlanFile] | None = None
        self._new_files = False

    @classmethod
    def for_project(cls, project: Path, explicit: Path | None = None) -> Cache:
        """The cache of the project rooted at `project`, in `cache_dir(explicit)`."""
        return cls(project, cache_dir(explicit))

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
        entries = self.load(FILES_ENTRY)
        if not isinstance(entries, dict):
            return {}
        return {
            key: value
            for key, value in entries.items()
            if isinstance(key, tuple)
            and len(key) == 2
            and all(isinstance(part, str) for part in key)
            and isinstance(value, model.PlanFile)
            and value.path == key[0]
        }

    def save_files(self, current: set[tuple[str, str]]) -> None:
        """Write the kept files that are still part of the plan, if any were added."""
        if self._files is not None and self._new_files:
            self.store(FILES_ENTRY, {key: value for key, value in self._files.items() if key in current})

    # Runs ----------------------------------------------------------------------

    def findings(self, key: str) -> list[finding.Finding] | None:
        """The findings of one of the last runs, when it had exactly this key (a review checks two
        revisions, then `check` the working tree: each finds its own). A key not kept costs one look
        at the small index: each run's findings are an entry of their own."""
        name = self._runs().get(key)
        entry = self.load(name) if isinstance(name, str) and name == _run_entry(key) else None
        if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == key and isinstance(entry[1], list)):
            return None
        found = entry[1]
        return found if all(isinstance(f, finding.Finding) for f in found) else None

    def save_findings(self, key: str, found: list[finding.Finding]) -> None:
        runs = {k: v for k, v in self._runs().items() if k != key}
        kept = list(runs.items())[-(RUNS_KEPT - 1) :] if RUNS_KEPT > 1 else []
        self.store(_run_entry(key), (key, found))
        self.store(RUN_ENTRY, dict([*kept, (key, _run_entry(key))]))
        for _, dropped in list(runs.items())[: len(runs) - len(kept)]:
            self._remove(dropped)

    def _runs(self) -> dict[str, str]:
        """The index of the kept runs: each key and the entry holding its findings, newest last."""
        entry = self.load(RUN_ENTRY)
        if not isinstance(entry, dict):
            return {}
        return {k: v for k, v in entry.items() if isinstance(k, str) and isinstance(v, str) and v == _run_entry(k)}

    def _remove(self, name: str) -> None:
        """Delete an entry of this planlint's folder (a link is removed, never followed)."""
        if self.folder is not None and _RUN_ENTRY_NAME.fullmatch(name):
            try:
                os.unlink(self.folder / name)
            except OSError:
                pass

    # Storage -------------------------------------------------------------------

    def load(self, name: str) -> object:
        """The value stored under `name`; None when missing, not authentic or not planlint's."""
        if self.folder is None:
            return None
        try:
            secret = self._trusted_secret(create=False)
            data = _read_regular(self.folder / name, len(_MAGIC) + _TAG_BYTES + MAX_ENTRY_BYTES)
            if secret is None or data is None or not data.startswith(_MAGIC):
                return None
            tag, payload = data[len(_MAGIC) : len(_MAGIC) + _TAG_BYTES], data[len(_MAGIC) + _TAG_BYTES :]
            if not hmac.compare_digest(tag, self._tag(secret, name, payload)):
                return None
            return load_model(payload)
        except Exception:  # missing, truncated, from another planlint, planted: ignored, rebuilt
            return None

    def store(self, name: str, value: object) -> None:
        """Keep `value` under `name` (nothing happens when the cache cannot be written)."""
        if self.root is None or self.folder is None:
            return
        try:
            payload = dump_model(value)
            if len(payload) > MAX_ENTRY_BYTES:
                return
            if not _safe_folder(self.root, ()):
                return
            _mark_cache_folder(self.root)
            secret = self._trusted_secret(create=True)
            if secret is None or not _safe_folder(self.root, (self.project, self.folder.name)):
                return
            _prune_other_versions(self.folder)
            _write_new(self.folder, name, _MAGIC + self._tag(secret, name, payload) + payload)
        except Exception:  # a read-only folder, a full disk: no cache, same findings
            pass

    # A folder of its own, for what keeps its own file (incremental checking's database) -----

    def private_path(self, name: str, key: str) -> tuple[Path, str] | None:
        """Where to keep a file of this project's that the cache does not write itself, made safe
        as `store` makes its folder, and `key` bound to the cache's secret: a file planted there
        without the secret never matches it. None when there is no cache to write."""
        if self.root is None or self.folder is None:
            return None
        try:
            if not _safe_folder(self.root, ()):
                return None
            _mark_cache_folder(self.root)
            secret = self._trusted_secret(create=True)
            if secret is None or not _safe_folder(self.root, (self.project, self.folder.name)):
                return None
            _prune_other_versions(self.folder)
            path = self.folder / name
            if os.path.islink(path):
                return None
            return path, self._tag(secret, name, key.encode()).hex()
        except OSError:
            return None

    def _tag(self, secret: bytes, name: str, payload: bytes) -> bytes:
        """The entry's HMAC: over its project, planlint's code, its name, the run's limits (which
        decide what a file parses to) and its bytes."""
        assert self.folder is not None
        label = f"{self.project}\0{self.folder.name}\0{name}\0{LIMITS!r}\0".encode()
        return hmac.new(secret, label + payload, hashlib.sha256).digest()

    def _trusted_secret(self, create: bool) -> bytes | None:
        """The cache folder's secret; with `create`, a new one when there is none to trust."""
        if self._secret is None and self.root is not None:
            self._secret = _read_secret(self.root / SECRET_NAME)
            if self._secret is None and create:
                self._secret = _new_secret(self.root)
        return self._secret


# The file system, never through a link --------------------------------------------


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file that is not a link, up to `limit` (None past it)."""
    descriptor = os.open(path, os.O_RDONLY | _NO_FOLLOW | _BINARY)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read()  # sized by the file, not by the limit
        return data if len(data) <= limit else None
    finally:
        os.close(descriptor)


def _read_secret(path: Path) -> bytes | None:
    """The secret, when it is a regular file of this user that nobody else can read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NO_FOLLOW | _BINARY)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size != SECRET_BYTES:
            return None
        if os.name == "posix" and (info.st_uid != os.geteuid() or info.st_mode & 0o077):
            return None  # a checkout's file (0644), or another user's
        data = os.read(descriptor, SECRET_BYTES + 1)
        return data if len(data) == SECRET_BYTES else None
    finally:
        os.close(descriptor)


def _new_secret(root: Path) -> bytes | None:
    """A fresh secret, written 0600 and moved into place; another process's, if it was first."""
    secret = secrets.token_bytes(SECRET_BYTES)
    temp = _write_temp(root, SECRET_NAME, secret, 0o600)
    target = root / SECRET_NAME
    try:
        try:
            os.link(temp, target)  # fails if another planlint made one meanwhile: theirs is kept
        except FileExistsError:
            found = _read_secret(target)
            if found is not None:
                return found
            os.replace(temp, target)  # one that is not to be trusted: replaced (a link, not its target)
        except OSError:  # no hard links here
            os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return _read_secret(target)


def _write_temp(folder: Path, name: str, data: bytes, mode: int) -> Path:
    temp = folder / f".{name}.{secrets.token_hex(8)}.tmp"
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW | _BINARY, mode)
    try:
        with os.fdopen(descriptor, "wb", closefd=False) as handle:
            handle.write(data)
    except BaseException:
        os.close(descriptor)
        temp.unlink(missing_ok=True)
        raise
    os.close(descriptor)
    return temp


def _write_new(folder: Path, name: str, data: bytes) -> None:
    """Write `data` to a new file and rename it to `name`: a link named `name` is replaced, not followed."""
    temp = _write_temp(folder, name, data, 0o600)
    try:
        os.replace(temp, folder / name)
    finally:
        temp.unlink(missing_ok=True)


def _safe_folder(root: Path, parts: tuple[str, ...]) -> bool:
    """Make `root/part/part...` one level at a time; False when any level is a link or not a folder."""
    folder = root
    for part in (None, *parts):
        if part is not None:
            folder = folder / part
        try:
            folder.mkdir(mode=0o700, parents=part is None)
        except FileExistsError:
            pass
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode):  # a link (even to a folder), a file
            return False
    return True


_FOLDER_NAME = re.compile(r"^[0-9][\w.+]*-[0-9a-f]{16}$")


def _prune_other_versions(current: Path) -> None:
    """A new planlint (or an edited one) starts a new folder; the old ones would only grow."""
    for sibling in current.parent.iterdir():
        if sibling != current and _FOLDER_NAME.match(sibling.name) and not sibling.is_symlink() and sibling.is_dir():
            shutil.rmtree(sibling, ignore_errors=True)


_MARKERS = {
    # https://bford.info/cachedir/: backup tools skip the folder.
    "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# planlint's cache: safe to delete.\n",
    # If --cache-dir puts it inside a repository, it is never committed (as ruff does).
    ".gitignore": "# Created by planlint: the cache is never committed.\n*\n",
}


def _mark_cache_folder(root: Path) -> None:
    for name, text in _MARKERS.items():
        if not os.path.lexists(root / name):
            _write_new(root, name, text.encode())
