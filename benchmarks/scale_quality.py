"""Similar photos at library scale: labelled real photos among real distractors, side by side.

    python -m benchmarks.scale_quality --mirrors /work/.mirror --data /work/datasets \
        --sets objects animals scenes15 groups10 mixed copies --size 100000 \
        [--keep DIR] [--pass-choices | --index-choices]

The labelled sets (benchmarks/photo_sets.py) are indexed into one throw-away library (or DIR,
kept for the next run) by the real pipeline. Distractors fill it up to `size` photos: every
photo of the sets' source repositories that is in no set, whole and then as random crops
(flipped, brightened or darkened), embedded by the same model and cached in
~/.cache/photofind-bench. After the full search-vector pass, both Annoy builds and the
near-copy checks ahead of queries (timed; a kept library measures those not cached), every
labelled photo queries `Library.similar` (k=100) and scores precision@1, precision@10 and AP
over the first 100; relevant are the photos of its class, distractors included (their class is
their source folder, as a set's is: Caltech-101's other airplanes count for the objects set's
airplanes, the crops of a copy's original for the copy). Variants: exact search throughout with
the plain nearest few the exact ones (the ideal), the shipped method (the plain nearest few
among the photo's stored neighbours), the same as for a query from outside the library (the
plain nearest few from a search of the embeddings' index, as for every query before
2026-12-06), the shipped method with no near-copy check cached ahead (each measured when a query
asks), the near-copy rule by its lead alone (no geometric check), and the seeds' plain vectors
(their Annoy index); each with its share of the
ideal's top 10 and the p50/p95 latency of `similar` at k = 10 (1,000 queries). A kept library
keeps its last full pass unless the search parameters changed.
`--pass-choices` prints instead how many of the exact neighbours the full pass's first look
finds at other settings; `--index-choices` how many of a photo's 10 nearest the embeddings'
Annoy trees find, at other settings (benchmarks/index_choices.py).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from unittest.mock import patch

import numpy as np

from benchmarks.distractors import distractors
from benchmarks.index_choices import index_choices
from benchmarks.search_scale import neighbour_recall, store_vectors, timed
from benchmarks.vector_search import percentiles
from photofind.core import search_vectors
from photofind.core.copy_check import CHECK_VERSION
from photofind.core.library import Library
from photofind.core.near_copies import precheck
from photofind.core.search_index import SearchIndex
from photofind.core.search_space import SearchParams, centre
from photofind.core.vector_index import VectorIndex

K = 100
TIMED = 1000  # queries timed a variant, at k = 10 (what the app shows first)


def pass_choices(lib: Library, sample: int = 2000) -> None:
    """The full pass's first look, at each number of principal axes and of candidates per
    neighbour: the share of the exact 5 nearest (centred vectors) it finds, on `sample` photos."""
    state = lib.catalog.search_state(lib.model)
    assert state is not None
    _, raw = lib.catalog.vectors(lib.model)
    centred = centre(raw, state.mean)
    rows = np.random.default_rng(0).choice(len(centred), sample, replace=False)
    n = search_vectors.PARAMS.neighbours
    exact = centred[rows] @ centred.T
    exact[np.arange(sample), rows] = -np.inf
    truth = np.argsort(-exact, axis=1)[:, :n]
    _, _, axes = np.linalg.svd(centred[:: max(1, len(centred) // 20_000)], full_matrices=False)
    for dims in (128, 256, 384):
        reduced = centred @ axes[:dims].T
        first = reduced[rows] @ reduced.T
        first[np.arange(sample), rows] = -np.inf
        order = np.argsort(-first, axis=1)
        for per in (4, 8, 16):
            cand = order[:, : per * n]
            scores = np.einsum("rd,rkd->rk", centred[rows], centred[cand])
            top = np.take_along_axis(cand, np.argsort(-scores, axis=1)[:, :n], axis=1)
            found = np.mean([len(set(a) & set(t)) / n for a, t in zip(top, truth, strict=True)])
            print(f"  {dims} axes, {per} candidates a neighbour: recall {found:.3f}", flush=True)


@contextmanager
def _exact() -> Iterator[None]:
    """Both indexes searched exactly (their Annoy files ignored) while inside."""
    saved = VectorIndex._current, SearchIndex._current
    VectorIndex._current = SearchIndex._current = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        VectorIndex._current, SearchIndex._current = saved  # type: ignore[method-assign]


@contextmanager
def _ideal(lib: Library) -> Iterator[None]:
    """Exact search throughout, the plain nearest few the exact ones among every embedding."""
    with _exact(), _before(lib):
        yield


def _params(params: SearchParams) -> AbstractContextManager[object]:
    """Searches with other search parameters while inside."""
    return patch.object(search_vectors, "PARAMS", params)


def _before(lib: Library) -> AbstractContextManager[object]:
    """The plain nearest few from a search of the embeddings' own index, as before."""
    return patch.object(
        lib,
        "_plain_nearest",
        lambda pq, few, exclude, source: lib.vector_index.search(pq, few, exclude, effort=few),
    )


