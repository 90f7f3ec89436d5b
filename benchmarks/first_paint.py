"""Time to first paint of a bare thumbnail-grid window on a 10,000-photo library.

    .venv/bin/python -m benchmarks.first_paint [--platform offscreen]

The floor under the desktop app's start-up, until the app exists: a fresh process imports Qt,
opens the library through the `Library` facade, reads the grid's first page and the thumbnails of
its first screen from the thumbnail cache, shows a virtualised list view of every photo and stops
at the view's first paint. Its time is measured from the parent, process start included (median
of 5). The library is built as `benchmarks/startup.py` builds it. The child checks that torch
was never imported: the window must paint before the model loads.
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
SCREEN = 60  # thumbnails on a first screen: 10 columns of 200 px by 6 rows

WINDOW = f"""
import sys
from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QListView

from photofind.core.library import Library

app = QApplication(sys.argv)
lib = Library.open()
total = lib.status(resolve_device=False).counts.photos
page = lib.photos(0, 200)
pixmaps = {{}}
for row, photo in enumerate(page[:{SCREEN}]):
    pixmap = QPixmap()
    pixmap.loadFromData(lib.thumbnail(photo.path))
    pixmaps[row] = pixmap


class Grid(QAbstractListModel):
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else total

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DecorationRole:
            return pixmaps.get(index.row())
        return None


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            assert "torch" not in sys.modules, "torch was imported before the first paint"
            print("painted", len(pixmaps), total, flush=True)
            app.exit(0)
        return False


view = QListView()
view.setViewMode(QListView.ViewMode.IconMode)
view.setUniformItemSizes(True)
view.setIconSize(QSize(192, 192))
view.setGridSize(QSize(200, 200))
model = Grid()
view.setModel(model)
watcher = FirstPaint()
view.viewport().installEventFilter(watcher)
view.resize(2000, 1200)
view.show()
sys.exit(app.exec())
"""


def first_paint(library: str, platform: str) -> float:
    env = {
        **os.environ,
        "PHOTOFIND_LIBRARY": library,
        "PHOTOFIND_CACHE": library + "-cache",
        "QT_QPA_PLATFORM": platform,
    }
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", WINDOW], check=True, capture_output=True, text=True, env=env
    ).stdout
    elapsed = time.perf_counter() - t
    assert out.split() == ["painted", str(SCREEN), str(GRID_PHOTOS)], out
    return elapsed


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
        f"first paint of a bare grid window on {GRID_PHOTOS:,} photos, {SCREEN} thumbnails, "
        f"Qt platform {args.platform}: {statistics.median(samples):.2f} s "
        f"(median of {RUNS}; runs {', '.join(f'{s:.2f}' for s in samples)})"
    )


if __name__ == "__main__":
    main()
