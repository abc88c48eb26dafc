"""planlint: a linter for the interlock of team plans."""

__version__ = "0.1.0"
