"""What every test shares: the cache goes to a folder of the test session, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _session_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PLANLINT_CACHE_DIR for this process and the planlint processes tests start."""
    folder = tmp_path_factory.getbasetemp() / "planlint-cache"
    monkeypatch.setenv("PLANLINT_CACHE_DIR", str(folder))
    return folder
