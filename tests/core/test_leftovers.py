"""What a library leaves behind over weeks is cleaned: old index generations, old models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from photofind.core import vector_index
from photofind.core.library import Library
from tests.helpers import TINY, TINY_B


def _indexed(lib: Library, root: Path) -> None:
    lib.add([root])
    lib.scan()
    list(lib.index())


def test_old_index_generations_are_removed_later(
    tiny_library: Library, photo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vector_index, "EXACT_BELOW", 2)  # build a real Annoy index
    _indexed(tiny_library, photo_dir)
    assert tiny_library.maintain_index()
    folder = tiny_library.root / "index"
    current = sorted(p.name for p in folder.iterdir())
    # Left by a kill between write and swap, or kept mapped by Windows at the last swap:
    strays = [f"{TINY}.7.ann", f"{TINY}.7.ids.npy", f"{TINY}.9.ann.tmp", f"{TINY}.json.tmp"]
    strays += ["retired-model.json", "retired-model.2.ann"]  # a model no longer in use
    for name in strays:
        (folder / name).write_bytes(b"x" * 100)
    assert not tiny_library.maintain_index()  # nothing to rebuild, but the strays go
    assert sorted(p.name for p in folder.iterdir()) == current
    assert len(tiny_library.similar(photo_dir / "p0.jpg", k=3)) == 3


def test_old_models_vectors_are_dropped_after_a_switch(
    tiny_library: Library, photo_dir: Path, library_dir: Path
) -> None:
    _indexed(tiny_library, photo_dir)
    tiny_library.switch_model(TINY_B)
    list(tiny_library.index(model=TINY_B))
    assert tiny_library.promote_next_model()
    with sqlite3.connect(library_dir / "catalog.sqlite3") as db:
        assert db.execute("SELECT DISTINCT model FROM embeddings").fetchall() == [(TINY_B,)]
        assert db.execute("SELECT DISTINCT model FROM predicted_tags").fetchall() == [(TINY_B,)]
        assert (
            db.execute("SELECT COUNT(*) FROM vector_log WHERE model = ?", (TINY,)).fetchone()[0]
            == 0
        )
    assert len(tiny_library.similar(photo_dir / "p0.jpg", k=3)) == 3
