"""The catalog: schema versioning, refusing what it cannot open, atomic batches."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photofind.core.catalog import SCHEMA_VERSION, Catalog, CatalogError, PhotoResult, Tag
from photofind.core.catalog.schema import MIGRATIONS


def test_new_catalog_is_wal_with_schema_version(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.db")
    cat.close()
    with sqlite3.connect(tmp_path / "c.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    Catalog(tmp_path / "c.db").close()
    with sqlite3.connect(tmp_path / "c.db") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(CatalogError, match="newer photofind"):
        Catalog(tmp_path / "c.db")


def test_vectors_of_centre_crops_are_computed_again(tmp_path: Path) -> None:
    """Schema 4 drops vectors and tags made from centre crops; photos wait to be indexed again."""
    with sqlite3.connect(tmp_path / "c.db") as db:  # a catalog written by schema 3
        for version, script in enumerate(MIGRATIONS[:3], 1):
            db.executescript(f"{script}; PRAGMA user_version = {version};")
        db.execute(
            "INSERT INTO photos(id, path, size, mtime_ns, status, updated_at) "
            "VALUES(1, ?, 1, 1, 'ok', 0)",
            (b"/a.jpg",),
        )
        db.execute("INSERT INTO embeddings VALUES(1, 'm', ?)", (np.ones(4, "<f4").tobytes(),))
    cat = Catalog(tmp_path / "c.db")
    assert cat.counts("m").pending == 1 and cat.photo_by_path("/a.jpg") is not None
    cat.close()


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "c.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CatalogError, match="cannot open"):
        Catalog(tmp_path / "c.db")


def test_batch_is_all_or_nothing(tmp_path: Path) -> None:
    cat = Catalog(tmp_path / "c.db")
    cat.add_photos(None, [("/a.jpg", 1, 1), ("/b.jpg", 2, 2)])
    a, b = (cat.photo_by_path(p) for p in ("/a.jpg", "/b.jpg"))
    good = PhotoResult(a.id, "f" * 32, 10, 10, None, np.ones(4, np.float32), [Tag("x", 0.5, 1)])
    orphan = PhotoResult(999, "e" * 32, 10, 10, None, np.ones(4, np.float32), [Tag("y", 0.5, 1)])
    with pytest.raises(sqlite3.IntegrityError):
        # The second result names no photo (a foreign-key violation): the whole batch rolls back.
        cat.store_batch("m", [good, orphan], [(b.id, "boom")])
    assert cat.counts("m").indexed == 0 and cat.tags(a.id, "m") == []
    assert cat.photo_by_id(b.id).status == "new"
    cat.store_batch("m", [good], [(b.id, "boom")])
    assert (cat.counts("m").indexed, cat.counts("m").failed) == (1, 1)
    cat.close()
