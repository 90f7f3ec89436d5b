"""Stored vectors and the log of their changes that the search index follows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import Enum

import numpy as np

from photofind.core.catalog.rows import matrix
from photofind.core.catalog.store import Store

__all__ = ["VectorQueries", "VectorTable"]


class VectorTable(Enum):
    """A table of vectors and the log of its changes that an Annoy index follows."""

    EMBEDDINGS = ("embeddings", "vector_log")  # the model's vectors: the truth
    SEARCH = ("search_vectors", "search_log")  # derived from them (core/search_vectors.py)

    @property
    def vectors(self) -> str:
        return self.value[0]

    @property
    def log(self) -> str:
        return self.value[1]


class VectorQueries(Store):
    """Embeddings per model, read whole, by id or streamed; the change log. Reads by id, the
    log and streaming also serve the search vectors (`table=VectorTable.SEARCH`)."""

    def vectors(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """All (photo ids, float32 matrix) stored for `model`, in photo id order."""
        rows = self._db.execute(
            "SELECT photo_id, vector FROM embeddings WHERE model = ? ORDER BY photo_id", (model,)
        ).fetchall()
        return matrix(rows)

    def vectors_of(
        self, photo_ids: Sequence[int], model: str, table: VectorTable = VectorTable.EMBEDDINGS
    ) -> tuple[np.ndarray, np.ndarray]:
        """(ids, matrix) of those of `photo_ids` that have a vector for `model`, by id."""
        rows: list[tuple[int, bytes]] = []
        for start in range(0, len(photo_ids), 500):
            chunk = [int(i) for i in photo_ids[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            rows += self._db.execute(
                f"SELECT photo_id, vector FROM {table.vectors} "
                f"WHERE model = ? AND photo_id IN ({marks})",
                [model, *chunk],
            ).fetchall()
        rows.sort()
        return matrix(rows)

    def vector_seq(self, table: VectorTable = VectorTable.EMBEDDINGS) -> int:
        """The newest position ever given in `table`'s log: grows whenever any vector is added
        or removed, and never goes back (pruning the log leaves it), so caches can key on it."""
        row = self._db.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.log,)
        ).fetchone()
        return int(row[0]) if row else 0

    def touched_since(
        self, model: str, seq: int, table: VectorTable = VectorTable.EMBEDDINGS
    ) -> list[int]:
        """Photos whose `model` vector in `table` was added, replaced or removed after `seq`."""
        rows = self._db.execute(
            f"SELECT DISTINCT photo_id FROM {table.log} WHERE model = ? AND seq > ?", (model, seq)
        )
        return sorted(r[0] for r in rows)

    def log_length(self, model: str, table: VectorTable = VectorTable.EMBEDDINGS) -> int:
        return self._db.execute(
            f"SELECT COUNT(*) FROM {table.log} WHERE model = ?", (model,)
        ).fetchone()[0]

    def iter_vectors(
        self, model: str, table: VectorTable = VectorTable.EMBEDDINGS
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Stream (photo id, vector) for `model` in id order, without holding them all."""
        rows = self._db.execute(
            f"SELECT photo_id, vector FROM {table.vectors} WHERE model = ? ORDER BY photo_id",
            (model,),
        )
        for photo_id, blob in rows:
            yield photo_id, np.frombuffer(blob, dtype="<f4")

    def forget_log(
        self, model: str, upto_seq: int, table: VectorTable = VectorTable.EMBEDDINGS
    ) -> None:
        """Drop log entries an index build has absorbed."""
        with self.transaction() as db:
            db.execute(f"DELETE FROM {table.log} WHERE model = ? AND seq <= ?", (model, upto_seq))

    def vector(self, photo_id: int, model: str) -> np.ndarray | None:
        row = self._db.execute(
            "SELECT vector FROM embeddings WHERE photo_id = ? AND model = ?", (photo_id, model)
        ).fetchone()
        return np.frombuffer(row[0], dtype="<f4").astype(np.float32) if row else None

    def drop_models_except(self, keep: Sequence[str]) -> int:
        """Drop the vectors and predicted tags of every model not in `keep` (after a switch);
        how many vectors went."""
        marks = ",".join("?" * len(keep))
        with self.transaction() as db:
            gone = db.execute(
                f"DELETE FROM embeddings WHERE model NOT IN ({marks})", list(keep)
            ).rowcount
            db.execute(f"DELETE FROM predicted_tags WHERE model NOT IN ({marks})", list(keep))
            db.execute(f"DELETE FROM vector_log WHERE model NOT IN ({marks})", list(keep))
        return gone
