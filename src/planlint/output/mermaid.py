"""Mermaid that plan text cannot take over: node ids from names, labels as entity codes.

Plan text reaches a diagram only through `label` (inside double quotes) and
`Ids` (letters, digits and `_`). A label keeps no line break, quote, pipe,
angle bracket or `%`, so a team name or a text value can neither close its
label, start a `click` or `classDef` line, nor carry a `%%{init}%%`
directive (Mermaid looks for those anywhere in the text).
"""

from __future__ import annotations

import re

# Mermaid decodes `#name;` and `#NN;` codes inside quoted labels.
_CODES = str.maketrans(
    {
        "#": "#35;",
        '"': "#quot;",
        "&": "#38;",
        "<": "#lt;",
        ">": "#gt;",
        "|": "#124;",
        "%": "#37;",
        "{": "#123;",
        "}": "#125;",
        "`": "#96;",
        ";": "#59;",
    }
)


def one_line(text: str) -> str:
    """Every kind of line break (`str.splitlines` knows them all) folded into single spaces."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def label(text: str) -> str:
    """Text safe inside a quoted Mermaid label or edge text: `"…"` and `|"…"|`."""
    return one_line(text).translate(_CODES)


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
