"""`planlint init`: a starter plan repository that `planlint check` passes at once.

`org.plan` with a shared goal that every team's goal rolls up to, one file per team with a
commented example of each statement (the examples name the other teams' values, so they
interlock when uncommented), `planlint.toml`, `.pre-commit-config.yaml` with this project's
hooks and a GitHub Actions workflow with its action. An existing file is never overwritten:
it is skipped, and the command says so.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from planlint import __version__
from planlint.language.grammar import keywords
from planlint.run.problems import EXIT_OK, UsageError

DEFAULT_TEAMS = ("marketing", "sales")
REPOSITORY = "https://github.com/planlint/planlint"  # the hooks' repository; the action is planlint/planlint
_TEAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")  # the grammar's IDENT
# Each team commits $1M/year against a goal of $900k/year; the org's goal is their sum. Each
# delivers 100 units/quarter (400 a year), and the team relying on it asks for at least 300.
CONTRIBUTION_M, GOAL_K, CAPACITY = 1, 900, 100


@dataclass
class InitOptions:
    folder: Path
    teams: list[str]


def run_init(options: InitOptions) -> int:
    """Write the starter files that do not exist yet; report what was written and skipped."""
    teams = checked_teams(options.teams or list(DEFAULT_TEAMS))
    folder = options.folder
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder to start a plan repository in")
    created, skipped = [], []
    for name, text in starter_files(teams).items():
        path = folder / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": never over anything
                out.write(text)
        except FileExistsError:
            skipped.append(name)
            continue
        except OSError as err:
            raise UsageError(f"cannot write {path}: {err.strerror or err}") from None
        created.append(name)
    for name in created:
        print(f"created {(folder / name).as_posix()}")
    for name in skipped:
        print(f"skipped {(folder / name).as_posix()}: it exists, and init never overwrites a file", file=sys.stderr)
    where = "" if folder == Path(".") else f" {folder.as_posix()}"
    print(f"Next: planlint check{where}   (and `planlint report{where}` for the picture)")
    return EXIT_OK


def checked_teams(teams: list[str]) -> list[str]:
    """The team names as given, once each; a name the language cannot declare is a usage error."""
    reserved = keywords()
    for team in teams:
        if not _TEAM_NAME.match(team):
            raise UsageError(
                f"'{team}' cannot name a team: use letters, digits, _ and -, starting with a letter (like sales_emea)"
            )
        if team in reserved:
            raise UsageError(f"'{team}' cannot name a team: it is a word of the plan language")
    return list(dict.fromkeys(teams))


def area(team: str) -> str:
    """The first part of a team's value names: `customer-success` -> `customer_success` (names take no `-`)."""
    return team.replace("-", "_")


def starter_files(teams: list[str]) -> dict[str, str]:
    """Each starter file's path (relative to the repository) and text."""
    files = {"org.plan": _org(teams)}
    for index, team in enumerate(teams):
        files[f"{team}.plan"] = _team(team, teams[(index + 1) % len(teams)] if len(teams) > 1 else None)
    files["planlint.toml"] = _CONFIG
    files[".pre-commit-config.yaml"] = _PRE_COMMIT.format(repository=REPOSITORY, rev=f"v{__version__}")
    files[".github/workflows/planlint.yml"] = _WORKFLOW
    return files


def _org(teams: list[str]) -> str:
    org = "company" if "company" not in teams else "organisation"
    total = " + ".join(f"{area(team)}.contribution" for team in teams)
    return f"""\
# The organisation's shared goals. Every team goal should roll up to one of them, through
# what teams consume and derive (planlint's orphan-goal rule says when one does not).
org {org} {{
  owner "@your-org/leadership"

  goal company.contribution >= ${CONTRIBUTION_M * len(teams)}M/year

  # A metric computed from what the teams produce: + - * / and parentheses.
  derive company.contribution = {total}
}}
"""


def _team(team: str, neighbour: str | None) -> str:
    name = area(team)
    if neighbour is not None:
        other = area(neighbour)
        relies = f"""\
  # What this team's plan relies on: another team produces it, and its value must fit
  # ({CAPACITY} units/quarter is {4 * CAPACITY} units/year, so this one fits).
  consumes {other}.capacity >= {3 * CAPACITY} units/year
  # A text must match word for word; a date is needed by then (a quarter means its last day).
  # Uncomment these here and their `produces` lines in {neighbour}.plan.
  # consumes {other}.definition = "what a unit is, in words"
  # consumes {other}.launch by 2027-Q3
"""
    else:
        relies = """\
  # What this team's plan relies on: another team's `produces`, for example
  # consumes other_team.capacity >= 300 units/year
  # consumes other_team.definition = "what a unit is, in words"
  # consumes other_team.launch by 2027-Q3
"""
    return f"""\
# The plan of {team}. Text after # is a comment. Replace the examples with the team's
# real numbers; `planlint check` says whether the plans of all the teams still fit.
team {team} {{
  # Who hears when something this team relies on changes.
  owner "@your-org/{team}"

  # A goal: a target on a metric (>=, <=, =, or in A .. B).
  goal {name}.contribution >= ${GOAL_K}k/year

  # What this team stands behind: a value, a range, a text, a date it delivers by.
  produces {name}.contribution = ${CONTRIBUTION_M}M/year
  produces {name}.capacity = {CAPACITY} units/quarter
  # produces {name}.win_rate = 18% .. 22%
  # produces {name}.definition = "what a unit is, in words"
  # produces {name}.launch by 2027-Q2

{relies}
  # A metric worked out from other values (+ - * / and parentheses); the team produces it.
  # derive {name}.revenue = {name}.capacity * {name}.win_rate * $40k
}}
"""


_CONFIG = """\
# planlint's settings for this plan repository.
fail-on = "error"            # the lowest severity that makes `planlint check` fail: error, warning or info
tolerance = "10%"            # how far apart two numbers joined by '=' may be
# fiscal-year-start = "July"   # then 2027-Q1 is July .. September 2026
# extend-select = ["unused-assumption"]
"""

_PRE_COMMIT = """\
# pre-commit (https://pre-commit.com) runs planlint on every commit:
#   pip install pre-commit && pre-commit install && pre-commit install -t pre-push
repos:
  - repo: {repository}
    rev: {rev}
    hooks:
      - id: planlint            # on commit: the findings that touch the committed files
      - id: planlint-review     # on push: what the pushed commits change in the plan
"""

_WORKFLOW = """\
# planlint on every push and pull request: annotations on the changed lines, SARIF for
# code scanning, and the review (what the change breaks, who must hear) as a comment.
name: plan
on: [push, pull_request]
permissions:
  contents: read
  security-events: write
  pull-requests: write
jobs:
  planlint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: planlint/planlint@v0
"""


__all__ = ["DEFAULT_TEAMS", "InitOptions", "checked_teams", "run_init", "starter_files"]
