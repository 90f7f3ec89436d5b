"""The space searches rank in: raw vectors centred on the library's mean, then sharpened by
database-side augmentation (DBA) and, at query time, optional average query expansion (QE).

Pure numpy on matrices of unit vectors; `search_vectors.py` keeps the results in the catalog.
Centring removes what every photo of the library shares; DBA replaces each stored vector by
the weighted, normalised sum of itself and its nearest neighbours, so related photos pull
together. A query (a library photo or any file) is only centred: DBA is for stored vectors.
QE and the near-copy rule start from the plain embeddings' nearest few (`library_search.py`):
DBA and QE blend a photo with its look-alikes, which can bury its one true copy (a photo seen
inside a screenshot's frame sits among the other screenshots), while the plain vectors keep it
nearest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "SearchParams",
    "augment",
    "centre",
    "expand",
    "near_copy",
    "neighbour_lists",
    "principal_axes",
    "project",
]

CHUNK = 1024  # rows per block of the neighbour pass: progress and cancelling between blocks
# Candidates per neighbour on the principal axes, scored exactly (`neighbour_lists`).
CANDIDATES = 8


@dataclass(frozen=True)
class SearchParams:
    """How search vectors are made (chosen on one benchmark set, see the README)."""

    neighbours: int = 5  # DBA: nearest photos averaged into each stored vector (0: centring only)
    alpha: float = 0.0  # neighbour weight = similarity ** alpha (0: plain mean)
    expand: int = 0  # QE: the plain nearest photos' search vectors added to the query
    copy_gap: float = 0.0  # a near-copy first: the plain nearest, when it leads the next by this
    check_copies: bool = False  # ... or when the geometric check confirms it (near_copies.py)
    centred: bool = True  # False: the seeds' plain vectors (benchmarks only)


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def centre(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Vectors (one or a matrix) less the library mean, L2-normalised."""
    return _unit(np.asarray(vectors, dtype=np.float32) - mean)


def principal_axes(matrix: np.ndarray, dims: int) -> np.ndarray:
    """The `dims` principal axes (rows) of `matrix`'s rows about the origin (centre them first
    for the usual PCA), from a sample of 20,000 rows at most; fewer where the rows have fewer
    dimensions."""
    sample = matrix[:: max(1, len(matrix) // 20_000)]
    _, _, axes = np.linalg.svd(sample, full_matrices=False)
    return np.ascontiguousarray(axes[:dims], dtype=np.float32)


def project(matrix: np.ndarray, dims: int) -> np.ndarray:
    """Rows of centred `matrix` on its `dims` principal axes (their dot products approximate
    the full ones), for a cheap first look at neighbours in a large library."""
    return (matrix @ principal_axes(matrix, dims).T).astype(np.float32)


def neighbour_lists(
    matrix: np.ndarray,
    n: int,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    reduced: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each row's `n` nearest other rows (indices, similarities; best first), in blocks; None
    if `cancel` was set. Ties go to the lower index. Exact, or with `reduced` (`project`ed
    rows) the best of the `CANDIDATES` x n nearest there, re-scored exactly."""
    total = len(matrix)
    n = min(n, total - 1)
    idx = np.zeros((total, max(n, 0)), dtype=np.int64)
    sims = np.zeros((total, max(n, 0)), dtype=np.float32)
    for start in range(0, total, CHUNK):
        if cancel is not None and cancel.is_set():
            return None
        stop = min(total, start + CHUNK)
        if n > 0 and reduced is not None and CANDIDATES * n < total - 1:
            block = reduced[start:stop] @ reduced.T
            block[np.arange(stop - start), np.arange(start, stop)] = -np.inf
            cand = _largest(block, CANDIDATES * n)
            cand_s = np.einsum("rd,rkd->rk", matrix[start:stop], matrix[cand])
            top = np.argsort(-cand_s, axis=1, kind="stable")[:, :n]
            idx[start:stop] = np.take_along_axis(cand, top, axis=1)
            sims[start:stop] = np.take_along_axis(cand_s, top, axis=1)
        elif n > 0:
            block = matrix[start:stop] @ matrix.T
            block[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not oneself
            cand = _largest(block, n) if n < total - 1 else np.argsort(-block, axis=1)[:, :n]
            cand_s = np.take_along_axis(block, cand, axis=1)
            order = np.lexsort((cand, -cand_s), axis=1)
            idx[start:stop] = np.take_along_axis(cand, order, axis=1)
            sims[start:stop] = np.take_along_axis(cand_s, order, axis=1)
        if progress is not None:
            progress(stop, total)
    return idx, sims


def _largest(block: np.ndarray, k: int) -> np.ndarray:
    """Columns of each row's `k` largest values, in no order (no negated copy of the block)."""
    width = block.shape[1]
    return np.argpartition(block, width - k, axis=1)[:, width - k :]


def augment(own: np.ndarray, neighbours: np.ndarray, sims: np.ndarray, alpha: float) -> np.ndarray:
    """DBA: each `own` row (centred) plus its neighbours' centred rows (`neighbours`: rows x n x
    dim), weighted by similarity ** alpha, normalised."""
    if neighbours.shape[1] == 0:
        return _unit(own)
    weights = np.clip(sims, 0.0, None) ** alpha if alpha else np.ones_like(sims)
    return _unit(own + np.einsum("rn,rnd->rd", weights, neighbours))


def expand(query: np.ndarray, found: np.ndarray, sims: np.ndarray, alpha: float) -> np.ndarray:
    """QE: the query plus the search vectors of its best results, weighted as in DBA."""
    if len(found) == 0:
        return query
    weights = np.clip(sims, 0.0, None) ** alpha if alpha else np.ones_like(sims)
    return _unit(query + weights @ found)


def near_copy(plain: list[tuple[int, float]], gap: float) -> int | None:
    """The plain nearest photo if it leads the second by `gap` or more (a copy of the query
    stands out from its look-alikes), else None. `plain`: (id, raw cosine), best first."""
    if gap <= 0 or len(plain) < 2 or plain[0][1] - plain[1][1] < gap:
        return None
    return plain[0][0]
