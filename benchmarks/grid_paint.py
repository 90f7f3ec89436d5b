"""What one grid cell costs the UI thread to paint, side by side in one run.

    .venv/bin/python -m benchmarks.grid_paint [--cells 48] [--rounds 30]

Paints --cells cells (256x192 thumbnails in 160-pixel cells, every other one with a similarity
badge) into an image, offscreen, --rounds times: as a repaint draws them (each thumbnail already
scaled to its cell and kept), and as a first paint does (each one scaled now), alternating.
Prints the median milliseconds a cell.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem

from photofind.gui import delegate
from photofind.gui.delegate import PhotoDelegate


class Cells(QAbstractListModel):
    """The `cell` rows PhotoDelegate paints."""

    def __init__(self, pixmaps: list[QPixmap]) -> None:
        super().__init__()
        self.pixmaps = pixmaps

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.pixmaps)

    def cell(self, row: int) -> tuple[str, QPixmap, float | None, bool]:
        return (
            f"a_photo_with_a_long_name_{row}.jpeg",
            self.pixmaps[row],
            0.42 if row % 2 else None,
            False,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    app = QApplication([])
    pixmaps = []
    for i in range(args.cells):
        image = QImage(256, 192, QImage.Format.Format_RGB32)
        image.fill(QColor(i * 5 % 256, 120, 200))
        pixmaps.append(QPixmap.fromImage(image))
    model, cell = Cells(pixmaps), PhotoDelegate(160)
    target = QImage(1200, 1600, QImage.Format.Format_ARGB32_Premultiplied)
    option = QStyleOptionViewItem()
    option.font, option.palette = app.font(), app.palette()
    option.state = QStyle.StateFlag.State_Enabled

    def paint() -> float:
        painter = QPainter(target)
        t = time.perf_counter()
        for row in range(args.cells):
            option.rect = QRect(row % 6 * 180, row // 6 * 200, 172, 192)
            cell.paint(painter, option, model.index(row))
        seconds = time.perf_counter() - t
        painter.end()
        return seconds * 1000 / args.cells

    times: dict[str, list[float]] = {"repaint (thumbnails already fitted)": [], "first paint": []}
    for _ in range(3):
        paint()
    for _ in range(args.rounds):
        times["repaint (thumbnails already fitted)"].append(paint())
        delegate._fitted.clear()
        delegate._fitted_pixels = 0
        times["first paint"].append(paint())
    print(f"| paint of a cell, {args.cells} cells | ms (median of {args.rounds}) |\n|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.3f} |")


if __name__ == "__main__":
    main()
