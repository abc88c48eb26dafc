# The top-level grammar/ folder is installed as this package (pyproject's package-dir), a mapping mypy
# cannot follow. mypy checks that folder as the module `grammar` (files, explicit_package_bases); this
# stub points `planlint.language.grammar` at it, so importers get its real types. Not shipped in a wheel.
from grammar import *  # noqa: F403
