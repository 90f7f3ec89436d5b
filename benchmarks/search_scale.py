"""Search vectors at library scale: the full pass, query latency, and adding photos later.

    python -m benchmarks.search_scale [--size 100000] [--add 1000] [--dim 1280]

A throw-away library gets `size` synthetic vectors (benchmarks/vector_search.py's manifold
stand-ins for photo embeddings) through the catalog, then: the full search-vector pass
(`Library.refresh_search_vectors(full=True)`) and both Annoy builds (`maintain_index` runs
the two, after a pass of its own);
p50/p95 latency of 200 queries through `Library.search_ranked` (what `similar` does after
reading the query photo's vector: the plain nearest few, the centred query expanded with their
search vectors, the search index), for library photos (the plain nearest few among their stored
neighbours) and for vectors from outside (from a search of the embeddings' index, as for every
query before 2026-12-06), beside the plain vectors' index; quality at scale, on real photos, is
benchmarks/scale_quality.py.
Then `add` more photos and the incremental update that gives them search vectors. Times are
wall-clock and the process's CPU time (all its threads): on a shared machine the wall-clock
time says more about the other users.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from benchmarks.vector_search import manifold_vectors, percentiles
from photofind.core import search_vectors
from photofind.core.catalog import PhotoResult
from photofind.core.library import Library
from photofind.core.search_space import centre

MODEL = "bench"


def store_vectors(lib: Library, vectors: np.ndarray, start: int, folder: str = "/bench") -> None:
    """`vectors` stored as photos of their own, with no files: FOLDER/0000123.jpg and on."""
    for lo in range(0, len(vectors), 2000):
        chunk = vectors[lo : lo + 2000]
        names = [f"{folder}/{start + lo + i:07}.jpg" for i in range(len(chunk))]
        lib.catalog.add_photos(None, [(n, 1, 1) for n in names])
        ids = [p.id for p in (lib.catalog.photo_by_path(n) for n in names) if p]
        results = [
            PhotoResult(i, f"f{i}", 1, 1, None, v, []) for i, v in zip(ids, chunk, strict=True)
        ]
        lib.catalog.store_batch(lib.model, results, [])


@contextmanager
def timed(what: str) -> Iterator[None]:
    started, cpu = time.perf_counter(), time.process_time()
    yield
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"{what}: {wall:.1f} s ({used:.1f} s of CPU)", flush=True)


def _latency(search: Callable[[np.ndarray], object], queries: np.ndarray) -> str:
    """p50/p95 of the wall-clock and of the CPU time per query, in ms."""
    wall, cpu = [], []
    for q in queries:
        started, used = time.perf_counter(), time.process_time()
        search(q)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    (w50, w95), (c50, c95) = percentiles(wall), percentiles(cpu)
    return f"{w50:.1f}/{w95:.1f} ms ({c50:.1f}/{c95:.1f} ms of CPU)"


def neighbour_recall(lib: Library, sample: int = 200) -> float:
    """Share of the exact nearest neighbours (centred vectors) that the pass listed."""
    state = lib.catalog.search_state(lib.model)
    assert state is not None
    ids, raw = lib.catalog.vectors(lib.model)
    centred = centre(raw, state.mean)
    found = 0
    n = search_vectors.PARAMS.neighbours
    for row in np.random.default_rng(0).choice(len(ids), sample, replace=False):
        scores = centred @ centred[row]
        scores[row] = -np.inf
        exact = set(ids[np.argsort(-scores)[:n]].tolist())
        found += len(exact & set(lib.catalog.search_neighbours(int(ids[row]), lib.model)))
    return found / (n * sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--add", type=int, default=1000)
    parser.add_argument("--dim", type=int, default=1280)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="photofind-scale-") as tmp:
        lib = Library.open(Path(tmp))
        lib.catalog.set_setting("model", MODEL)
        started = time.perf_counter()
        store_vectors(lib, manifold_vectors(args.size, args.dim, seed=0), 0)
        print(f"stored {args.size} vectors in {time.perf_counter() - started:.0f} s")
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 30:
                last[0] = time.perf_counter()
                print(f"  pass: {done}/{total}", flush=True)

        with timed("full pass"):
            assert lib.refresh_search_vectors(full=True, progress=progress)
        with timed("then both Annoy builds"):  # maintain_index would run the pass again first
            lib.search_index.rebuild()
            lib.vector_index.rebuild()
        print(f"neighbour lists: recall {neighbour_recall(lib):.3f} of the exact ones (200 photos)")
        queries = manifold_vectors(200, args.dim, seed=1)
        ids, raw = lib.catalog.vectors(MODEL)
        rows = np.random.default_rng(1).choice(len(ids), 200, replace=False)
        photos = [(int(ids[r]), raw[r]) for r in rows]

        def photo(i: int) -> object:  # Find similar on a library photo: its stored neighbours
            return lib.search_ranked([photos[i][1]], [], 10, {photos[i][0]}, photos[i][0])

        for q in queries[:5]:  # warm the memory maps
            lib.search_ranked([q], [], 10, set())
        plain = _latency(lambda q: lib.vector_index.search(q, 10), queries)
        inside = _latency(photo, np.arange(200))
        outside = _latency(lambda q: lib.search_ranked([q], [], 10, set()), queries)
        print(
            f"query p50/p95: plain {plain}; search vectors + QE: a library photo {inside}, "
            f"a file from outside (as every query before 2026-12-06) {outside}"
        )
        store_vectors(lib, manifold_vectors(args.add, args.dim, seed=2), args.size)
        with timed(f"adding {args.add} photos: their search vectors"):
            assert lib.refresh_search_vectors()
        print(f"  ({lib.catalog.search_count(MODEL)} search vectors in all)")
        lib.close()


if __name__ == "__main__":
    main()
