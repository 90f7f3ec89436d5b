"""Where the main window goes: views shown in the grid or duplicates page, and the history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from photofind.core.catalog import PhotoOrder
from photofind.gui.content import Results, results
from photofind.gui.views import Page, View, ViewKind
from photofind.gui.wording import count

if TYPE_CHECKING:
    from photofind.gui.window import MainWindow

__all__ = ["ORDERS", "WindowNavigation"]

ORDERS = {"Folder": PhotoOrder.FOLDER, "Name": PhotoOrder.NAME, "Date taken": PhotoOrder.DATE_TAKEN}


class WindowNavigation:
    """A part of `MainWindow`: showing views (and the first-run page), going back and forward,
    finding similar."""

    def show_view(self: MainWindow, view: View, record: bool = True) -> None:
        """Show `view` in the grid (or the duplicates or map page), recording it in the history."""
        before = self.history.current
        if record:
            self.history.visit(view)
        self.back.setEnabled(self.history.can_go_back())
        self.forward.setEnabled(self.history.can_go_forward())
        self.title.setText(view.title)
        self.sidebar.select_view(view)
        welcome = self.stack.currentIndex() == Page.WELCOME
        self.sort.setEnabled(view.kind in (ViewKind.ALL, ViewKind.FOLDER) and not welcome)
        for widget in (self.sort, self.zoom, *self._header_labels):
            widget.setVisible(view.kind not in (ViewKind.DUPLICATES, ViewKind.MAP))
        if self._load is not None:
            self._load.cancel()
        if view.kind is ViewKind.MAP:
            self.stack.setCurrentIndex(Page.MAP)
            self.count.clear()
            self.map.show_map(before if record else None)
            return
        if view.kind is ViewKind.DUPLICATES:
            self.stack.setCurrentIndex(Page.DUPLICATES)
            self.count.clear()
            progress = self.duplicates.set_busy()
            self._load = self.jobs.long(
                lambda lib, stop: lib.duplicates(progress=progress, cancel=stop),
                self.duplicates.set_groups,
                self.duplicates.set_failed,
            )
            return
        if self.stack.currentIndex() != Page.WELCOME:
            self.stack.setCurrentIndex(Page.GRID)
        order = ORDERS[self.sort.currentText()]
        self.count.setText("searching…" if view.kind is ViewKind.SIMILAR else "")
        load = self.jobs.query if view.kind is ViewKind.SIMILAR else self.jobs.read
        self._load = load(
            lambda lib: results(lib, view, order),
            lambda found: self._show_results(view, found),
            lambda reason: self._listing_failed(view, reason),
        )

    def show_welcome(self: MainWindow) -> None:
        """The first-run page, while the library has no folder: nothing to search or sort."""
        self.stack.setCurrentIndex(Page.WELCOME)
        self.detail.hide()
        self.title.setText("Getting started")
        self.count.clear()
        for widget in (self.search, self.sort, self.zoom):
            widget.setEnabled(False)

    def leave_welcome(self: MainWindow) -> None:
        """The grid and its tools, once the library has a folder."""
        self.stack.setCurrentIndex(Page.GRID)
        self.detail.show()
        self.search.setEnabled(True)
        self.zoom.setEnabled(True)
        self.sort.setEnabled(self.history.current.kind in (ViewKind.ALL, ViewKind.FOLDER))

    def _show_results(self: MainWindow, view: View, found: Results) -> None:
        paths, scores = found
        self._shown_view = view
        keep = self.grid.current_path()
        scroll = self.grid.verticalScrollBar().value()
        same = self.model.paths() and view == self.history.current and scores is None
        anchor = self.grid.anchor() if same else None
        self.model.set_photos(paths, scores)
        self.count.setText(count(len(paths), "photo"))
        if not paths and view.kind in (ViewKind.SEARCH, ViewKind.TAG, ViewKind.TEACH):
            self.say(f"No photo in the library fits “{view.title}”.")
        elif view.kind is ViewKind.TEACH and not same:
            self.say(
                f"Right-click the photos that are “{view.text}”, and those that are not: "
                "each answer sharpens the next proposals"
            )
        if same:  # a refresh of the same listing: stay where the user was
            if keep:
                self.grid.select_path(keep, scroll=False)
            if anchor is None or not self.grid.hold(anchor):
                self.grid.verticalScrollBar().setValue(scroll)
        elif paths:
            self.grid.select_path(paths[0])

    def _failed(self: MainWindow, reason: str) -> None:
        self.say(reason, error=True)

    def _listing_failed(self: MainWindow, view: View, reason: str) -> None:
        """A view's photos could not be read: an empty grid under its title, not the last
        view's photos (a refresh that failed keeps what the grid shows)."""
        self._failed(reason)
        if view != self._shown_view:
            self.count.clear()
            self.model.set_photos([])

    def go_back(self: MainWindow) -> None:
        if self.history.can_go_back():
            self.show_view(self.history.back(), record=False)

    def go_forward(self: MainWindow) -> None:
        if self.history.can_go_forward():
            self.show_view(self.history.forward(), record=False)

    def _reload_listing(self: MainWindow) -> None:
        if self.history.current.kind in (ViewKind.ALL, ViewKind.FOLDER):
            self.show_view(self.history.current, record=False)

    def find_similar(self: MainWindow, paths: list[str]) -> None:
        self.show_view(View(ViewKind.SIMILAR, like=tuple(paths)))

    def less_like(self: MainWindow, path: str) -> None:
        current = self.detail.path
        if current:
            self.show_view(View(ViewKind.SIMILAR, like=(current,), unlike=(path,)))

    def _search(self: MainWindow) -> None:
        text = self.search.text().strip()
        if text:
            self.show_view(View(ViewKind.SEARCH, text=text))
