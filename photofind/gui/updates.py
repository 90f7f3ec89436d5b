"""How the main window keeps up with the library: worker events, edits, counts and listings."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from photofind.core.catalog import Counts
from photofind.core.folders import FolderState
from photofind.core.library import Library
from photofind.core.worker import EventKind, WorkerEvent
from photofind.gui.sidebar import SidebarData
from photofind.gui.views import Page

if TYPE_CHECKING:
    from photofind.gui.window import MainWindow

__all__ = ["WindowUpdates"]

REFRESHING = (
    EventKind.SCANNED,
    EventKind.PROGRESS,
    EventKind.INDEXED,
    EventKind.OFFLINE,
    EventKind.ONLINE,
    EventKind.INDEX_REBUILT,
    EventKind.STARTED,
)


class WindowUpdates:
    """A part of `MainWindow`: what it does when the worker reports or the library changed."""

    def on_worker_event(self: MainWindow, event: WorkerEvent) -> None:
        self.indexing.on_event(event)
        self.map.on_worker_event(event)
        if event.kind is EventKind.PROGRESS and not self._model_loaded:
            # A full collection walks every object, holding the GIL (tens of ms: a stall the
            # user sees); what the app built by now (views, listings) lives as long as it.
            self._model_loaded = True
            gc.freeze()
        if event.kind is EventKind.PROGRESS:
            self.detail.analyse_again()  # the photo it waits for may be indexed now
        elif event.kind in (EventKind.INDEXED, EventKind.INDEX_REBUILT):
            self.detail.analyse_again(waiting_only=False)  # more look-alikes may be indexed
        if event.kind is EventKind.SCANNED and event.report and event.report.edited:
            self._edited(set(event.report.edited))
        if event.kind is EventKind.HANDED:
            self.say(event.message)
        if event.kind in (EventKind.OFFLINE, EventKind.ONLINE):
            state = (
                "is offline: its photos are kept" if event.kind is EventKind.OFFLINE else "is back"
            )
            self.say(f"{event.message} {state}")
        if event.kind in REFRESHING and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _edited(self: MainWindow, paths: set[str]) -> None:
        """Photos changed in place: show their new pixels wherever they are shown."""
        self.loader.forget(paths)
        self.grid.viewport().update()
        self.duplicates.update()
        if self.detail.path in paths:
            self.detail.show_photo(self.detail.path, force=True)

    def refresh(self: MainWindow, listing: bool = True) -> None:
        """Re-read the sidebar and the counts, and with `listing` a library listing shown
        (after the library changed)."""

        min_score = self.sidebar.min_score

        def read(lib: Library) -> tuple[SidebarData, Counts, list[FolderState]]:
            counts = lib.status(resolve_device=False).counts
            states = lib.folder_states()
            missing = {s.path: s.missing for s in states}
            folders = [(f, c, missing.get(f.path, 0)) for f, c in lib.folders()]
            return SidebarData(folders, lib.tag_tree(min_score)), counts, states

        def done(found: tuple[SidebarData, Counts, list[FolderState]]) -> None:
            data, counts, states = found
            self.sidebar.set_data(data)
            self.banner.set_states(states)
            self.indexing.set_failed(counts.failed)
            if not counts.pending:
                self.indexing.set_idle(counts.photos)
            if not data.folders:
                self.show_welcome()
            elif self.stack.currentIndex() == Page.WELCOME:
                self.leave_welcome()
                self.show_view(self.history.current, record=False)
            elif listing:
                self._reload_listing()

        self.jobs.read(read, done)
