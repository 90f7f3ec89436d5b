"""The map canvas: every photo at its place, representatives when zoomed out, pan, zoom, lasso.

One widget paints it all (no item per photo): a density image of every photo's dot, then the
thumbnails of the cells' representatives (`map_layout.representatives` at the cell size that
fits the zoom), so 50,000 photos cost what the screen shows, not what the library holds.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from photofind.core.map_layout import representatives
from photofind.core.map_regions import Region
from photofind.gui.map_drawing import density_image, draw_preview, draw_regions, inside_polygon
from photofind.gui.thumbnails import ThumbnailLoader

__all__ = ["MapCanvas"]

WORLD = 1000.0  # map coordinates are scaled into [0, WORLD]
TILE = 56  # thumbnail side on screen, pixels
HOVER_MS = 350
MIN_SCALE, MAX_SCALE = 0.05, 400.0


class MapCanvas(QWidget):
    """Emits paths: `current_changed` on a click, `selection_changed` after a lasso."""

    current_changed = Signal(str)
    selection_changed = Signal(list)
    open_requested = Signal(str)
    menu_requested = Signal(list, QPoint)

    def __init__(self, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.paths: list[str] = []
        self.xy = np.zeros((0, 2), dtype=np.float32)
        self.dimmed = np.zeros(0, dtype=bool)
        self.selected = np.zeros(0, dtype=bool)
        self.current: int | None = None
        self.regions: list[Region] = []
        self.lasso_mode = False  # a plain drag draws a lasso (else it pans; Shift: lasso)
        self.scale, self.origin = 1.0, QPointF(0, 0)  # screen = (world - origin) * scale
        self._touched = False  # zoomed or panned by the user: a resize keeps the view
        self._levels: dict[int, np.ndarray] = {}
        self._drawn: list[tuple[int, QRectF]] = []
        self._density: tuple[tuple[float, float, float, int, int], QImage] | None = None
        self._press: QPointF | None = None
        self._lasso: list[QPointF] = []
        self._hover: int | None = None
        self._hover_timer = QTimer(self, singleShot=True, interval=HOVER_MS)
        self._hover_timer.timeout.connect(self.update)
        self._retain_timer = QTimer(self, singleShot=True, interval=200)
        self._retain_timer.timeout.connect(self._retain)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        loader.ready.connect(lambda path: self.update())

    # -- contents ---------------------------------------------------------------------------

    def set_points(self, paths: list[str], xy: np.ndarray, regions: list[Region]) -> None:
        """Show these photos at these map places (any scale); the first map is fitted into
        view, a map read again (photos placed into it) keeps the user's zoom."""
        first = not self.paths
        keep = {self.paths[i] for i in np.flatnonzero(self.selected)}
        current = self.paths[self.current] if self.current is not None else None
        self.paths = list(paths)
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        low = xy.min(axis=0) if len(xy) else np.zeros(2)
        spans = xy.max(axis=0) - low if len(xy) else np.ones(2)
        factor = WORLD / (float(max(spans)) or 1.0)
        # The narrower axis is centred in the world, so a fitted map sits in the middle.
        low = low - (WORLD / factor - spans) / 2
        self.xy = ((xy - low) * factor).astype(np.float32)
        self.regions = [
            Region(r.name, (r.x - low[0]) * factor, (r.y - low[1]) * factor, r.photos)
            for r in regions
        ]
        self.dimmed = np.zeros(len(paths), dtype=bool)
        self.selected = np.array([p in keep for p in paths], dtype=bool)
        self.current = self.paths.index(current) if current in self.paths else None
        self._levels.clear()
        self._density = None
        if first:
            self.fit()
        self.update()

    def set_dimmed(self, keep: set[str] | None) -> None:
        """Dim every photo not in `keep` (None: dim none)."""
        self.dimmed = np.array([keep is not None and p not in keep for p in self.paths], bool)
        self.update()

    def selected_paths(self) -> list[str]:
        return [self.paths[i] for i in np.flatnonzero(self.selected)]

    def select(self, rows: np.ndarray | list[int], current: int | None = None) -> None:
        self.selected = np.zeros(len(self.paths), dtype=bool)
        self.selected[np.asarray(rows, dtype=np.int64)] = True
        self.current = current
        self.update()

    def fit(self) -> None:
        """Zoom to show the whole map."""
        self._touched = False
        side = max(1, min(self.width(), self.height()) - TILE)
        self.scale = side / WORLD
        self.origin = QPointF(
            WORLD / 2 - self.width() / 2 / self.scale, WORLD / 2 - self.height() / 2 / self.scale
        )
        self.update()

    def zoom(self, factor: float, at: QPointF | None = None) -> None:
        at = at if at is not None else QPointF(self.width() / 2, self.height() / 2)
        world = self.to_world(at)
        self._touched = True
        self.scale = min(MAX_SCALE, max(MIN_SCALE, self.scale * factor))
        self.origin = QPointF(world.x() - at.x() / self.scale, world.y() - at.y() / self.scale)
        self.update()

    def to_world(self, p: QPointF) -> QPointF:
        return QPointF(p.x() / self.scale + self.origin.x(), p.y() / self.scale + self.origin.y())

    def to_screen(self, row: int) -> QPointF:
        x, y = self.xy[row]
        return QPointF((x - self.origin.x()) * self.scale, (y - self.origin.y()) * self.scale)

    # -- levels of detail -------------------------------------------------------------------

    def shown_rows(self) -> np.ndarray:
        """Rows drawn as thumbnails now: the representatives of cells about a tile wide."""
        if not len(self.xy):
            return np.zeros(0, dtype=np.int64)
        level = int(np.clip(np.round(np.log2(self.scale * WORLD / TILE)), 0, 24))
        if level not in self._levels:
            self._levels[level] = representatives(self.xy, WORLD / 2**level)
        rows = self._levels[level]
        low = self.to_world(QPointF(-TILE, -TILE))
        high = self.to_world(QPointF(self.width() + TILE, self.height() + TILE))
        x, y = self.xy[rows, 0], self.xy[rows, 1]
        seen = (x >= low.x()) & (x <= high.x()) & (y >= low.y()) & (y <= high.y())
        return rows[seen]

    # -- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().base())
        if not self.paths:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No map yet")
            return
        key = (self.scale, self.origin.x(), self.origin.y(), self.width(), self.height())
        if self._density is None or self._density[0] != key:  # the view moved
            image = density_image(self.xy, self.scale, self.origin, self.width(), self.height())
            self._density = (key, image)
        p.drawImage(0, 0, self._density[1])
        self._drawn = []
        for row in self.shown_rows():
            self._draw_photo(p, int(row), TILE)
        for row in np.flatnonzero(self.selected):  # selected photos show, whatever the zoom
            if not any(r == row for r, _ in self._drawn):
                self._draw_photo(p, int(row), TILE // 2)
        draw_regions(p, self.regions, self.scale, self.origin)
        if self._lasso:
            p.setPen(QPen(self.palette().highlight().color(), 2, Qt.PenStyle.DashLine))
            p.drawPolygon(QPolygonF(self._lasso))
        if self._hover is not None and not self._hover_timer.isActive() and not self._press:
            pixmap = self.loader.pixmap(self.paths[self._hover])
            if pixmap is not None:
                draw_preview(p, pixmap, self.to_screen(self._hover) + QPointF(TILE / 2, 0))
        p.end()
        self._retain_timer.start()

    def _draw_photo(self, p: QPainter, row: int, side: int) -> None:
        centre = self.to_screen(row)
        pixmap = self.loader.pixmap(self.paths[row])
        if pixmap is not None:
            w, h = pixmap.width(), pixmap.height()
            k = side / max(w, h, 1)
            rect = QRectF(centre.x() - w * k / 2, centre.y() - h * k / 2, w * k, h * k)
        else:
            rect = QRectF(centre.x() - side / 2, centre.y() - side / 2, side, side)
        p.setOpacity(0.2 if self.dimmed[row] else 1.0)
        if pixmap is not None:
            p.drawPixmap(rect.toRect(), pixmap)
        else:
            p.fillRect(rect, self.palette().mid())
        p.setOpacity(1.0)
        if self.selected[row] or row == self.current:
            width = 3 if row == self.current else 2
            p.setPen(QPen(self.palette().highlight().color(), width))
            p.drawRect(rect.adjusted(-1, -1, 1, 1))
        self._drawn.append((row, rect))

    def _retain(self) -> None:
        self.loader.retain(self, {self.paths[r] for r, _ in self._drawn})

    # -- input ------------------------------------------------------------------------------

    def row_at(self, pos: QPointF) -> int | None:
        """The photo drawn under `pos` (the last drawn on top)."""
        for row, rect in reversed(self._drawn):
            if rect.contains(pos):
                return row
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._press = event.position()
        shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if self.lasso_mode or shift:
            self._lasso = [event.position()]

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._press is not None and self._lasso:
            self._lasso.append(pos)
        elif self._press is not None:
            delta = pos - self._press
            self.origin -= QPointF(delta.x() / self.scale, delta.y() / self.scale)
            self._touched = True
            self._press = pos
        hover = self.row_at(pos) if self._press is None else None
        if hover != self._hover:
            self._hover = hover
            self._hover_timer.start()
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        start, self._press = self._press, None
        if start is None:
            return
        if len(self._lasso) > 2:
            polygon = np.array([(q.x(), q.y()) for q in map(self.to_world, self._lasso)])
            self._lasso = []
            rows = np.flatnonzero(inside_polygon(self.xy, polygon))
            self.select(rows, None)
            self.selection_changed.emit(self.selected_paths())
            return
        self._lasso = []
        if (event.position() - start).manhattanLength() < 4:  # a click, not a drag
            row = self.row_at(event.position())
            if row is not None:
                self.select([row], row)
                self.current_changed.emit(self.paths[row])
                self.selection_changed.emit([self.paths[row]])
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position())
        if row is not None:
            self.open_requested.emit(self.paths[row])

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(1.0015 ** event.angleDelta().y(), event.position())

    def resizeEvent(self, event: QResizeEvent) -> None:
        if not self._touched:
            self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / 1.5)
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current is not None:
            self.open_requested.emit(self.paths[self.current])
        else:
            super().keyPressEvent(event)

    def leaveEvent(self, event: object) -> None:
        self._hover = None
        self.update()

    def _menu(self, pos: QPoint) -> None:
        row = self.row_at(QPointF(pos))
        if row is not None and not self.selected[row]:
            self.select([row], row)
            self.current_changed.emit(self.paths[row])
        if self.selected.any():
            self.menu_requested.emit(self.selected_paths(), self.mapToGlobal(pos))
