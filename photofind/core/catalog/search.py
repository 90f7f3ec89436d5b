"""Search vectors: the cache `core/search_vectors.py` derives from the embeddings, its state
(mean, parameters, the embeddings' log position it follows) and its own change log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from photofind.core.catalog.rows import matrix
from photofind.core.catalog.store import Store

__all__ = ["SearchQueries", "SearchState"]


@dataclass(frozen=True)
class SearchState:
    mean: np.ndarray  # the library mean the search vectors are centred on
    params: str  # the parameters they were made with, as written by SearchParams.key()
    synced_seq: int  # the embeddings' vector_log position they follow
    full_count: int  # photos at the last full pass


def _blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


class SearchQueries(Store):
    """Read and replace search vectors; every write is one transaction."""

    def search_state(self, model: str) -> SearchState | None:
        row = self._db.execute(
            "SELECT mean, params, synced_seq, full_count FROM search_state WHERE model = ?",
            (model,),
        ).fetchone()
        if row is None:
            return None
        mean = np.frombuffer(row[0], dtype="<f4").astype(np.float32)
        return SearchState(mean, row[1], int(row[2]), int(row[3]))

    def write_search_vectors(
        self,
        model: str,
        state: SearchState,
        ids: Sequence[int] | np.ndarray,
        vectors: np.ndarray,
        neighbours: Sequence[Sequence[int]] | np.ndarray,
        removed: Sequence[int] = (),
        replace_all: bool = False,
    ) -> None:
        """Store search vectors of `ids` (made from `neighbours`), drop those of `removed`, and
        the state, at once: a process killed part way leaves the last good ones."""
        with self.transaction() as db:
            if replace_all:
                db.execute("DELETE FROM search_vectors WHERE model = ?", (model,))
                db.execute("DELETE FROM search_links WHERE model = ?", (model,))
            gone = [(model, int(i)) for i in (*removed, *ids)]
            db.executemany("DELETE FROM search_links WHERE model = ? AND photo_id = ?", gone)
            db.executemany(
                "DELETE FROM search_vectors WHERE model = ? AND photo_id = ?", gone[: len(removed)]
            )
            db.executemany(
                "INSERT OR REPLACE INTO search_vectors(photo_id, model, vector) VALUES (?, ?, ?)",
                ((int(i), model, _blob(v)) for i, v in zip(ids, vectors, strict=True)),
            )
            db.executemany(
                "INSERT OR IGNORE INTO search_links(model, neighbour, photo_id) VALUES (?, ?, ?)",
                (
                    (model, int(n), int(i))
                    for i, row in zip(ids, neighbours, strict=True)
                    for n in row
                ),
            )
            db.execute(
                "INSERT OR REPLACE INTO search_state(model, mean, params, synced_seq, full_count) "
                "VALUES (?, ?, ?, ?, ?)",
                (model, _blob(state.mean), state.params, state.synced_seq, state.full_count),
            )

    def search_dependents(self, model: str, photo_ids: Sequence[int]) -> set[int]:
        """Photos whose search vector was made from any of `photo_ids`."""
        return {photo_id for photo_id, _ in self._links(model, photo_ids, by_neighbour=True)}

    def search_neighbours(self, photo_id: int, model: str) -> list[int]:
        """The photos a photo's search vector was made from."""
        rows = self._db.execute(
            "SELECT neighbour FROM search_links WHERE model = ? AND photo_id = ? "
            "ORDER BY neighbour",
            (model, photo_id),
        )
        return [r[0] for r in rows]

    def search_ids(self, model: str) -> list[int]:
        """Every photo with a search vector for `model`, by id."""
        rows = self._db.execute(
            "SELECT photo_id FROM search_vectors WHERE model = ? ORDER BY photo_id", (model,)
        )
        return [r[0] for r in rows]

    def search_links_of(self, model: str, photo_ids: Sequence[int]) -> dict[int, list[int]]:
        """The photos each of `photo_ids`' search vector was made from, by id (those with
        none are left out)."""
        found: dict[int, list[int]] = {}
        for photo_id, neighbour in sorted(self._links(model, photo_ids, by_neighbour=False)):
            found.setdefault(photo_id, []).append(neighbour)
        return found

    def _links(
        self, model: str, photo_ids: Sequence[int], by_neighbour: bool
    ) -> Iterator[tuple[int, int]]:
        """(photo, neighbour) links whose neighbour (or, not `by_neighbour`, whose photo) is
        one of `photo_ids`, read in chunks that SQLite's parameter limit allows."""
        column = "neighbour" if by_neighbour else "photo_id"
        for start in range(0, len(photo_ids), 500):
            chunk = [int(i) for i in photo_ids[start : start + 500]]
            yield from self._db.execute(
                f"SELECT photo_id, neighbour FROM search_links WHERE model = ? "
                f"AND {column} IN ({','.join('?' * len(chunk))})",
                [model, *chunk],
            )

    # -- what SearchIndex reads (the same shapes as the embeddings' queries) ------------------

    def search_matrix(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        rows = self._db.execute(
            "SELECT photo_id, vector FROM search_vectors WHERE model = ? ORDER BY photo_id",
            (model,),
        ).fetchall()
        return matrix(rows)

    def search_count(self, model: str) -> int:
        return self._db.execute(
            "SELECT COUNT(*) FROM search_vectors WHERE model = ?", (model,)
        ).fetchone()[0]

    def drop_search_except(self, keep: Sequence[str]) -> None:
        """Drop the search vectors of every model not in `keep`."""
        marks = ",".join("?" * len(keep))
        with self.transaction() as db:
            for table in ("search_vectors", "search_links", "search_state", "search_log"):
                db.execute(f"DELETE FROM {table} WHERE model NOT IN ({marks})", list(keep))
