"""Duplicate groups: byte-identical files, and copies (crops, resizes, re-saves, recolours).

Three steps. Files with the same content fingerprint are grouped without any model work. The
global vectors then propose candidate pairs at a lenient cosine threshold, and a geometric
check on the cached thumbnails (copy_check.py) confirms or rejects each; its evidence is cached
in the catalog by content pair, so a second run checks only what is new.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from photofind.core.catalog import Catalog, Photo
from photofind.core.copy_check import (
    CHECK_VERSION,
    CopyEvidence,
    LocalFeatures,
    compare,
    is_copy,
    local_features,
)
from photofind.core.keepers import DuplicateGroup, rank_copies
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
FEATURE_CACHE = 2048
CHUNK = 512

Loader = Callable[[Photo], "bytes | None"]
Progress = Callable[[int, int], None]


class _Groups:
    """Union-find over photo ids: the groups confirmed so far."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def copy(self) -> _Groups:
        other = _Groups(())
        other.parent = dict(self.parent)
        return other


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
    groups = _Groups(content)
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
    _check(catalog, by_content, groups, thumbnail, progress, cancel)

    members: dict[int, list[int]] = {}
    for pid in groups.parent:
        members.setdefault(groups.root(pid), []).append(pid)
    grouped = [sorted(g) for g in members.values() if len(g) > 1]
    rows = catalog.photos_by_id([pid for g in grouped for pid in g])
    ranked = []
    for group in grouped:
        photos = [rows[pid] for pid in group if pid in rows]
        if len(photos) > 1:
            ranked.append(rank_copies(photos, thumbnail))
    return sorted(ranked, key=lambda g: g.keeper.photo.path)


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
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for r, cols in enumerate(top):
            a = int(ids[start + r])
            for c in cols[sims[r, cols] >= threshold]:
                b = int(ids[c])
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


def _check(
    catalog: Catalog,
    pairs: dict[tuple[str, str], tuple[int, int]],
    groups: _Groups,
    thumbnail: Loader,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    """Join in `groups` the pairs the evidence (cached, or measured now and cached) confirms.

    A pair whose photos are already in one group needs no check (groups are transitive), so a
    burst of ten copies costs about nine checks, not 45. Pairs go in chunks of pairs that join
    different groups: the chunk's missing features are computed, then its pairs compared, on a
    pool of threads (OpenCV releases the GIL); thumbnails are read on this thread, which owns
    the catalog connection.
    """
    cached = catalog.copy_checks(CHECK_VERSION)
    for key, (a, b) in pairs.items():
        if key in cached and is_copy(CopyEvidence(*cached[key])):
            groups.join(a, b)
    pending = _local_order([key for key in pairs if key not in cached])
    photo_of = {fp: pid for key, ids in pairs.items() for fp, pid in zip(key, ids, strict=True)}
    rows = catalog.photos_by_id(sorted({photo_of[fp] for key in pending for fp in key}))
    features: OrderedDict[str, LocalFeatures | None] = OrderedDict()

    def read(fp: str) -> bytes | None:
        photo = rows.get(photo_of[fp])
        return thumbnail(photo) if photo is not None else None

    def extract(data: bytes | None) -> LocalFeatures | None:
        if data is None:
            return None
        try:
            return local_features(data)
        except ValueError:
            return None

    def measure(pair: tuple[str, str]) -> CopyEvidence | None:
        a, b = features[pair[0]], features[pair[1]]
        return compare(a, b) if a is not None and b is not None else None

    total, done = len(pending), 0
    if progress is not None:
        progress(0, total)
    workers = min(8, os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) as pool:
        while pending and not (cancel is not None and cancel.is_set()):
            chunk, later, done = _next_chunk(pending, pairs, groups, done)
            needed = sorted({fp for pair in chunk for fp in pair} - features.keys())
            found = pool.map(extract, [read(fp) for fp in needed])
            features.update(zip(needed, found, strict=True))
            for fp in {fp for pair in chunk for fp in pair}:
                features.move_to_end(fp)
            fresh = []
            for pair, ev in zip(chunk, pool.map(measure, chunk), strict=True):
                if ev is None:  # an unreadable photo's pairs are not cached: retried later
                    continue
                fresh.append((*pair, ev.inliers, ev.agreement))
                if is_copy(ev):
                    groups.join(*pairs[pair])
            catalog.store_copy_checks(CHECK_VERSION, fresh)
            while len(features) > FEATURE_CACHE:
                features.popitem(last=False)
            done += len(chunk)
            pending = later
            if progress is not None:
                progress(done, total)


def _next_chunk(
    pending: list[tuple[str, str]],
    ids: dict[tuple[str, str], tuple[int, int]],
    groups: _Groups,
    done: int,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], int]:
    """(pairs to check now, pairs left for later, pairs resolved so far) from `pending`: a pair
    whose photos are grouped already is resolved; one that a pair of this chunk may yet join
    waits for the next chunk."""
    tentative = groups.copy()
    chunk: list[tuple[str, str]] = []
    later: list[tuple[str, str]] = []
    for n, pair in enumerate(pending):
        if len(chunk) >= CHUNK:
            later.extend(pending[n:])
            break
        a, b = ids[pair]
        if groups.root(a) == groups.root(b):
            done += 1
        elif tentative.root(a) == tentative.root(b):
            later.append(pair)
        else:
            chunk.append(pair)
            tentative.join(a, b)
    return chunk, later, done


def _local_order(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pairs in breadth-first order of the graph they form, so a photo's pairs come close
    together and its features are computed once (a bounded cache holds them)."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for pair in pairs:
        for fp in pair:
            edges.setdefault(fp, []).append(pair)
    seen_pairs: set[tuple[str, str]] = set()
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for start in sorted(edges):
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            fp = queue.popleft()
            for pair in edges[fp]:
                if pair not in seen_pairs:
                    seen_pairs.add(pair)
                    out.append(pair)
                other = pair[1] if pair[0] == fp else pair[0]
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
    return out
