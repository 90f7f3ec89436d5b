"""The SQLite catalog: the library's source of truth and the only module that runs SQL."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "Catalog",
    "CatalogError",
    "Counts",
    "Folder",
    "Photo",
    "PhotoResult",
    "Tag",
]

# Paths are stored as the OS's own bytes (os.fsencode) in BLOB columns, so every file name the OS
# can give us round-trips exactly: non-UTF-8 names on Linux included, which a TEXT column could not
# hold. The API takes and returns `str`.
_MIGRATIONS: tuple[str, ...] = (
    # 1: initial schema
    """
    CREATE TABLE folders (
        id        INTEGER PRIMARY KEY,
        path      BLOB NOT NULL UNIQUE,
        added_at  REAL NOT NULL,
        polling   INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE photos (
        id          INTEGER PRIMARY KEY,
        folder_id   INTEGER REFERENCES folders(id) ON DELETE CASCADE,
        path        BLOB NOT NULL UNIQUE,
        size        INTEGER NOT NULL,
        mtime_ns    INTEGER NOT NULL,
        fingerprint TEXT,
        width       INTEGER,
        height      INTEGER,
        taken_at    TEXT,
        status      TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'ok', 'failed')),
        error       TEXT,
        updated_at  REAL NOT NULL
    );
    CREATE INDEX photos_folder ON photos(folder_id);
    CREATE INDEX photos_fingerprint ON photos(fingerprint);
    CREATE TABLE embeddings (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model    TEXT NOT NULL,
        vector   BLOB NOT NULL,
        PRIMARY KEY (photo_id, model)
    ) WITHOUT ROWID;
    CREATE INDEX embeddings_model ON embeddings(model, photo_id);
    CREATE TABLE predicted_tags (
        photo_id    INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model       TEXT NOT NULL,
        rank        INTEGER NOT NULL,
        class_index INTEGER NOT NULL,
        label       TEXT NOT NULL,
        score       REAL NOT NULL,
        PRIMARY KEY (photo_id, model, rank)
    ) WITHOUT ROWID;
    CREATE INDEX predicted_tags_label ON predicted_tags(model, label);
    CREATE TABLE user_tags (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        tag      TEXT NOT NULL,
        PRIMARY KEY (photo_id, tag)
    ) WITHOUT ROWID;
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: a log of photos whose vector was added, replaced or removed, so the Annoy index (built
    # up to some seq) knows which of its entries are stale and which vectors to search exactly.
    """
    CREATE TABLE vector_log (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        model    TEXT NOT NULL,
        photo_id INTEGER NOT NULL
    );
    CREATE INDEX vector_log_model ON vector_log(model, seq);
    CREATE TRIGGER embeddings_added AFTER INSERT ON embeddings BEGIN
        INSERT INTO vector_log(model, photo_id) VALUES (NEW.model, NEW.photo_id);
    END;
    CREATE TRIGGER embeddings_removed AFTER DELETE ON embeddings BEGIN
        INSERT INTO vector_log(model, photo_id) VALUES (OLD.model, OLD.photo_id);
    END;
    """,
    # 3: folders on an absent drive are kept but hidden from results until they return
    """
    ALTER TABLE folders ADD COLUMN online INTEGER NOT NULL DEFAULT 1;
    """,
    # 4: models now see the whole photo, not its centre crop: vectors and tags made before are
    # computed again (a mix of both kinds would rank unfairly); photos and user tags stay
    """
    DELETE FROM predicted_tags;
    DELETE FROM embeddings;
    """,
)
SCHEMA_VERSION = len(_MIGRATIONS)


class CatalogError(Exception):
    """The catalog cannot be opened or used (newer schema, not a database, unwritable...)."""


@dataclass(frozen=True)
class Folder:
    id: int
    path: str
    polling: bool
    online: bool = True


@dataclass(frozen=True)
class Photo:
    id: int
    folder_id: int | None
    path: str
    size: int
    mtime_ns: int
    fingerprint: str | None
    status: str
    error: str | None
    width: int | None = None
    height: int | None = None
    taken_at: str | None = None


