"""The plan index: what every file says, in names only, kept between runs.

Enough to know, without parsing a file, which names its statements name,
which teams it declares, which derivations and goals it holds; and, across
files, which files name a name and which names depend on it. The
incremental engine (`run/incremental.py`) reads it to work out what an edit
touches, and `LoadingGraph` to load only the files a judgement asks about.

Everything is plain data (str, int, tuple, dict, set), so that it pickles
fast and the cache's restricted loader accepts it.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from planlint.model.plan import Block, Consumes, Derive, Goal, PlanFile, Produces, references

if TYPE_CHECKING:
    from planlint.run.store import Store

# Statement facts: ("c", name) consumes, ("p", name) produces, ("d", name, inputs) derive,
# ("g", metric, line, column) goal. A block: (kind, name, line, column, statement facts).
StatementFacts = (
    tuple[Literal["c", "p"], str] | tuple[Literal["d"], str, tuple[str, ...]] | tuple[Literal["g"], str, int, int]
)
BlockFacts = tuple[str, str, int, int, tuple[StatementFacts, ...]]
GoalId = tuple[str, int, int]  # (path, line, column) of a goal statement


@dataclass(frozen=True, slots=True)
class FileFacts:
    digest: str
    blocks: tuple[BlockFacts, ...]
    problem: bool  # the file could not be read as a plan

    @classmethod
    def of(cls, plan_file: PlanFile, digest: str) -> FileFacts:
        return cls(digest, tuple(_block_facts(block) for block in plan_file.blocks), plan_file.problem is not None)

    def names(self) -> set[str]:
        """Every name a statement of the file names: produced, derived, consumed, a derive's input, a goal's metric."""
        found: set[str] = set()
        for *_, statements in self.blocks:
            for fact in statements:
                found.add(fact[1])
                if fact[0] == "d":
                    found.update(fact[2])
        return found

    def goals(self, path: str) -> Iterator[tuple[GoalId, str]]:
        """Each goal's id and metric."""
        for *_, statements in self.blocks:
            for fact in statements:
                if fact[0] == "g":
                    yield (path, fact[2], fact[3]), fact[1]

    def edges(self) -> set[tuple[str, str]]:
        """(input, dependent) pairs: a derive's inputs feed its name, and a team's consumptions feed
        the metrics of its goals (what a goal's judgement follows)."""
        found: set[tuple[str, str]] = set()
        for *_, statements in self.blocks:
            consumed = [f[1] for f in statements if f[0] == "c"]
            for fact in statements:
                if fact[0] == "d":
                    found.update((name, fact[1]) for name in fact[2])
                elif fact[0] == "g":
                    found.update((name, fact[1]) for name in consumed if name != fact[1])
        return found

    def produced(self) -> set[str]:
        return {f[1] for *_, statements in self.blocks for f in statements if f[0] in ("p", "d")}

    def headers(self) -> tuple[tuple[str, str], ...]:
        """Each block's kind and name, in file order."""
        return tuple((kind, name) for kind, name, *_ in self.blocks)

    def producer_facts(self) -> tuple[StatementFacts, ...]:
        """The `produces` and `derive` facts (name, and a derive's inputs) in file order: what
        loops follow (the first producer of a name counts)."""
        return tuple(f for *_, statements in self.blocks for f in statements if f[0] in ("p", "d"))


Place = tuple[str, int]  # (path, position of the block in its file): not its line, which a comment moves


@dataclass(frozen=True, slots=True)
class Declarations:
    """Which blocks count: the first declaration of each team and of the org, in path order, as
    `InterlockGraph.build` decides it; later ones are duplicates of the first."""

    counting: dict[tuple[str, str], Place]  # (kind, name) -> the block that counts
    first_of: dict[Place, Place]  # a duplicate -> the block that counts instead

    @classmethod
    def of(cls, headers: Iterable[tuple[str, int, str, str]]) -> Declarations:
        """From each block's (path, position, kind, name)."""
        counting: dict[tuple[str, str], Place] = {}
        first_of: dict[Place, Place] = {}
        first_org: Place | None = None
        for path, position, kind, name in sorted(headers):
            first = (
                counting.get((kind, name))
                or (first_org if kind == "org" else None)
                or counting.get(("team", name))
                or counting.get(("org", name))
            )
            if first is not None:
                first_of[(path, position)] = first
                continue
            counting[(kind, name)] = (path, position)
            if kind == "org" and first_org is None:
                first_org = (path, position)
        return cls(counting, first_of)

    def block_named(self, team: str) -> Place | None:
        return self.counting.get(("team", team)) or self.counting.get(("org", team))

    def counts(self, place: Place) -> bool:
        return place not in self.first_of


