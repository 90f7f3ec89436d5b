"""Duplicate groups: byte-identical files, and copies (crops, resizes, re-saves, recolours).

Three steps. Files with the same content fingerprint are grouped without any model work. The
global vectors then propose candidate pairs at a lenient cosine threshold, and a geometric
check on the cached thumbnails (copy_check.py) confirms or rejects each; its evidence is cached
in the catalog by content pair, so a second run checks only what is new.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from photofind.core.catalog import Catalog, Photo
from photofind.core.imaging import CopyQuality, ImageError, copy_quality
from photofind.core.keepers import DuplicateGroup, rank_copies
from photofind.core.pair_checks import Groups, Loader, Progress, check_pairs
from photofind.core.vector_index import VectorIndex

__all__ = ["DEFAULT_THRESHOLD", "candidate_pairs", "find_duplicates"]

# Cosine similarity above which two photos are checked as possible copies; chosen on the tuning
# half of benchmarks/duplicates_copydays.py (README) with the default model.
DEFAULT_THRESHOLD = 0.5
NEIGHBOURS = 20
# Up to this many photos, candidates come from one exact matrix product (a few seconds at
# 10,000); beyond it, from the search index.
EXACT_LIMIT = 30_000
BLOCK = 1024


def find_duplicates(
    catalog: Catalog,
    index: VectorIndex,
    thumbnail: Loader,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    exclude: Collection[int] = (),
    cancel: threading.Event | None = None,
) -> list[DuplicateGroup]:
    """Groups of two or more copies, keeper first; groups ordered by their keeper's path.

    `thumbnail(photo)` gives a photo's thumbnail (JPEG bytes) or None if it cannot be read (the
    photo is then only grouped with byte-identical files). `progress(done, total)` counts pairs
    checked. Photos in `exclude` (offline folders) are left out. Setting `cancel` stops the
    checking between chunks: the groups confirmed so far come back, and what was measured is
    cached, so the next run picks up where this one stopped.
    """
    excluded = set(exclude)
    content = {pid: fp for pid, fp in catalog.fingerprinted() if pid not in excluded}
    groups = Groups(content)
    first_with: dict[str, int] = {}
    for pid, fp in content.items():
        groups.join(first_with.setdefault(fp, pid), pid)

    ids, matrix = catalog.vectors(index.model)
    keep = np.array([int(i) in content for i in ids], dtype=bool)
    ids, matrix = ids[keep], matrix[keep]
    if len(ids) <= EXACT_LIMIT:
        pairs = candidate_pairs(ids, matrix, threshold)
    else:
        pairs = _indexed_pairs(index, ids, matrix, threshold)
    by_content: dict[tuple[str, str], tuple[int, int]] = {}
    for a, b in pairs:
        fa, fb = content[a], content[b]
        if fa != fb:
            key, ids_ = ((fa, fb), (a, b)) if fa < fb else ((fb, fa), (b, a))
            by_content.setdefault(key, ids_)
    check_pairs(catalog, by_content, groups, thumbnail, progress, cancel)

    members: dict[int, list[int]] = {}
    for pid in groups.parent:
        members.setdefault(groups.root(pid), []).append(pid)
    grouped = [sorted(g) for g in members.values() if len(g) > 1]
    rows = catalog.photos_by_id([pid for g in grouped for pid in g])
    qualities = _qualities(catalog, list(rows.values()), thumbnail)

    def quality(photo: Photo) -> CopyQuality:
        found = qualities.get(photo.fingerprint or "")
        if found is None or not os.path.isfile(photo.path):
            raise ImageError("the file cannot be read")
        return found

    ranked = []
    for group in grouped:
        photos = [rows[pid] for pid in group if pid in rows]
        if len(photos) > 1:
            ranked.append(rank_copies(photos, quality))
    return sorted(ranked, key=lambda g: g.keeper.photo.path)


def _qualities(catalog: Catalog, photos: list[Photo], thumbnail: Loader) -> dict[str, CopyQuality]:
    """What ranks each photo's copies (keepers.py): cached by content, or measured now on the
    thumbnail and the file's header (on a pool of threads) and cached."""
    fps = sorted({p.fingerprint for p in photos if p.fingerprint})
    out = {fp: CopyQuality(*row) for fp, row in catalog.copy_facts(fps).items()}
    missing = list({p.fingerprint: p for p in photos if p.fingerprint not in out}.values())

    def measure(job: tuple[Photo, bytes | None]) -> CopyQuality | None:
        try:
            return copy_quality(job[0].path, job[1]) if job[1] is not None else None
        except ImageError:
            return None

    with ThreadPoolExecutor(min(8, os.cpu_count() or 1)) as pool:
        found = list(pool.map(measure, [(p, thumbnail(p)) for p in missing]))
    fresh = {p.fingerprint: q for p, q in zip(missing, found, strict=True) if q and p.fingerprint}
    catalog.store_copy_facts((fp, q.sharpness, q.exif_tags, q.colour) for fp, q in fresh.items())
    return out | fresh


def candidate_pairs(
    ids: np.ndarray, matrix: np.ndarray, threshold: float, neighbours: int = NEIGHBOURS
) -> set[tuple[int, int]]:
    """(smaller id, larger id) of each photo and its `neighbours` nearest at cosine >= threshold."""
    pairs: set[tuple[int, int]] = set()
    n = len(ids)
    k = min(neighbours, n - 1)
    if k <= 0:
        return pairs
    for start in range(0, n, BLOCK):
        sims = matrix[start : start + BLOCK] @ matrix.T
        rows = np.arange(len(sims))
        sims[rows, start + rows] = -1.0
        above = sims >= threshold
        crowded = np.flatnonzero(above.sum(axis=1) > k)
        if len(crowded):  # more than k above the threshold: keep the k nearest
            top = np.argpartition(-sims[crowded], k - 1, axis=1)[:, :k]
            above[crowded] = False
            above[crowded[:, None], top] = sims[crowded[:, None], top] >= threshold
        for r, c in zip(*np.nonzero(above), strict=True):
            a, b = int(ids[start + r]), int(ids[c])
            pairs.add((a, b) if a < b else (b, a))
    return pairs


def _indexed_pairs(
    index: VectorIndex, ids: np.ndarray, matrix: np.ndarray, threshold: float
) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for pid, vec in zip(ids, matrix, strict=True):
        a = int(pid)
        for b, score in index.search(vec, NEIGHBOURS, exclude={a}):
            if score < threshold:
                break
            pairs.add((a, b) if a < b else (b, a))
    return pairs
