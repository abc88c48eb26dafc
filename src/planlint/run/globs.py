"""Globs of the configuration (`include`, `exclude`, `per-path-ignores`), matched in linear time.

gitignore-like: a glob matches a path or a folder above it; a glob without `/`
matches any name on the path; `**` as a whole segment is any number of folders
(elsewhere it is `*`); `*` and `?` stay within one name; `[abc]` and `[!abc]`
are one character of a set.

`planlint.toml` comes with the pull request, so a glob is hostile input: a
regular expression with several `*` (`*a*a*a*a*b`) would backtrack for minutes
on a long name. Here each name is matched by a regular expression whose
stars, after the first, find their next piece once and never retry (a
lookahead, which Python never backtracks into), and `**` folders by a set of
states: the work is proportional to the glob's length times the path's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from planlint.language.limits import LIMITS


class BadGlob(ValueError):
    """A glob planlint cannot read; the message says why."""


class _AnyFolders:
    """`**` as a whole segment: zero or more names."""


ANY_FOLDERS = _AnyFolders()
Segment = re.Pattern[str] | _AnyFolders


def compile_glob(pattern: str) -> tuple[str | None, tuple[Segment, ...], bool]:
    """(the name itself when the glob is a plain name, its segments, whether it matches any name on
    a path). Raises `BadGlob`."""
    if len(pattern) > LIMITS.glob_chars:
        raise BadGlob(f"a glob of {len(pattern):,} characters; planlint reads globs of up to {LIMITS.glob_chars:,}")
    return _compiled(pattern)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> tuple[str | None, tuple[Segment, ...], bool]:
    pattern = pattern.removeprefix("./").rstrip("/")
    names = pattern.split("/")
    if len(names) == 2 and names[0] == "**":  # `**/x`: x anywhere, as a name without `/`
        names = names[1:]
    elif len(names) > 1 and names[-1] == "**":  # `x/**`: what is inside x, not x itself
        names[-1] = "*"
    if len(names) == 1 and not any(c in pattern for c in "*?["):
        return pattern, (), True
    return None, tuple(ANY_FOLDERS if name == "**" else _name_regex(name) for name in names), len(names) == 1


def glob_matches(pattern: str, parts: list[str]) -> bool:
    """Whether the glob matches the path of `parts` (its names) or a folder above it."""
    plain, segments, any_name = compile_glob(pattern)
    if plain is not None:
        return plain in parts
    if any_name:
        only = segments[0]
        if isinstance(only, _AnyFolders):
            return bool(parts)
        return any(only.fullmatch(part) for part in reversed(parts))  # `*.plan`: the file's own name, first
    return _walk_states(segments, _skip_folders({0}, segments), parts) is None


def _walk_states(segments: tuple[Segment, ...], states: set[int], parts: Iterable[str]) -> set[int] | None:
    """The glob's states after `parts`, from `states`; None once the glob has matched a path."""
    end = len(segments)
    for part in parts:
        following = set()
        for index in states:
            if index < end:
                segment = segments[index]
                if isinstance(segment, _AnyFolders):
                    following.add(index)
                elif segment.fullmatch(part):
                    following.add(index + 1)
        states = _skip_folders(following, segments)
        if end in states:
            return None
    return states


Pending = list[tuple[str | None, tuple[Segment, ...], set[int]]]  # each glob: its name, or its states


class GlobSet:
    """Whether any of some globs matches a path, asked of every file found: what a folder's names
    decide is worked out once per folder, so 10,000 files in a few folders cost a name match each."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self._globs = [(pattern, *compile_glob(pattern)) for pattern in patterns]
        self._folders: dict[tuple[str, ...], Pending | None] = {}

    def matches(self, parts: list[str]) -> bool:
        """`glob_matches` of any of the globs."""
        if not parts:
            return False
        folders = tuple(parts[:-1])
        if folders not in self._folders:
            self._folders[folders] = self._after(folders)
        pending = self._folders[folders]
        if pending is None:  # a folder above matched
            return True
        name = parts[-1]
        for plain, segments, states in pending:
            if plain is not None:
                if plain == name:
                    return True
            elif len(segments) == 1 and isinstance(segments[0], re.Pattern):  # a name's glob (`*.plan`)
                if segments[0].fullmatch(name):
                    return True
            elif _walk_states(segments, states, (name,)) is None:
                return True
        return False

    def _after(self, folders: tuple[str, ...]) -> Pending | None:
        """None when a glob matches one of the folders; else what each glob still waits for."""
        pending: Pending = []
        for pattern, plain, segments, any_name in self._globs:
            if plain is not None or any_name:  # a name (or a name glob) anywhere on the path
                if folders and glob_matches(pattern, list(folders)):
                    return None
                pending.append((plain, segments, _skip_folders({0}, segments)))
                continue
            states = _walk_states(segments, _skip_folders({0}, segments), folders)
            if states is None:
                return None
            pending.append((None, segments, states))
        return pending


def _skip_folders(states: set[int], segments: tuple[Segment, ...]) -> set[int]:
    """The states, and those `**` (zero folders) leads on to."""
    todo = list(states)
    while todo:
        index = todo.pop()
        if index < len(segments) and segments[index] is ANY_FOLDERS and index + 1 not in states:
            states.add(index + 1)
            todo.append(index + 1)
    return states


def _name_regex(name: str) -> re.Pattern[str]:
    """One name's glob as a regular expression that cannot backtrack much (see the module)."""
    pieces = [_piece(text) for text in re.split(r"\*+", name)]
    if len(pieces) <= 2:  # at most one star: nothing to retry
        body = "[^/]*".join(pieces)
    else:  # first piece anchored, middle pieces each found once at their earliest, last at the end
        middle = "".join(f"(?=(.*?{piece}))\\{group}" for group, piece in enumerate(pieces[1:-1], start=1))
        body = f"{pieces[0]}{middle}.*{pieces[-1]}"
    try:
        return re.compile(body, re.DOTALL)
    except re.error as err:
        raise BadGlob(f"'{name}' is not a glob planlint can read ({err.msg})") from None


def _piece(text: str) -> str:
    """Text between stars: literal characters, `?` and `[...]`, each one character."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "?":
            out.append("[^/]")
        elif char == "[" and (end := text.find("]", i + 2)) != -1:
            body = text[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)
