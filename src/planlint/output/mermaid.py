"""Mermaid that plan text cannot take over: node ids from names, labels with nothing Mermaid reads.

Plan text reaches a diagram only through `label` (inside double quotes) and `Ids` (letters,
digits and `_`). A label keeps no line break or double quote (so it cannot end its label and
start a `click` or `classDef` line), no `%%` (Mermaid looks for `%%{init}%%` directives
anywhere in the text), no tag (`<` before a letter), no `#name;` entity code, no pipe and no
backtick. Each is replaced by a character that looks alike and means nothing to Mermaid, not
by Mermaid's own `#quot;` codes: Mermaid 11 shows those undecoded in many labels.
"""

from __future__ import annotations

import re

_LOOK_ALIKES = str.maketrans({'"': "'", "`": "'", "|": "¦"})
_TAG = re.compile(r"<(?=[A-Za-z/!?])")  # `<=` stays as it is
_ENTITY = re.compile(r"#(?=\w+;)")
_DIRECTIVE = re.compile(r"%(?=%)")


def one_line(text: str) -> str:
    """Every kind of line break (`str.splitlines` knows them all) folded into single spaces."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def label(text: str) -> str:
    """Text safe inside a quoted Mermaid label or edge text: `"…"` and `|"…"|`."""
    text = one_line(text).translate(_LOOK_ALIKES)
    return _DIRECTIVE.sub("% ", _ENTITY.sub("# ", _TAG.sub("‹", text)))


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
