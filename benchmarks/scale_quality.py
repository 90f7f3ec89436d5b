"""Similar photos at library scale: labelled real photos among real distractors, side by side.

    python -m benchmarks.scale_quality --mirrors /work/.mirror --data /work/datasets \
        --sets objects animals scenes15 groups10 mixed copies --size 100000 \
        [--keep DIR] [--pass-choices]

The labelled sets (benchmarks/photo_sets.py) are indexed into one throw-away library (or DIR,
kept for the next run) by the real pipeline. Distractors fill it up to `size` photos: every
photo of the sets' source repositories that is in no set, whole and then as random crops
(flipped, brightened or darkened), embedded by the same model and cached in
~/.cache/photofind-bench. After the full search-vector pass and both Annoy builds, every
labelled photo queries `Library.similar` (k=100) and scores precision@1, precision@10 and AP
over the first 100; relevant are the photos of its class, distractors included (their class is
their source folder, as a set's is: Caltech-101's other airplanes count for the objects set's
airplanes, the crops of a copy's original for the copy). Variants: exact search throughout with
the plain nearest few the exact ones (the ideal), the shipped method (the plain nearest few
among the photo's stored neighbours), and the same as for a query from outside the library
(the plain nearest few from a search of the embeddings' index, as for every query before
2026-12-06); each with its share of the ideal's top 10 and its p50/p95 latency.
`--pass-choices` prints instead how many of the exact neighbours the full pass's first look
finds at other settings.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from io import BytesIO
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from benchmarks.photo_sets import ANIMALS, CALTECH, SCENES, _mirror
from benchmarks.search_scale import neighbour_recall, store_vectors, timed
from benchmarks.vector_search import percentiles
from photofind.core import search_vectors
from photofind.core.embedder import load_embedder
from photofind.core.library import Library
from photofind.core.search_index import SearchIndex
from photofind.core.search_space import centre
from photofind.core.vector_index import VectorIndex

SOURCES = (ANIMALS, SCENES, CALTECH, ("EliSchwartz/imagenet-sample-images", "HEAD", ""))
CACHE = Path.home() / ".cache" / "photofind-bench"
K = 100


def _pool(mirrors: Path, data: Path) -> list[tuple[str, bytes]]:
    """(class, file bytes) of every source photo that no labelled set holds (by content): its
    class is its folder's name (a labelled set's class folders keep their source's names), or
    for the ImageNet samples, one photo a class, its own name."""
    taken = {hashlib.sha1(p.read_bytes()).hexdigest() for p in data.rglob("*") if p.is_file()}
    pool: dict[str, tuple[str, bytes]] = {}
    for repo, commit, root in SOURCES:
        mirror = _mirror(mirrors, repo)
        git = ["git", "--git-dir", str(mirror)]
        listing = subprocess.run(
            [*git, "ls-tree", "-r", commit, *([root] if root else [])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for line in listing.splitlines():
            meta, path = line.split("\t", 1)
            if not path.lower().endswith((".jpg", ".jpeg", ".png")):
                continue
            blob = subprocess.run([*git, "cat-file", "blob", meta.split()[2]], capture_output=True)
            digest = hashlib.sha1(blob.stdout).hexdigest()
            if blob.returncode == 0 and digest not in taken:
                parent = PurePosixPath(path).parent.name
                pool.setdefault(digest, (parent if root else PurePosixPath(path).stem, blob.stdout))
    return [pool[d] for d in sorted(pool)]


def _variant(data: bytes, seed: int) -> Image.Image | None:
    """The photo whole (seed 0), else a random crop of 35-90% of each side, maybe mirrored and
    brightened or darkened: a burst's or an edit's likeness, not a copy."""
    try:
        img = Image.open(BytesIO(data))
        img.draft("RGB", (640, 640))
        img = img.convert("RGB")
    except Exception:  # a broken or unreadable source photo: no distractor from it
        return None
    if seed == 0:
        return img
    rng = np.random.default_rng(seed)
    w, h = img.size
    cw, ch = (int(s * rng.uniform(0.35, 0.9)) for s in (w, h))
    left, top = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    img = img.crop((left, top, left + cw, top + ch))
    if rng.random() < 0.5:
        img = ImageOps.mirror(img)
    return ImageEnhance.Brightness(img).enhance(rng.uniform(0.7, 1.3))


def distractors(mirrors: Path, data: Path, model: str, count: int) -> tuple[np.ndarray, list[str]]:
    """`count` distractor embeddings and their classes, cached by model and count."""
    cached = CACHE / f"distractors-{model}-{count}.npz"
    if cached.exists():
        saved = np.load(cached)
        return saved["vectors"], saved["classes"].tolist()
    pool = _pool(mirrors, data)
    rounds = -(-count // len(pool))
    print(f"distractors: {len(pool)} source photos, up to {rounds} versions each", flush=True)
    embedder = load_embedder(model)
    jobs = [
        (i, 0 if r == 0 else r * len(pool) + i) for r in range(rounds) for i in range(len(pool))
    ]
    out: list[np.ndarray] = []
    classes: list[str] = []
    started = time.perf_counter()
    batches: dict[tuple[int, ...], list[tuple[str, np.ndarray]]] = {}

    def prepared(job: tuple[int, int]) -> tuple[str, np.ndarray] | None:
        label, data = pool[job[0]]
        img = _variant(data, job[1])
        return None if img is None else (label, embedder.prepare(img))

    with ThreadPoolExecutor(2) as decoders:
        for lo in range(0, len(jobs), 512):
            for item in decoders.map(prepared, jobs[lo : lo + 512]):
                if item is None:
                    continue
                batch = batches.setdefault(item[1].shape, [])
                batch.append(item)
                if len(batch) == 32:
                    out.append(embedder.embed(np.stack([arr for _, arr in batch]))[0])
                    classes += [label for label, _ in batch]
                    batch.clear()
            rate = len(classes) / (time.perf_counter() - started)
            print(f"  embedded {len(classes)}/{count} ({rate:.0f} photos/s)", flush=True)
            if len(classes) >= count:
                break
    vectors = np.concatenate(out)[:count].astype(np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cached, vectors=vectors, classes=np.array(classes[:count]))
    return vectors, classes[:count]


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
def _unlisted(lib: Library) -> Iterator[None]:
    """As for a query outside the library: no stored neighbours to start from."""
    lib.catalog.search_neighbours = lambda photo_id, model: []  # type: ignore[method-assign]
    try:
        yield
    finally:
        del lib.catalog.search_neighbours


@contextmanager
def _ideal(lib: Library) -> Iterator[None]:
    """Exact search throughout, the plain nearest few the exact ones among every embedding."""
    with _exact(), _before(lib):
        yield


@contextmanager
def _before(lib: Library) -> Iterator[None]:
    """The plain nearest few from a search of the embeddings' own index, as before."""
    lib._plain_nearest = lambda pq, few, exclude, source: lib.vector_index.search(  # type: ignore[method-assign]
        pq, few, exclude, effort=few
    )
    try:
        yield
    finally:
        del lib._plain_nearest


