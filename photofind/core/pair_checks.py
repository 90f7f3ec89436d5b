"""Checking candidate pairs in bulk: chunks of pairs that can still join groups, on a pool of
threads, with each check's evidence cached in the catalog."""

from __future__ import annotations

import os
import threading
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from photofind.core.catalog import Catalog, Photo
from photofind.core.copy_check import (
    CHECK_VERSION,
    CopyEvidence,
    LocalFeatures,
    compare,
    is_copy,
    local_features,
)

__all__ = ["Groups", "check_pairs"]

FEATURE_CACHE = 2048
CHUNK = 512

Loader = Callable[[Photo], "bytes | None"]
Progress = Callable[[int, int], None]


class Groups:
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

    def copy(self) -> Groups:
        other = Groups(())
        other.parent = dict(self.parent)
        return other


def check_pairs(
    catalog: Catalog,
    pairs: dict[tuple[str, str], tuple[int, int]],
    groups: Groups | None,
    thumbnail: Loader,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    """Join in `groups` the pairs the evidence (cached, or measured now and cached) confirms;
    with no `groups`, measure and cache every pair not cached yet.

    A pair whose photos are already in one group needs no check (groups are transitive), so a
    burst of ten copies costs about nine checks, not 45. Pairs go in chunks of pairs that join
    different groups: the chunk's missing features are computed, then its pairs compared, on a
    pool of threads (OpenCV releases the GIL); thumbnails are read on this thread, which owns
    the catalog connection.
    """
    cached = catalog.copy_checks(CHECK_VERSION)
    for key, (a, b) in pairs.items():
        if groups is not None and key in cached and is_copy(CopyEvidence(*cached[key])):
            groups.join(a, b)
    pending = _local_order([key for key in pairs if key not in cached])
    # Pairs still to resolve per photo: a photo's features are dropped once it has none left, so
    # the bounded cache holds photos still needed (found twice only when more than FEATURE_CACHE
    # of them are at once).
    open_pairs = Counter(fp for pair in pending for fp in pair)
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
            chunk, later, resolved = _next_chunk(pending, pairs, groups)
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
                if groups is not None and is_copy(ev):
                    groups.join(*pairs[pair])
            catalog.store_copy_checks(CHECK_VERSION, fresh)
            for pair in chunk + resolved:
                for fp in pair:
                    open_pairs[fp] -= 1
                    if not open_pairs[fp]:
                        features.pop(fp, None)
            while len(features) > FEATURE_CACHE:
                features.popitem(last=False)
            done += len(chunk) + len(resolved)
            pending = later
            if progress is not None:
                progress(done, total)


def _next_chunk(
    pending: list[tuple[str, str]],
    ids: dict[tuple[str, str], tuple[int, int]],
    groups: Groups | None,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(pairs to check now, pairs left for later, pairs resolved) from `pending`: a pair whose
    photos are grouped already is resolved; one that a pair of this chunk may yet join waits for
    the next chunk. With no `groups`, every pair is checked in turn."""
    if groups is None:
        return pending[:CHUNK], pending[CHUNK:], []
    tentative = groups.copy()
    chunk: list[tuple[str, str]] = []
    later: list[tuple[str, str]] = []
    resolved: list[tuple[str, str]] = []
    for n, pair in enumerate(pending):
        if len(chunk) >= CHUNK:
            later.extend(pending[n:])
            break
        a, b = ids[pair]
        if groups.root(a) == groups.root(b):
            resolved.append(pair)
        elif tentative.root(a) == tentative.root(b):
            later.append(pair)
        else:
            chunk.append(pair)
            tentative.join(a, b)
    return chunk, later, resolved


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
