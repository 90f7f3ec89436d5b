"""The jobs the background worker runs on its thread: scan, index, tidy the index, the map."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from photofind.core.inbox import Request
from photofind.core.indexer import Progress
from photofind.core.library import Library, LibraryError
from photofind.core.library_map import MapUpdate
from photofind.core.map_layout import MapCancelled, MapProgress
from photofind.core.presence import FolderPresence
from photofind.core.worker_events import EventKind, WorkerEvent

__all__ = ["WorkerJobs"]

log = logging.getLogger(__name__)


class WorkerJobs:
    """A part of `LibraryWorker`: what one round of work does, once the worker has the lock."""

    settle_s: float
    batch_size: int
    workers: int | None
    _emit: Callable[[WorkerEvent], None]
    _lock: threading.Lock
    _cancel: threading.Event
    _running: threading.Event
    _relayout: bool
    _retry_at: float | None
    _strikes: dict[int, int]
    _queries_ready: bool
    _requests: list[Request]
    _presence: FolderPresence | None

    if TYPE_CHECKING:  # what `LibraryWorker` provides

        def _urgent(self) -> list[str]: ...

    def _update_map(self, lib: Library, relayout: bool) -> None:
        def say(step: MapProgress) -> None:
            self._emit(WorkerEvent(EventKind.MAP_PROGRESS, step.stage.value, map_progress=step))

        try:
            done = lib.update_map(relayout, say, self._cancel)
        except MapCancelled:
            with self._lock:
                self._relayout |= relayout  # asked for: still owed
            return
        if done is not MapUpdate.NOTHING:
            self._emit(WorkerEvent(EventKind.MAP_UPDATED, done.value))

    def _say_waiting(self) -> None:
        self._emit(
            WorkerEvent(
                EventKind.WAITING,
                "another photofind (`photofind index`?) is writing to this library; waiting",
            )
        )

    def _scan_and_index(self, lib: Library, scan_all: bool, folders: set[str]) -> None:
        assert self._presence is not None
        self._take_requests(lib)
        self._presence.watch_all(lib.catalog.folders())  # folders added since the start
        report = lib.scan(
            None if scan_all else folders,
            settle_s=self.settle_s,
            cancel=self._cancel,
            running=self._running,
        )
        if report.cancelled:
            return
        self._emit(WorkerEvent(EventKind.SCANNED, report=report))
        for folder in report.held:
            self._emit(WorkerEvent(EventKind.MISSING, folder, report=report))
        self._presence.after_scan(report)
        self._presence.watch_all(lib.catalog.folders())  # folders back online
        if report.deferred:
            self._retry_at = time.monotonic() + self.settle_s
        self._index(lib)

    def _take_requests(self, lib: Library) -> None:
        """Add what `photofind index` handed over (the scan that follows indexes it)."""
        with self._lock:
            handed, self._requests = self._requests, []
        for request in handed:
            try:
                lib.add(request.add)
            except LibraryError as exc:
                self._emit(WorkerEvent(EventKind.ERROR, f"{request.sender}: {exc}"))
                continue
            if request.retry_failed:
                lib.catalog.retry_failed()
            what = ", ".join(request.add) or "failed photos to try again"
            self._emit(WorkerEvent(EventKind.HANDED, f"{request.sender}: indexing {what}"))

    def _index(self, lib: Library) -> None:
        """Index the current model, then the one being switched to, then tidy the index."""
        if not self._index_model(lib, lib.model):
            return
        upcoming = lib.next_model
        if upcoming is not None:
            if not self._index_model(lib, upcoming):
                return
            if lib.promote_next_model():
                self._emit(WorkerEvent(EventKind.MODEL_SWITCHED, upcoming))
        if lib.maintain_index(self._refining, self._cancel):
            self._emit(WorkerEvent(EventKind.INDEX_REBUILT))
        if not self._queries_ready:  # once a worker: the app's queries run on the CPU
            self._queries_ready = True
            try:
                lib.ready_cpu_queries()
            except Exception as exc:  # costs the app's first query time, nothing else
                log.warning("no CPU graph for queries: %s", exc)

    def _refining(self, done: int, total: int) -> None:
        step = Progress(done, total, done, 0, None, 0.0, None)
        self._emit(WorkerEvent(EventKind.REFINING, progress=step))

    def _index_model(self, lib: Library, model: str) -> bool:
        """One indexing run; False if it was cancelled or stopped part way."""
        last: Progress | None = None
        steps = lib.index(
            batch_size=self.batch_size,
            workers=self.workers,
            cancel=self._cancel,
            model=model,
            urgent=self._urgent,
            running=self._running,
            strikes=self._strikes,
        )
        try:
            for progress in steps:
                last = progress
                self._emit(WorkerEvent(EventKind.PROGRESS, model, progress=progress))
                if self._cancel.is_set():
                    return False
        finally:
            steps.close()
        if last is not None:
            self._emit(WorkerEvent(EventKind.INDEXED, model, progress=last))
        return True
