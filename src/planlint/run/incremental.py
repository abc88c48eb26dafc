"""Incremental checking: after an edit, judge again only the subjects whose reading changed.

Between runs the cache keeps the plan index (`run/index.py`: every file's
facts, which files name a name, which names depend on it), the value of
every derived name, and the findings of every subject before suppressions
and severities are applied. A run with some files changed:

1. works out the changed names: every name a changed (added, edited or
   removed) file names, before and after the edit, and the names of blocks
   that start or stop counting because a declaration moved;
2. works out the names whose value or derivation may have changed: the
   changed names and everything that depends on them, through derivations
   and through the consumptions that feed a team's goals;
3. judges again exactly the subjects that read them, as the rule contract
   says each kind reads: an assumption, from the statements naming it and
   what its value is computed from; a goal, from its metric's derivation
   and its tie to the shared goals; a file, from itself and where its blocks
   are declared (a `PlanRule` reads everything: with one enabled, every run
   judges the whole plan);
4. keeps every other subject's findings.

Judging reads the plan through `LoadingGraph`, which parses a file only when
a judgement asks about a name the file holds, and an evaluator that takes
the values of unchanged names from the index. The answer is exactly the
cold answer (tests/test_incremental.py holds the two equal over random edit
sequences).
"""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from planlint.analysis.evaluate import Known, Outcome, Unknown
from planlint.analysis.graph import Consumption, InterlockGraph, Producer, loops_in
from planlint.language import quantity as q
from planlint.language.source import decode
from planlint.language.span import Span
from planlint.model.plan import Block, Goal, Plan, PlanFile
from planlint.rulebook.finding import Finding
from planlint.run.files import Source, loaded
from planlint.run.index import BlockFacts, Declarations, FileFacts, GoalId, PlanIndex, StatementFacts
from planlint.run.store import Plain, Store

SubjectId = tuple[object, ...]  # ("a", name), ("g", path, line, column), ("f", path), ("p",)
StoredValue = bytes  # marshal of the outcome's plain data


