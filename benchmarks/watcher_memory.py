"""Resident memory of the folder watcher while bursts of files arrive (it must stay flat).

    .venv/bin/python -m benchmarks.watcher_memory [--bursts 1000 10000 50000]

Creates empty .jpg files in a watched folder (events are what costs memory, not decoding) and
prints the process's resident memory after each burst has been absorbed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from photofind.core.watcher import FolderWatcher


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", type=int, nargs="+", default=[1000, 10_000, 50_000])
    args = parser.parse_args()
    flushes: list[set[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        watcher = FolderWatcher(flushes.append, quiet_s=0.5)
        watcher.start()
        watcher.watch(tmp)
        print(f"| files created so far | resident MiB |\n|---|---|\n| 0 | {rss_mib():.1f} |")
        total = 0
        for burst in args.bursts:
            folder = Path(tmp) / f"burst{burst}"
            folder.mkdir()
            for i in range(burst):
                (folder / f"{i:06}.jpg").touch()
            total += burst
            before = len(flushes)
            deadline = time.monotonic() + 120
            while len(flushes) == before and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1.0)  # let the observer drain its queue
            print(f"| {total:,} | {rss_mib():.1f} |", flush=True)
        watcher.stop()
    print(f"\n{len(flushes)} debounced notifications for {total:,} files")


if __name__ == "__main__":
    main()
