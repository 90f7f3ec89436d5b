"""What the near-copy checks made ahead cost, on libraries of real photos.

    .venv/bin/python -m benchmarks.near_copy_checks --sets objects animals scenes15 groups10 \
        mixed copies

Each set (benchmarks/photo_sets.py) is indexed into a throw-away library by the real pipeline;
then its cached checks are forgotten and `near_copies.precheck` checks every photo against its
plain nearest again, timed (wall clock and CPU). Prints the photos, the pairs close enough to
check (raw cosine at least `COPY_CANDIDATE`), the seconds and the milliseconds a photo.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from photofind.core.copy_check import CHECK_VERSION
from photofind.core.evaluation import indexed_dataset
from photofind.core.near_copies import plain_nearest_pairs, precheck


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/datasets"))
    parser.add_argument("--sets", nargs="+", default=["objects"])
    args = parser.parse_args()
    print("| set | photos | pairs checked | s (CPU s) | ms a photo |\n|---|---|---|---|---|")
    for name in args.sets:
        with indexed_dataset((args.data / name).resolve(), None, None, None) as (lib, _):
            ids = lib.catalog.search_ids(lib.model)
            pairs = plain_nearest_pairs(lib.catalog, lib.model, ids)
            lib.catalog.forget_copy_checks(set())
            lib.catalog.delete_setting(f"near_copies_seq:{lib.model}")
            started, cpu = time.perf_counter(), time.process_time()
            assert precheck(lib.catalog, lib.model, lib.photo_thumbnail)
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            assert len(lib.catalog.copy_checks(CHECK_VERSION)) == len(pairs)
            print(
                f"| {name} | {len(ids)} | {len(pairs)} ({len(pairs) / len(ids):.0%}) | "
                f"{wall:.1f} ({used:.1f}) | {wall / len(ids) * 1000:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
