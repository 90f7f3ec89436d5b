"""Time to first paint of the desktop app on a 10,000-photo library.

    .venv/bin/python -m benchmarks.first_paint [--platform offscreen|xcb]

A fresh process starts the real app (`photofind.gui.app.create_window`, as `photofind` does) on
a library built as `benchmarks/startup.py` builds it, and stops when the grid has painted its
first screen of thumbnails. The time runs from the parent's launch of the process to the
child's paint, process start included (median of 5). The child checks that neither torch nor
ONNX Runtime was imported by then: the window must paint before the model loads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from benchmarks.startup import GRID_PHOTOS, build_grid_library

RUNS = 5

APP = """
import sys
import time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from photofind.gui.app import application, create_window

app = application()
window = create_window(Path(sys.argv[1]), start_worker=False)


class FirstScreen(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and window.model.rowCount() and shown() >= 20:
            heavy = [m for m in ("torch", "onnxruntime") if m in sys.modules]
            assert not heavy, f"imported before the first paint: {heavy}"
            print("painted", window.model.rowCount(), shown(), time.time(), flush=True)
            QTimer.singleShot(0, app.quit)
        return False


def shown():
    return sum(window.loader.pixmap(p) is not None for p in window.model.paths()[:40])


watcher = FirstScreen()
window.grid.viewport().installEventFilter(watcher)
window.resize(1400, 900)
window.show()
app.exec()
"""


def first_paint(library: str, platform: str) -> float:
    env = {
        **os.environ,
        "PHOTOFIND_CACHE": library + "-cache",
        "QT_QPA_PLATFORM": platform,
        "XDG_CONFIG_HOME": library + "-config",  # the app's settings: fresh, not the user's
    }
    t = time.time()  # the child says when it painted on the same clock
    out = subprocess.run(
        [sys.executable, "-c", APP, library],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,  # a first screen that never fills is a failure, not a wait
    ).stdout
    words = out.split()
    assert words[:2] == ["painted", str(GRID_PHOTOS)], out
    return float(words[3]) - t  # not the child's exit, which a real X server makes slower


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", default="offscreen", help="Qt platform (offscreen, xcb)")
    args = parser.parse_args()
    from skimage import data

    with tempfile.TemporaryDirectory() as tmp:
        library = str(Path(tmp) / "grid-lib")
        build_grid_library(Path(library), Image.fromarray(data.chelsea()))
        samples = [first_paint(library, args.platform) for _ in range(RUNS)]
    print(
        f"first paint of the app on {GRID_PHOTOS:,} photos (first screen's thumbnails shown), "
        f"Qt platform {args.platform}: {statistics.median(samples):.2f} s "
        f"(median of {RUNS}; runs {', '.join(f'{s:.2f}' for s in samples)})"
    )


if __name__ == "__main__":
    main()
