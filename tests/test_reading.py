"""Reading files ahead (`files.read_in_order`): the same bytes and problems as reading each alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planlint.run import files
from planlint.run.files import Unread, read_source


def _sources(tmp_path: Path, count: int) -> list[tuple[str, files.Source]]:
    sources: list[tuple[str, files.Source]] = []
    for index in range(count):
        path = tmp_path / f"t{index}.plan"
        kind = index % 5
        if kind == 1:
            path.mkdir()
        elif kind == 2 and hasattr(os, "mkfifo"):
            os.mkfifo(path)
        elif kind != 3:  # 3: a file that does not exist
            path.write_text(f"team t{index} {{\n}}\n" * (index + 1), encoding="utf-8")
        sources.append((path.name, Unread(str(path)) if kind != 4 else b"already read"))
    return sources


@pytest.mark.parametrize("count", [0, 3, files.READ_AHEAD, files.READ_AHEAD * 3 + 1])
def test_reading_ahead_gives_what_reading_one_by_one_gives(count: int, tmp_path: Path) -> None:
    sources = _sources(tmp_path, count)
    expected = [read_source(source.path, shown) if isinstance(source, Unread) else source for shown, source in sources]
    assert list(files.read_in_order(sources)) == expected


def test_stopping_early_closes_every_file_opened_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened, closed = set(), set()
    real_open, real_close = os.open, os.close
    monkeypatch.setattr(
        os, "open", lambda *args, **kwargs: (lambda fd: opened.add(fd) or fd)(real_open(*args, **kwargs))
    )
    monkeypatch.setattr(os, "close", lambda fd: closed.add(fd) or real_close(fd))
    reading = files.read_in_order(_sources(tmp_path, files.READ_AHEAD * 2))
    next(reading)
    reading.close()
    assert opened and opened == closed
