"""The main window: sidebar, grid (or duplicates), detail panel, history, status bar."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSlider,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from photofind.core.thumbnail_maker import ThumbnailMaker
from photofind.gui import menus
from photofind.gui.actions import open_file, photo_menu
from photofind.gui.banner import MissingBanner
from photofind.gui.commands import WindowCommands
from photofind.gui.detail import DetailPanel
from photofind.gui.duplicates_view import DuplicatesView
from photofind.gui.elided_label import ElidedLabel
from photofind.gui.grid import PhotoGrid
from photofind.gui.indexing import IndexingBridge
from photofind.gui.jobs import Jobs, Ticket
from photofind.gui.map_page import MapPage
from photofind.gui.navigation import ORDERS, WindowNavigation
from photofind.gui.photo_model import PhotoListModel
from photofind.gui.sidebar import Sidebar
from photofind.gui.statusbar import IndexingStatus
from photofind.gui.thumbnails import ThumbnailLoader
from photofind.gui.updates import WindowUpdates
from photofind.gui.views import History, Page, View, ViewKind
from photofind.gui.welcome import WelcomePage
from photofind.gui.window_state import WindowState

__all__ = ["MainWindow"]

DETAIL_DELAY_MS = 150  # the detail panel reads a selection that rested this long
REFRESH_MS = 2000  # at most one grid and sidebar refresh this often while indexing
SAY_SECONDS = 10  # a status bar message stays this long


class MainWindow(WindowCommands, WindowNavigation, WindowUpdates, WindowState, QMainWindow):
    closing = Signal()  # the user closed the window; background work is being wound up

    def __init__(self, library_dir: Path, bridge: IndexingBridge | None = None) -> None:
        super().__init__()
        self.library_dir = library_dir
        self.setWindowTitle("photofind")
        self.setAcceptDrops(True)
        self.jobs = Jobs(library_dir)
        self.thumbnail_maker = ThumbnailMaker(str(library_dir))
        self.loader = ThumbnailLoader(self.jobs, maker=self.thumbnail_maker)
        self.bridge = bridge
        self.history = History(View(ViewKind.ALL))
        self._load: Ticket | None = None
        self._shown_view: View | None = None  # whose photos the grid holds
        self._model_loaded = False  # the worker's model: frozen for the collector once built
        self.settings = QSettings()

        self.sidebar = Sidebar()
        self.model = PhotoListModel(self.loader, self)
        self.grid = PhotoGrid(self.model, side=int(self.settings.value("zoom", 160)))
        self.detail = DetailPanel(self.jobs, self.loader)
        self.duplicates = DuplicatesView(self.jobs, self.loader)
        self.map = MapPage(self.jobs, self.loader)
        self.welcome = WelcomePage()
        self.title = ElidedLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.count = QLabel()
        self.count.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # follows the theme
        self.sort = QComboBox()
        self.sort.addItems(list(ORDERS))
        self.sort.setCurrentText(str(self.settings.value("sort", "Folder")))
        self.sort.setToolTip("Sort the library")
        self.zoom = QSlider(Qt.Orientation.Horizontal)
        self.zoom.setRange(80, 320)
        self.zoom.setValue(self.grid.delegate.side)
        self.zoom.setFixedWidth(130)
        self.zoom.setToolTip("Thumbnail size")
        self.back, self.forward = QToolButton(), QToolButton()
        self.back.setArrowType(Qt.ArrowType.LeftArrow)
        self.forward.setArrowType(Qt.ArrowType.RightArrow)
        self.back.setToolTip("Back (Alt+Left)")
        self.forward.setToolTip("Forward (Alt+Right)")
        self.search = QLineEdit(placeholderText="Search: seaside -people")
        self.search.setToolTip(
            "Find photos by what they show, in any English words (Ctrl+F);\n"
            "a word after - leaves out what it names"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)  # a long title gives way first
        self.search.setMaximumWidth(260)
        self.indexing = IndexingStatus()
        self.status_text = QLabel()
        self.banner = MissingBanner()
        self._layout()
        menus.build(self)
        self._connect()
        self._restore()
        self._start_timer = QTimer(self, singleShot=True)
        self._selected: str | None = None
        self._detail_timer = QTimer(self, singleShot=True, interval=DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(lambda: self.detail.show_photo(self._selected))
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(lambda: self.refresh(listing=True))
        self._say_timer = QTimer(self, singleShot=True)
        self._say_timer.timeout.connect(self.status_text.clear)
        self.setWindowIcon(QIcon.fromTheme("photofind", self.windowIcon()))

    # -- layout and wiring ------------------------------------------------------------------

    def _layout(self) -> None:
        header = QHBoxLayout()
        header.setContentsMargins(8, 6, 8, 2)
        for widget in (self.back, self.forward):
            header.addWidget(widget)
        header.addSpacing(6)
        header.addWidget(self.title)
        header.addSpacing(8)  # the style's spacing left the count touching the bold title
        header.addWidget(self.count)
        header.addStretch()
        header.addSpacing(12)
        header.addWidget(self.search)
        header.addSpacing(12)
        self._header_labels = (QLabel("Sort:"), QLabel("Size:"))
        header.addWidget(self._header_labels[0])
        header.addWidget(self.sort)
        header.addWidget(self._header_labels[1])
        header.addWidget(self.zoom)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.duplicates)
        self.stack.addWidget(self.map)
        self.stack.setCurrentIndex(
            Page.GRID
        )  # the welcome page replaces it if there are no folders
        center = QWidget()
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(header)
        column.addWidget(self.banner)
        column.addWidget(self.stack)
        self.splitter = QSplitter()
        for widget in (self.sidebar, center, self.detail):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 900, 360])
        self.setCentralWidget(self.splitter)
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.indexing)

    def _connect(self) -> None:
        self.sidebar.navigate.connect(self.show_view)
        self.sidebar.teach.connect(lambda tag: self.show_view(View(ViewKind.TEACH, text=tag)))
        self.banner.forget.connect(
            lambda folder: self.jobs.read(lambda lib: lib.forget_missing(folder), self._changed)
        )
        self.banner.keep_waiting.connect(
            lambda folder: self.jobs.read(lambda lib: lib.keep_waiting(folder), self._changed)
        )
        self.back.clicked.connect(self.go_back)
        self.forward.clicked.connect(self.go_forward)
        self.sort.currentTextChanged.connect(lambda _: self._reload_listing())
        self.zoom.valueChanged.connect(self.grid.set_side)
        self.search.returnPressed.connect(self._search)
        self.grid.current_changed.connect(self._current_changed)
        self.grid.open_requested.connect(open_file)
        self.grid.preview_requested.connect(self.preview)
        self.grid.menu_requested.connect(lambda paths, pos: self._menu(paths, pos))
        self.detail.tag_clicked.connect(lambda ref: self.show_view(View(ViewKind.TAG, tags=(ref,))))
        self.detail.tags_changed.connect(lambda: self.refresh(listing=False))
        self.detail.more_similar.connect(lambda path: self.find_similar([path]))
        self.detail.similar.menu_requested.connect(lambda paths, pos: self._menu(paths, pos, True))
        self.detail.similar.open_requested.connect(open_file)
        self.detail.similar.clicked.connect(self._strip_clicked)
        self.duplicates.current_changed.connect(lambda path: self.detail.show_photo(path or None))
        self.duplicates.open_requested.connect(open_file)
        self.duplicates.preview_requested.connect(self.preview)
        self.duplicates.menu_requested.connect(lambda paths, pos: self._menu(paths, pos))
        self.duplicates.trashed.connect(lambda n: self._after_trash(n))
        self.welcome.folder_chosen.connect(lambda folder: self.add_folders([folder]))
        self.indexing.pause_toggled.connect(
            lambda paused: self.bridge and self.bridge.pause(paused)
        )
        self.indexing.failures_clicked.connect(self.show_failures)
        self.map.attach(self)
        if self.bridge is not None:
            self.bridge.event.connect(self.on_worker_event)
            self.detail.waiting.connect(lambda path: self.bridge and self.bridge.prioritize([path]))

    def _menu(self, paths: list[str], pos: QPoint, in_strip: bool = False) -> None:
        less = self.less_like if in_strip else None
        extra = [
            ("Add Tag…", lambda: self.ask_tag(paths)),
            ("Remove Tag…", lambda: self.ask_tag(paths, remove=True)),
        ]
        view = self.history.current
        if view.kind is ViewKind.TEACH and not in_strip:
            tag = view.text
            extra = [
                (f"Yes, “{tag}”", lambda: self.tag_photos(tag, paths, True)),
                (f"No, Not “{tag}”", lambda: self.tag_photos(tag, paths, False)),
            ]
        menu = photo_menu(self, paths, self.find_similar, self.copy_image, less, extra)
        self.popup(menu, pos)

    def popup(self, menu: QMenu, pos: QPoint) -> None:
        """Show a context menu (tests replace this to pick an action instead)."""
        menu.exec(pos)

    def _current_changed(self, path: str) -> None:
        """The detail panel follows the selection once it rests (arrowing through the grid
        reads nothing for the photos passed over)."""
        self._selected = path or None
        self._detail_timer.start()

    def start_later(self, delay_ms: int, worker: bool) -> None:
        """After the first paint: the sidebar's counts and tags, then the background worker
        (and the model it may load). Nothing starts if the window closed meanwhile."""

        def start() -> None:
            gc.freeze()  # the window's objects live as long as it: no full collection walks them
            self.refresh(listing=False)
            if worker and self.bridge is not None:
                self.bridge.start()

        self._start_timer.timeout.connect(start)
        self._start_timer.start(delay_ms)

    def _strip_clicked(self, index: object) -> None:
        path = self.detail.similar.current_path()
        if path and not self.grid.select_path(path):
            self.detail.show_photo(path)

    # -- drops, paste, closing ----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        menus.take_mime(self, event.mimeData())
        event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_state()
        for timer in (self._start_timer, self._detail_timer, self._refresh_timer, self._say_timer):
            timer.stop()
        # Gone from the screen at once: the worker may be inside a step that cannot stop midway
        # (a map layout's neighbour search, seconds on a large library); it is waited for, out
        # of sight, so nothing it writes is cut short.
        self.closing.emit()
        self.hide()
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        if self.bridge is not None:
            self.bridge.stop()
        self.jobs.close()
        self.thumbnail_maker.close()
        super().closeEvent(event)

    def say(self, text: str, error: bool = False, seconds: float = SAY_SECONDS) -> None:
        """A passing message in the status bar: gone after `seconds`, twice that for an
        `error` (a lasting state, like indexing or failed files, has its own place there)."""
        self.status_text.setText(text)
        self._say_timer.start(int(seconds * (2 if error else 1) * 1000))

    def confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes
