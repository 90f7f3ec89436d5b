"""Two-dimensional maps of vectors: t-SNE layout, placing new points, neighbour agreement."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np

__all__ = [
    "MapCancelled",
    "MapProgress",
    "MapStage",
    "layout",
    "neighbour_agreement",
    "place",
    "reduce",
    "representatives",
]

PCA_DIMS = 50  # t-SNE's neighbours are found after PCA to this many dimensions (openTSNE's advice)
PERPLEXITY = 30.0
PLACE_PERPLEXITY = 5.0  # openTSNE's `transform` default: new points sit by their closest few
EXAGGERATION_ITERS = 250
ITERS = 500
CALLBACK_EVERY = 10
REPULSION_SAMPLE = 2000
SMALL = 12  # fewer points than this: PCA alone (t-SNE needs 3 x perplexity neighbours)


class MapStage(str, Enum):
    """What a layout is doing."""

    NEIGHBOURS = "neighbours"  # PCA and each photo's nearest neighbours
    LAYOUT = "layout"  # t-SNE's gradient descent
    PLACING = "placing"  # new photos into an existing map


@dataclass(frozen=True)
class MapProgress:
    stage: MapStage
    done: int
    total: int


class MapCancelled(Exception):
    """A layout stopped because its cancel event was set."""


THREADS: int | None = None  # openTSNE's threads; None: one per core but one


def _threads() -> int:
    """A core is left to the app's window: openTSNE's threads wait for each other at every
    step, so one kept off its core stalls them all."""
    return THREADS or max(1, (os.cpu_count() or 2) - 1)


def reduce(vectors: np.ndarray, dims: int = PCA_DIMS) -> np.ndarray:
    """`vectors` projected on their `dims` principal axes (float32; fewer if fewer exist)."""
    x = np.asarray(vectors, dtype=np.float32)
    mean = x.mean(axis=0)
    cov = np.zeros((x.shape[1], x.shape[1]), dtype=np.float64)
    for start in range(0, len(x), 8192):  # bounded memory: no centred copy of the whole matrix
        chunk = x[start : start + 8192] - mean
        cov += chunk.T @ chunk
    _, axes = np.linalg.eigh(cov)
    axes = axes[:, ::-1][:, : min(dims, len(x), x.shape[1])].astype(np.float32)
    return (x - mean) @ axes


def _pca_map(vectors: np.ndarray) -> np.ndarray:
    out = np.zeros((len(vectors), 2), dtype=np.float32)
    if len(vectors) > 1:
        flat = reduce(vectors, 2)
        out[:, : flat.shape[1]] = flat * (10.0 / (np.abs(flat).max() or 1.0))
    return out


def layout(
    vectors: np.ndarray,
    progress: Callable[[MapProgress], None] | None = None,
    cancel: threading.Event | None = None,
    seed: int = 0,
) -> np.ndarray:
    """A t-SNE map (n x 2, float32) of `vectors` (openTSNE, FFT-accelerated gradients).

    Raises `MapCancelled` within ten steps of `cancel` being set (after the neighbour search,
    which is not interruptible).
    """
    n = len(vectors)
    say = progress or (lambda p: None)
    total = EXAGGERATION_ITERS + ITERS
    say(MapProgress(MapStage.NEIGHBOURS, 0, total))
    if n < SMALL:
        return _pca_map(vectors)
    from openTSNE import TSNE  # imported when needed: it takes a while to load

    x = reduce(vectors)
    done = [0]

    def step(iteration: int, error: float, embedding: np.ndarray) -> bool:
        done[0] += CALLBACK_EVERY
        if cancel is not None and cancel.is_set():
            raise MapCancelled
        say(MapProgress(MapStage.LAYOUT, min(done[0], total), total))
        return False

    tsne = TSNE(
        perplexity=min(PERPLEXITY, (n - 1) / 3.0),
        n_jobs=_threads(),
        random_state=seed,
        callbacks=step,
        callbacks_every_iters=CALLBACK_EVERY,
    )
    embedding = tsne.prepare_initial(x)  # neighbours and affinities: the part not interruptible
    if cancel is not None and cancel.is_set():
        raise MapCancelled
    for iters, exaggeration, momentum in (  # `TSNE.fit`'s two phases
        (EXAGGERATION_ITERS, tsne.early_exaggeration, tsne.initial_momentum),
        (ITERS, tsne.exaggeration, tsne.final_momentum),
    ):
        embedding.optimize(
            iters,
            exaggeration=exaggeration,
            momentum=momentum,
            inplace=True,
            propagate_exception=True,
        )
    return np.asarray(embedding, dtype=np.float32)


def place(
    coords: np.ndarray, neighbours: np.ndarray, distances: np.ndarray, seed: int = 0
) -> np.ndarray:
    """Positions (m x 2) for new points into the map `coords`, which stays as it is.

    `neighbours[i]` are rows of `coords` nearest new point i (closest first), at `distances`.
    This is openTSNE's `transform`, fed neighbours the caller found (the library's search index)
    so the map's own vectors need not be read: start at the median of the closest neighbours,
    then optimise the new points alone against the fixed map.
    """
    m = len(neighbours)
    if m == 0:
        return np.zeros((0, 2), dtype=np.float32)
    reference = np.asarray(coords, dtype=np.float64)
    k = neighbours.shape[1]
    if len(reference) < SMALL or k < 4:  # no t-SNE to speak of: sit by the nearest
        return reference[neighbours[:, 0]].astype(np.float32)
    import scipy.sparse as sp
    from openTSNE import PartialTSNEEmbedding, TSNEEmbedding
    from openTSNE.affinity import Affinities, joint_probabilities_nn

    # The map's other points only push new points away, through a ratio of sums over them (the
    # t-SNE gradient's repulsion over its normaliser), which a uniform sample estimates: optimise
    # against the neighbours plus a sample, so placing costs the same in a map of any size.
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(reference), min(REPULSION_SAMPLE, len(reference)), replace=False)
    used, local = np.unique(np.concatenate([neighbours.ravel(), sample]), return_inverse=True)
    local_neighbours = local[: neighbours.size].reshape(neighbours.shape)
    p = joint_probabilities_nn(
        np.ascontiguousarray(local_neighbours, dtype=np.int64),
        np.ascontiguousarray(distances, dtype=np.float64),
        [min(PLACE_PERPLEXITY, (k - 1) / 3.0)],
        symmetrize=False,
        normalization="point-wise",
        n_reference_samples=len(used),
        n_jobs=_threads(),
    )
    start = np.median(reference[neighbours[:, : min(k, 10)]], axis=1)  # openTSNE's "median"
    unused = Affinities()  # the map's own affinities play no part in placing new points
    unused.P = sp.csr_matrix((len(used), len(used)))
    fixed = TSNEEmbedding(
        reference[used],
        unused,
        negative_gradient_method="fft",
        random_state=seed,
        n_jobs=_threads(),
    )
    partial = PartialTSNEEmbedding(start, fixed, p, **fixed.gradient_descent_params)
    partial.optimize(  # openTSNE's `transform` schedule
        n_iter=250,
        learning_rate=0.1,
        exaggeration=1.5,
        momentum=0.8,
        max_grad_norm=0.25,
        inplace=True,
    )
    return np.asarray(partial, dtype=np.float32)


def neighbour_agreement(points: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """Mean share of each point's `k` nearest other points (Euclidean) that share its label."""
    x = np.asarray(points, dtype=np.float32)
    labels = np.asarray(labels)
    norms = (x * x).sum(axis=1)
    shares = []
    for start in range(0, len(x), 1024):
        chunk = x[start : start + 1024]
        d = norms[start : start + 1024, None] - 2 * chunk @ x.T + norms[None, :]
        d[np.arange(len(chunk)), np.arange(start, start + len(chunk))] = np.inf  # not itself
        nearest = np.argpartition(d, k, axis=1)[:, :k]
        same = labels[nearest] == labels[start : start + len(chunk), None]
        shares.append(same.mean(axis=1))
    return float(np.concatenate(shares).mean()) if shares else 0.0


def representatives(xy: np.ndarray, cell: float) -> np.ndarray:
    """Rows of `xy` that stand for the others when the map is seen at cells of side `cell`:
    in each occupied cell, the point closest to the cell's centre of mass (its most typical)."""
    if len(xy) == 0:
        return np.zeros(0, dtype=np.int64)
    cells = np.floor(np.asarray(xy, dtype=np.float64) / cell).astype(np.int64)
    cells -= cells.min(axis=0)
    keys = cells[:, 0] * (int(cells[:, 1].max()) + 1) + cells[:, 1]
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    counts = np.diff(np.r_[starts, len(order)])
    centres = np.add.reduceat(xy[order], starts, axis=0) / counts[:, None]
    spread = np.linalg.norm(xy[order] - np.repeat(centres, counts, axis=0), axis=1)
    best = np.lexsort((spread, sorted_keys))  # by cell, the closest to its centre first
    return order[best[starts]]
