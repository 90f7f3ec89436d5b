"""What the main window remembers between runs (QSettings): geometry, panel sizes, zoom, sort
and the listing last shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from photofind.gui.views import View, ViewKind

if TYPE_CHECKING:
    from photofind.gui.window import MainWindow

__all__ = ["WindowState"]


class WindowState:
    """A part of `MainWindow`: restoring and saving its state."""

    def _restore(self: MainWindow) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        else:
            self.resize(1400, 860)
        splitter = self.settings.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)  # type: ignore[arg-type]

    def _save_state(self: MainWindow) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.setValue("zoom", self.zoom.value())
        self.settings.setValue("sort", self.sort.currentText())
        last = self.history.current
        if last.kind in (ViewKind.ALL, ViewKind.FOLDER):
            self.settings.setValue("view", [last.kind.value, *last.like, last.text])

    def last_view(self: MainWindow) -> View:
        """The listing shown when the app was last closed (results are not restored: they may
        be slow to compute, and stale)."""
        saved = self.settings.value("view")
        if isinstance(saved, list) and saved:
            kind, *rest = (str(v) for v in saved)
            if kind == ViewKind.FOLDER.value and len(rest) == 2:
                return View(ViewKind.FOLDER, like=(rest[0],))
        return View(ViewKind.ALL)
