#!/usr/bin/env python3
"""How fast `planlint lsp` answers an editor, over stdio as an editor talks to it.

    python benchmarks/lsp.py [--teams 1000] [--small 100] [--runs 15]

Generates two plans with gen_plan.py (in a temporary folder), starts the real
server for each and prints, in milliseconds:

- open: a SMALL-team workspace, from starting the server to the first
  diagnostics of the file opened (target < 1 s);
- change: in a TEAMS-team workspace, from a one-line change of one team's
  file to the new diagnostics of that file (median of RUNS; target < 200 ms).
  This includes the server's debounce (server.DEBOUNCE_SECONDS): the wait for
  the editor to be quiet, not work; the re-check alone is printed too;
- hover: on an assumption of that workspace, once the plan is checked (median
  of RUNS; target < 50 ms).

Not a test: it prints numbers. The whole plan is re-checked on every change
(run.engine.lint_sources); the incremental engine will replace that.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from planlint.commands.lsp.server import DEBOUNCE_SECONDS

HERE = Path(__file__).resolve().parent


class Client(LanguageClient):
    """A client that remembers when each file's diagnostics arrived."""

    def __init__(self) -> None:
        super().__init__("planlint-benchmark", "1")
        self.arrived: dict[str, asyncio.Event] = {}

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]  # pygls
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.arrived.setdefault(params.uri, asyncio.Event()).set()

    async def diagnostics_of(self, uri: str) -> None:
        event = self.arrived.setdefault(uri, asyncio.Event())
        await asyncio.wait_for(event.wait(), 120)
        event.clear()


async def started(folder: Path) -> Client:
    client = Client()
    await client.start_io(sys.executable, "-m", "planlint", "lsp")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=folder.as_uri(),
            workspace_folders=[types.WorkspaceFolder(folder.as_uri(), folder.name)],
        )
    )
    client.initialized(types.InitializedParams())
    return client


async def stopped(client: Client) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]  # pygls


def a_team_file(folder: Path) -> Path:
    return sorted(p for p in folder.rglob("*.plan") if p.name != "org.plan")[0]


def opened(client: Client, path: Path) -> str:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "planlint", 1, text)))
    return uri


async def open_time(folder: Path) -> float:
    start = time.perf_counter()
    client = await started(folder)
    uri = opened(client, a_team_file(folder))
    await client.diagnostics_of(uri)
    elapsed = time.perf_counter() - start
    await stopped(client)
    return elapsed


async def change_and_hover(folder: Path, runs: int) -> tuple[list[float], list[float]]:
    client = await started(folder)
    path = a_team_file(folder)
    uri = opened(client, path)
    await client.diagnostics_of(uri)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    row = next(i for i, line in enumerate(lines) if line.strip().startswith("produces"))
    changes = []
    for run in range(runs):
        edited = list(lines)
        edited[row] = lines[row] + f"  # edit {run}"  # one line changed, as by a keystroke
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(run + 2, uri),
                [types.TextDocumentContentChangeWholeDocument("\n".join(edited))],
            )
        )
        await client.diagnostics_of(uri)
        changes.append(time.perf_counter() - start)
    column = lines[row].index("produces") + len("produces") + 2
    hovers = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(row, column))
        )
        hovers.append(time.perf_counter() - start)
        assert answer is not None, "no hover: the benchmark points at no name"
    await stopped(client)
    return changes, hovers


def generate(teams: int, out: Path) -> Path:
    subprocess.run([sys.executable, str(HERE / "gen_plan.py"), str(teams), str(out)], check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1000, help="teams in the workspace that is edited")
    parser.add_argument("--small", type=int, default=100, help="teams in the workspace that is opened")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        small = generate(args.small, Path(scratch) / f"plan{args.small}")
        large = generate(args.teams, Path(scratch) / f"plan{args.teams}")
        opening = asyncio.run(open_time(small))
        changes, hovers = asyncio.run(change_and_hover(large, args.runs))
    change = statistics.median(changes)
    print(f"open, {args.small} teams: {opening * 1000:.0f} ms (target < 1000 ms)")
    print(
        f"diagnostics after a one-line change, {args.teams} teams, median of {args.runs}: {change * 1000:.0f} ms "
        f"(target < 200 ms), of which {DEBOUNCE_SECONDS * 1000:.0f} ms debounce and "
        f"{(change - DEBOUNCE_SECONDS) * 1000:.0f} ms re-check and publish"
    )
    hover = statistics.median(hovers)
    print(f"hover, {args.teams} teams, median of {args.runs}: {hover * 1000:.1f} ms (target < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
