"""Output formats: one module per format, imported only when it is used.

A pre-commit hook runs planlint on every commit, so start-up time matters: the
registry below names modules instead of importing them, and only the chosen
format's module (with its json or xml.etree) is ever loaded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planlint.output.report import Report

Renderer = Callable[..., str]

# format name -> module under planlint.output.formats
_MODULES: dict[str, str] = {
    "text": "text",
    "concise": "concise",
    "json": "json_",
    "sarif": "sarif",
    "github": "github",
    "rdjson": "rdjson",
    "gitlab": "gitlab",
    "junit": "junit",
}


def _lazy(name: str) -> Renderer:
    """A render function that imports its format's module on first call."""

    def render(report: Report, *, color: bool = False) -> str:
        module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
        rendered: str = module.render(report, color=color)  # each format module's render is a Renderer
        return rendered

    render.__name__ = f"render_{name}"
    render.__doc__ = f"Render a report in the {name!r} format."
    return render


FORMATS: dict[str, Renderer] = {name: _lazy(name) for name in _MODULES}


def render(name: str, report: Report, color: bool = False) -> str:
    """Render `report` in the format called `name` (a key of FORMATS; not 'auto')."""
    try:
        renderer = FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"unknown output format {name!r} (known: {known})") from None
    return renderer(report, color=color)


def resolve_auto(env: Mapping[str, str]) -> str:
    """The format 'auto' means: annotations inside GitHub Actions, else text."""
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


__all__ = ["FORMATS", "render", "resolve_auto"]
