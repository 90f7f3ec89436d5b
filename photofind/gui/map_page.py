"""The map page: the canvas, its tool bar (filter, lasso, tag, open as grid, lay out again),
and how it hooks into the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from photofind.core.catalog import MapPoints, PhotoOrder
from photofind.core.library import Library
from photofind.core.map_layout import MapStage
from photofind.core.map_regions import Region
from photofind.core.worker import EventKind, WorkerEvent
from photofind.gui.actions import open_file
from photofind.gui.content import results
from photofind.gui.jobs import Jobs, Ticket
from photofind.gui.map_canvas import MapCanvas
from photofind.gui.thumbnails import ThumbnailLoader
from photofind.gui.views import View, ViewKind
from photofind.gui.wording import count

if TYPE_CHECKING:
    from photofind.gui.window import MainWindow

__all__ = ["MapPage"]

FILTER_LIMIT = 100_000


class MapPage(QWidget):
    """Loads the map off the UI thread; a tag or search view it is opened from dims the rest."""

    def __init__(self, jobs: Jobs, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.canvas = MapCanvas(loader)
        self.filter = QLineEdit(placeholderText="Dim all but: beach, dog…")
        self.filter.setToolTip("Photos that show these words stay bright, the rest dim (Enter)")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(180)
        self.filter.setMaximumWidth(280)
        self.lasso = QPushButton("Lasso")
        self.lasso.setCheckable(True)
        self.lasso.setToolTip("Drag around photos to select them (or Shift+drag)")
        self.tag = QPushButton("Tag Selection…")
        self.as_grid = QPushButton("Show Selection as Grid")
        self.relayout = QPushButton("Lay Out Again")
        self.relayout.setToolTip("Make the whole map again from the photos' likeness")
        self.status = QLabel()
        self.status.setStyleSheet("color: palette(placeholder-text)")
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 2, 8, 2)
        for widget in (self.filter, self.lasso, self.tag, self.as_grid):
            bar.addWidget(widget)
        bar.addSpacing(8)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.relayout)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(bar)
        column.addWidget(self.canvas, 1)
        self._load: Ticket | None = None
        self._dim: Ticket | None = None
        self._filter_view: View | None = None
        self.lasso.toggled.connect(lambda on: setattr(self.canvas, "lasso_mode", on))
        self.filter.returnPressed.connect(self._filter_typed)
        self.canvas.selection_changed.connect(self._selection_changed)
        self._selection_changed([])

    def show_map(self, filter_view: View | None = None) -> None:
        """Read the map (and the photos to keep bright when opened from a tag or search)."""
        if filter_view is not None and filter_view.kind in (ViewKind.TAG, ViewKind.SEARCH):
            self._filter_view = filter_view
            self.filter.setText(filter_view.text or ", ".join(t.name for t in filter_view.tags))
        if self._load is not None:
            self._load.cancel()

        def read(lib: Library) -> tuple[MapPoints, list[Region]]:
            points = lib.map_points()
            return points, lib.map_regions(points)

        self._load = self.jobs.read(read, self._loaded, self.status.setText)

    def _loaded(self, found: tuple[MapPoints, list[Region]]) -> None:
        points, regions = found
        self.canvas.set_points(points.paths, points.xy, regions)
        if points.paths:
            self.status.setText(count(len(points.paths), "photo"))
        else:
            self.status.setText("The map is being laid out from the indexed photos…")
        self._apply_filter()

    def _filter_typed(self) -> None:
        text = self.filter.text().strip()
        self._filter_view = View(ViewKind.SEARCH, text=text) if text else None
        self._apply_filter()

    def _apply_filter(self) -> None:
        view = self._filter_view
        if self._dim is not None:
            self._dim.cancel()
        if view is None:
            self.canvas.set_dimmed(None)
            return

        def read(lib: Library) -> set[str]:
            if view.kind is ViewKind.SEARCH:
                return {m.path for m in lib.search(view.text, limit=FILTER_LIMIT)}
            return set(results(lib, view, PhotoOrder.FOLDER)[0])

        self._dim = self.jobs.read(read, self.canvas.set_dimmed, self.status.setText)

    def _selection_changed(self, paths: list[str]) -> None:
        for button in (self.tag, self.as_grid):
            button.setEnabled(bool(paths))
        if len(paths) > 1:
            self.status.setText(f"{len(paths):,} photos selected")

    def on_worker_event(self, event: WorkerEvent) -> None:
        """Progress of a layout in the status; a new map is read again if it is shown."""
        step = event.map_progress
        if event.kind is EventKind.MAP_PROGRESS and step is not None:
            if step.stage is MapStage.LAYOUT:
                self.status.setText(f"Laying out the map: {step.done * 100 // step.total}%")
            elif step.stage is MapStage.NEIGHBOURS:
                self.status.setText("Laying out the map: finding look-alikes…")
        elif event.kind is EventKind.MAP_UPDATED and self.isVisible():
            self.show_map()

    def attach(self, w: MainWindow) -> None:
        """Wire the page to the window: the detail panel, menus, grid and worker."""
        self.canvas.current_changed.connect(w._current_changed)
        self.canvas.open_requested.connect(open_file)
        self.canvas.menu_requested.connect(lambda paths, pos: w._menu(paths, pos))
        self.tag.clicked.connect(lambda: w.ask_tag(self.canvas.selected_paths()))
        self.as_grid.clicked.connect(
            lambda: w.show_view(View(ViewKind.PICKED, like=tuple(self.canvas.selected_paths())))
        )

        def relayout() -> None:
            if w.bridge is not None:
                w.bridge.worker.request_map()
                self.status.setText("Laying out the map again…")

        self.relayout.clicked.connect(relayout)
