"""Keep the search vectors (core/search_space.py) in step with the embeddings, which stay the
truth: a full pass (library mean, exact neighbour lists) when there is none, when the library
grew or shrank by half, and at the embeddings' index rebuilds; in between, photos added,
changed or removed update only themselves and the photos made from them.

Everything a pass computes is written in one transaction, so a pass cancelled or killed part
way leaves the last good search vectors.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import numpy as np

from photofind.core.catalog import Catalog, SearchState
from photofind.core.search_index import SearchIndex
from photofind.core.search_space import (
    CHUNK,
    SearchParams,
    augment,
    centre,
    neighbour_lists,
    project,
)

__all__ = ["PARAMS", "full_pass", "needs_full_pass", "params_key", "sync"]

# Chosen on the objects set and confirmed on the others (README, "Search vectors").
PARAMS = SearchParams(neighbours=5, alpha=1.0, expand=5, copy_gap=0.05, check_copies=True)
# Above this many photos the full pass looks for neighbours among the nearest few
# (search_space.CANDIDATES per neighbour) on the REDUCED_DIMS principal axes first, then
# scores those exactly: chosen on real photos, README "At scale".
EXACT_NEIGHBOURS_BELOW = 20_000
REDUCED_DIMS = 256
# Below this many photos a library's mean and neighbours say too little: a 47-photo library of
# 45 kinds ranked a pizza second for a beagle. Searches there use the plain vectors.
MIN_PHOTOS = 200
GROWTH = 1.5  # a full pass when the library grew or shrank by this factor since the last one


def params_key(params: SearchParams) -> str:
    """What the stored vectors depend on (query expansion does not: it is applied per query)."""
    return json.dumps({"neighbours": params.neighbours, "alpha": params.alpha})


def needs_full_pass(state: SearchState | None, count: int, params: SearchParams) -> bool:
    if state is None or state.params != params_key(params):
        return True
    return not state.full_count / GROWTH <= count <= state.full_count * GROWTH


def full_pass(
    catalog: Catalog,
    model: str,
    params: SearchParams = PARAMS,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> bool:
    """Recompute the mean and every search vector; False (nothing written) if cancelled."""
    seq = catalog.vector_seq()
    ids, raw = catalog.vectors(model)
    mean = raw.mean(axis=0) if len(ids) else np.zeros(0, dtype=np.float32)
    centred = centre(raw, mean) if len(ids) else raw
    del raw
    reduced = project(centred, REDUCED_DIMS) if len(ids) > EXACT_NEIGHBOURS_BELOW else None
    found = neighbour_lists(centred, params.neighbours, progress, cancel, reduced)
    if found is None:
        return False
    idx, sims = found
    augmented = np.empty_like(centred)
    for start in range(0, len(ids), CHUNK):
        rows = slice(start, start + CHUNK)
        augmented[rows] = augment(centred[rows], centred[idx[rows]], sims[rows], params.alpha)
    if cancel is not None and cancel.is_set():
        return False
    state = SearchState(mean.astype(np.float32), params_key(params), seq, len(ids))
    catalog.write_search_vectors(model, state, ids, augmented, ids[idx], replace_all=True)
    return True


def sync(catalog: Catalog, index: SearchIndex, model: str, params: SearchParams = PARAMS) -> int:
    """Bring the search vectors up to the embeddings' changes since the last pass, with the
    stored mean: new and changed photos get neighbours from the search index (and from each
    other), photos made from a changed or removed photo are made again. How many changed."""
    state = catalog.search_state(model)
    assert state is not None, "sync follows a full pass"
    seq = catalog.vector_seq()
    touched = catalog.touched_since(model, state.synced_seq)
    if not touched:
        return 0
    present = set(catalog.vectors_of(touched, model)[0].tolist())
    removed = sorted(set(touched) - present)
    redo = sorted(present | catalog.search_dependents(model, touched))
    ids, raw = catalog.vectors_of(redo, model)
    stale = frozenset(touched)  # their stored search vectors no longer hold
    neighbours: list[list[int]] = []
    centred = centre(raw, state.mean) if len(ids) else raw
    among = centred @ centred.T if len(ids) else np.zeros((0, 0))
    for row, photo_id in enumerate(ids.tolist()):
        candidates = dict(index.search(centred[row], params.neighbours, stale | {photo_id}))
        for other in np.argsort(-among[row], kind="stable")[: params.neighbours + 1]:
            other_id = int(ids[other])
            if other_id != photo_id:
                score = float(among[row, other])
                candidates[other_id] = max(score, candidates.get(other_id, -2.0))
        best = sorted(candidates.items(), key=lambda item: (-item[1], item[0]))
        best = best[: params.neighbours]
        neighbours.append([pid for pid, _ in best])
    wanted = sorted({pid for row in neighbours for pid in row})
    have, vectors = catalog.vectors_of(wanted, model)
    at = {int(pid): i for i, pid in enumerate(have)}
    width = params.neighbours
    stacked = np.zeros((len(ids), width, centred.shape[1] if len(ids) else 0), np.float32)
    weights = np.zeros((len(ids), width), np.float32)
    mine = centre(vectors, state.mean) if len(have) else vectors
    for row, row_ids in enumerate(neighbours):
        for j, pid in enumerate(row_ids):
            stacked[row, j] = mine[at[pid]]
    # Weighted by the centred vectors' similarity, as in the full pass (the index scored
    # candidates against their search vectors).
    weights = np.einsum("rnd,rd->rn", stacked, centred) if len(ids) else weights
    augmented = augment(centred, stacked, weights, params.alpha) if len(ids) else centred
    new_state = SearchState(state.mean, state.params, seq, state.full_count)
    catalog.write_search_vectors(model, new_state, ids, augmented, neighbours, removed)
    return len(ids) + len(removed)
