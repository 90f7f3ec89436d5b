"""What the near-copy checks made ahead cost, on libraries of real photos and at scale.

    .venv/bin/python -m benchmarks.near_copy_checks --sets objects animals scenes15 groups10 \
        mixed copies
    .venv/bin/python -m benchmarks.near_copy_checks --scale 100000

Each set (benchmarks/photo_sets.py) is indexed into a throw-away library by the real pipeline;
then its cached checks are forgotten and `near_copies.precheck` checks every photo against its
plain nearest again, timed (wall clock and CPU). Prints the photos, the pairs close enough to
check (raw cosine at least `COPY_CANDIDATE`), the seconds and the milliseconds a photo.

`--scale N`: a synthetic library of N photos as `benchmarks/startup.py` builds it (random vectors,
one real photo's thumbnail under every photo's content), its search vectors made; then a fresh
process checks every photo against its plain nearest (the cosine threshold lifted: the worst
case, every photo with a pair to check) and prints the time and its peak resident memory
before and after.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from photofind.core.copy_check import CHECK_VERSION
from photofind.core.evaluation import indexed_dataset
from photofind.core.near_copies import plain_nearest_pairs, precheck

CHECK_ALL = """
import sys, time
from pathlib import Path
from photofind.core import near_copies
from photofind.core.copy_check import CHECK_VERSION
from photofind.core.library import Library


def peak():
    text = open("/proc/self/status").read()
    return int(text.split("VmHWM:")[1].split()[0]) // 1024


near_copies.COPY_CANDIDATE = -1.0
lib = Library.open(Path(sys.argv[1]))
before = peak()
started, cpu = time.perf_counter(), time.process_time()
assert near_copies.precheck(lib.catalog, lib.model, lib.photo_thumbnail)
wall, used = time.perf_counter() - started, time.process_time() - cpu
checks = len(lib.catalog.copy_checks(CHECK_VERSION))
print(f"{checks} pairs checked in {wall:.0f} s ({used:.0f} s of CPU), "
      f"{wall / checks * 1000:.1f} ms a pair; "
      f"peak resident {before} MiB before, {peak()} MiB after")
"""


def at_scale(count: int) -> None:
    """Every photo of a synthetic `count`-photo library checked, in a fresh process."""
    from skimage import data

    from benchmarks.startup import build_grid_library
    from photofind.core.library import Library

    with tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp) / "lib"
        build_grid_library(library, Image.fromarray(data.chelsea()), count)
        with Library.open(library) as lib:
            assert lib.refresh_search_vectors(full=True)
        run = subprocess.run([sys.executable, "-c", CHECK_ALL, str(library)], check=True)
        assert run.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/datasets"))
    parser.add_argument("--sets", nargs="+", default=["objects"])
    parser.add_argument("--scale", type=int, help="a synthetic library of this many photos")
    args = parser.parse_args()
    if args.scale:
        at_scale(args.scale)
        return
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
