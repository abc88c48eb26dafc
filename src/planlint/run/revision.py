"""A revision of the plan, read from git's object store: never by checking anything out, so
the working tree and the index are left exactly as they are (`git ls-tree` and one
`git cat-file --batch`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from planlint.language.limits import LIMITS
from planlint.run.config import (
    ALWAYS_EXCLUDED,
    CONFIG_NAME,
    PYPROJECT,
    Config,
    ConfigError,
    declares_planlint,
    start_folder,
)
from planlint.run.files import PLAN_SUFFIX, Source, shown_name, too_large
from planlint.run.problems import UsageError

_BLOB_MODES = ("100644", "100755")


def resolve_commit(rev: str, cwd: Path) -> str:
    if rev.startswith("-"):
        raise UsageError(f"'{rev}' is not a revision")
    found = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd,
        problem=f"'{rev}' is not a commit in this repository (in CI, fetch it first: git fetch origin {rev})",
    )
    return found.decode().strip()


def plan_blobs(commit: str, paths: list[Path], config: Config, cwd: Path) -> list[tuple[str, str, int]]:
    """(path relative to cwd, blob id, size) of each plan file, sorted by path as `check` sorts them.

    Only regular files: a link (mode 120000) is never followed into the file system, nor its
    text taken for a plan file's."""
    output = _git(["ls-tree", "-r", "-l", "-z", commit, "--", *[p.as_posix() for p in paths]], cwd)
    explicit = {p.as_posix().removeprefix("./") for p in paths}
    found = []
    for entry in output.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid, size = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode in _BLOB_MODES and _is_plan(path, explicit, config, cwd):
            found.append((path, oid, int(size)))
    return sorted(found)


def _is_plan(path: str, explicit: set[str], config: Config, cwd: Path) -> bool:
    """The same choice `files.discover` makes for a file on disk."""
    if path in explicit:
        return True
    if not path.endswith(PLAN_SUFFIX) or any(part in ALWAYS_EXCLUDED for part in path.split("/")[:-1]):
        return False
    try:
        relative = (cwd / path).resolve().relative_to(config.root.resolve()).as_posix()
    except (ValueError, OSError):
        return True
    return config.includes(relative)


MAX_CONFIG_BYTES = 2**20


def revision_config(commit: str, paths: list[Path], cwd: Path) -> tuple[Path, bytes] | None:
    """The configuration `commit` holds for `paths`, as `find_config` finds one on disk: the nearest
    `planlint.toml` (or pyproject.toml with `[tool.planlint]`) from the paths' folder up to the
    repository's root. Its path (as it would be on disk) and bytes; None when there is none."""
    top = Path(os.fsdecode(_git(["rev-parse", "--show-toplevel"], cwd).rstrip(b"\n")))
    start = start_folder([cwd / path for path in paths])
    try:
        below = start.resolve().relative_to(top.resolve())
    except ValueError:
        return None
    folders = [below, *below.parents]
    candidates = [(folder / name).as_posix() for folder in folders for name in (CONFIG_NAME, PYPROJECT)]
    listed = {}
    for entry in _git(["ls-tree", "-z", "-l", commit, "--", *candidates], top).split(b"\0"):
        if entry:
            meta, _, name = entry.partition(b"\t")
            listed[os.fsdecode(name)] = meta.decode().split()
    for candidate in candidates:
        if candidate not in listed:
            continue
        mode, _, oid, size = listed[candidate]
        shown = f"{candidate} at {commit[:7]}"
        if mode not in _BLOB_MODES:
            raise ConfigError(f"invalid config: {shown}: it is a link; planlint reads no configuration through one")
        if int(size) > MAX_CONFIG_BYTES:
            raise ConfigError(f"invalid config: {shown}: {int(size):,} bytes, more than a configuration needs")
        (data,) = read_blobs([oid], top)
        if candidate.endswith(CONFIG_NAME) or declares_planlint(data):
            return top / candidate, data
    return None


def read_blobs(oids: list[str], cwd: Path) -> list[bytes]:
    """The contents of the blobs, in one `git cat-file --batch` process."""
    if not oids:
        return []
    output = _git(["cat-file", "--batch"], cwd, stdin=("\n".join(oids) + "\n").encode())
    contents, at = [], 0
    for oid in oids:
        end = output.index(b"\n", at)
        header = output[at:end].split()
        if len(header) != 3:
            raise UsageError(f"git could not read the object {oid}")
        size = int(header[2])
        contents.append(output[end + 1 : end + 1 + size])
        at = end + 1 + size + 1  # the content is followed by a newline
    return contents


def _git(args: list[str], cwd: Path, stdin: bytes | None = None, problem: str | None = None) -> bytes:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env)
    except FileNotFoundError:
        raise UsageError("planlint review needs git, and git is not installed here") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        if message and "not a git repository" in message[0]:
            raise UsageError("planlint review works inside a git repository, and this folder is not in one")
        raise UsageError(problem or f"git {args[0]} failed: {message[0] if message else 'no reason given'}")
    return done.stdout


def revision_sources(commit: str, paths: list[Path], config: Config, cwd: Path) -> list[tuple[str, Source]]:
    """(path relative to cwd, contents) of each plan file below `paths` in `commit`, sorted by path. A
    blob past `LIMITS.file_bytes` is not read: it gets the finding a file that large gets."""
    listed = plan_blobs(commit, paths, config, cwd)
    small = [oid for _, oid, size in listed if size <= LIMITS.file_bytes]
    contents = iter(read_blobs(small, cwd))
    return [
        (shown_name(path), next(contents) if size <= LIMITS.file_bytes else too_large(shown_name(path), size))
        for path, _, size in listed
    ]
