"""Annoy against exact search at library sizes of 10k, 100k and 1M vectors, side by side.

    .venv/bin/python -m benchmarks.vector_search [--sizes 10000 100000 1000000] [--dim 1280]

Vectors are synthetic stand-ins for photo embeddings: unit vectors on a 64-dimensional manifold
(a mixture of 500 clusters mapped through a random ReLU layer), so that near neighbours exist as
they do between photos of the same scene. Isotropic noise in 1280 dimensions would have none and
says nothing about photos. The Annoy settings are photofind's own (photofind.core.vector_index);
`--sweep` also prints recall and latency for other search_k values, which is how they were chosen.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time

import numpy as np
from annoy import AnnoyIndex

from photofind.core import vector_index as vi

QUERIES = 200


def manifold_vectors(
    n: int, dim: int, seed: int, latent: int = 64, clusters: int = 500
) -> np.ndarray:
    shape = np.random.default_rng(1234)  # the same manifold for library and queries
    lift = shape.normal(0, 1, (latent, dim)).astype(np.float32) / np.sqrt(latent)
    centres = shape.normal(0, 1, (clusters, latent)).astype(np.float32)
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), np.float32)
    for start in range(0, n, 50_000):
        m = min(50_000, n - start)
        z = centres[rng.integers(0, clusters, m)]
        z = z + rng.normal(0, 0.7, (m, latent)).astype(np.float32)
        v = np.maximum(z @ lift, 0) + np.abs(rng.normal(0, 0.05, (m, dim)).astype(np.float32))
        out[start : start + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentiles(samples: list[float]) -> tuple[float, float]:
    ms = np.asarray(samples) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def run(n: int, dim: int, sweep: bool) -> list[tuple]:
    data = manifold_vectors(n, dim, seed=0)
    queries = manifold_vectors(QUERIES, dim, seed=1)
    truth, exact_t = [], []
    for q in queries:
        t = time.perf_counter()
        scores = data @ q
        top = np.argpartition(-scores, 10)[:10]
        exact_t.append(time.perf_counter() - t)
        truth.append(set(top.tolist()))
    rows = [(n, "exact (numpy)", "-", 1.0, *percentiles(exact_t), "-", "-")]

    before = rss_mib()
    index = AnnoyIndex(dim, "angular")
    index.set_seed(20240601)
    t = time.perf_counter()
    for i, v in enumerate(data):
        index.add_item(i, v.tolist())
    index.build(vi.TREES, n_jobs=1)
    build_s = time.perf_counter() - t
    build_mib = rss_mib() - before
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.ann")
        index.save(path)
        index.unload()
        del data
        loaded = AnnoyIndex(dim, "angular")
        loaded.load(path)  # memory-mapped, as photofind loads it
        search_ks = [vi.SEARCH_K_PER_RESULT * 10]
        if sweep:
            search_ks = [1000, 2000, 5000, 10_000, 20_000]
        for search_k in search_ks:
            lat, found = [], 0
            for q, want in zip(queries, truth, strict=True):
                t = time.perf_counter()
                got = loaded.get_nns_by_vector(q.tolist(), 10, search_k=search_k)
                lat.append(time.perf_counter() - t)
                found += len(want & set(got))
            recall = found / (10 * len(queries))
            rows.append(
                (
                    n,
                    f"annoy {vi.TREES} trees",
                    search_k,
                    recall,
                    *percentiles(lat),
                    f"{build_s:.1f}",
                    f"{build_mib:.0f}",
                )
            )
        loaded.unload()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--dim", type=int, default=1280)
    parser.add_argument("--sweep", action="store_true", help="try several search_k values")
    args = parser.parse_args()
    print(
        f"dim {args.dim}, {QUERIES} queries, k=10, {os.cpu_count()} cores; photofind uses "
        f"exact search below {vi.EXACT_BELOW} vectors"
    )
    head = (
        "vectors",
        "method",
        "search_k",
        "recall@10",
        "p50 ms",
        "p95 ms",
        "build s",
        "build MiB",
    )
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for n in args.sizes:
        for row in run(n, args.dim, args.sweep):
            n_, method, sk, recall, p50, p95, build, mib = row
            print(
                f"| {n_:,} | {method} | {sk} | {recall:.3f} | {p50:.2f} | {p95:.2f} | "
                f"{build} | {mib} |",
                flush=True,
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of this run: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