class PlanState:
    """What the cache keeps between runs for one plan (in a `Store`), and what a run changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = PlanIndex(store)
        self.cycles: list[list[str]] = store.meta("cycles")
        self.shared: list[str] = store.meta("shared")  # the org goals' metrics
        self.feeding: dict[str, bool] = store.meta("feeding")
        counting, first_of = store.meta("declarations")
        self.declarations = Declarations(counting, first_of)
        self._read_values = self._whole_values()
        self.findings: dict[SubjectId, list[Finding]] = store.findings()  # every subject's, before settling
        self._values: dict[str, StoredValue | None] = {}  # values changed by this run
        self._judged: set[SubjectId] = set()  # subjects whose findings this run changed

    @classmethod
    def open(cls, path: Path, key: str) -> PlanState | None:
        """The state kept at `path` for `key`; None when there is none (or it cannot be read)."""
        store = Store.open(path, key)
        if store is None:
            return None
        try:
            return cls(store)
        except (ValueError, TypeError, EOFError, sqlite3.Error):
            store.close()
            return None

    @classmethod
    def create(
        cls,
        path: Path | str,
        key: str,
        files: dict[str, FileFacts],
        cycles: list[list[str]],
        shared: list[str],
        feeding: dict[str, bool],
        values: dict[str, StoredValue],
        findings: dict[SubjectId, list[Finding]],
    ) -> PlanState:
        """Keep the state of a whole run at `path` (":memory:" for one kept in this process only);
        the state, open."""
        store = Store.create(path, key)
        try:
            index = PlanIndex.build(store, files)
            declarations = index.declarations()
            store.set_meta("declarations", (declarations.counting, declarations.first_of))
            for name, value in (("cycles", cycles), ("shared", shared), ("feeding", feeding)):
                store.set_meta(name, value)
            store.write_values(values)
            store.write_findings(findings)
            store.commit()
        except BaseException:
            store.close()
            raise
        return cls(store)

    def _whole_values(self) -> dict[str, Plain]:
        """What is kept as one value each, as it stands (compared on saving, by identity first)."""
        declarations = (self.declarations.counting, self.declarations.first_of)
        return {"cycles": self.cycles, "shared": self.shared, "feeding": self.feeding, "declarations": declarations}

    def value(self, name: str) -> StoredValue | None:
        return self._values[name] if name in self._values else self.store.value(name)

    def set_value(self, name: str, value: StoredValue | None) -> None:
        self._values[name] = value

    def forget(self, subject: SubjectId) -> None:
        self.findings.pop(subject, None)
        self._judged.add(subject)

    def judged(self, found: dict[SubjectId, list[Finding]]) -> None:
        self.findings.update(found)
        self._judged.update(found)

    def close(self) -> None:
        self.store.close()

    def save(self, run: str | None = None) -> None:
        """Write what this run changed (the state stays open); `run`: the run's key (see
        `cache.run_key`), by which a run with nothing changed since finds the findings here."""
        self.store.set_meta("run", run)
        self.index.flush()
        for name, value in self._whole_values().items():
            if value != self._read_values[name]:  # rewritten only when this run changed them
                self.store.set_meta(name, value)
        self.store.write_values(self._values)
        if self._judged:
            self.store.write_findings(self.findings, self._judged)
        self.store.commit()
        self._read_values = self._whole_values()
        self._values, self._judged = {}, set()


# Values ------------------------------------------------------------------------


def stored_value(outcome: Outcome) -> StoredValue | None:
    """An outcome as plain data; None for one that points into the model (an invalid derivation)."""
    if isinstance(outcome, Known):
        value, unit = outcome.quantity, outcome.quantity.unit
        units = (unit.dims, unit.label, unit.percent, unit.period, unit.time_unit)
        lo, hi = value.lo, value.hi
        return marshal.dumps(("k", lo.numerator, lo.denominator, hi.numerator, hi.denominator, units))
    if outcome.node is not None:
        return None
    return marshal.dumps(("u", outcome.reason, outcome.names, outcome.detail))


def outcome_of(stored: StoredValue) -> Outcome:
    data = marshal.loads(stored)
    if data[0] == "k":
        _, lo_n, lo_d, hi_n, hi_d, units = data
        return Known(q.Quantity(Fraction(lo_n, lo_d), Fraction(hi_n, hi_d), q.Unit(*units)))
    _, reason, names, detail = data
    return Unknown(reason, tuple(names), detail)


# Reading part of a plan ---------------------------------------------------------


class LoadingPlan(Plan):
    """The files of a plan that a run has parsed so far; any file's text is at hand."""

    def __init__(self, contents: dict[str, Source]) -> None:
        super().__init__([])
        self.contents = contents
        self._text_lines: dict[str, list[str] | None] = {}

    def source_line(self, path: str, line: int) -> str | None:
        if path not in self._text_lines:
            data = loaded(path, self.contents.get(path))
            text = data.lines if isinstance(data, PlanFile) else decode(path, data) if data is not None else None
            self._text_lines[path] = text.split("\n") if isinstance(text, str) else text  # type: ignore[assignment]
        lines = self._text_lines[path]
        return lines[line - 1] if lines is not None and 0 < line <= len(lines) else None


