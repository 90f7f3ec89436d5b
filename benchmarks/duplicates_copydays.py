"""Copies people make of real photos: photofind's duplicates against imagededup, in one run.

    .venv/bin/python -m benchmarks.duplicates_copydays --photos DIR [--split report]
        [--peer-python /tmp/imagededup-venv/bin/python]

DIR: a clone of github.com/EliSchwartz/imagenet-sample-images (1000 real photos). The photos are
shuffled once (fixed seed) and split: `--split tune` (100 originals, 100 distractors) is where
photofind's thresholds were chosen (it sweeps them); `--split report` (300 originals, 300
distractors, none of them in the tuning set) reports. Each original gets the edits of
copydays_set.EDITS (crops of 40-70% of the area, with and without a 2-10 degree rotation, JPEG
quality 10, 1/4 size, recoloured, greyscale, border or caption strip, screenshot).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.copydays_set import EDITS, build, score
from photofind.core import copy_check
from photofind.core.duplicates import DEFAULT_THRESHOLD, NEIGHBOURS, candidate_pairs
from photofind.core.library import Library

SPLITS = {
    "tune": (0, 100, 100),
    "report": (200, 300, 300),
}  # first original, originals, distractors


def _components(pairs: list[tuple[int, int]], paths: dict[int, str]) -> list[list[str]]:
    parent = {i: i for i in paths}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, list[str]] = {}
    for i in paths:
        groups.setdefault(root(i), []).append(paths[i])
    return [g for g in groups.values() if len(g) > 1]


def _evidence(lib: Library, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], tuple]:
    paths = lib.catalog.paths(sorted({i for p in pairs for i in p}))
    feats = {i: copy_check.local_features(lib.thumbnail(p)) for i, p in paths.items()}
    return {(a, b): copy_check.compare(feats[a], feats[b], 0) for a, b in pairs}


def tune(lib: Library, files: list[str]) -> None:
    ids, matrix = lib.catalog.vectors(lib.model)
    paths = lib.catalog.paths(list(ids))
    cos = {(a, b): float(s) for a, b, s in _scored_pairs(ids, matrix, 0.3)}
    ev = _evidence(lib, set(cos))
    print(f"{len(cos)} candidate pairs at cosine >= 0.3 among {len(ids)} photos")
    rows = []
    for t, n, g in itertools.product(
        (0.3, 0.4, 0.5, 0.6, 0.7), (3, 4, 5, 6, 8, 12), (0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
    ):
        kept = [p for p, s in cos.items() if s >= t and ev[p].inliers >= n and ev[p].agreement >= g]
        rows.append(((t, n, g), score(_components(kept, paths), files)))
    shipped = (DEFAULT_THRESHOLD, copy_check.MIN_INLIERS, copy_check.MIN_AGREEMENT)
    rows.sort(key=lambda r: (r[1]["precision"] >= 0.995, r[1]["recall"]), reverse=True)
    rows = [r for r in rows if r[0] == shipped] + rows
    print("| cosine | inliers | agreement | precision | recall | crops | complete |")
    print("|---|---|---|---|---|---|---|")
    for (t, n, g), s in rows[:26]:  # the shipped thresholds first
        print(
            f"| {t} | {n} | {g} | {s['precision']:.3f} | {s['recall']:.3f} | "
            f"{s['recall_crops']:.3f} | {s['complete']:.3f} |"
        )


def _scored_pairs(ids: np.ndarray, matrix: np.ndarray, threshold: float):
    index = {int(i): n for n, i in enumerate(ids)}
    for a, b in candidate_pairs(ids, matrix, threshold, NEIGHBOURS):
        yield a, b, float(matrix[index[a]] @ matrix[index[b]])


def report(lib: Library, folder: Path, files: list[str], peer: str | None) -> None:
    results: dict[str, tuple[dict[str, float], float]] = {}
    ids, matrix = lib.catalog.vectors(lib.model)
    paths = lib.catalog.paths(list(ids))
    start = time.perf_counter()
    old = [(a, b) for a, b, s in _scored_pairs(ids, matrix, 0.85)]
    results["photofind before (cosine >= 0.85, vectors only)"] = (
        score(_components(old, paths), files),
        time.perf_counter() - start,
    )
    lib.catalog.forget_copy_checks(keep=set())  # a first run: no check or keeper fact cached
    start = time.perf_counter()
    groups = lib.duplicates()
    first = time.perf_counter() - start
    results["**photofind** (vectors propose, geometry confirms)"] = (
        score([[p.path for p in g.photos] for g in groups], files),
        first,
    )
    start = time.perf_counter()
    lib.duplicates()
    again = time.perf_counter() - start
    if peer:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "peer.json"
            script = Path(__file__).with_name("imagededup_peer.py")
            subprocess.run([peer, str(script), str(folder), str(out)], check=True)
            peers = json.loads(out.read_text())
        for key, label in (
            ("phash", "imagededup PHash (distance <= 10)"),
            ("cnn", "imagededup CNN (cosine >= 0.9, EfficientNet-Lite0)"),
        ):
            groups_ = [[str(folder / n) for n in g] for g in peers[key]["groups"]]
            results[label] = (score(groups_, files), peers[key]["seconds"])
    edits = list(EDITS)
    print(f"\n{len(files)} photos; photofind's second run (evidence cached): {again:.2f} s\n")
    print("| method | precision | recall | crops | complete | " + " | ".join(edits) + " | s |")
    print("|---" * (6 + len(edits)) + "|")
    for label, (s, seconds) in results.items():
        per_edit = " | ".join(f"{s[f'recall_{e}']:.2f}" for e in edits)
        print(
            f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['recall_crops']:.3f} | "
            f"{s['complete']:.3f} | {per_edit} | {seconds:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, required=True)
    parser.add_argument("--split", choices=sorted(SPLITS), default="report")
    parser.add_argument("--peer-python", help="a python that has imagededup installed")
    parser.add_argument("--workdir", type=Path, help="keep the set and library here")
    args = parser.parse_args()
    originals = sorted(p for p in args.photos.iterdir() if p.suffix.lower() in {".jpeg", ".jpg"})
    random.Random(18).shuffle(originals)
    first, n_orig, n_dis = SPLITS[args.split]
    chosen = originals[first : first + n_orig]
    distract = originals[first + n_orig : first + n_orig + n_dis]
    with tempfile.TemporaryDirectory() as tmp:
        root = args.workdir or Path(tmp)
        folder = root / f"{args.split}-photos"
        if not folder.is_dir():
            build(folder, chosen, distract, seed=SPLITS[args.split][0])
        files = sorted(str(p) for p in folder.iterdir())
        with Library.open(root / f"{args.split}-library", device="cpu") as lib:
            lib.add([folder])
            lib.scan()
            start = time.perf_counter()
            for _ in lib.index():
                pass
            print(f"indexed {len(files)} photos in {time.perf_counter() - start:.1f} s")
            if args.split == "tune":
                tune(lib, files)
            else:
                report(lib, folder, files, args.peer_python)


if __name__ == "__main__":
    main()
