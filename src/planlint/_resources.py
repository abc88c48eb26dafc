"""Find the data planlint ships: the grammar, the built-in rules, the schemas.

A wheel carries `grammar/` and `rules/` inside the package (see pyproject's
force-include); a source checkout has them at the top of the repository.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The packaged folder `name`, else the checkout's top-level one."""
    packaged = _PACKAGE / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"planlint is installed without its {name}/ folder (looked in {packaged})")
