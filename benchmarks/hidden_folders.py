"""Similarity search while part of the library is offline (an unplugged drive), side by side.

    .venv/bin/python -m benchmarks.hidden_folders [--photos 50000] [--dim 1280]

Photos of an offline folder stay in the catalog and the Annoy index but must never be returned,
so every query excludes them. Two ways, on photofind's real catalog and index, for growing
shares of the library offline: asking Annoy for k + every hidden photo at once (photofind
before), and photofind's search, which asks for a few more than k and for more only while too
few of the answers are allowed. Recall@10 is against exact search over the visible photos.
Vectors as in benchmarks/vector_search.py; the hidden photos are one run of consecutive ids,
as a folder's photos are.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.vector_search import QUERIES, manifold_vectors, percentiles
from photofind.core import vector_index as vi
from photofind.core.catalog import Catalog, PhotoResult, Tag
from photofind.core.vector_index import VectorIndex

MODEL = "bench"
K = 10


def build(folder: Path, data: np.ndarray) -> tuple[Catalog, VectorIndex, np.ndarray]:
    catalog = Catalog(folder / "catalog.sqlite3")
    n = len(data)
    catalog.add_photos(None, [(f"/photos/{i:07d}.jpg", 1, 1) for i in range(n)])
    ids = np.array([p.id for p in catalog.photo_page(0, n)], dtype=np.int64)
    tag = [Tag("x", 1.0, 0)]
    for start in range(0, n, 2000):
        catalog.store_batch(
            MODEL,
            [
                PhotoResult(int(pid), "f", 1, 1, None, data[start + j], tag)
                for j, pid in enumerate(ids[start : start + 2000])
            ],
            [],
        )
    index = VectorIndex(folder / "index", catalog, MODEL)
    index.rebuild()
    return catalog, index, ids


def all_at_once(index: VectorIndex, q: np.ndarray, hidden: set[int]) -> list[int]:
    """photofind before: Annoy returns k + |hidden| candidates, filtered afterwards."""
    built = index._current()
    assert built is not None
    want = min(len(built.ids), K + len(hidden))
    items = built.nearest(q, vi.RESCORED * want, vi.SEARCH_K_PER_RESULT * max(want, 10))
    items = items[np.argsort(-(built.rows(items) @ q), kind="stable")]  # as `search` scores
    found = [int(built.ids[i]) for i in items[:want]]
    return [pid for pid in found if pid not in hidden][:K]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=50_000)
    parser.add_argument("--dim", type=int, default=1280)
    args = parser.parse_args()
    data = manifold_vectors(args.photos, args.dim, seed=0)
    queries = manifold_vectors(QUERIES, args.dim, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        catalog, index, ids = build(Path(tmp), data)
        print(
            f"{args.photos:,} photos, dim {args.dim}, {QUERIES} queries, k={K}; "
            f"catalog and index built in {time.perf_counter() - t:.0f} s\n"
        )
        print("| offline | method | recall@10 | p50 ms | p95 ms |\n|---|---|---|---|---|")
        for share in (0.0, 0.02, 0.2, 0.8):
            count = int(share * len(ids))
            hidden = set(ids[len(ids) // 3 : len(ids) // 3 + count].tolist())
            visible = ~np.isin(ids, list(hidden))
            truth = []
            for q in queries:
                scores = data[visible] @ q
                top = np.argpartition(-scores, K)[:K]
                truth.append(set(ids[visible][top].tolist()))
            ways = {
                "k + all hidden at once (before)": lambda q, h=hidden: all_at_once(index, q, h),
                "photofind (grows while needed)": lambda q, h=hidden: [
                    pid for pid, _ in index.search(q, K, h)
                ],
            }
            for name, way in ways.items():
                lat, found = [], 0
                for q, want in zip(queries, truth, strict=True):
                    t = time.perf_counter()
                    got = way(q)
                    lat.append(time.perf_counter() - t)
                    found += len(want & set(got))
                p50, p95 = percentiles(lat)
                print(
                    f"| {share:.0%} ({count:,}) | {name} | {found / (K * QUERIES):.3f} | "
                    f"{p50:.1f} | {p95:.1f} |",
                    flush=True,
                )
        catalog.close()


if __name__ == "__main__":
    main()
