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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from planlint.model.plan import Block, Consumes, Derive, Goal, PlanFile, Produces, references

# Statement facts: ("c", name) consumes, ("p", name) produces, ("d", name, inputs) derive,
# ("g", metric, line, column) goal. A block: (kind, name, line, column, statement facts).
StatementFacts = tuple[object, ...]
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
                found.add(fact[1])  # type: ignore[arg-type]
                if fact[0] == "d":
                    found.update(fact[2])  # type: ignore[arg-type]
        return found

    def goals(self, path: str) -> Iterator[tuple[GoalId, str]]:
        """Each goal's id and metric."""
        for *_, statements in self.blocks:
            for fact in statements:
                if fact[0] == "g":
                    yield (path, fact[2], fact[3]), fact[1]  # type: ignore[misc]

    def edges(self) -> set[tuple[str, str]]:
        """(input, dependent) pairs: a derive's inputs feed its name, and a team's consumptions feed
        the metrics of its goals (what a goal's judgement follows)."""
        found: set[tuple[str, str]] = set()
        for *_, statements in self.blocks:
            consumed = [f[1] for f in statements if f[0] == "c"]
            for fact in statements:
                if fact[0] == "d":
                    found.update((name, fact[1]) for name in fact[2])  # type: ignore[union-attr]
                elif fact[0] == "g":
                    found.update((name, fact[1]) for name in consumed if name != fact[1])  # type: ignore[misc]
        return found

    def produced(self) -> set[str]:
        return {f[1] for *_, statements in self.blocks for f in statements if f[0] in ("p", "d")}  # type: ignore[misc]

    def derive_inputs(self) -> set[tuple[str, tuple[str, ...]]]:
        return {(f[1], f[2]) for *_, statements in self.blocks for f in statements if f[0] == "d"}  # type: ignore[misc]


Place = tuple[str, int]  # (path, line) of a block's header


@dataclass(frozen=True, slots=True)
class Declarations:
    """Which blocks count: the first declaration of each team and of the org, in path order, as
    `InterlockGraph.build` decides it; later ones are duplicates of the first."""

    counting: dict[tuple[str, str], Place]  # (kind, name) -> the block that counts
    first_of: dict[Place, Place]  # a duplicate -> the block that counts instead

    @classmethod
    def of(cls, headers: Iterable[tuple[str, int, str, str]]) -> Declarations:
        counting: dict[tuple[str, str], Place] = {}
        first_of: dict[Place, Place] = {}
        first_org: Place | None = None
        for path, line, kind, name in sorted(headers):
            first = (
                counting.get((kind, name))
                or (first_org if kind == "org" else None)
                or counting.get(("team", name))
                or counting.get(("org", name))
            )
            if first is not None:
                first_of[(path, line)] = first
                continue
            counting[(kind, name)] = (path, line)
            if kind == "org" and first_org is None:
                first_org = (path, line)
        return cls(counting, first_of)

    def block_named(self, team: str) -> Place | None:
        return self.counting.get(("team", team)) or self.counting.get(("org", team))

    def counts(self, place: Place) -> bool:
        return place not in self.first_of


def _block_facts(block: Block) -> BlockFacts:
    facts: list[StatementFacts] = []
    for statement in block.statements:
        kind = type(statement)
        if kind is Consumes:
            facts.append(("c", statement.name))  # type: ignore[union-attr]
        elif kind is Produces:
            facts.append(("p", statement.name))  # type: ignore[union-attr]
        elif kind is Derive:
            facts.append(("d", statement.name, tuple(r.name for r in references(statement.expr))))  # type: ignore[union-attr]
        elif kind is Goal:
            facts.append(("g", statement.metric, statement.span.line, statement.span.column))  # type: ignore[union-attr]
    return (block.kind, block.name, block.span.line, block.span.column, tuple(facts))


@dataclass
class PlanIndex:
    """Every file's facts, and the maps across files that an edit's reach is worked out from."""

    files: dict[str, FileFacts] = field(default_factory=dict)
    naming: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> paths naming it, sorted
    produced: set[str] = field(default_factory=set)
    dependents: dict[str, tuple[str, ...]] = field(default_factory=dict)  # input -> names it feeds

    @classmethod
    def of(cls, files: dict[str, FileFacts]) -> PlanIndex:
        index = cls()
        for path in sorted(files):
            index.add(path, files[path])
        return index

    def add(self, path: str, facts: FileFacts) -> None:
        self.files[path] = facts
        for name in facts.names():
            self.naming[name] = tuple(sorted({*self.naming.get(name, ()), path}))
        self.produced.update(facts.produced())
        for source, target in facts.edges():
            found = self.dependents.get(source, ())
            if target not in found:
                self.dependents[source] = (*found, target)

    def remove(self, path: str) -> FileFacts | None:
        """Take a file out; its facts (None when it was not in)."""
        facts = self.files.pop(path, None)
        if facts is None:
            return None
        for name in facts.names():
            left = tuple(p for p in self.naming.get(name, ()) if p != path)
            self._set(self.naming, name, left)
            if name in self.produced and not any(name in self.files[p].produced() for p in left):
                self.produced.discard(name)
        edges = facts.edges()
        for source in {s for s, _ in edges}:
            still = {t for p in self.naming.get(source, ()) for s, t in self.files[p].edges() if s == source}
            self._set(self.dependents, source, tuple(t for t in self.dependents.get(source, ()) if t in still))
        return facts

    @staticmethod
    def _set(mapping: dict[str, tuple[object, ...]], key: str, value: tuple[object, ...]) -> None:
        if value:
            mapping[key] = value
        else:
            mapping.pop(key, None)

    def declarations(self) -> Declarations:
        return Declarations.of(
            (path, line, kind, name) for path, facts in self.files.items() for kind, name, line, _, _ in facts.blocks
        )

    def closure(self, names: Iterable[str], extra: Iterable[tuple[str, str]] = ()) -> set[str]:
        """`names` and every name that depends on one of them, through derivations and goals,
        following also the `extra` (input, dependent) edges (those an edit took away)."""
        more: dict[str, list[str]] = {}
        for source, target in extra:
            more.setdefault(source, []).append(target)
        reached = set(names)
        stack = list(reached)
        dependents = self.dependents
        while stack:
            name = stack.pop()
            for target in (*dependents.get(name, ()), *more.get(name, ())):
                if target not in reached:
                    reached.add(target)
                    stack.append(target)
        return reached

    def edges_of(self, paths: Iterable[str]) -> set[tuple[str, str]]:
        return {edge for path in paths if path in self.files for edge in self.files[path].edges()}

    def goal_metrics(self, metric: str) -> list[GoalId]:
        """The goals set on `metric`, anywhere in the plan."""
        return [
            goal
            for path in self.naming.get(metric, ())
            for goal, name in self.files[path].goals(path)
            if name == metric
        ]

    def area_unresolved(self, areas: set[str]) -> set[str]:
        """Consumed names of these areas that no team produces."""
        return {name for name in self.naming if name.split(".", 1)[0] in areas and name not in self.produced}
