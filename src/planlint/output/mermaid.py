"""Mermaid that plan text cannot take over: node ids made from names (letters, digits and `_`).
Plan text reaches a diagram otherwise only through `output.escape.mermaid_label`."""

from __future__ import annotations

import re


class Ids:
    """Mermaid node ids from names: letters, digits and _ only, prefixed, unique."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.teams: dict[str, str] = {}
        self._taken: set[str] = set()

    def name(self, name: str) -> str:
        return self._id(self.names, "a_", name)

    def team(self, team: str) -> str:
        return self._id(self.teams, "t_", team)

    def _id(self, table: dict[str, str], prefix: str, key: str) -> str:
        if key not in table:
            base = prefix + re.sub(r"[^A-Za-z0-9_]", "_", key)
            candidate, n = base, 1
            while candidate in self._taken:
                n += 1
                candidate = f"{base}_{n}"
            self._taken.add(candidate)
            table[key] = candidate
        return table[key]
