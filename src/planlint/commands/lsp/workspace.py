"""The editor's plan: every plan file of the workspace, with the unsaved text of open documents.

The language server's handlers read one object, a `Snapshot` (the findings,
plan, graph and evaluator of one check), and ask the `Workspace` for it. The
whole seam to the engine is `Workspace.check`, which asks `run.engine.Session`,
the incremental engine held in memory: after an edit it parses the changed
file and judges again only what the edit reaches; the whole plan's model is
built only when a handler (hover, definition) asks for it.

No pygls here: the workspace speaks in file-system paths and text, so tests and
benchmarks can drive it without an editor.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from planlint.analysis.evaluate import Evaluator
from planlint.analysis.graph import InterlockGraph
from planlint.commands.common import configuration
from planlint.model.plan import Plan, PlanFile
from planlint.rulebook.finding import Finding
from planlint.rulebook.registry import load_rules
from planlint.run.config import DEFAULT, Config
from planlint.run.engine import LintResult, Session
from planlint.run.files import Source, Unread, display_path, plan_files

CONFIG_FILES = ("planlint.toml", "pyproject.toml")


@dataclass
class Snapshot:
    """One check of the whole plan: what every handler answers from. The findings come from the
    incremental engine; the plan, its graph and values are built only when a handler asks."""

    result: LintResult
    config: Config
    root: Path
    _by_path: dict[str, list[Finding]] | None = field(default=None, init=False, repr=False)
    _files: dict[str, PlanFile] | None = field(default=None, init=False, repr=False)

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings

    @property
    def plan(self) -> Plan:
        return self.result.plan

    @property
    def graph(self) -> InterlockGraph:
        return self.result.graph

    @property
    def evaluator(self) -> Evaluator:
        return self.result.evaluator

    def findings_in(self, shown: str) -> list[Finding]:
        if self._by_path is None:
            self._by_path = {}
            for finding in self.findings:
                self._by_path.setdefault(finding.span.path, []).append(finding)
        return self._by_path.get(shown, [])

    def file(self, shown: str) -> PlanFile | None:
        if self._files is None:
            self._files = {}
            for plan_file in self.plan.files:
                self._files.setdefault(plan_file.path, plan_file)
        return self._files.get(shown)

    def path_of(self, shown: str) -> Path:
        """The file a path as shown in findings stands for."""
        return Path(shown) if os.path.isabs(shown) else self.root / shown


def project_root(path: Path) -> Path:
    """For an editor that names no workspace folder: the folder above `path` that holds a
    planlint.toml or .git, else the file's own folder."""
    folder = Path(os.path.abspath(path)).parent
    for candidate in (folder, *folder.parents):
        if (candidate / "planlint.toml").is_file() or (candidate / ".git").exists():
            return candidate
    return folder


class Workspace:
    """The plan files below the workspace folders, the open documents' text over them, and the
    configuration found for the folders."""

    def __init__(self, roots: Iterable[Path]) -> None:
        self.roots = [Path(os.path.abspath(root)) for root in roots]  # none: only the open documents count
        self.root = self.roots[0] if self.roots else Path(os.path.abspath("."))  # finding paths are shown from it
        self.config_problem: str | None = None  # why the configuration could not be read
        self.config = self._read_config()
        self._on_disk: dict[str, str] = {}  # path as shown -> the file, worked out once per discovery
        self._open: dict[Path, str] = {}  # absolute path -> the editor's text
        self._latest: Snapshot | None = None
        self._session = Session()  # the incremental engine's state, kept in memory between checks
        self.rediscover()

    # What the editor tells -------------------------------------------------------------------

    def open(self, path: Path, text: str) -> None:
        self._open[Path(os.path.abspath(path))] = text
        self._latest = None

    change = open  # the editor sends the whole text (full document sync)

    def close(self, path: Path) -> None:
        """The document is closed: from now on the file on disk counts (if it is still there)."""
        self._open.pop(Path(os.path.abspath(path)), None)
        self._latest = None

    def saved(self, path: Path) -> None:
        """A file was saved, created or deleted: the list of files, or the configuration, may differ."""
        if Path(path).name in CONFIG_FILES:
            self.config = self._read_config()
        self.rediscover()

    def rediscover(self) -> None:
        found = plan_files(self.roots, self.config) if self.roots else []
        self._on_disk = {self.shown(Path(path)): path for path in found}
        self._latest = None

    # What the handlers ask -------------------------------------------------------------------

    @property
    def open_paths(self) -> list[Path]:
        return list(self._open)

    def shown(self, path: Path) -> str:
        """A file's path as findings show it."""
        return display_path(Path(os.path.abspath(path)), self.root)

    def snapshot(self) -> Snapshot:
        """The latest check, re-checked first if anything changed since."""
        if self._latest is None:
            self._latest = self.check()
        return self._latest

    @property
    def stale(self) -> bool:
        return self._latest is None

    def check(self) -> Snapshot:
        """Check the whole plan as it stands in the editor. The one seam to the engine: an
        incremental engine replaces this method, not the handlers."""
        # The engine moves what is alive out of the collector's way once the model is built (gc.freeze),
        # so cyclic garbage must be collected first or it would stay; the frozen models of earlier checks
        # are freed by reference counting (they hold no cycles), and are never walked again.
        self._latest = None
        gc.collect()
        return Snapshot(self._session.check(self.sources(), self.config, self.root), self.config, self.root)

    def sources(self) -> list[tuple[str, Source]]:
        """Every plan file as (path as shown, its text or the file to read), in path order."""
        found: dict[str, Source] = {shown: Unread(path) for shown, path in self._on_disk.items()}
        for path, text in self._open.items():
            found[self.shown(path)] = text.encode("utf-8", errors="surrogatepass")
        return sorted(found.items())

    def _read_config(self) -> Config:
        """The folders' configuration, never cached between runs; the defaults when it is broken."""
        self.config_problem = None
        try:
            config = configuration(self.roots or [self.root], cache=False)
        except ValueError as err:  # a broken planlint.toml: say so, and check with the defaults
            self.config_problem = str(err)
            config = replace(DEFAULT, root=self.root, known_rules=tuple(load_rules().rules), cache=False)
        return config
