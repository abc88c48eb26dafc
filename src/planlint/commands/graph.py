"""`planlint graph`: the interlock as Mermaid, Graphviz DOT or JSON.

The whole plan, one team and its neighbours (`--team`), or one metric's derivation tree
(`--metric`). JSON is the data as it stands; a drawing past a readable size keeps only the
problems, grouped by pair of teams, and says what it left out (on stderr and in the drawing).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from planlint.analysis.trace import known_names
from planlint.commands.common import configuration, write_output
from planlint.language.suggest import closest
from planlint.output.graph import (
    RENDERERS,
    Picture,
    derivation_picture,
    interlock_picture,
    legible,
    team_neighbourhood,
)
from planlint.output.terminal import write_stdout
from planlint.run.config import Config
from planlint.run.engine import LintResult, lint
from planlint.run.problems import EXIT_OK, UsageError

FORMATS = tuple(RENDERERS)


@dataclass
class GraphOptions:
    paths: list[Path]
    output_format: str = "mermaid"
    team: str | None = None
    metric: str | None = None
    output_file: Path | None = None
    config_path: Path | None = None


def run_graph(options: GraphOptions) -> int:
    """Write the picture in the chosen format; the exit code (0: a picture is not a check)."""
    if options.output_format not in RENDERERS:
        raise UsageError(f"unknown graph format '{options.output_format}' (known: {', '.join(FORMATS)})")
    if options.team is not None and options.metric is not None:
        raise UsageError("give --team or --metric, not both")
    config = configuration(options.paths, options.config_path)
    result = lint(options.paths, config)
    picture = build_picture(result, config, options.team, options.metric)
    if options.output_format != "json":
        picture = legible(picture)
        for note in picture.left_out:
            print(f"planlint: {note}", file=sys.stderr)
    text = RENDERERS[options.output_format](picture)
    if options.output_file is not None:
        write_output(options.output_file, text)
    else:
        write_stdout(text)
    return EXIT_OK


def build_picture(result: LintResult, config: Config, team: str | None, metric: str | None) -> Picture:
    """The whole interlock, `team` and its neighbours, or `metric`'s derivation tree."""
    graph = result.graph
    if metric is not None:
        known = known_names(graph)
        if metric not in known:
            raise UsageError(f"the plan has no metric or assumption named '{metric}'" + _did_you_mean(metric, known))
        return derivation_picture(result, config, metric)
    picture = interlock_picture(result, config)
    if team is None:
        return picture
    if graph.block_named(team) is None:
        teams = [block.name for block in graph.blocks.values()]
        raise UsageError(f"the plan has no team named '{team}'" + _did_you_mean(team, teams))
    return team_neighbourhood(picture, team)


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    found = closest(word, candidates)
    return f"; did you mean '{found}'?" if found else ""
