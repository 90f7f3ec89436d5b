"""The app's resident memory with a 100,000-photo library open, browsed and searched.

    .venv/bin/python -m benchmarks.app_memory [--photos 100000]

Builds a synthetic library as `benchmarks/startup.py` does (catalog rows, vectors, tags and a
cached thumbnail per photo, the Annoy index built), then a fresh process opens the real app on
it, shows 101 screens of the grid spread from top to bottom (loading each screen's thumbnails),
sorts it by name and by date and runs Find similar on 20 photos. It prints the process's peak
resident memory (VmHWM) and its resident memory at the end (VmRSS), and splits them: private
memory (anonymous pages, sampled every 20 ms for its peak) and the pages of files mapped
read-only, the search indexes' above all (page cache the kernel drops first when memory is
short, and which macOS's and Windows' memory columns leave out).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from benchmarks.startup import build_grid_library

APP = """
import os, sys, time
from pathlib import Path
from photofind.gui.app import application, create_window
from photofind.gui.views import View, ViewKind

import threading


def status():
    text = open("/proc/self/status").read()
    return {k: int(v.split()[0]) for k, v in (l.split(":", 1) for l in text.splitlines())
            if v.strip().endswith("kB")}


peak_private = [0]


def sample():
    while True:
        peak_private[0] = max(peak_private[0], status()["RssAnon"])
        time.sleep(0.02)


threading.Thread(target=sample, daemon=True).start()
app = application()
window = create_window(Path(sys.argv[1]), start_worker=False)
window.resize(1400, 900)
window.show()


def wait(condition, seconds=120):
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)
    assert condition(), "timed out"


wait(lambda: window.model.rowCount() == int(sys.argv[2]))
bar = window.grid.verticalScrollBar()
screens = 0
for step in range(101):  # 101 screens spread from the first row to the last
    bar.setValue(bar.maximum() * step // 100)
    app.processEvents()
    wait(lambda: all(window.loader.pixmap(p) is not None for p in window.grid.visible_paths()))
    screens += 1
for order in ("Name", "Date taken"):
    window.model.set_photos([])
    window.sort.setCurrentText(order)
    wait(lambda: window.model.rowCount() == int(sys.argv[2]))
paths = window.model.paths()
for i in range(20):
    query = paths[i * 4999 % len(paths)]
    window.find_similar([query])
    wait(lambda: window.model.rowCount() == 200 and query not in window.model.paths())
time.sleep(0.05)
end = status()
peak_private[0] = max(peak_private[0], end["RssAnon"])
print(screens, end["VmHWM"], end["VmRSS"], peak_private[0], end["RssAnon"], end["RssFile"],
      flush=True)
os._exit(0)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=100_000)
    args = parser.parse_args()
    from skimage import data

    from photofind.core.library import Library

    with tempfile.TemporaryDirectory() as tmp:
        library = Path(tmp) / "lib"
        t = time.perf_counter()
        build_grid_library(library, Image.fromarray(data.chelsea()), args.photos)
        with Library.open(library) as lib:
            lib.maintain_index()
        print(f"built {args.photos:,} photos in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "PHOTOFIND_CACHE": tmp + "/cache",
            "XDG_CONFIG_HOME": tmp + "/config",
        }
        out = subprocess.run(
            [sys.executable, "-c", APP, str(library), str(args.photos)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout.split()
    screens = int(out[0])
    peak, end, private_peak, private_end, files_end = (int(v) / 1024 for v in out[1:6])
    print(
        f"app on {args.photos:,} photos, {screens} screens shown, sorted twice, 20 searches: "
        f"peak {peak:.0f} MiB resident, {end:.0f} MiB at the end; private memory peak "
        f"{private_peak:.0f} MiB, {private_end:.0f} MiB at the end; mapped files at the end "
        f"{files_end:.0f} MiB"
    )


if __name__ == "__main__":
    main()
