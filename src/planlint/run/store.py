"""Where incremental checking keeps a plan's state between runs: one SQLite database.

A run after a small edit reads a few hundred of the plan's names out of
hundreds of thousands, and writes back as few; a database answers that in
the time of the edit, where a file of the whole state would be read and
written whole on every run. It is a cache: written without waiting for the
disk, and anything unreadable or from another planlint or configuration is
thrown away and rebuilt (`Store.open` returns None, the caller starts over).

Tables: `meta` (the key the state was made for, and small whole values),
`files` (path, content hash, facts, block headers), `naming` (name -> its
files), `dependents` (name -> the names it feeds), `vals` (derived name ->
its value), `findings` (every subject's findings, pickled with the cache's
restricted loader, as one value) and `later_findings` (the findings of the
subjects judged since `findings` was written, one row each: an edit writes
what it judged, not the whole plan's findings; they are folded into
`findings` once there are `FOLD_AT` of them).
"""

from __future__ import annotations

import json
import marshal
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeAlias

from planlint.rulebook.finding import Finding
from planlint.run.cache import dump_model, load_model

SCHEMA_VERSION = "2"
_SCHEMA = """
create table meta (name text primary key, value blob) without rowid;
create table files (path text primary key, digest text, facts blob, headers blob) without rowid;
create table naming (name text primary key, files text) without rowid;
create table dependents (name text primary key, targets text) without rowid;
create table vals (name text primary key, value blob) without rowid;
create table findings (found blob);
create table later_findings (subject text primary key, found blob) without rowid;
"""
_TABLES = ("meta", "files", "naming", "dependents", "vals", "findings", "later_findings")
FOLD_AT = 500  # later subjects kept a row each; reading a row costs ~10 times its share of the whole
_MANY = 500  # names per query, under SQLite's limit of parameters


# What marshal writes, as the meta table keeps it: plain data (typeshed's marshal takes these).
Plain: TypeAlias = bool | int | float | str | bytes | tuple["Plain", ...] | list[Any] | dict[Any, Any] | None


