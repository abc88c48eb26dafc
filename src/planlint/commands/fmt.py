"""`planlint fmt`: every plan file below PATHS in the canonical layout (`language.layout`).

A file is rewritten only when `model.reformat` has checked that the new layout
says exactly what the old one did; a file that does not parse, or whose model
would change, is named on stderr and left as it is. Files keep their line
endings and byte-order mark, and are replaced atomically.

Exit status: 0 when every file is (now) in the layout; 1 when `--check` or
`--diff` finds a file to reformat, or a file could not be formatted; 2 for a
usage problem.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from planlint.commands.common import configuration, write_output
from planlint.language.source import ParseProblem, decode
from planlint.language.wording import plural
from planlint.model.reformat import Reformatted, reformat
from planlint.output.terminal import write_stdout
from planlint.run.files import display_paths, plan_files
from planlint.run.problems import EXIT_FINDINGS, EXIT_OK

BOM = b"\xef\xbb\xbf"


@dataclass
class FmtOptions:
    paths: list[Path]
    check: bool = False  # report, write nothing
    diff: bool = False  # print what would change, write nothing
    config_path: Path | None = None


@dataclass
class FileLayout:
    """One file: its path as shown, its bytes and what they become."""

    shown: str
    path: Path
    data: bytes
    result: Reformatted | None  # None when the file is not UTF-8 text
    refused: str | None = None
    where: str = ""  # `:3:9` after the path, when the reason has a place
    new_data: bytes = field(default=b"")

    @property
    def changed(self) -> bool:
        return self.refused is None and self.new_data != self.data


def run_fmt(options: FmtOptions, cwd: Path | None = None) -> int:
    """Format (or with --check/--diff, inspect) every plan file below the paths; the exit code."""
    cwd = (cwd or Path.cwd()).resolve()
    config = configuration(options.paths, options.config_path)
    found = plan_files(options.paths, config)
    layouts = [layout_of(shown, Path(path)) for path, shown in zip(found, display_paths(found, cwd))]
    writing = not (options.check or options.diff)
    for layout in layouts:
        if layout.refused is not None:
            print(f"{layout.shown}{layout.where}: not formatted: {layout.refused}", file=sys.stderr)
        elif layout.changed and options.diff:
            write_stdout(_diff(layout))
        elif layout.changed and options.check:
            write_stdout(f"would reformat {layout.shown}\n")
        elif layout.changed:
            write_output(layout.path, layout.new_data.decode("utf-8"))
    changed = sum(layout.changed for layout in layouts)
    unchanged = sum(not layout.changed and layout.refused is None for layout in layouts)
    verb = "reformatted" if writing else "would be reformatted"
    print(f"planlint: {plural(changed, 'file')} {verb}, {unchanged} left unchanged", file=sys.stderr)
    refused = any(layout.refused is not None for layout in layouts)
    return EXIT_FINDINGS if refused or (changed and not writing) else EXIT_OK


def layout_of(shown: str, path: Path) -> FileLayout:
    """What `fmt` would make of the file at `path`."""
    try:
        data = path.read_bytes()
    except OSError as err:
        return FileLayout(shown, path, b"", None, f"cannot be read: {err.strerror or err}")
    text = decode(shown, data)
    if isinstance(text, ParseProblem):
        return FileLayout(shown, path, data, None, text.message, f":{text.span.line}:{text.span.column}")
    result = reformat(shown, text)
    newline = "\r\n" if b"\r\n" in data else "\n"
    written = (BOM if data.startswith(BOM) else b"") + result.text.replace("\n", newline).encode("utf-8")
    if result.refused is not None:
        return FileLayout(shown, path, data, result, result.refused, f":{result.line}:{result.column}", data)
    return FileLayout(shown, path, data, result, new_data=written)


def _diff(layout: FileLayout) -> str:
    assert layout.result is not None
    before = layout.result.original.splitlines(keepends=True)
    after = layout.result.text.splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"{layout.shown}", f"{layout.shown} (formatted)"))
