"""Nearest-neighbour search over the catalog's vectors: an Annoy file as a rebuildable cache.

SQLite holds every vector. Above `EXACT_BELOW` vectors an Annoy index, built up to a position of
the catalog's vector log, answers queries: its trees over the vectors' principal axes propose
candidates (index_files.py), scored exactly on the full vectors. Vectors logged after that
position are searched exactly with numpy and their stale Annoy entries are dropped, so results
always match the catalog. A rebuild writes new files under a new generation number and swaps
the small manifest atomically; readers notice the new manifest at their next query. A missing,
foreign, truncated or unreadable index is ignored (exact search) until it is rebuilt, never a
crash.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from photofind.core.catalog import Catalog
from photofind.core.catalog.vectors import VectorTable
from photofind.core.index_files import TREES, Built, IndexFiles, sweep

__all__ = [
    "EXACT_BELOW",
    "REBUILD_AFTER",
    "RESCORED",
    "SEARCH_K_PER_RESULT",
    "TREES",
    "VectorIndex",
    "sweep",
]

# Chosen by benchmarks/vector_search.py on a 2-core machine (README, performance section).
EXACT_BELOW = 20_000  # exact numpy search is as fast as Annoy below this many vectors
REBUILD_AFTER = 2_000  # vectors changed since the build before a rebuild is due
SEARCH_K_PER_RESULT = 2000  # Annoy inspects this many items per result asked for (20,000 for 10)
RESCORED = 4  # candidates from the trees scored exactly, per result asked for


class VectorIndex(IndexFiles):
    """Search one model's vectors. Use from one thread, like the Catalog it reads."""

    table = VectorTable.EMBEDDINGS

    def __init__(self, folder: Path, catalog: Catalog, model: str) -> None:
        self.folder = folder
        self.catalog = catalog
        self.model = model
        self.name = model  # names the files and the manifest; SearchIndex adds a suffix
        self._built: Built | None = None
        self._manifest_seen: int | None = None
        self._cache_key: tuple[int, int] | None = None
        self._cache: tuple[set[int], np.ndarray, np.ndarray] = (set(), np.zeros(0), np.zeros(0))

    @property
    def manifest_path(self) -> Path:
        return self.folder / f"{self.name}.json"

    # -- searching --------------------------------------------------------------------------

    def search(
        self,
        vector: np.ndarray,
        k: int,
        exclude: set[int] | frozenset[int] = frozenset(),
        *,
        effort: int = 10,
    ) -> list[tuple[int, float]]:
        """The `k` (photo id, cosine similarity) nearest to `vector`, best first, ties by id.
        Annoy inspects `SEARCH_K_PER_RESULT` items per result for at least `effort` results: a
        caller that needs only a rough few (query expansion's) asks for less."""
        built = self._current()
        seq = self._seq()
        if built is None:
            touched, ids, matrix = self._exact_all(seq)
            return _top(ids, _scores(matrix, vector), k, exclude)
        touched, ids, matrix = self._delta(built, seq)
        if len(touched) > 4 * REBUILD_AFTER:  # far behind: Annoy would need too many candidates
            touched, ids, matrix = self._exact_all(seq)
            return _top(ids, _scores(matrix, vector), k, exclude)
        stale = np.fromiter(touched, np.int64, len(touched))
        excluded = np.fromiter(exclude, np.int64, len(exclude))
        # Ask for a few more than k, and for more only while too few of those Annoy returns are
        # usable: excluded photos (a whole offline drive) cost time only when they really are
        # the nearest, instead of on every query.
        want = min(len(built.ids), k + min(len(exclude), k) + len(touched))
        while True:
            search_k = SEARCH_K_PER_RESULT * max(want - len(touched), effort) + len(touched)
            fresh = want - len(touched)
            items = built.nearest(vector, RESCORED * fresh + len(touched), search_k)
            cand_ids = built.ids[items]
            keep = ~np.isin(cand_ids, stale)
            usable = int(np.count_nonzero(keep & ~np.isin(cand_ids, excluded)))
            if usable >= k or want >= len(built.ids):
                break
            want = min(len(built.ids), 4 * want)
        cand_scores = built.rows(items[keep]) @ vector  # exact: the trees saw projections
        all_ids = np.concatenate([cand_ids[keep], ids])
        all_scores = np.concatenate([cand_scores, matrix @ vector if len(ids) else []])
        return _top(all_ids, all_scores.astype(np.float32), k, exclude)

    def vectors_of(self, photo_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of those of `photo_ids` that have one: a built index's read row by
        row from its mapped vectors, photos changed since its build from the catalog."""
        built = self._current()
        if built is None:  # every vector is in memory (`search` keeps them there)
            _, ids, matrix = self._exact_all(self._seq())
            rows = np.flatnonzero(np.isin(ids, np.asarray(photo_ids, dtype=np.int64)))
            return ids[rows], matrix[rows]
        touched, _, _ = self._delta(built, self._seq())
        if built.by_id is None:
            built.by_id = np.argsort(built.ids, kind="stable")
        wanted = np.asarray([i for i in photo_ids if i not in touched], dtype=np.int64)
        at = np.searchsorted(built.ids[built.by_id], wanted)
        at = np.minimum(at, len(built.ids) - 1)
        items = built.by_id[at]
        found = built.ids[items] == wanted
        ids = wanted[found]
        matrix = built.rows(items[found])
        fresh = [i for i in photo_ids if i in touched]
        if fresh:
            more_ids, more = self.catalog.vectors_of(fresh, self.model, self.table)
            ids, matrix = np.concatenate([ids, more_ids]), np.concatenate([matrix, more])
        return ids, matrix

    def _exact_all(self, seq: int) -> tuple[set[int], np.ndarray, np.ndarray]:
        """Every vector, cached in memory until the catalog's vectors change."""
        if self._cache_key != (seq, -1):
            ids, matrix = self._all()
            self._cache = (set(), ids, matrix)
            self._cache_key = (seq, -1)
        return self._cache

    def _delta(self, built: Built, seq: int) -> tuple[set[int], np.ndarray, np.ndarray]:
        """Photos changed since the build, and the current vectors of those that have one."""
        if self._cache_key != (seq, built.seq):
            touched = set(self._touched_since(built.seq))
            ids, matrix = self._of(sorted(touched))
            self._cache = (touched, ids, matrix)
            self._cache_key = (seq, built.seq)
        return self._cache

    # -- the vectors searched: `table`'s (SearchIndex reads the search vectors) -------------

    def _seq(self) -> int:
        return self.catalog.vector_seq(self.table)

    def _all(self) -> tuple[np.ndarray, np.ndarray]:
        return self.catalog.vectors(self.model)

    def _of(self, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        return self.catalog.vectors_of(ids, self.model, self.table)

    def _iter(self) -> Iterable[tuple[int, np.ndarray]]:
        return self.catalog.iter_vectors(self.model, self.table)

    def _touched_since(self, seq: int) -> list[int]:
        return self.catalog.touched_since(self.model, seq, self.table)

    def _count(self) -> int:
        return self.catalog.counts(self.model).indexed

    def _log_length(self) -> int:
        return self.catalog.log_length(self.model, self.table)

    def _forget_log(self, seq: int) -> None:
        self.catalog.forget_log(self.model, seq, self.table)

    # -- the index file ---------------------------------------------------------------------

    def stale_count(self) -> int:
        """How many vectors changed since the index was built (all of them if there is none)."""
        built = self._current()
        if built is None:
            return self._count()
        return len(self._touched_since(built.seq))

    def worth_an_index(self, count: int) -> bool:
        """Whether `count` vectors are searched faster through an Annoy file than exactly."""
        return count >= EXACT_BELOW

    def needs_rebuild(self) -> bool:
        total = self._count()
        if total < EXACT_BELOW:  # drop an index no longer worth it; keep the log short
            return self._current() is not None or self._log_length() > REBUILD_AFTER
        return self._current() is None or self.stale_count() >= REBUILD_AFTER


def _scores(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Cosine similarities of unit vectors; none when nothing is indexed yet."""
    return matrix @ vector if len(matrix) else np.zeros(0, dtype=np.float32)


def _top(
    ids: np.ndarray, scores: np.ndarray, k: int, exclude: set[int] | frozenset[int]
) -> list[tuple[int, float]]:
    if len(ids) == 0:
        return []
    if exclude:
        mask = ~np.isin(ids, np.fromiter(exclude, np.int64, len(exclude)))
        ids, scores = ids[mask], scores[mask]
    if len(ids) > 4 * k:  # partial sort first: most of a large library is never ranked
        part = np.argpartition(-scores, 4 * k)[: 4 * k]
        ids, scores = ids[part], scores[part]
    order = np.lexsort((ids, -scores))[:k]
    return [(int(ids[i]), float(scores[i])) for i in order]
