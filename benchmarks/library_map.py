"""The library map: quality on labelled photos (t-SNE beside UMAP) and layout/placing speed.

    .venv/bin/python -m benchmarks.library_map sets --scene15 DIR --imagenet DIR --out OUT
    .venv/bin/python -m benchmarks.library_map quality --dataset DIR [--dataset DIR...]
    .venv/bin/python -m benchmarks.library_map speed [--sizes 10000 100000]
    .venv/bin/python -m benchmarks.library_map paint [--photos 50000]

`sets` writes the README's three labelled sets under OUT: `scene15` (the 15-Scene training photos of
a clone of github.com/lionelmessi6410/Scene-Recognition-with-Bag-of-Words, its data/train),
`imagenet-scenes` (the retrieval benchmark's class folders, from imagenet-sample-images) and
`imagenet-broad` (imagenet-sample-images' photos in folders named by their one everyday tag, tags of
5 photos or more). `quality`: each DIR holds class folders (`DIR/<class>/<image>`); they are indexed
through the real pipeline (default model), then laid out by openTSNE (photofind's map) and by UMAP
side by side. For each photo, the share of its 10 nearest neighbours carrying its label, on each map
and in the full vector space, with each layout's time. `speed`: synthetic clustered unit vectors of
the default model's dimension; the time to lay out each size, and to place 100 new vectors into the
largest map (neighbours found exactly, then `map_layout.place`). `paint`: the app's map canvas
(offscreen) over that many synthetic places: the time of a paint at each zoom, thumbnails drawn as
placeholders (a thumbnail costs a pixmap blit more). `--threads N` gives openTSNE N threads (default
1: on a shared machine a thread waiting for a busy core stalls every step).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from photofind.core import map_layout
from photofind.core.evaluation import indexed_dataset
from photofind.core.map_layout import layout, neighbour_agreement, place

DIMENSION = 1280  # efficientnet-lite0's vectors


def _umap(vectors: np.ndarray) -> np.ndarray:
    import umap  # not a photofind dependency: measured here only

    return umap.UMAP(n_neighbors=15, random_state=0, n_jobs=1).fit_transform(vectors)


def quality(datasets: list[Path]) -> None:
    t0 = time.perf_counter()
    import umap

    umap.UMAP(random_state=0).fit_transform(np.random.rand(50, 8))  # numba compiles here, once
    print(f"UMAP import and first-use compilation: {time.perf_counter() - t0:.1f} s\n")
    print("| set | photos | classes | vectors | t-SNE map | UMAP map | t-SNE s | UMAP s |")
    print("|---|---|---|---|---|---|---|---|")
    for root in datasets:
        with indexed_dataset(root, None, "cpu", None) as (lib, paths):
            ids, vectors = lib.catalog.vectors(lib.model)
        labels = np.array([Path(paths[int(i)]).parent.name for i in ids])
        t0 = time.perf_counter()
        tsne = layout(vectors)
        t1 = time.perf_counter()
        um = _umap(vectors)
        t2 = time.perf_counter()
        print(
            f"| {root.name} | {len(ids)} | {len(set(labels))} "
            f"| {neighbour_agreement(vectors, labels):.3f} "
            f"| {neighbour_agreement(tsne, labels):.3f} | {neighbour_agreement(um, labels):.3f} "
            f"| {t1 - t0:.1f} | {t2 - t1:.1f} |",
            flush=True,
        )


def synthetic(n: int, seed: int = 0) -> np.ndarray:
    """`n` unit vectors in 200 clusters of uneven spread."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(200, DIMENSION)).astype(np.float32)
    which = rng.integers(0, 200, n)
    spread = rng.uniform(0.5, 2.0, 200).astype(np.float32)[which, None]
    x = centres[which] + spread * rng.normal(size=(n, DIMENSION)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def speed(sizes: list[int]) -> None:
    import os

    print("| vectors | layout s | CPU s | load average before |\n|---|---|---|---|")
    coords = vectors = None
    for n in sizes:
        vectors = synthetic(n + 100)
        load = os.getloadavg()[0]  # the machine may be shared: say how busy it was
        t0, c0 = time.perf_counter(), time.process_time()  # CPU: what an idle machine would take
        coords = layout(vectors[:n])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"| {n:,} | {wall:.1f} | {cpu:.1f} | {load:.1f} |", flush=True)
    assert coords is not None and vectors is not None
    n = sizes[-1]
    t0 = time.perf_counter()
    sims = vectors[n:] @ vectors[:n].T
    nearest = np.argsort(-sims, axis=1)[:, :30]
    dist = np.sqrt(np.maximum(0.0, 2 - 2 * np.take_along_axis(sims, nearest, 1)))
    t1, c1 = time.perf_counter(), time.process_time()
    place(coords, nearest, dist)
    t2, c2 = time.perf_counter(), time.process_time()
    print(
        f"\nplacing 100 new vectors into the {n:,}-point map: {t2 - t1:.2f} s, CPU {c2 - c1:.2f} s "
        f"(+ {t1 - t0:.2f} s exact neighbour search)"
    )


