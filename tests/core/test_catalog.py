"""The catalog: schema versioning, refusing what it cannot open, atomic batches."""

from __future__ import annotations

import sqlite3
import threading
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


def test_vectors_of_centre_crops_are_computed_again_after_a_backup(tmp_path: Path) -> None:
    """Schema 4 drops vectors and tags made from centre crops; photos wait to be indexed again.
    The catalog is backed up first, and the upgrade says how much indexing will redo."""
    db = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    for script in MIGRATIONS[:3]:  # a catalog written by a version that knew schema 3
        db.executescript(script)
    db.execute("PRAGMA user_version = 3")
    db.execute("INSERT INTO photos(path, size, mtime_ns, updated_at) VALUES (?, 1, 1, 0)", (b"/a",))
    db.execute("INSERT INTO embeddings VALUES (1, 'm', ?)", (np.ones(4, "<f4").tobytes(),))
    db.close()
    cat = Catalog(tmp_path / "c.db")
    assert cat.counts("m").pending == 1 and cat.photo_by_path("/a") is not None
    assert cat.upgrade_note is not None and "1 photos will be indexed again" in cat.upgrade_note
    cat.close()
    with sqlite3.connect(tmp_path / "c.db.v3.bak") as backup:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 3
        assert backup.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] == 1
    assert Catalog(tmp_path / "c.db").upgrade_note is None  # once


@pytest.mark.parametrize("round_", range(3))
def test_two_first_opens_at_once_migrate_once(tmp_path: Path, round_: int) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            Catalog(tmp_path / "c.db").close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sqlite3.connect(tmp_path / "c.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


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


def test_a_no_kept_for_a_photo_that_went_away_comes_back_as_a_no(tmp_path: Path) -> None:
    """A photo deleted and seen again (same content) gets back its own tags and its "no"s."""
    cat = Catalog(tmp_path / "c.db")

    def index(path: str) -> int:
        cat.add_photos(None, [(path, 1, 1)])
        pid = cat.photo_by_path(path).id
        cat.store_batch("m", [PhotoResult(pid, "f" * 32, 1, 1, None, np.ones(4), [])], [])
        return pid

    pid = index("/a.jpg")
    cat.set_user_tag("dog", [pid], positive=False)
    cat.set_user_tag("holiday", [pid], positive=True)
    cat.delete_photos([pid])
    back = index("/b.jpg")
    assert sorted(cat.user_tags_of(back)) == [("dog", False), ("holiday", True)]
    cat.close()
