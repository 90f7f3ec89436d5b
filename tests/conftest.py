"""Shared fixtures: every test gets its own library folder, never the user's real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from photofind.core.library import Library
from tests.helpers import TINY, make_photo, register_tiny

register_tiny()


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Exported model graphs, shared by the whole run (exporting costs seconds)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _isolated_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _session_cache: Path
) -> Path:
    lib = tmp_path / "library"
    monkeypatch.setenv("PHOTOFIND_LIBRARY", str(lib))
    monkeypatch.setenv("PHOTOFIND_CACHE", str(_session_cache))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    return lib


@pytest.fixture
def library_dir(_isolated_library: Path) -> Path:
    return _isolated_library


@pytest.fixture
def tiny_library(library_dir: Path):
    lib = Library.open(library_dir, device="cpu")
    lib.set_model(TINY)
    yield lib
    lib.close()


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    """A folder of eight distinct JPEGs, two of them in a sub-folder."""
    root = tmp_path / "photos"
    for i in range(6):
        make_photo(root / f"p{i}.jpg", seed=i, quality=90)
    make_photo(root / "sub" / "s0.jpg", seed=10, quality=90)
    make_photo(root / "sub" / "s1.png", seed=11)
    return root