class LoadingGraph(InterlockGraph):
    """The interlock graph of part of a plan: a file is parsed and added the first time a judgement
    asks about a name it holds (or a block it declares), so that judging a few subjects reads a
    few files. It answers exactly as the graph of the whole plan would."""

    def __init__(
        self,
        plan: LoadingPlan,
        index: PlanIndex,
        declarations: Declarations,
        parse: Callable[[str], PlanFile],
        state: PlanState,
    ) -> None:
        super().__init__(plan)
        self._index, self._declarations, self._parse, self._state = index, declarations, parse, state
        self._loaded: dict[str, PlanFile] = {}
        self._complete: set[str] = set()
        self._places: dict[Span, tuple[str, int]] = {}

    def load(self, path: str) -> PlanFile:
        """The file's model, parsed and its counting blocks added to the graph on first use."""
        plan_file = self._loaded.get(path)
        if plan_file is None:
            plan_file = self._loaded[path] = self._parse(path)
            self.plan.files.append(plan_file)
            for position, block in enumerate(plan_file.blocks):
                self._places[block.span] = (path, position)
                if self._declarations.counts((path, position)):
                    self.blocks[(block.kind, block.name)] = block
                    self._add_block(block)
        return plan_file

    def _ensure(self, name: str) -> None:
        if name in self._complete:
            return
        for path in self._index.files_naming(name):
            self.load(path)
        for found in (self.producers.get(name), self.consumptions.get(name)):
            if found:  # files load in any order; the graph keeps path order
                found.sort(key=_path_order)
        self._complete.add(name)

    def producer(self, name: str) -> Producer | None:
        self._ensure(name)
        return super().producer(name)

    def producers_of(self, name: str) -> list[Producer]:
        self._ensure(name)
        return super().producers_of(name)

    def consumptions_of(self, name: str) -> list[Consumption]:
        self._ensure(name)
        return super().consumptions_of(name)

    def goals_for(self, metric: str) -> list[Goal]:
        self._ensure(metric)
        return sorted((g for g in self.goals if g.metric == metric), key=lambda g: _span_order(g.span))

    def block_named(self, team: str) -> Block | None:
        place = self._declarations.block_named(team)
        if place is None:
            return None
        self.load(place[0])
        return super().block_named(team)

    def first_declaration(self, block: Block) -> Block | None:
        first = self._declarations.first_of.get(self._places[block.span])
        if first is None:
            return None
        return self.load(first[0]).blocks[first[1]]

    def cyclic_names(self) -> list[list[str]]:
        return [list(group) for group in self._state.cycles]

    def shared_metrics(self) -> list[str]:
        return list(self._state.shared)

    def feeds_shared_goals(self, metric: str) -> bool:
        return self._state.feeding.get(metric, metric in self._state.shared)

    def produced_in_area(self, name: str) -> list[str]:
        area = name.split(".", 1)[0]
        candidates = sorted(n for n in self._index.names_in_areas({area}) if self._index.is_produced(n))
        return [n for n in candidates if self.producer(n) is not None]  # the index counts duplicates too

    def goal_at(self, goal: GoalId) -> Goal | None:
        """The goal statement at that place, when its block counts."""
        path, line, column = goal
        for position, block in enumerate(self.load(path).blocks):
            if self._declarations.counts((path, position)):
                for statement in block.statements:
                    if isinstance(statement, Goal) and statement.span.line == line and statement.span.column == column:
                        return statement
        return None


def _span_order(span: Span) -> tuple[str, int, int]:
    return (span.path, span.line, span.column)


def _path_order(item: Producer | Consumption) -> tuple[str, int, int]:
    return _span_order(item.span)


# What an edit reaches -----------------------------------------------------------


@dataclass
class Reach:
    """The subjects an edit makes the engine judge again."""

    assumptions: set[str] = field(default_factory=set)
    goals: set[GoalId] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)  # names whose value may have changed


def apply_edit(state: PlanState, after: dict[str, FileFacts], removed: Iterable[str]) -> Reach:
    """Change the files of `after` to their new facts and take out `removed`, in `state`'s index
    (and its declarations, loops of derivations and ties to the shared goals); what the edit
    reaches."""
    index = state.index
    before = {path: index.facts(path) for path in [*after, *removed] if path in index}
    touched = {n for facts in (*before.values(), *after.values()) for n in facts.names()}
    old_edges, old_producers = index.edges_of(before), _producers_by_file(before)
    redeclared = set(before) != set(after) or any(before[p].headers() != after[p].headers() for p in after)
    for path in before:
        index.remove(path)
    for path, facts in after.items():
        index.add(path, facts)
    reach = Reach(files=set(after))
    moved: set[tuple[str, int]] = set()
    if redeclared:  # blocks added, removed or renamed: which count may have changed
        declarations = index.declarations()
        moved = _moved(state.declarations, declarations)
        state.declarations = declarations
    for path, position in moved:  # blocks of unchanged files that start or stop counting
        if path not in before and path not in after:  # a changed file's names are all touched already
            touched.update(_block_names(index.facts(path).blocks[position]))
            reach.files.add(path)
    reach.files.update(  # a duplicate's message says where the declaration that counts stands
        place[0] for place, first in state.declarations.first_of.items() if first[0] in before or first[0] in after
    )
    # Loops follow the producer that counts for each name: a `produces` added before a `derive` of
    # the same name breaks one as surely as an edited derive does.
    if moved or old_producers != _producers_by_file(after):
        cycles = cycles_of(index, state.declarations)
        touched.update(n for group in _differing(state.cycles, cycles) for n in group)
        state.cycles = cycles
    reach.values = index.closure(touched, extra=old_edges)
    produced_before = {n for facts in before.values() for n in facts.produced()}
    produced_after = {n for facts in after.values() for n in facts.produced()}
    areas = {name.split(".", 1)[0] for name in (produced_before ^ produced_after) | (touched if moved else set())}
    reach.assumptions = {n for n in (*reach.values, *index.names_in_areas(areas)) if index.has_name(n)}
    reach.goals = {goal for path, facts in after.items() for goal, _ in facts.goals(path)}
    reach.goals.update(goal for metric in reach.values for goal in index.goal_metrics(metric))
    if moved or old_edges != index.edges_of(after) or _org_changed(before, after):
        shared, feeding = ties_to_shared_goals(index, state.declarations)
        reach.goals.update(
            goal
            for metric in set(feeding) | set(state.feeding)
            if feeding.get(metric) != state.feeding.get(metric)
            for goal in index.goal_metrics(metric)
        )
        if shared != state.shared:
            reach.goals.update(goal for metric in feeding for goal in index.goal_metrics(metric))
        state.shared, state.feeding = shared, feeding
    return reach


