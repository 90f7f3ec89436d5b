"""Which library folders are there: watched, polled instead, or offline until they return.

The worker's bookkeeping of drives that come and go. The scanner decides whether a folder is
offline (absent, or an empty mount point); this follows its verdicts, watches folders that
come back, and asks for a rescan when a drive may have gone or returned without an event.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from photofind.core.catalog import Folder
from photofind.core.scanner import ScanReport
from photofind.core.watcher import FolderWatcher, Watch
from photofind.core.worker_events import EventKind, WorkerEvent, polling_message

__all__ = ["FolderPresence"]


class FolderPresence:
    """Watches for the worker's folders, and which of them are offline; use on one thread."""

    def __init__(
        self,
        watcher: FolderWatcher,
        emit: Callable[[WorkerEvent], None],
        rescan: Callable[[set[str]], None],
    ) -> None:
        self.watcher = watcher
        self.emit = emit
        self.rescan = rescan
        self.offline: set[str] = set()

    def watch_all(self, folders: list[Folder]) -> None:
        """Watch every library folder that can be and is not known to be offline."""
        for folder in folders:
            if folder.path in self.offline or folder.path in self.watcher.watched():
                continue
            result = self.watcher.watch(folder.path, polling=folder.polling)
            if result is Watch.ABSENT:
                self.offline.add(folder.path)
                self.emit(WorkerEvent(EventKind.OFFLINE, folder.path))
            elif result is Watch.POLLING_INSTEAD:
                reason = self.watcher.errors.get(folder.path, "unknown error")
                self.emit(
                    WorkerEvent(
                        EventKind.POLLING, polling_message(folder.path, reason, self.watcher.poll_s)
                    )
                )

    def check(self, folders: list[Folder]) -> None:
        """A drive can vanish (or come back) without an event reaching us: look, now and then.

        A watched folder gone, or now on another device (an empty mount point), and an offline
        folder present again are rescanned; the scan decides, by their photos.
        """
        watched = self.watcher.watched()
        for folder in folders:
            try:
                device: int | None = os.stat(folder.path).st_dev
            except OSError:
                device = None
            if folder.path in self.offline:
                if device is not None:
                    self.rescan({folder.path})
            elif folder.path in watched and (
                device is None or (folder.device is not None and device != folder.device)
            ):
                self.rescan({folder.path})
        self.watch_all(folders)

    def after_scan(self, report: ScanReport) -> None:
        """Follow the folders the scan found offline, or back."""
        for folder in report.offline:
            if folder not in self.offline:
                self.offline.add(folder)
                self.watcher.unwatch(folder)
                self.emit(WorkerEvent(EventKind.OFFLINE, folder))
        for folder in report.online:
            if folder in self.offline:
                self.offline.discard(folder)
                self.emit(WorkerEvent(EventKind.ONLINE, folder))
