"""Applying fixes: what `planlint check --fix` and `--diff` do.

A check is run on the files as they are; the fixes that apply (safe ones,
and with `--unsafe-fixes` the unsafe ones, never alternatives) are made in
memory; the plan is checked again, since a fix can reveal or resolve other
findings; and so on until nothing more applies, or `MAX_PASSES` is reached.
Two fixes that touch the same text are never made in one pass: the first
is, the second is offered again by the next check if its finding is still
there. Nothing is written until the last pass: then every changed file is
replaced atomically, or with `--diff` only shown.

Only the plan files the check read are written, and only when they really
lie in the repository they were found in (a symlink out of it is refused),
and are still as they were read. A file keeps everything a fix does not
touch: comments, spacing, its line endings and its byte-order mark.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from planlint.model.plan import PlanFile
from planlint.rulebook.finding import Finding
from planlint.rulebook.fixes import Edit, EditOutOfRange, Fix, apply_edits
from planlint.run.atomic import write_atomic
from planlint.run.config import Config
from planlint.run.engine import LintResult, lint_sources
from planlint.run.files import display_paths, plan_files, read_source

MAX_PASSES = 10
_BOM = b"\xef\xbb\xbf"


@dataclass
class PlanText:
    """One plan file as fixing reads it: its bytes, and its text with its own line endings."""

    shown: str  # the path as findings show it
    original: bytes
    text: str | None  # None: not UTF-8, so never fixed
    bom: bool = False
    writable: str | None = None  # the real path to write, when a fix may change the file
    refusal: str = ""  # why not, otherwise
    unread: PlanFile | None = None  # what stopped its reading, if something did

    @property
    def data(self) -> bytes:
        if self.text is None:
            return self.original
        return (_BOM if self.bom else b"") + self.text.encode("utf-8")

    @property
    def changed(self) -> bool:
        return self.data != self.original

    @property
    def source(self) -> bytes | PlanFile:
        return self.unread if self.unread is not None else self.data


@dataclass
class FixOutcome:
    """What fixing did: the check of the plan as fixed, and what changed on the way."""

    result: LintResult  # the last check: of the files as they are after every pass
    files: list[PlanText]
    applied: list[tuple[Finding, Fix]] = field(default_factory=list)
    passes: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[PlanText]:
        return [plan_text for plan_text in self.files if plan_text.changed]

    def diff(self) -> str:
        """A unified diff of every changed file (`a/PATH`, `b/PATH`), as git prints one."""
        return "".join(unified_diff(_decoded(f.original)[0] or "", f.text or "", f.shown) for f in self.changed)


def fix_plan(
    paths: list[Path],
    config: Config,
    cwd: Path,
    *,
    unsafe: bool = False,
    reported: Callable[[list[Finding]], list[Finding]] = list,
    only: Collection[str] | None = None,
) -> FixOutcome:
    """Check the plan below `paths` and apply its fixes in memory, pass after pass. `reported`
    picks, from a check's findings, those whose fixes may be applied (what the check reports);
    `only`, when given, the files a fix may change (those pre-commit passes)."""
    roots = repository_roots(paths, cwd)
    found = plan_files(paths, config)
    files = [_read(path, shown, roots) for path, shown in zip(found, display_paths(found, cwd))]
    if only is not None:
        wanted = {Path(name).as_posix().removeprefix("./") for name in only}
        for plan_text in files:
            if plan_text.writable is not None and plan_text.shown not in wanted:
                plan_text.writable, plan_text.refusal = None, "it is not one of the files given"
    config = config.with_overrides(cache=False)  # every pass sees texts that exist only in memory
    outcome = FixOutcome(_check(files, config, cwd), files)
    seen = {_state(files)}
    while outcome.passes < MAX_PASSES:
        chosen = _choose(reported(outcome.result.findings), unsafe, {f.shown: f for f in files}, outcome.notes)
        made = _apply(chosen, files, outcome.notes)
        if not made:
            break
        outcome.applied += made
        outcome.passes += 1
        outcome.result = _check(files, config, cwd)
        state = _state(files)
        if state in seen:  # the fixes undo one another: stop rather than go round
            outcome.notes.append("fixes kept undoing one another; stopped")
            break
        seen.add(state)
    else:
        outcome.notes.append(f"stopped after {MAX_PASSES} passes of fixes; run --fix again to go on")
    return outcome


def write_fixed(outcome: FixOutcome) -> list[str]:
    """Replace every changed file atomically; the files not written, and why, in plain words."""
    problems = []
    for plan_text in outcome.changed:
        target = plan_text.writable
        if target is None:
            problems.append(f"{plan_text.shown} was not written: {plan_text.refusal}")
            continue
        try:
            with open(target, "rb") as handle:
                if handle.read() != plan_text.original:
                    problems.append(f"{plan_text.shown} changed while planlint fixed it; it was not written")
                    continue
            write_atomic(target, (_BOM.decode("utf-8") if plan_text.bom else "") + (plan_text.text or ""))
        except OSError as err:
            problems.append(f"{plan_text.shown} could not be written: {err.strerror or err}")
    return problems


# The repository --------------------------------------------------------------------------


def repository_roots(paths: Iterable[Path], cwd: Path) -> list[Path]:
    """The real folders fixes may write in: for each path given, the git repository it is in,
    else the folder it names (a file's own folder). A folder that is a symlink is passed over, so
    that naming a link to elsewhere does not make elsewhere the repository."""
    roots = []
    for path in paths:
        given = Path(os.path.abspath(cwd / path))
        folder = given if given.is_dir() else given.parent
        candidates = [d for d in (folder, *folder.parents) if not d.is_symlink()]
        top = next((d for d in candidates if (d / ".git").exists()), candidates[0])
        roots.append(Path(os.path.realpath(top)))
    return roots


def _inside(real: str, roots: list[Path]) -> bool:
    return any(Path(real).is_relative_to(root) for root in roots)


def _read(path: str, shown: str, roots: list[Path]) -> PlanText:
    data = read_source(path, shown)
    if isinstance(data, PlanFile):  # checked as it is, never written
        return PlanText(shown, b"", None, refusal="it could not be read", unread=data)
    text, bom = _decoded(data)
    real = os.path.realpath(path)
    if text is None:
        return PlanText(shown, data, None, bom, refusal="it is not UTF-8 text")
    if not _inside(real, roots):
        return PlanText(shown, data, text, bom, refusal="it lies outside the repository (through a symlink)")
    return PlanText(shown, data, text, bom, writable=real)


def _decoded(data: bytes) -> tuple[str | None, bool]:
    """The text, its own line endings kept, and whether a byte-order mark came first."""
    bom = data.startswith(_BOM)
    try:
        return data[len(_BOM) if bom else 0 :].decode("utf-8"), bom
    except UnicodeDecodeError:
        return None, bom


# Passes ------------------------------------------------------------------------------------


def _check(files: list[PlanText], config: Config, cwd: Path) -> LintResult:
    return lint_sources([(f.shown, f.source) for f in files], config, cwd)


def _choose(
    findings: list[Finding], unsafe: bool, files: dict[str, PlanText], notes: list[str]
) -> list[tuple[Finding, Fix]]:
    """The fixes to make in one pass: each finding's first that applies, none touching text another
    chosen one touches, none in a file that may not be written."""
    chosen: list[tuple[Finding, Fix]] = []
    taken: list[Edit] = []
    for finding in findings:
        for fix in finding.fixes:
            if not fix.applies(unsafe):
                continue
            refused = [path for path in fix.paths if path not in files or files[path].writable is None]
            if refused:
                _note(notes, refused, files)
                continue
            if any(edit.overlaps(other) for edit in fix.edits for other in taken):
                break  # the next pass offers it again, if its finding is still there
            chosen.append((finding, fix))
            taken += fix.edits
            break
    return chosen


def _note(notes: list[str], refused: list[str], files: dict[str, PlanText]) -> None:
    for path in refused:
        reason = files[path].refusal if path in files else "it is not one of the plan files checked"
        note = f"a fix for {path} was not applied: {reason}"
        if note not in notes:
            notes.append(note)


def _apply(chosen: list[tuple[Finding, Fix]], files: list[PlanText], notes: list[str]) -> list[tuple[Finding, Fix]]:
    by_path = {f.shown: f for f in files}
    edits: dict[str, list[Edit]] = {}
    for _, fix in chosen:
        for edit in fix.edits:
            edits.setdefault(edit.path, []).append(edit)
    failed = set()
    for path, wanted in edits.items():
        plan_text = by_path[path]
        try:
            plan_text.text = apply_edits(plan_text.text or "", wanted)
        except EditOutOfRange as err:
            notes.append(f"fixes for {path} were not applied: {err}")
            failed.add(path)
    return [(finding, fix) for finding, fix in chosen if not failed & set(fix.paths)]


def _state(files: list[PlanText]) -> str:
    hasher = hashlib.sha256()
    for plan_text in files:
        hasher.update(plan_text.data + b"\0")
    return hasher.hexdigest()


# Showing a change ------------------------------------------------------------------------

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def unified_diff(before: str, after: str, path: str) -> str:
    """`diff -u` of one file's two texts, line endings as they are; a last line without one is
    marked as git marks it."""
    old, new = _LINES.findall(before), _LINES.findall(after)
    lines = []
    for line in difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"):
        if line.endswith(("\n", "\r")):
            lines.append(line if not line.startswith(("---", "+++", "@@")) else line.rstrip("\r\n") + "\n")
        else:
            lines.append(line + "\n\\ No newline at end of file\n")
    return "".join(lines)
