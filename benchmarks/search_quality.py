"""Plain vectors against each step of the search vectors, on labelled sets, side by side.

Each set is indexed once; then for each variant the search vectors are remade with its
parameters (a full pass) and every photo queries `Library.similar`, the path the app and
`photofind eval retrieval` take, which ranks the rest. The last row, the shipped parameters, is
what `photofind eval retrieval --dataset DIR` reports.

    python -m benchmarks.search_quality --sets objects animals scenes15 groups10 mixed copies
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from photofind.core import search_vectors
from photofind.core.evaluation import indexed_dataset, similar_scores
from photofind.core.search_space import SearchParams

SHIPPED = search_vectors.PARAMS
VARIANTS = (
    ("plain vectors (before)", SearchParams(0, centred=False)),
    ("centred", SearchParams(0, expand=0)),
    (f"centred + DBA (n={SHIPPED.neighbours})", SearchParams(SHIPPED.neighbours, SHIPPED.alpha)),
    (f"centred + DBA + QE ({SHIPPED.expand})", replace(SHIPPED, copy_gap=0.0, check_copies=False)),
    (f"+ near-copy first (gap {SHIPPED.copy_gap:g})", replace(SHIPPED, check_copies=False)),
    ("+ or a checked copy: shipped", SHIPPED),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/datasets"))
    parser.add_argument("--sets", nargs="+", default=["objects"])
    args = parser.parse_args()
    print("| set | variant | mAP | P@1 | P@10 | s/query |\n|---|---|---|---|---|---|")
    for name in args.sets:
        root = (args.data / name).resolve()
        with indexed_dataset(root, None, None, None) as (lib, paths):
            for label, params in VARIANTS:
                search_vectors.PARAMS = params
                lib.refresh_search_vectors(full=True)
                started = time.perf_counter()
                aps, p1, p10 = similar_scores(lib, root, list(paths.values()))
                per_query = (time.perf_counter() - started) / max(1, len(aps))
                print(
                    f"| {name} | {label} | {np.mean(aps):.3f} | {np.mean(p1):.3f} | "
                    f"{np.mean(p10):.3f} | {per_query * 1000:.1f} ms |",
                    flush=True,
                )
            search_vectors.PARAMS = SHIPPED


if __name__ == "__main__":
    main()
