"""What storing broad tags adds to indexing: computing them and writing their rows, per photo.

    .venv/bin/python -m benchmarks.broad_tag_cost [--photos 3000] [--batch 32]

Side by side in one run, on one temporary catalog: the per-photo work that indexing does after
the model (top classes, and now broad tags) and the batch writes (store_batch) with and without
broad tag rows, for synthetic photos whose class probabilities are a softmax of random logits
peaked like a real model's. The model itself is not run: the README's end-to-end indexing rate
(about 31 photos/s, 32 ms a photo on two cores) is the denominator.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from photofind.core.catalog import Catalog, PhotoResult
from photofind.core.taxonomy import broad_tags, top_tags

END_TO_END_MS = 1000 / 31  # README: 30.5-32.6 photos/s end to end, efficientnet-lite0, 2 cores


def _probs(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1, (n, 1000)) * 3
    logits[np.arange(n), rng.integers(0, 1000, n)] += 8  # one confident class, like a photo
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def _write(catalog: Catalog, ids: list[int], probs: np.ndarray, broad: bool, batch: int) -> float:
    vector = np.zeros(1280, np.float32)
    start = time.perf_counter()
    for at in range(0, len(ids), batch):
        results = [
            PhotoResult(
                pid,
                f"f{pid}",
                1,
                1,
                None,
                vector,
                top_tags(probs[i]),
                broad_tags(probs[i]) if broad else (),
            )
            for i, pid in enumerate(ids[at : at + batch], start=at)
        ]
        catalog.store_batch("m", results, [])
    return (time.perf_counter() - start) / len(ids) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    probs = _probs(args.photos)
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog(Path(tmp) / "c.sqlite3")
        catalog.add_photos(None, [(f"/p/{i}.jpg", 1, 1) for i in range(args.photos)])
        ids = sorted(p.id for p in catalog.photos_in_folder(None))
        rows = []
        for round_ in range(2):  # alternate, twice: the machine is shared
            for broad in (False, True):
                rows.append((broad, round_, _write(catalog, ids, probs, broad, args.batch)))
        catalog.close()
    t0 = time.perf_counter()
    for p in probs:
        top_tags(p)
    top_ms = (time.perf_counter() - t0) / len(probs) * 1000
    t0 = time.perf_counter()
    for p in probs:
        broad_tags(p)
    broad_ms = (time.perf_counter() - t0) / len(probs) * 1000
    n_rows = np.mean([len(broad_tags(p)) for p in probs[:500]])
    without = min(ms for b, _, ms in rows if not b)
    with_ = min(ms for b, _, ms in rows if b)
    print(f"broad tag rows per photo: {n_rows:.1f}")
    print("| per photo | ms | share of end-to-end indexing |\n|---|---|---|")
    print(f"| top classes (before) | {top_ms:.3f} | {top_ms / END_TO_END_MS:.2%} |")
    print(f"| broad tags (added) | {broad_ms:.3f} | {broad_ms / END_TO_END_MS:.2%} |")
    for what, ms in (("without", without), ("with", with_)):
        share = ms / END_TO_END_MS
        print(f"| tags computed and stored, {what} broad tags | {ms:.3f} | {share:.2%} |")
    added = with_ - without
    print(f"added in all: {added:.3f} ms a photo, {added / END_TO_END_MS:.2%} of indexing")


if __name__ == "__main__":
    main()