def _producers_by_file(files: dict[str, FileFacts]) -> dict[str, tuple[StatementFacts, ...]]:
    return {path: found for path, facts in files.items() if (found := facts.producer_facts())}


def _block_names(block: BlockFacts) -> set[str]:
    names: set[str] = set()
    for fact in block[4]:
        names.add(fact[1])
        if fact[0] == "d":
            names.update(fact[2])
    return names


def _org_changed(before: dict[str, FileFacts], after: dict[str, FileFacts]) -> bool:
    return any(block[0] == "org" for facts in (*before.values(), *after.values()) for block in facts.blocks)


def _moved(old: Declarations, new: Declarations) -> set[tuple[str, int]]:
    """Blocks that start or stop counting, or count for another block, between the two."""
    moved = set(old.first_of.keys() ^ new.first_of.keys())
    moved.update(p for p in old.first_of.keys() & new.first_of.keys() if old.first_of[p] != new.first_of[p])
    moved.update(set(old.counting.values()) ^ set(new.counting.values()))
    return moved


def _differing(old: list[list[str]], new: list[list[str]]) -> list[list[str]]:
    olds, news = {tuple(g) for g in old}, {tuple(g) for g in new}
    return [list(g) for g in olds ^ news]


def _counting_blocks(index: PlanIndex, declarations: Declarations) -> Iterable[tuple[str, BlockFacts]]:
    """(path, block facts) of every block that counts, in path order."""
    for path in index.paths():
        for position, block in enumerate(index.facts(path).blocks):
            if declarations.counts((path, position)):
                yield path, block


def cycles_of(index: PlanIndex, declarations: Declarations) -> list[list[str]]:
    """The loops of derivations, as `InterlockGraph.cyclic_names` finds them: only the producer
    that counts for a name (the first in path order) joins its loop."""
    first: dict[str, tuple[str, ...] | None] = {}
    for _, block in _counting_blocks(index, declarations):
        for fact in block[4]:
            if fact[0] in ("p", "d") and fact[1] not in first:
                first[fact[1]] = fact[2] if fact[0] == "d" else None
    inputs: dict[str, set[str]] = {}
    for name, refs in first.items():
        for ref in refs or ():
            inputs.setdefault(ref, set()).add(name)
    return loops_in(inputs)


def ties_to_shared_goals(index: PlanIndex, declarations: Declarations) -> tuple[list[str], dict[str, bool]]:
    """The metrics of the org's goals, and for each team goal's metric whether a chain of
    consumptions and derivations takes it into one of them (what `InterlockGraph` works out)."""
    fed_by: dict[str, set[str]] = {}
    shared: set[str] = set()
    team_metrics: set[str] = set()
    for _, block in _counting_blocks(index, declarations):
        kind, _name, _line, _column, statements = block
        consumed = [f[1] for f in statements if f[0] == "c"]
        for fact in statements:
            if fact[0] == "d":
                fed_by.setdefault(fact[1], set()).update(fact[2])
            elif fact[0] == "g":
                (shared if kind == "org" else team_metrics).add(fact[1])
                inputs = [c for c in consumed if c != fact[1]]
                if inputs:
                    fed_by.setdefault(fact[1], set()).update(inputs)
    metrics = sorted(shared)
    reached = set(metrics)
    stack = list(metrics)
    while stack:
        for source in fed_by.get(stack.pop(), ()):
            if source not in reached:
                reached.add(source)
                stack.append(source)
    return metrics, {metric: metric in reached for metric in team_metrics}