def paint(photos: int) -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF

    from photofind.gui.app import application
    from photofind.gui.jobs import Jobs
    from photofind.gui.map_canvas import MapCanvas
    from photofind.gui.thumbnails import ThumbnailLoader

    application()
    xy = layout_free_places(photos)

    class NoThumbnails(ThumbnailLoader):
        def pixmap(self, path: str) -> None:
            return None

    with_jobs = Jobs(Path("/nonexistent"))
    canvas = MapCanvas(NoThumbnails(with_jobs))
    canvas.resize(1400, 900)
    canvas.set_points([f"/p/{i}.jpg" for i in range(photos)], xy, [])
    print("| zoom | thumbnails drawn | first paint ms | next paints ms | next paints, CPU ms |")
    print("|---|---|---|---|---|")
    for zoom in (1, 4, 16, 64):
        canvas.fit()
        canvas.zoom(zoom, QPointF(700, 450))
        t0 = time.perf_counter()
        canvas.grab()
        first = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(10):  # panning: the view moves a little each time
            canvas.origin += QPointF(3 / canvas.scale, 0)
            canvas.grab()
        rest, cpu = (time.perf_counter() - t0) / 10, (time.process_time() - c0) / 10
        print(
            f"| x{zoom} | {len(canvas._drawn):,} | {1000 * first:.0f} | {1000 * rest:.0f} "
            f"| {1000 * cpu:.0f} |"
        )
    with_jobs.close()


def layout_free_places(n: int) -> np.ndarray:
    """Places shaped like a t-SNE map (clusters of uneven size), without laying anything out."""
    rng = np.random.default_rng(0)
    centres = rng.uniform(-50, 50, size=(150, 2))
    which = rng.integers(0, 150, n)
    return (centres[which] + rng.normal(0, 3, size=(n, 2))).astype(np.float32)


def write_sets(scene15: Path, imagenet: Path, out: Path) -> None:
    import shutil

    from benchmarks.runtime_quality import write_scenes
    from photofind.core.taxonomy import imagenet as classes
    from photofind.core.vocabulary import vocabulary

    shutil.copytree(scene15 / "data" / "train", out / "scene15")
    write_scenes(imagenet, out / "imagenet-scenes")
    broad = vocabulary().broad_of_class
    by_tag: dict[str, list[Path]] = {}
    for photo in sorted(imagenet.glob("n*_*.*")):
        index = classes().index_of_wnid(photo.name.split("_")[0])
        tag = broad.get(index) if index is not None else None
        if tag is not None:
            by_tag.setdefault(tag, []).append(photo)
    for tag, photos in by_tag.items():
        if len(photos) >= 5:
            (out / "imagenet-broad" / tag).mkdir(parents=True)
            for photo in photos:
                shutil.copy(photo, out / "imagenet-broad" / tag)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--dataset", type=Path, action="append", required=True)
    s = sub.add_parser("speed")
    s.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    for p in (q, s):
        p.add_argument("--threads", type=int, default=1)
    w = sub.add_parser("sets")
    w.add_argument("--scene15", type=Path, required=True)
    w.add_argument("--imagenet", type=Path, required=True)
    w.add_argument("--out", type=Path, required=True)
    g = sub.add_parser("paint")
    g.add_argument("--photos", type=int, default=50_000)
    args = parser.parse_args()
    map_layout.THREADS = getattr(args, "threads", 1)
    if args.what == "quality":
        quality(args.dataset)
    elif args.what == "sets":
        write_sets(args.scene15, args.imagenet, args.out)
    elif args.what == "speed":
        speed(args.sizes)
    else:
        paint(args.photos)


if __name__ == "__main__":
    main()