@dataclass(frozen=True)
class Tag:
    label: str
    score: float
    class_index: int


@dataclass(frozen=True)
class PhotoResult:
    """What indexing learned about one photo, written in one transaction with its batch."""

    photo_id: int
    fingerprint: str
    width: int
    height: int
    taken_at: str | None
    vector: np.ndarray
    tags: Sequence[Tag]


@dataclass(frozen=True)
class Counts:
    photos: int
    indexed: int
    pending: int
    failed: int


def _enc(path: str | os.PathLike[str]) -> bytes:
    return os.fsencode(path)


def _dec(blob: bytes) -> str:
    return os.fsdecode(blob)


_PHOTO_COLS = (
    "id, folder_id, path, size, mtime_ns, fingerprint, status, error, width, height, taken_at"
)


def _photo(row: sqlite3.Row) -> Photo:
    return Photo(
        id=row[0],
        folder_id=row[1],
        path=_dec(row[2]),
        size=row[3],
        mtime_ns=row[4],
        fingerprint=row[5],
        status=row[6],
        error=row[7],
        width=row[8],
        height=row[9],
        taken_at=row[10],
    )


class Catalog:
    """One connection to a library's catalog. Use one instance per thread (SQLite's rule)."""

    def __init__(self, db_path: Path) -> None:
        try:
            self._db = sqlite3.connect(db_path, timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"cannot open the catalog {db_path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    # -- schema -----------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise CatalogError(
                f"this library was written by a newer photofind (schema {version}, this version "
                f"knows {SCHEMA_VERSION}); upgrade photofind to open it"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # executescript commits first, so the migration carries its own BEGIN/COMMIT:
            # a crash mid-migration leaves the previous version intact.
            script = _MIGRATIONS[target - 1]
            try:
                self._db.executescript(
                    f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {target}; COMMIT;"
                )
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it lands, or none of it (also when the process dies)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- settings ---------------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO settings(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def delete_setting(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM settings WHERE key = ?", (key,))

    def swap_setting(self, key: str, source: str) -> None:
        """Set `key` to the value of `source` and drop `source`, atomically."""
        with self.transaction() as db:
            value = db.execute("SELECT value FROM settings WHERE key = ?", (source,)).fetchone()
            if value is not None:
                db.execute(
                    "INSERT INTO settings(key, value) VALUES(?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value[0]),
                )
                db.execute("DELETE FROM settings WHERE key = ?", (source,))

    # -- folders ----------------------------------------------------------------------------

    def add_folder(self, path: str, polling: bool = False) -> int:
        """Register a folder (idempotent; `polling` once set stays) and return its id."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO folders(path, added_at, polling) VALUES(?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET polling = MAX(polling, excluded.polling)",
                (_enc(path), time.time(), int(polling)),
            )
            return db.execute("SELECT id FROM folders WHERE path = ?", (_enc(path),)).fetchone()[0]

    def folders(self) -> list[Folder]:
        rows = self._db.execute("SELECT id, path, polling, online FROM folders ORDER BY path")
        return [Folder(r[0], _dec(r[1]), bool(r[2]), bool(r[3])) for r in rows]

    def set_online(self, folder_id: int, online: bool) -> None:
        with self.transaction() as db:
            db.execute("UPDATE folders SET online = ? WHERE id = ?", (int(online), folder_id))

    def hidden_photo_ids(self) -> set[int]:
        """Photos in folders that are offline (unplugged drive, unmounted share)."""
        rows = self._db.execute(
            "SELECT p.id FROM photos p JOIN folders f ON f.id = p.folder_id WHERE f.online = 0"
        )
        return {r[0] for r in rows}

    # -- photos: scanning -------------------------------------------------------------------

    def photos_in_folder(self, folder_id: int | None) -> list[Photo]:
        if folder_id is None:
            rows = self._db.execute(f"SELECT {_PHOTO_COLS} FROM photos WHERE folder_id IS NULL")
        else:
            rows = self._db.execute(
                f"SELECT {_PHOTO_COLS} FROM photos WHERE folder_id = ?", (folder_id,)
            )
        return [_photo(r) for r in rows]

    def photo_by_path(self, path: str) -> Photo | None:
        row = self._db.execute(
            f"SELECT {_PHOTO_COLS} FROM photos WHERE path = ?", (_enc(path),)
        ).fetchone()
        return _photo(row) if row else None

    def photo_by_id(self, photo_id: int) -> Photo | None:
        row = self._db.execute(
            f"SELECT {_PHOTO_COLS} FROM photos WHERE id = ?", (photo_id,)
        ).fetchone()
        return _photo(row) if row else None

    def add_photos(self, folder_id: int | None, files: Iterable[tuple[str, int, int]]) -> int:
        """Insert new (path, size, mtime_ns) rows as not yet indexed; return how many."""
        now = time.time()
        with self.transaction() as db:
            cur = db.executemany(
                "INSERT OR IGNORE INTO photos(folder_id, path, size, mtime_ns, updated_at) "
                "VALUES(?, ?, ?, ?, ?)",
                [(folder_id, _enc(p), size, mtime, now) for p, size, mtime in files],
            )
            return cur.rowcount

    def mark_changed(self, changes: Iterable[tuple[int, int, int]]) -> None:
        """Files whose (id, size, mtime_ns) changed: drop what was learnt, index them again."""
        now = time.time()
        with self.transaction() as db:
            for photo_id, size, mtime in changes:
                db.execute("DELETE FROM embeddings WHERE photo_id = ?", (photo_id,))
                db.execute("DELETE FROM predicted_tags WHERE photo_id = ?", (photo_id,))
                db.execute(
                    "UPDATE photos SET size = ?, mtime_ns = ?, fingerprint = NULL, status = 'new',"
                    " error = NULL, updated_at = ? WHERE id = ?",
                    (size, mtime, now, photo_id),
                )

    def move_photo(self, photo_id: int, folder_id: int | None, path: str, mtime_ns: int) -> None:
        """A file seen under a new path with the same content keeps its row, vectors and tags."""
        with self.transaction() as db:
            db.execute(
                "UPDATE photos SET folder_id = ?, path = ?, mtime_ns = ?, updated_at = ? "
                "WHERE id = ?",
                (folder_id, _enc(path), mtime_ns, time.time(), photo_id),
            )

    def delete_photos(self, photo_ids: Iterable[int]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM photos WHERE id = ?", [(i,) for i in photo_ids])

    # -- photos: indexing -------------------------------------------------------------------

    def pending(self, model: str, limit: int, after_id: int = 0) -> list[Photo]:
        """Photos without a vector for `model` that have not failed, by id, after `after_id`."""
        rows = self._db.execute(
            f"SELECT {_PHOTO_COLS} FROM photos p WHERE p.id > ? AND p.status != 'failed' "
            "AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.photo_id = p.id AND e.model = ?) "
            "ORDER BY p.id LIMIT ?",
            (after_id, model, limit),
        )
        return [_photo(r) for r in rows]

    def retry_failed(self) -> int:
        """Give every failed photo another try (after fixing permissions, say); how many."""
        with self.transaction() as db:
            return db.execute(
                "UPDATE photos SET status = 'new', error = NULL WHERE status = 'failed'"
            ).rowcount

    def is_pending(self, photo_id: int, model: str) -> bool:
        row = self._db.execute(
            "SELECT status != 'failed' AND NOT EXISTS (SELECT 1 FROM embeddings e "
            "WHERE e.photo_id = p.id AND e.model = ?) FROM photos p WHERE p.id = ?",
            (model, photo_id),
        ).fetchone()
        return bool(row and row[0])

    def store_batch(
        self, model: str, results: Sequence[PhotoResult], failures: Sequence[tuple[int, str]]
    ) -> None:
        """Write one batch's vectors, tags, metadata and failures in a single transaction."""
        now = time.time()
        with self.transaction() as db:
            for r in results:
                db.execute(
                    "UPDATE photos SET fingerprint = ?, width = ?, height = ?, taken_at = ?, "
                    "status = 'ok', error = NULL, updated_at = ? WHERE id = ?",
                    (r.fingerprint, r.width, r.height, r.taken_at, now, r.photo_id),
                )
                db.execute(
                    "INSERT OR REPLACE INTO embeddings(photo_id, model, vector) VALUES(?, ?, ?)",
                    (r.photo_id, model, np.asarray(r.vector, dtype="<f4").tobytes()),
                )
                db.execute(
                    "DELETE FROM predicted_tags WHERE photo_id = ? AND model = ?",
                    (r.photo_id, model),
                )
                db.executemany(
                    "INSERT INTO predicted_tags(photo_id, model, rank, class_index, label, score) "
                    "VALUES(?, ?, ?, ?, ?, ?)",
                    [
                        (r.photo_id, model, rank, t.class_index, t.label, float(t.score))
                        for rank, t in enumerate(r.tags)
                    ],
                )
            db.executemany(
                "UPDATE photos SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
                [(error, now, photo_id) for photo_id, error in failures],
            )

    # -- reading results --------------------------------------------------------------------

    def vectors(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """All (photo ids, float32 matrix) stored for `model`, in photo id order."""
        rows = self._db.execute(
            "SELECT photo_id, vector FROM embeddings WHERE model = ? ORDER BY photo_id", (model,)
        ).fetchall()
        return _matrix(rows)

    def vectors_of(self, photo_ids: Sequence[int], model: str) -> tuple[np.ndarray, np.ndarray]:
        """(ids, matrix) of those of `photo_ids` that have a vector for `model`, by id."""
        rows: list[tuple[int, bytes]] = []
        for start in range(0, len(photo_ids), 500):
            chunk = [int(i) for i in photo_ids[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            rows += self._db.execute(
                "SELECT photo_id, vector FROM embeddings "
                f"WHERE model = ? AND photo_id IN ({marks})",
                [model, *chunk],
            ).fetchall()
        rows.sort()
        return _matrix(rows)

    def vector_seq(self) -> int:
        """The newest vector_log position: changes whenever any vector is added or removed."""
        return self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM vector_log").fetchone()[0]

    def touched_since(self, model: str, seq: int) -> list[int]:
        """Photos whose `model` vector was added, replaced or removed after `seq`."""
        rows = self._db.execute(
            "SELECT DISTINCT photo_id FROM vector_log WHERE model = ? AND seq > ?", (model, seq)
        )
        return sorted(r[0] for r in rows)

    def log_length(self, model: str) -> int:
        return self._db.execute(
            "SELECT COUNT(*) FROM vector_log WHERE model = ?", (model,)
        ).fetchone()[0]

    def iter_vectors(self, model: str) -> Iterator[tuple[int, np.ndarray]]:
        """Stream (photo id, vector) for `model` in id order, without holding them all."""
        rows = self._db.execute(
            "SELECT photo_id, vector FROM embeddings WHERE model = ? ORDER BY photo_id", (model,)
        )
        for photo_id, blob in rows:
            yield photo_id, np.frombuffer(blob, dtype="<f4")

    def forget_log(self, model: str, upto_seq: int) -> None:
        """Drop log entries an index build has absorbed."""
        with self.transaction() as db:
            db.execute("DELETE FROM vector_log WHERE model = ? AND seq <= ?", (model, upto_seq))

    def vector(self, photo_id: int, model: str) -> np.ndarray | None:
        row = self._db.execute(
            "SELECT vector FROM embeddings WHERE photo_id = ? AND model = ?", (photo_id, model)
        ).fetchone()
        return np.frombuffer(row[0], dtype="<f4").astype(np.float32) if row else None

    def paths(self, photo_ids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for start in range(0, len(photo_ids), 500):
            chunk = [int(i) for i in photo_ids[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            for pid, path in self._db.execute(
                f"SELECT id, path FROM photos WHERE id IN ({marks})", chunk
            ):
                out[pid] = _dec(path)
        return out

    def tags(self, photo_id: int, model: str) -> list[Tag]:
        rows = self._db.execute(
            "SELECT label, score, class_index FROM predicted_tags "
            "WHERE photo_id = ? AND model = ? ORDER BY rank",
            (photo_id, model),
        )
        return [Tag(r[0], r[1], r[2]) for r in rows]

    def tag_counts(self, model: str, min_score: float) -> list[tuple[str, int]]:
        """(label, photos) for visible photos tagged at `min_score` or more, commonest first."""
        rows = self._db.execute(
            "SELECT t.label, COUNT(DISTINCT t.photo_id) AS n FROM predicted_tags t "
            "JOIN photos p ON p.id = t.photo_id LEFT JOIN folders f ON f.id = p.folder_id "
            "WHERE t.model = ? AND t.score >= ? AND COALESCE(f.online, 1) = 1 "
            "GROUP BY t.label ORDER BY n DESC, t.label",
            (model, min_score),
        )
        return [(r[0], r[1]) for r in rows]

    def tagged(
        self, model: str, label: str, min_score: float, limit: int
    ) -> list[tuple[str, float]]:
        """(path, score) of visible photos tagged `label`, most confident first."""
        rows = self._db.execute(
            "SELECT p.path, MAX(t.score) AS s FROM predicted_tags t "
            "JOIN photos p ON p.id = t.photo_id LEFT JOIN folders f ON f.id = p.folder_id "
            "WHERE t.model = ? AND t.label = ? AND t.score >= ? AND COALESCE(f.online, 1) = 1 "
            "GROUP BY p.id ORDER BY s DESC, p.path LIMIT ?",
            (model, label, min_score, limit),
        )
        return [(_dec(r[0]), r[1]) for r in rows]

    def counts(self, model: str) -> Counts:
        total, failed, indexed = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(p.status = 'failed'), 0), COUNT(e.photo_id) "
            "FROM photos p LEFT JOIN embeddings e ON e.photo_id = p.id AND e.model = ?",
            (model,),
        ).fetchone()
        pending = self._db.execute(
            "SELECT COUNT(*) FROM photos p WHERE p.status != 'failed' AND NOT EXISTS "
            "(SELECT 1 FROM embeddings e WHERE e.photo_id = p.id AND e.model = ?)",
            (model,),
        ).fetchone()[0]
        return Counts(photos=total, indexed=indexed, pending=pending, failed=failed)

    def photo_page(self, offset: int, limit: int) -> list[Photo]:
        """Visible photos (not in offline folders) in path order: rows of a grid."""
        rows = self._db.execute(
            f"SELECT {', '.join('p.' + c for c in _PHOTO_COLS.split(', '))} FROM photos p "
            "LEFT JOIN folders f ON f.id = p.folder_id WHERE COALESCE(f.online, 1) = 1 "
            "ORDER BY p.path LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_photo(r) for r in rows]

    def fingerprints(self) -> set[str]:
        """Every content fingerprint the catalog holds."""
        rows = self._db.execute("SELECT DISTINCT fingerprint FROM photos WHERE fingerprint > ''")
        return {r[0] for r in rows}

    def failures(self, limit: int = 1000) -> list[Photo]:
        rows = self._db.execute(
            f"SELECT {_PHOTO_COLS} FROM photos WHERE status = 'failed' ORDER BY path LIMIT ?",
            (limit,),
        )
        return [_photo(r) for r in rows]


def _matrix(rows: Sequence[tuple[int, bytes]]) -> tuple[np.ndarray, np.ndarray]:
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), -1)
    return ids, matrix.astype(np.float32, copy=False)
