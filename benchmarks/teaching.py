"""Tags taught by example: training and ranking time on 100,000 vectors, and proposal quality.

    .venv/bin/python -m benchmarks.teaching [--n 100000] [--dim 1280] [--photos DIR]

Speed (training includes drawing the background sample): synthetic unit vectors on a manifold
of 500 clusters (benchmarks.vector_search), in memory (the Library reads them from the catalog
once and keeps them until vectors change). A first round trains on 3 positives; a later one on
20 positives and 20 rejections. Quality, synthetic: precision of the 50 first proposals (same
cluster as the positives).
With --photos DIR (ImageNet-named photos, e.g. imagenet-sample-images): for each everyday tag
with 20 photos or more, 3 random photos of it taught, precision of the 20 first proposals;
side by side with ranking by cosine to the mean of the 3 (what `similar` does with 3 photos).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.vector_search import manifold_vectors
from photofind.core import teaching

REPEATS = 5


def _timed(fn, repeats: int = REPEATS) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def speed(n: int, dim: int) -> None:
    matrix = manifold_vectors(n, dim, seed=0)
    ids = np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(0)
    # the positives: photos of one cluster (nearest neighbours of a seed photo)
    sims = matrix @ matrix[0]
    cluster = np.argsort(-sims)[:200]
    for n_pos, n_neg in ((3, 0), (20, 20)):
        pos = cluster[:n_pos]
        neg = rng.choice(np.setdiff1d(ids, cluster), n_neg, replace=False)
        labelled = np.concatenate([pos, neg])

        def fit(pos=pos, neg=neg, labelled=labelled) -> teaching.Classifier:
            bg = teaching.background_sample(n, labelled)
            return teaching.train(matrix[pos], matrix[neg], matrix[bg])

        fit()  # warm up
        t_train, model = _timed(fit)
        skip = set(labelled.tolist())
        t_rank, top = _timed(
            lambda model=model, skip=skip: teaching.propose(model, ids, matrix, skip, 50)
        )
        precision = np.isin([pid for pid, _ in top], cluster).mean()
        print(
            f"| {n:,} | {n_pos} yes, {n_neg} no | {t_train * 1000:.0f} ms | "
            f"{t_rank * 1000:.0f} ms | {(t_train + t_rank) * 1000:.0f} ms | {precision:.2f} |"
        )


def quality(photos: Path) -> None:
    from photofind.core.library import Library
    from photofind.core.tag_evaluation import _WNID
    from photofind.core.taxonomy import imagenet
    from photofind.core.vocabulary import vocabulary

    vocab, taxonomy = vocabulary(), imagenet()
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(tmp, device="cpu")
        lib.add([photos])
        lib.scan()
        for _ in lib.index():
            pass
        ids, matrix = lib.catalog.vectors(lib.model)
        paths = lib.catalog.paths([int(i) for i in ids])
        lib.close()
    truth = []
    for pid in ids:
        m = _WNID.search(paths[int(pid)])
        index = taxonomy.index_of_wnid(m.group(0)) if m else None
        truth.append(vocab.broad_of_class.get(index) if index is not None else None)
    truth_arr = np.array(truth, dtype=object)
    rng = np.random.default_rng(0)
    print("| tag | photos | taught: precision@20 | mean of 3: precision@20 |")
    print("|---|---|---|---|")
    for tag in vocab.broad:
        members = np.flatnonzero(truth_arr == tag)
        if len(members) < 20:
            continue
        taught, mean = [], []
        for _ in range(10):
            pos = rng.choice(members, 3, replace=False)
            bg = teaching.background_sample(len(ids), pos)
            model = teaching.train(matrix[pos], matrix[:0], matrix[bg])
            top = [pid for pid, _ in teaching.propose(model, ids, matrix, set(ids[pos]), 20)]
            rows = np.searchsorted(ids, top)
            taught.append((truth_arr[rows] == tag).mean())
            query = matrix[pos].mean(axis=0)
            order = [i for i in np.argsort(-(matrix @ query)) if i not in set(pos)][:20]
            mean.append((truth_arr[order] == tag).mean())
        print(f"| {tag} | {len(members)} | {np.mean(taught):.2f} | {np.mean(mean):.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=1280)
    ap.add_argument("--photos", type=Path)
    args = ap.parse_args()
    print("| vectors | examples | train | rank | total | precision@50 |")
    print("|---|---|---|---|---|---|")
    speed(args.n, args.dim)
    if args.photos:
        quality(args.photos)


if __name__ == "__main__":
    main()
