"""A virtualised thumbnail grid: icon-mode list view over a `PhotoListModel`."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from photofind.gui.delegate import PhotoDelegate
from photofind.gui.photo_model import PhotoListModel

__all__ = ["PhotoGrid"]


class PhotoGrid(QListView):
    """Emits paths, never indexes: the window acts on files.

    Enter opens, Space previews, the context menu and double-click are forwarded.
    """

    open_requested = Signal(str)
    preview_requested = Signal(str)
    menu_requested = Signal(list, QPoint)  # selected paths, global position
    current_changed = Signal(str)  # "" when nothing is current

    def __init__(
        self, model: PhotoListModel, side: int = 160, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.photo_model = model
        self.delegate = PhotoDelegate(side, self)
        self.setModel(model)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.doubleClicked.connect(lambda index: self.open_requested.emit(model.path(index.row())))
        self.selectionModel().currentChanged.connect(self._current)
        model.modelReset.connect(lambda: self.current_changed.emit(""))
        # Drop queued thumbnail loads for rows scrolled away, a moment after scrolling stops.
        self._visible_timer = QTimer(self, singleShot=True, interval=150)
        self._visible_timer.timeout.connect(self._retain_visible)
        self.verticalScrollBar().valueChanged.connect(self._visible_timer.start)
        self.set_side(side)

    def set_side(self, side: int) -> None:
        """Thumbnail size (the zoom slider)."""
        self.delegate.side = side
        self.setIconSize(QSize(side, side))
        self._fit_columns()

    def _fit_columns(self) -> None:
        """As many columns as fit, sharing the width between them (no ragged right margin);
        the delegate centres each thumbnail in its cell."""
        cell = self.delegate.cell_size(self.fontMetrics().height()) + QSize(4, 4)
        width = self.viewport().width()
        columns = max(1, (width - 1) // cell.width())
        # Qt wraps a row whose cells fill the width exactly: leave it a pixel.
        size = QSize(max(cell.width(), (width - 1) // columns), cell.height())
        if size != self.gridSize():
            self.setGridSize(size)
            self.scheduleDelayedItemsLayout()

    def selected_paths(self) -> list[str]:
        rows = sorted(i.row() for i in self.selectionModel().selectedIndexes())
        return [self.photo_model.path(r) for r in rows]

    def current_path(self) -> str | None:
        index = self.currentIndex()
        return self.photo_model.path(index.row()) if index.isValid() else None

    def select_path(self, path: str, scroll: bool = True) -> bool:
        row = self.photo_model.row_of(path)
        if row is None:
            return False
        index = self.photo_model.index(row)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        if scroll:
            self.scrollTo(index)
        return True

    def anchor(self) -> tuple[str, int] | None:
        """The photo to hold still while the listing reloads (photos added above it must not
        push what the user looks at away): the current one if on screen, else the first on
        screen; with where its cell's top is in the viewport."""
        rect = self.viewport().rect()
        current = self.currentIndex()
        if current.isValid() and self.visualRect(current).intersects(rect):
            index = current
        else:  # a point in the first column's cell, in the top row or the next
            cell = self.gridSize()
            points = (QPoint(cell.width() // 2, y) for y in (4, cell.height() // 2 + 4))
            index = next((i for i in map(self.indexAt, points) if i.isValid()), current)
            if not index.isValid():
                return None
        return self.photo_model.path(index.row()), self.visualRect(index).top()

    def hold(self, anchor: tuple[str, int]) -> bool:
        """Scroll so that the anchor's photo is where it was (False: it is gone)."""
        path, top = anchor
        row = self.photo_model.row_of(path)
        if row is None:
            return False
        self.executeDelayedItemsLayout()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.visualRect(self.photo_model.index(row)).top() - top)
        return True

    def visible_paths(self) -> set[str]:
        rect = self.viewport().rect()
        first = self.indexAt(rect.topLeft() + QPoint(4, 4))
        last = self.indexAt(rect.bottomRight() - QPoint(4, 4))
        start = first.row() if first.isValid() else 0
        end = last.row() if last.isValid() else start + 200
        paths = self.photo_model.paths()
        return set(paths[max(0, start - 20) : end + 40])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        path = self.current_path()
        if path and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit(path)
        elif path and event.key() == Qt.Key.Key_Space:
            self.preview_requested.emit(path)
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()
        self._visible_timer.start()

    def _retain_visible(self) -> None:
        self.photo_model.loader.retain(self, self.visible_paths())

    def _current(self, current: object, _previous: object) -> None:
        index = self.currentIndex()
        self.current_changed.emit(self.photo_model.path(index.row()) if index.isValid() else "")

    def _menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        if not self.selectionModel().isSelected(index):
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self.menu_requested.emit(self.selected_paths(), self.viewport().mapToGlobal(pos))
