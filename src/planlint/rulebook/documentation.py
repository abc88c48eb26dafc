"""A rule's documentation is its docstring, in fixed sections (as ruff's are):
What it does, Why is this bad?, Example, Use instead, and optionally Options
and References. `planlint explain CODE` prints it; the contract test runs its
examples."""

from __future__ import annotations

import re

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
OPTIONAL_SECTIONS = ("Options", "References")
_HEADING = re.compile(r"\s*(?:\*\*|#+\s*)(.+?)(?:\*\*)?\s*")


def doc_sections(doc: str) -> dict[str, str]:
    """`**What it does**` ... -> {"What it does": "..."} (Markdown bold headings)."""
    sections: dict[str, str] = {}
    current = None
    for line in doc.splitlines():
        heading = _HEADING.fullmatch(line)
        if heading and heading.group(1).strip() in DOC_SECTIONS + OPTIONAL_SECTIONS:
            current = heading.group(1).strip()
            sections[current] = ""
        elif current:
            sections[current] += line + "\n"
    return {title: text.strip() for title, text in sections.items()}


def plan_examples(section_text: str) -> str:
    """The plan text of a section's fenced code blocks, joined."""
    return "\n".join(re.findall(r"```(?:plan)?\n(.*?)```", section_text, flags=re.S))