def _scores(
    lib: Library, queries: dict[str, str], classes: dict[str, str]
) -> tuple[dict[str, list[list[float]]], dict[str, list[str]], list[float]]:
    """Per set: [P@1, P@10, AP@100] of each query; each query's top 10; seconds a query at
    k = 10, on every `len(queries) // TIMED`-th query."""
    sizes = Counter(classes.values())
    per_set: dict[str, list[list[float]]] = {}
    tops, took = {}, []
    for row, (query, labelled_set) in enumerate(queries.items()):
        if row % max(1, len(queries) // TIMED) == 0:
            started = time.perf_counter()
            lib.similar(query, k=10)
            took.append(time.perf_counter() - started)
        ranked = [m.path for m in lib.similar(query, k=K)]
        relevant = np.array([classes.get(r) == classes[query] for r in ranked], dtype=bool)
        n = min(sizes[classes[query]] - 1, K)
        hits = np.cumsum(relevant)
        ap = float(np.sum(hits[relevant] / (np.flatnonzero(relevant) + 1)) / n) if n else 0.0
        per_set.setdefault(labelled_set, []).append(
            [float(relevant[:1].sum()), float(relevant[:10].sum()) / 10, ap]
        )
        tops[query] = ranked[:10]
    return per_set, tops, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--data", type=Path, default=Path("/work/datasets"))
    parser.add_argument("--sets", nargs="+", default=["objects", "copies"])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="a library folder kept for the next run")
    parser.add_argument(
        "--pass-choices",
        action="store_true",
        help="only the full pass's first look, at other settings",
    )
    parser.add_argument(
        "--index-choices",
        action="store_true",
        help="only the embeddings' Annoy trees, at other settings",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="photofind-scale-") as tmp:
        lib = Library.open(args.keep or Path(tmp))
        roots = [(args.data / s).resolve() for s in args.sets]
        fresh = not lib.catalog.counts(lib.model).indexed
        if fresh:
            lib.add(roots)
            lib.scan()
            for _ in lib.index():
                pass
        ids, _ = lib.catalog.vectors(lib.model)
        queries, classes = {}, {}
        for path in lib.catalog.paths([int(i) for i in ids]).values():
            root = next((r for r in roots if Path(path).is_relative_to(r)), None)
            if root is not None:
                queries[path] = root.name
                classes[path] = Path(path).relative_to(root).parts[0]
        count = args.size - len(queries)
        vectors, their_classes = distractors(args.mirrors, args.data, lib.model, count)
        if fresh:
            store_vectors(lib, vectors, 0, "/distractor")
        with timed("full pass" if fresh else "search vectors brought up to date"):
            assert lib.refresh_search_vectors(full=fresh)
        with timed("near-copy checks of each photo's plain nearest not checked yet"):
            before = len(lib.catalog.copy_checks(CHECK_VERSION))
            assert precheck(lib.catalog, lib.model, lib.photo_thumbnail)
        checks = len(lib.catalog.copy_checks(CHECK_VERSION))
        print(f"  {checks - before} measured now, {checks} cached in all", flush=True)
        with timed("index maintenance (a fresh library: the pass again, both builds)"):
            lib.maintain_index()
        names = (f"/distractor/{i:07}.jpg" for i in range(count))
        classes.update(zip(names, their_classes, strict=True))
        print(f"{len(queries)} labelled photos among {len(classes)}; model {lib.model}", flush=True)
        print(
            f"neighbour lists: recall {neighbour_recall(lib, 1000):.3f} of the exact ones "
            "(1,000 photos)"
        )
        if args.pass_choices or args.index_choices:
            if args.pass_choices:
                pass_choices(lib)
            else:
                ids, raw = lib.catalog.vectors(lib.model)
                by_id = lib.catalog.paths([int(i) for i in ids])
                paths = [by_id.get(int(i), "/distractor/") for i in ids]
                index_choices(raw, paths, (args.data / "copies").resolve())
            lib.close()
            return
        shipped = search_vectors.PARAMS
        variants: list[tuple[str, Callable[[], AbstractContextManager[object]]]] = [
            ("exact throughout (the ideal)", lambda: _ideal(lib)),
            ("shipped", nullcontext),
            (  # no check cached ahead: each one a query needs is measured when asked
                "shipped, no check cached (each measured when a query asks)",
                lambda: patch.object(lib.catalog, "copy_check", lambda a, b, version: None),
            ),
            (  # the near-copy rule by the plain nearest's lead alone
                "near-copy rule by the lead alone (before the geometric check)",
                lambda: _params(replace(shipped, check_copies=False)),
            ),
            (  # no stored neighbours to start from
                "as a query from outside the library (as every query before)",
                lambda: patch.object(lib.catalog, "search_neighbours", lambda pid, model: []),
            ),
            (  # the plain embeddings, cosine, their own index
                "plain vectors (the seeds' method)",
                lambda: _params(SearchParams(0, centred=False)),
            ),
        ]
        print("| variant | set | P@1 | P@10 | AP@100 | top 10 as ideal | p50/p95 ms, k=10 |")
        print("|---|---|---|---|---|---|---|")
        ideal: dict[str, list[str]] = {}
        for file in (lib.root / "index").iterdir():  # in the page cache, as after a while of use
            with file.open("rb") as f:
                while f.read(1 << 24):
                    pass
        for name, variant in variants:
            with variant():
                lib.similar(next(iter(queries)), k=K)  # warm the memory maps
                per_set, tops, took = _scores(lib, queries, classes)
            ideal = ideal or tops
            shared = [len(set(tops[q]) & set(ideal[q])) / 10 for q in queries]
            p50, p95 = percentiles(took)
            for s, rows in per_set.items():
                p1, p10, ap = np.mean(rows, axis=0)
                print(f"| {name} | {s} | {p1:.3f} | {p10:.3f} | {ap:.3f} | | |")
            print(f"| {name} | all | | | | {np.mean(shared):.3f} | {p50:.1f}/{p95:.1f} |")
        lib.close()


if __name__ == "__main__":
    main()
