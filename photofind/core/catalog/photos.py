"""Photo rows: what scanning writes, what indexing takes and stores, and what a grid reads."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import numpy as np

from photofind.core.catalog.rows import PHOTO_COLS, Counts, Photo, PhotoResult, dec, enc, photo_row
from photofind.core.catalog.store import Store

__all__ = ["PhotoQueries"]


class PhotoQueries(Store):
    """Photo rows through their life: found, indexed (or failed), moved, deleted."""

    def photos_in_folder(self, folder_id: int | None) -> list[Photo]:
        if folder_id is None:
            rows = self._db.execute(f"SELECT {PHOTO_COLS} FROM photos WHERE folder_id IS NULL")
        else:
            rows = self._db.execute(
                f"SELECT {PHOTO_COLS} FROM photos WHERE folder_id = ?", (folder_id,)
            )
        return [photo_row(r) for r in rows]

    def photo_by_path(self, path: str) -> Photo | None:
        row = self._db.execute(
            f"SELECT {PHOTO_COLS} FROM photos WHERE path = ?", (enc(path),)
        ).fetchone()
        return photo_row(row) if row else None

    def photo_by_fingerprint(self, digest: str) -> Photo | None:
        """The first photo whose content has this fingerprint, if any."""
        row = self._db.execute(
            f"SELECT {PHOTO_COLS} FROM photos WHERE fingerprint = ? ORDER BY id LIMIT 1", (digest,)
        ).fetchone()
        return photo_row(row) if row else None

    def photo_by_id(self, photo_id: int) -> Photo | None:
        row = self._db.execute(
            f"SELECT {PHOTO_COLS} FROM photos WHERE id = ?", (photo_id,)
        ).fetchone()
        return photo_row(row) if row else None

    def add_photos(self, folder_id: int | None, files: Iterable[tuple[str, int, int]]) -> int:
        """Insert new (path, size, mtime_ns) rows as not yet indexed; return how many."""
        now = time.time()
        with self.transaction() as db:
            cur = db.executemany(
                "INSERT OR IGNORE INTO photos(folder_id, path, size, mtime_ns, updated_at) "
                "VALUES(?, ?, ?, ?, ?)",
                [(folder_id, enc(p), size, mtime, now) for p, size, mtime in files],
            )
            return cur.rowcount

    def mark_changed(self, changes: Iterable[tuple[int, int, int]]) -> None:
        """Files whose (id, size, mtime_ns) changed: drop what was learnt, index them again."""
        now = time.time()
        with self.transaction() as db:
            for photo_id, size, mtime in changes:
                db.execute("DELETE FROM embeddings WHERE photo_id = ?", (photo_id,))
                db.execute("DELETE FROM predicted_tags WHERE photo_id = ?", (photo_id,))
                db.execute("DELETE FROM broad_tags WHERE photo_id = ?", (photo_id,))
                db.execute(
                    "UPDATE photos SET size = ?, mtime_ns = ?, fingerprint = NULL, status = 'new',"
                    " error = NULL, updated_at = ? WHERE id = ?",
                    (size, mtime, now, photo_id),
                )

    def move_photo(self, photo_id: int, folder_id: int | None, path: str, mtime_ns: int) -> None:
        """A file seen under a new path with the same content keeps its row, vectors and tags."""
        with self.transaction() as db:
            db.execute(
                "UPDATE photos SET folder_id = ?, path = ?, mtime_ns = ?, updated_at = ?, "
                "missing_since = NULL WHERE id = ?",
                (folder_id, enc(path), mtime_ns, time.time(), photo_id),
            )

    def delete_photos(self, photo_ids: Iterable[int]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM photos WHERE id = ?", [(i,) for i in photo_ids])

    def pending(self, model: str, limit: int, after_id: int = 0) -> list[Photo]:
        """Photos without a vector for `model` that have not failed, by id, after `after_id`."""
        rows = self._db.execute(
            f"SELECT {PHOTO_COLS} FROM photos p WHERE p.id > ? AND p.status != 'failed' "
            "AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.photo_id = p.id AND e.model = ?) "
            "ORDER BY p.id LIMIT ?",
            (after_id, model, limit),
        )
        return [photo_row(r) for r in rows]

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
                for table in ("predicted_tags", "broad_tags"):
                    db.execute(
                        f"DELETE FROM {table} WHERE photo_id = ? AND model = ?",
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
                    "INSERT INTO broad_tags(photo_id, model, tag, score) VALUES(?, ?, ?, ?)",
                    [(r.photo_id, model, tag, float(score)) for tag, score in r.broad],
                )
            db.executemany(
                "UPDATE photos SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
                [(error, now, photo_id) for photo_id, error in failures],
            )

    def paths(self, photo_ids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for start in range(0, len(photo_ids), 500):
            chunk = [int(i) for i in photo_ids[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            for pid, path in self._db.execute(
                f"SELECT id, path FROM photos WHERE id IN ({marks})", chunk
            ):
                out[pid] = dec(path)
        return out

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
        """Visible photos (not offline, not held missing) in path order: rows of a grid."""
        rows = self._db.execute(
            f"SELECT {', '.join('p.' + c for c in PHOTO_COLS.split(', '))} FROM photos p "
            "LEFT JOIN folders f ON f.id = p.folder_id "
            "WHERE COALESCE(f.online, 1) = 1 AND p.missing_since IS NULL "
            "ORDER BY p.path LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [photo_row(r) for r in rows]

    def fingerprints(self) -> set[str]:
        """Every content fingerprint the catalog holds."""
        rows = self._db.execute("SELECT DISTINCT fingerprint FROM photos WHERE fingerprint > ''")
        return {r[0] for r in rows}

    def failures(self, limit: int = 1000) -> list[Photo]:
        rows = self._db.execute(
            f"SELECT {PHOTO_COLS} FROM photos WHERE status = 'failed' ORDER BY path LIMIT ?",
            (limit,),
        )
        return [photo_row(r) for r in rows]