class Store:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def open(cls, path: Path, key: str) -> Store | None:
        """The store at `path` when it holds a state made for `key`; None otherwise."""
        if not path.is_file():  # connecting would make it
            return None
        try:
            store = cls(_connect(path))
            if store.meta("schema") == SCHEMA_VERSION and store.meta("key") == key:
                return store
            store.close()
        except (sqlite3.Error, ValueError, EOFError, TypeError):  # missing, damaged, from another planlint
            pass
        return None

    @classmethod
    def create(cls, path: Path | str, key: str) -> Store:
        """An empty store at `path` for `key` (whatever was there is replaced); ":memory:" for one
        kept in this process only."""
        if str(path) != ":memory:":
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        store = cls(_connect(path))
        store._db.executescript(_SCHEMA)
        store.set_meta("schema", SCHEMA_VERSION)
        store.set_meta("key", key)
        return store

    def close(self) -> None:
        self._db.close()

    def commit(self) -> None:
        self._db.commit()

    # Small whole values --------------------------------------------------------------

    def meta(self, name: str) -> Any:
        """The value `set_meta` kept under `name` (of the type it was given), or None."""
        row = self._db.execute("select value from meta where name = ?", (name,)).fetchone()
        return marshal.loads(row[0]) if row is not None else None

    def set_meta(self, name: str, value: Plain) -> None:
        self._db.execute("insert or replace into meta values (?, ?)", (name, marshal.dumps(value)))

    # The index -----------------------------------------------------------------------

    def digests(self) -> dict[str, str]:
        return dict(self._db.execute("select path, digest from files"))

    def facts(self, path: str) -> bytes:
        return self._one("select facts from files where path = ?", path) or b""

    def headers(self) -> dict[str, tuple[tuple[str, str], ...]]:
        return {path: marshal.loads(headers) for path, headers in self._db.execute("select path, headers from files")}

    def naming(self, name: str) -> str | None:
        files: str | None = self._one("select files from naming where name = ?", name)
        return files

    def names_with_prefix(self, prefix: str) -> list[str]:
        """Every name starting with `prefix` (a range of the table's key: no scan)."""
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return [
            row[0] for row in self._db.execute("select name from naming where name >= ? and name < ?", (prefix, end))
        ]

    def dependents(self, name: str) -> str | None:
        targets: str | None = self._one("select targets from dependents where name = ?", name)
        return targets

    def dependents_many(self, names: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(names), _MANY):
            chunk = names[start : start + _MANY]
            query = f"select name, targets from dependents where name in ({','.join('?' * len(chunk))})"
            found.update(self._db.execute(query, chunk))
        return found

    def write_index(
        self,
        files: Iterable[tuple[str, str, bytes, tuple[tuple[str, str], ...]]],
        naming: Iterable[tuple[str, str]],
        dependents: Iterable[tuple[str, str]],
    ) -> None:
        self._db.executemany(
            "insert into files values (?, ?, ?, ?)",
            ((path, digest, facts, marshal.dumps(headers)) for path, digest, facts, headers in files),
        )
        self._db.executemany("insert into naming values (?, ?)", naming)
        self._db.executemany("insert into dependents values (?, ?)", dependents)

    def write_changes(
        self,
        files: dict[str, tuple[str, bytes, tuple[tuple[str, str], ...]] | None],
        naming: dict[str, str | None],
        dependents: dict[str, str | None],
    ) -> None:
        """Rows to replace (a value) or delete (None), by table."""
        for path, row in files.items():
            if row is None:
                self._db.execute("delete from files where path = ?", (path,))
            else:
                digest, facts, headers = row
                self._db.execute(
                    "insert or replace into files values (?, ?, ?, ?)", (path, digest, facts, marshal.dumps(headers))
                )
        self._replace("naming", naming)
        self._replace("dependents", dependents)

    # Values and findings ---------------------------------------------------------------

    def value(self, name: str) -> bytes | None:
        value: bytes | None = self._one("select value from vals where name = ?", name)
        return value

    def write_values(self, values: Mapping[str, bytes | None]) -> None:
        self._replace("vals", values)

    def findings(self) -> dict[tuple[object, ...], list[Finding]]:
        """Every subject's findings (subjects without findings are left out)."""
        row = self._db.execute("select found from findings").fetchone()
        found = _checked_findings(load_model(row[0]) if row is not None else {})
        for written, blob in self._db.execute("select subject, found from later_findings"):
            subject = tuple(json.loads(written))
            later = _checked_findings({subject: load_model(blob)})[subject]
            if later:
                found[subject] = later
            else:  # judged again, and found nothing
                found.pop(subject, None)
        return found

    def write_findings(
        self, findings: dict[tuple[object, ...], list[Finding]], judged: Iterable[tuple[object, ...]] | None = None
    ) -> None:
        """Keep every subject's findings: only the `judged` subjects' (a row each) while fewer
        than `FOLD_AT` are kept that way, else (or with `judged` None) all of them, as one value."""
        if judged is not None:
            rows = [(json.dumps(subject), dump_model(findings.get(subject, []))) for subject in judged]
            (kept,) = self._db.execute("select count(*) from later_findings").fetchone()
            if kept + len(rows) < FOLD_AT:
                self._db.executemany("insert or replace into later_findings values (?, ?)", rows)
                return
        self._db.execute("delete from later_findings")
        self._db.execute("delete from findings")
        self._db.execute("insert into findings values (?)", (dump_model(findings),))

    # ---------------------------------------------------------------------------------

    def _one(self, query: str, key: str) -> Any:
        """The one column the query selects, of the row `key` names (the column's type), or None."""
        row = self._db.execute(query, (key,)).fetchone()
        return row[0] if row is not None else None

    def _replace(self, table: str, rows: Mapping[str, object]) -> None:
        assert table in _TABLES
        gone = [(key,) for key, value in rows.items() if value is None]
        kept = [(key, value) for key, value in rows.items() if value is not None]
        key = "subject" if table == "findings" else "name"
        self._db.executemany(f"delete from {table} where {key} = ?", gone)
        self._db.executemany(f"insert or replace into {table} values (?, ?)", kept)


def _connect(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=5, isolation_level="DEFERRED")
    db.execute("pragma journal_mode = delete")
    db.execute("pragma synchronous = off")  # a cache: after a crash it is rebuilt, never trusted blindly
    return db


def _checked_findings(loaded: object) -> dict[tuple[object, ...], list[Finding]]:
    if not isinstance(loaded, dict) or not all(
        isinstance(k, tuple) and isinstance(v, list) and all(isinstance(f, Finding) for f in v)
        for k, v in loaded.items()
    ):
        raise ValueError("the stored findings are not findings")
    return loaded
