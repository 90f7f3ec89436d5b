"""Thumbnails for every grid: loaded on reader threads, newest request first, kept in an LRU."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

from photofind.core.library import Library
from photofind.core.thumbnail_maker import ThumbnailMaker
from photofind.gui.jobs import Jobs

__all__ = ["ThumbnailLoader"]

CAPACITY = 800  # pixmaps kept (about 200 KB each at 256 px): several screens of the largest zoom
# One reader at a time asks for a photo the worker has not reached yet. Its thumbnail is made
# from the full photo by a helper process below the UI thread's priority (`ThumbnailMaker`);
# made on the readers, two at once took both cores and the UI thread waited for the GIL up to
# 180 ms at start-up (README, "The desktop app"). Cached thumbnails are not held up.
_MAKING = threading.Semaphore(1)
# Reader jobs loading thumbnails at once, each until none is wanted (the pool's other reader
# stays free for pages and facts). A job per thumbnail cost the UI thread a thread wake-up
# each, a quarter of a millisecond here, dozens in a scroll's tick.
READERS = 2


class ThumbnailLoader(QObject):
    """`pixmap(path)` answers at once from memory, or None and loads it in the background;
    `ready(path)` says when it arrived. Requests are served newest first, so what the user is
    looking at now comes before rows scrolled past, and `retain` drops those altogether.
    Requests reach the readers once the event that made them (a paint of the whole grid) has
    ended: a reader woken by a cell's paint took a core from the UI thread painting the rest.

    Every view shares one loader, so each says what it shows on its own behalf: a request is
    dropped only when no view shows its photo (an empty side grid must not starve the main one).
    """

    ready = Signal(str)

    def __init__(
        self, jobs: Jobs, capacity: int = CAPACITY, maker: ThumbnailMaker | None = None
    ) -> None:
        super().__init__()
        self._jobs = jobs
        self._maker = maker  # makes thumbnails of photos not indexed yet (None: the reader)
        self._capacity = capacity
        self._cache: OrderedDict[str, QPixmap] = OrderedDict()
        self._failed: set[str] = set()
        self._wanted: list[str] = []  # a stack: newest last
        self._queued: set[str] = set()
        self._shown: dict[int, set[str]] = {}  # id(view): the photos it shows now
        self._lock = threading.Lock()
        self._unsent = 0  # requests made since the readers were last given work
        self._draining = 0  # reader jobs running or queued (under the lock)

    def pixmap(self, path: str) -> QPixmap | None:
        pixmap = self._cache.get(path)
        if pixmap is not None:
            self._cache.move_to_end(path)
            return pixmap
        if path not in self._failed:
            self._request(path)
        return None

    def failed(self, path: str) -> bool:
        """True if the photo could not be read (the grid shows a broken-image mark)."""
        return path in self._failed

    def retain(self, view: object, paths: set[str]) -> None:
        """`view` now shows `paths`: forget queued requests for photos no view shows."""
        with self._lock:
            self._shown[id(view)] = paths
            shown = set().union(*self._shown.values())
            self._wanted = [p for p in self._wanted if p in shown]
            self._queued &= set(self._wanted)

    def forget(self, paths: set[str] | None = None) -> None:
        """Drop cached pixmaps (of `paths`, or all): the files changed."""
        if paths is None:
            self._cache.clear()
            self._failed.clear()
        else:
            for path in paths:
                self._cache.pop(path, None)
                self._failed.discard(path)

    def _request(self, path: str) -> None:
        with self._lock:
            if path in self._queued:
                return
            self._queued.add(path)
            self._wanted.append(path)
        self._unsent += 1
        if self._unsent == 1:
            QTimer.singleShot(0, self._send)

    def _send(self) -> None:
        """On the UI thread, after the event that made the requests: reader jobs to serve
        them, up to `READERS` running (a running job takes new requests as it goes)."""
        with self._lock:
            start = min(self._unsent, READERS - self._draining)
            self._draining += start
        self._unsent = 0
        for _ in range(start):
            self._jobs.stream(self._load_wanted, self._arrived, priority=1)  # before other reads

    def _load_wanted(self, lib: Library) -> Iterator[tuple[str, QImage | None]]:
        """On a reader thread: the wanted thumbnails, newest first, until none is left. The
        job says it is done in the same hold of the lock that finds nothing left, so a request
        made after it finds `_draining` counting the readers truly still at work."""
        finished = False
        try:
            while True:
                with self._lock:
                    if not self._wanted:
                        self._draining -= 1
                        finished = True
                        return
                    path = self._wanted.pop()
                yield self._load(lib, path)
        finally:
            if not finished:  # stopped early: the window closed
                with self._lock:
                    self._draining -= 1

    def _load(self, lib: Library, path: str) -> tuple[str, QImage | None]:
        """On a reader thread: one thumbnail, decoded (QImage is thread-safe)."""
        try:
            data = lib.cached_thumbnail(path)
            if data is None:
                with _MAKING:
                    data = (
                        lib.thumbnail(path) if self._maker is None else self._maker.make(path, lib)
                    )
            image = QImage.fromData(data)
        except Exception:  # unreadable, vanished: shown as such, never retried this session
            return path, None
        return path, None if image.isNull() else image

    def _arrived(self, result: tuple[str, QImage | None]) -> None:
        path, image = result
        with self._lock:
            self._queued.discard(path)
        if image is None:
            self._failed.add(path)
        else:
            self._cache[path] = QPixmap.fromImage(image)
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        self.ready.emit(path)
