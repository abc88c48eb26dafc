"""`python -m planlint`: the `planlint` command."""

from planlint.cli import run

run()
