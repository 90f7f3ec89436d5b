"""Folder watching: watchdog events, debounced, reported as 'this library folder changed'.

Events are not kept one by one: each only marks its library folder dirty with a timestamp, so a
burst of a million events costs one entry per folder, and memory stays flat. Once a folder has
been quiet for `quiet_s` (a copy in progress keeps it busy), the callback receives it and the
scanner reconciles that folder with the catalog, which finds new, changed, moved and deleted
files by itself.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from enum import Enum

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

__all__ = ["FolderWatcher", "Watch"]

_IGNORED_EVENTS = {"opened", "closed_no_write"}


class Watch(Enum):
    """How `FolderWatcher.watch` could watch a folder."""

    WATCHED = "watched"
    POLLING_INSTEAD = "polling-instead"  # OS events could not be had: polled instead
    ABSENT = "absent"  # not there now (unplugged, unmounted)


class _Handler(FileSystemEventHandler):
    def __init__(
        self, root: str, mark: Callable[[str], None], ignore: Callable[[str], bool]
    ) -> None:
        self.root = root
        self.mark = mark
        self.ignore = ignore

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _IGNORED_EVENTS:
            return
        path = os.fsdecode(event.src_path)
        if not self.ignore(path):  # the library's own files (thumbnails, catalog) change a lot
            self.mark(self.root)


class FolderWatcher:
    """Watch folders recursively; call `on_change(folders)` after each quiet period.

    `polling=True` for a folder uses a polling observer (network shares, some FUSE file
    systems, where native events do not arrive). The callback runs on the watcher's own
    thread: hand the work to a worker from there.
    """

    def __init__(
        self,
        on_change: Callable[[set[str]], None],
        quiet_s: float = 1.0,
        poll_s: float = 5.0,
        ignore: Callable[[str], bool] = lambda path: False,
    ) -> None:
        self._on_change = on_change
        self.ignore = ignore  # events under these paths are not changes to the library
        self.errors: dict[str, str] = {}  # why a folder is polled instead of watched
        self.quiet_s = quiet_s
        self._native: BaseObserver = Observer()
        self.poll_s = poll_s
        self._polling: BaseObserver = PollingObserver(timeout=poll_s)
        self._watches: dict[str, tuple[BaseObserver, ObservedWatch]] = {}
        self._dirty: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._flush_loop, name="photofind-watch", daemon=True
        )

    def start(self) -> None:
        self._native.start()
        self._polling.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        for observer in (self._native, self._polling):
            observer.stop()
        for observer in (self._native, self._polling):
            if observer.is_alive():
                observer.join(timeout=5)
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def watch(self, folder: str, polling: bool = False) -> Watch:
        """Start watching `folder`, by OS events or (`polling`, or when OS events cannot be
        had: the inotify limit, say, the reason kept in `errors`) by polling."""
        if folder in self._watches:
            return Watch.WATCHED
        if not os.path.isdir(folder):
            return Watch.ABSENT
        handler = _Handler(folder, self.mark, self.ignore)
        result = Watch.WATCHED
        observer = self._polling if polling else self._native
        try:
            watch = observer.schedule(handler, folder, recursive=True)
        except OSError as exc:
            if polling or not os.path.isdir(folder):
                return Watch.ABSENT
            self.errors[folder] = exc.strerror or str(exc)
            observer, result = self._polling, Watch.POLLING_INSTEAD
            try:
                watch = observer.schedule(handler, folder, recursive=True)
            except OSError:
                return Watch.ABSENT
        self._watches[folder] = (observer, watch)
        return result

    def unwatch(self, folder: str) -> None:
        entry = self._watches.pop(folder, None)
        if entry is not None:
            observer, watch = entry
            with contextlib.suppress(KeyError, OSError):  # already gone with its drive
                observer.unschedule(watch)

    def watched(self) -> set[str]:
        return set(self._watches)

    def mark(self, folder: str) -> None:
        """Note a change under `folder` (also used to ask for a rescan without an event)."""
        with self._lock:
            self._dirty[folder] = time.monotonic()

    def _flush_loop(self) -> None:
        while not self._stop.wait(min(0.2, self.quiet_s / 2)):
            now = time.monotonic()
            with self._lock:
                ready = {f for f, t in self._dirty.items() if now - t >= self.quiet_s}
                for folder in ready:
                    del self._dirty[folder]
            if ready:
                self._on_change(ready)