def _block_facts(block: Block) -> BlockFacts:
    facts: list[StatementFacts] = []
    for statement in block.statements:
        if type(statement) is Consumes:
            facts.append(("c", statement.name))
        elif type(statement) is Produces:
            facts.append(("p", statement.name))
        elif type(statement) is Derive:
            facts.append(("d", statement.name, tuple(r.name for r in references(statement.expr))))
        elif type(statement) is Goal:
            facts.append(("g", statement.metric, statement.span.line, statement.span.column))
    return (block.kind, block.name, block.span.line, block.span.column, tuple(facts))


class PlanIndex:
    """Every file's facts, and the maps across files that an edit's reach is worked out from.

    Kept in a `Store` (an SQLite database in the cache folder), and read one name at a time: a
    run after a small edit asks about a few hundred of the plan's names. What it reads and
    changes is held in memory until `flush` writes the changes back.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self.digests = store.digests()  # path -> content hash
        self._facts: dict[str, FileFacts] = {}
        self._naming: dict[str, str] = {}  # name -> "P" or "-" (produced?), then its files; "" for none
        self._dependents: dict[str, str] = {}  # input -> the names it feeds; "" for none
        self._changed_files: set[str] = set()
        self._changed_names: set[str] = set()
        self._changed_dependents: set[str] = set()
        self._declarations: Declarations | None = None

    @classmethod
    def build(cls, store: Store, files: dict[str, FileFacts]) -> PlanIndex:
        """Write the index of a whole plan into `store` at once."""
        naming: dict[str, set[str]] = {}
        produced: set[str] = set()
        dependents: dict[str, dict[str, None]] = {}
        for path in sorted(files):
            facts = files[path]
            for name in facts.names():
                naming.setdefault(name, set()).add(path)
            produced.update(facts.produced())
            for source, target in facts.edges():
                dependents.setdefault(source, {})[target] = None
        store.write_index(
            ((path, f.digest, _encoded(f), f.headers()) for path, f in files.items()),
            ((name, ("P" if name in produced else "-") + _SEP.join(sorted(paths))) for name, paths in naming.items()),
            ((name, _SEP.join(targets)) for name, targets in dependents.items()),
        )
        return cls(store)

    def flush(self) -> None:
        """Write what changed since the index was read."""
        self._store.write_changes(
            {
                path: (self.digests[path], _encoded(self._facts[path]), self._facts[path].headers())
                if path in self.digests
                else None
                for path in self._changed_files
            },
            {name: self._naming.get(name) or None for name in self._changed_names},
            {name: self._dependents.get(name) or None for name in self._changed_dependents},
        )
        self._changed_files, self._changed_names, self._changed_dependents = set(), set(), set()

    # Files -----------------------------------------------------------------------

    def __contains__(self, path: object) -> bool:
        return path in self.digests

    def paths(self) -> list[str]:
        return sorted(self.digests)

    def facts(self, path: str) -> FileFacts:
        found = self._facts.get(path)
        if found is None:
            blocks, problem = marshal.loads(self._store.facts(path))
            found = self._facts[path] = FileFacts(self.digests[path], blocks, problem)
        return found

    def add(self, path: str, facts: FileFacts) -> None:
        self.digests[path] = facts.digest
        self._facts[path] = facts
        self._changed_files.add(path)
        self._declarations = None
        produced = facts.produced()
        for name in facts.names():
            paths = {*self.files_naming(name), path}
            flag = "P" if name in produced or self.is_produced(name) else "-"
            self._set_naming(name, flag + _SEP.join(sorted(paths)))
        for source, target in facts.edges():
            found = self.dependents_of(source)
            if target not in found:
                self._set_dependents(source, _SEP.join((*found, target)))

    def remove(self, path: str) -> FileFacts | None:
        """Take a file out; its facts (None when it was not in)."""
        if path not in self.digests:
            return None
        facts = self.facts(path)
        del self.digests[path], self._facts[path]
        self._changed_files.add(path)
        self._declarations = None
        for name in facts.names():
            left = [p for p in self.files_naming(name) if p != path]
            produced = bool(left) and self.is_produced(name) and any(name in self.facts(p).produced() for p in left)
            self._set_naming(name, ("P" if produced else "-") + _SEP.join(left) if left else "")
        for source in {s for s, _ in facts.edges()}:
            still = {t for p in self.files_naming(source) for s, t in self.facts(p).edges() if s == source}
            self._set_dependents(source, _SEP.join(t for t in self.dependents_of(source) if t in still))
        return facts

    # Names -----------------------------------------------------------------------

    def files_naming(self, name: str) -> tuple[str, ...]:
        """The files whose statements name `name`, in path order."""
        found = self._entry(self._naming, name, self._store.naming)
        return tuple(found[1:].split(_SEP)) if found else ()

    def is_produced(self, name: str) -> bool:
        """Whether some block produces or derives `name` (one that does not count included)."""
        return self._entry(self._naming, name, self._store.naming)[:1] == "P"

    def has_name(self, name: str) -> bool:
        return bool(self._entry(self._naming, name, self._store.naming))

    def names_in_areas(self, areas: set[str]) -> list[str]:
        """Every name of these areas (`leads` for leads.volume), as the index stands now."""
        stored = {name for area in areas for name in self._store.names_with_prefix(f"{area}.")}
        pending = {name for name in self._naming if name.split(".", 1)[0] in areas}
        return sorted(name for name in stored | pending if self.has_name(name))

    def dependents_of(self, name: str) -> tuple[str, ...]:
        found = self._entry(self._dependents, name, self._store.dependents)
        return tuple(found.split(_SEP)) if found else ()

    @staticmethod
    def _entry(memo: dict[str, str], name: str, read: Callable[[str], str | None]) -> str:
        found = memo.get(name)
        if found is None:
            found = memo[name] = read(name) or ""
        return found

    def _set_naming(self, name: str, value: str) -> None:
        self._naming[name] = value
        self._changed_names.add(name)

    def _set_dependents(self, name: str, value: str) -> None:
        self._dependents[name] = value
        self._changed_dependents.add(name)

    def declarations(self) -> Declarations:
        if self._declarations is None:
            headers = self._store.headers()
            for path in self._changed_files:  # the headers of files changed since the store was read
                headers.pop(path, None)
                if path in self.digests:
                    headers[path] = self._facts[path].headers()
            self._declarations = Declarations.of(
                (path, position, kind, name)
                for path, blocks in headers.items()
                for position, (kind, name) in enumerate(blocks)
            )
        return self._declarations

    def closure(self, names: Iterable[str], extra: Iterable[tuple[str, str]] = ()) -> set[str]:
        """`names` and every name that depends on one of them, through derivations and goals,
        following also the `extra` (input, dependent) edges (those an edit took away)."""
        more: dict[str, list[str]] = {}
        for source, target in extra:
            more.setdefault(source, []).append(target)
        reached = set(names)
        level = list(reached)
        while level:  # a level at a time: one query for the names the store has not given yet
            self._store_prefetch(level)
            following = []
            for name in level:
                for target in (*self.dependents_of(name), *more.get(name, ())):
                    if target not in reached:
                        reached.add(target)
                        following.append(target)
            level = following
        return reached

    def _store_prefetch(self, names: list[str]) -> None:
        missing = [name for name in names if name not in self._dependents]
        if missing:
            found = self._store.dependents_many(missing)
            for name in missing:
                self._dependents[name] = found.get(name) or ""

    def edges_of(self, paths: Iterable[str]) -> set[tuple[str, str]]:
        return {edge for path in paths if path in self.digests for edge in self.facts(path).edges()}

    def goal_metrics(self, metric: str) -> list[GoalId]:
        """The goals set on `metric`, anywhere in the plan."""
        return [
            goal for path in self.files_naming(metric) for goal, name in self.facts(path).goals(path) if name == metric
        ]


def _encoded(facts: FileFacts) -> bytes:
    return marshal.dumps((facts.blocks, facts.problem))


_SEP = "\x00"  # between paths and names in one string: no name or path holds it