def _scores(
    lib: Library, queries: dict[str, str], classes: dict[str, str]
) -> tuple[dict[str, list[list[float]]], dict[str, list[str]], list[float]]:
    """Per set: [P@1, P@10, AP@100] of each query; each query's top 10; seconds a query."""
    sizes = Counter(classes.values())
    per_set: dict[str, list[list[float]]] = {}
    tops, took = {}, []
    for query, labelled_set in queries.items():
        started = time.perf_counter()
        ranked = [m.path for m in lib.similar(query, k=K)]
        took.append(time.perf_counter() - started)
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
        with timed("full pass and index builds"):
            assert lib.refresh_search_vectors(full=True)
            lib.maintain_index()
        names = (f"/distractor/{i:07}.jpg" for i in range(count))
        classes.update(zip(names, their_classes, strict=True))
        print(f"{len(queries)} labelled photos among {len(classes)}; model {lib.model}", flush=True)
        print(
            f"neighbour lists: recall {neighbour_recall(lib, 1000):.3f} of the exact ones "
            "(1,000 photos)"
        )
        if args.pass_choices:
            pass_choices(lib)
            lib.close()
            return
        variants: list[tuple[str, Callable[[], object]]] = [
            ("exact throughout (the ideal)", lambda: _ideal(lib)),
            ("shipped", nullcontext),
            ("as a query from outside the library (as every query before)", lambda: _unlisted(lib)),
        ]
        print("| variant | set | P@1 | P@10 | AP@100 | top 10 shared with exact | p50/p95 ms |")
        print("|---|---|---|---|---|---|---|")
        ideal: dict[str, list[str]] = {}
        for name, variant in variants:
            with variant():  # type: ignore[attr-defined]
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
