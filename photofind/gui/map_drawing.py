"""What the map canvas draws besides thumbnails (every photo's dot, region names), and the
lasso's geometry."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPainterPath, QPen, QPixmap

from photofind.core.map_regions import Region

__all__ = ["density_image", "draw_preview", "draw_regions", "inside_polygon", "place_names"]

MAX_REGION_NAMES = 24
PREVIEW = 240  # the hover preview's side


def density_image(xy: np.ndarray, scale: float, origin: QPointF, w: int, h: int) -> QImage:
    """Every photo as a dot of light, binned per pixel with numpy: where photos crowd it
    glows brighter, at the cost of one `bincount`, however many photos there are."""
    w, h = max(1, w), max(1, h)
    sx = ((xy[:, 0] - origin.x()) * scale).astype(np.int64)
    sy = ((xy[:, 1] - origin.y()) * scale).astype(np.int64)
    ok = (sx >= 0) & (sx < w) & (sy >= 0) & (sy < h)
    counts = np.bincount(sy[ok] * w + sx[ok], minlength=w * h).reshape(h, w)
    alpha = np.minimum(255, counts * 90).astype(np.uint32)
    argb = (alpha << 24) | ((alpha * 0x8C // 255) << 16)  # premultiplied light blue
    argb |= ((alpha * 0xB4 // 255) << 8) | (alpha * 0xE6 // 255)
    argb = np.ascontiguousarray(argb)
    return QImage(argb.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied).copy()


def draw_regions(p: QPainter, regions: list[Region], scale: float, origin: QPointF) -> None:
    """Region names in bold white with a dark halo, legible over any photo."""
    font = p.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.3)
    p.setFont(font)
    for name, x, y in place_names(regions, scale, origin, p.fontMetrics()):
        path = QPainterPath()
        path.addText(x, y, font, name)
        p.strokePath(path, QPen(QColor(0, 0, 0, 200), 4))
        p.fillPath(path, QColor(255, 255, 255))


def place_names(
    regions: list[Region], scale: float, origin: QPointF, metrics: QFontMetrics
) -> list[tuple[str, float, float]]:
    """Where each region's name goes (its text's left end and baseline), larger regions
    first: a name that would cover one placed already moves a line up or down, or is left
    out until the user zooms in."""
    line = metrics.height() + 2  # a name's height with a little room for its halo
    placed: list[tuple[str, float, float]] = []
    boxes: list[QRectF] = []
    for region in regions[:MAX_REGION_NAMES]:
        x, y = (region.x - origin.x()) * scale, (region.y - origin.y()) * scale
        width = metrics.horizontalAdvance(region.name)
        for dy in (0, -line, line):
            box = QRectF(x - width / 2 - 4, y + dy - line, width + 8, line)
            if not any(box.intersects(other) for other in boxes):
                boxes.append(box)
                placed.append((region.name, x - width / 2, y + dy))
                break
    return placed


def draw_preview(p: QPainter, pixmap: QPixmap, at: QPointF) -> None:
    """The hovered photo larger, its left edge at `at`, kept inside the widget."""
    pix = pixmap.scaled(PREVIEW, PREVIEW, Qt.AspectRatioMode.KeepAspectRatio)
    size = p.device().width(), p.device().height()  # type: ignore[union-attr]
    x = min(max(0.0, at.x()), size[0] - pix.width())
    y = min(max(0.0, at.y() - pix.height() / 2), size[1] - pix.height())
    p.fillRect(QRectF(x - 3, y - 3, pix.width() + 6, pix.height() + 6), QColor(0, 0, 0, 180))
    p.drawPixmap(int(x), int(y), pix)


def inside_polygon(xy: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Which points of `xy` lie inside `polygon` (even-odd rule, vectorised ray casting)."""
    inside = np.zeros(len(xy), dtype=bool)
    if len(polygon) < 3:
        return inside
    x, y = xy[:, 0], xy[:, 1]
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < at)
    return inside
