"""Choose the search parameters on one set: DBA neighbours, weights, QE, the near-copy gap.

Each set (class folders from benchmarks/photo_sets.py) is indexed once with the real pipeline
and its raw vectors cached (`--cache`); every variant is then scored on the same vectors, side
by side, exactly as `similar` ranks: the query photo's centred vector (expanded with its plain
nearest photos' search vectors) against every other photo's search vector, its plain nearest
first when that leads the next by the gap.

    python -m benchmarks.search_params --sets objects                    # the chooser set
    python -m benchmarks.search_params --sets objects --only "n=5 a=1"   # some of the grid
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from photofind.core.evaluation import average_precision, indexed_dataset
from photofind.core.search_space import (
    SearchParams,
    augment,
    centre,
    expand,
    near_copy,
    neighbour_lists,
)

GAPS = (0.01, 0.02, 0.03, 0.05, 0.1)  # the near-copy rule's lead over the second plain nearest


def vectors(root: Path, cache: Path) -> tuple[np.ndarray, np.ndarray]:
    """(raw vectors, class labels) of a class-folder set, indexed once and cached."""
    file = cache / f"{root.name}.npz"
    if not file.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with indexed_dataset(root, None, None, None) as (lib, paths):
            ids, matrix = lib.catalog.vectors(lib.model)
            labels = [Path(paths[int(i)]).parent.name for i in ids]
        np.savez(file, vectors=matrix, labels=np.array(labels))
    data = np.load(file)
    return data["vectors"].astype(np.float32), data["labels"]


def space(raw: np.ndarray, p: SearchParams) -> tuple[np.ndarray, np.ndarray]:
    """(query vectors, search vectors) of every photo under `p`."""
    if not p.centred:
        return raw, raw
    c = centre(raw, raw.mean(axis=0))
    if p.neighbours == 0:
        return c, c
    found = neighbour_lists(c, p.neighbours)
    assert found is not None
    idx, sims = found
    return c, augment(c, c[idx], sims, p.alpha)


def score(raw: np.ndarray, labels: np.ndarray, p: SearchParams) -> tuple[float, float, float]:
    """mAP, P@1, P@10 over every photo as a query."""
    queries, stored = space(raw, p)
    scores = queries @ stored.T
    np.fill_diagonal(scores, -np.inf)
    plain = raw @ raw.T  # the plain nearest: what QE expands with and the near-copy rule reads
    np.fill_diagonal(plain, -np.inf)
    near = np.argsort(-plain, axis=1, kind="stable")[:, : max(p.expand, 2)]
    if p.expand:
        top = near[:, : p.expand]
        expanded = np.stack(
            [
                expand(q, stored[t], stored[t] @ q, p.alpha)
                for q, t in zip(queries, top, strict=True)
            ]
        )
        scores = expanded @ stored.T
        np.fill_diagonal(scores, -np.inf)
    aps, p1, p10 = [], [], []
    for q in range(len(raw)):
        order = np.argsort(-scores[q], kind="stable")[:-1]
        ranked = [(int(i), float(plain[q, i])) for i in near[q]]
        copy = near_copy(ranked, p.copy_gap)
        if copy is not None:
            order = np.concatenate([[copy], order[order != copy]])
        relevant = labels[order] == labels[q]
        aps.append(average_precision(relevant, int(relevant.sum())))
        p1.append(float(relevant[0]))
        p10.append(float(relevant[:10].mean()))
    return float(np.mean(aps)), float(np.mean(p1)), float(np.mean(p10))


def grid() -> list[tuple[str, SearchParams]]:
    out = [("plain", SearchParams(0, centred=False)), ("centred", SearchParams(0))]
    steps = ((1, 2, 3, 5, 7, 10, 20), (0.0, 1.0, 2.0, 3.0), (0, 1, 2, 3, 5, 10))
    for n, alpha, qe in itertools.product(*steps):
        out.append((f"n={n} a={alpha:g} qe={qe}", SearchParams(n, alpha, qe)))
    for n, alpha, qe, gap in itertools.product((3, 5), (1.0,), (3, 5), GAPS):
        out.append((f"n={n} a={alpha:g} qe={qe} gap={gap:g}", SearchParams(n, alpha, qe, gap)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/datasets"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/photofind-vectors"))
    parser.add_argument("--sets", nargs="+", default=["objects"])
    parser.add_argument("--only", nargs="*", default=[], help="variants whose name has this")
    args = parser.parse_args()
    variants = [
        (name, p)
        for name, p in grid()
        if not args.only or name in ("plain", "centred") or any(o in name for o in args.only)
    ]
    for name in args.sets:
        raw, labels = vectors(args.data / name, args.cache)
        print(f"## {name}: {len(raw)} photos, {len(set(labels))} classes")
        print("| variant | mAP | P@1 | P@10 |\n|---|---|---|---|")
        for label, p in variants:
            m, a, b = score(raw, labels, p)
            print(f"| {label} | {m:.3f} | {a:.3f} | {b:.3f} |", flush=True)


if __name__ == "__main__":
    main()
