"""The background worker: watches the library's folders, rescans what changed, indexes it.

One thread owns its own `Library` (SQLite connections belong to a thread), so it is the one
writer; the CLI's `watch` and the desktop app read beside it through their own `Library`.
Events go to a plain callback on the worker's thread; the GUI hops them to its own thread.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from photofind.core.inbox import Inbox, Request
from photofind.core.library import Library, LibraryError
from photofind.core.presence import FolderPresence
from photofind.core.priority import lower_this_thread
from photofind.core.watcher import FolderWatcher
from photofind.core.worker_events import EventKind, WorkerEvent, describe_error
from photofind.core.worker_jobs import WorkerJobs
from photofind.core.writer_lock import WriterBusy

__all__ = ["EventKind", "LibraryWorker", "WorkerEvent"]

INBOX_CHECK_S = 1.0  # how often the inbox is looked at for jobs handed over


class LibraryWorker(WorkerJobs):
    """Keep a library in step with its folders in the background until `stop()`."""

    def __init__(
        self,
        library_dir: Path,
        on_event: Callable[[WorkerEvent], None] = lambda e: None,
        *,
        device: str | None = None,
        quiet_s: float = 1.0,
        settle_s: float = 2.0,
        poll_s: float = 5.0,
        offline_check_s: float = 10.0,
        batch_size: int = 32,
        workers: int | None = None,
        backoff_s: float = 1.0,
    ) -> None:
        self.library_dir = library_dir
        self.workers = workers  # decode threads; None: one per core
        self.device = device
        self.quiet_s = quiet_s
        self.poll_s = poll_s
        self.settle_s = settle_s
        self.offline_check_s = offline_check_s
        self.batch_size = batch_size
        self.backoff_s = backoff_s  # first wait after an error; doubles per error, to a minute
        self._errors = 0  # errors in a row
        self._strikes: dict[int, int] = {}  # model failures per photo indexed alone
        self._queries_ready = False  # the CPU graph for the app's queries checked
        self._emit = on_event
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._running = threading.Event()  # cleared while paused
        self._running.set()
        self._scan_all = True
        self._scan_folders: set[str] = set()
        self._relayout = False
        self._retry_at: float | None = None
        self._busy = False
        self._priority: list[str] = []
        self._requests: list[Request] = []
        self._thread = threading.Thread(target=self._run, name="photofind-worker", daemon=True)
        self._watcher: FolderWatcher | None = None
        self._presence: FolderPresence | None = None

    # -- control, from any thread -------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop within a second (a scan in progress is dropped, a batch in flight is not
        stored); nothing is lost: the next start resumes."""
        self._stop.set()
        self._cancel.set()
        self._running.set()
        self._wake.set()
        self._thread.join(timeout)

    def pause(self) -> None:
        """Hold scanning and indexing (within a second) until `resume`."""
        self._running.clear()
        self._emit(WorkerEvent(EventKind.PAUSED))

    def resume(self) -> None:
        self._running.set()
        self._emit(WorkerEvent(EventKind.RESUMED))

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def cancel(self) -> None:
        """Stop the scan or indexing run in progress within a second; it resumes at the next
        change or `request_scan`."""
        self._cancel.set()
        self._running.set()

    def request_scan(self, folders: set[str] | None = None) -> None:
        """Rescan some library folders (None: all of them and the loose files), then index."""
        with self._lock:
            if folders is None:
                self._scan_all = True
            else:
                self._scan_folders |= folders
        self._wake.set()

    def request_map(self) -> None:
        """Lay the library map out again from scratch (it is otherwise kept current)."""
        with self._lock:
            self._relayout = True
        self._wake.set()

    def is_idle(self) -> bool:
        """True when there is no work waiting (tests and the CLI use it)."""
        with self._lock:
            waiting = self._scan_all or self._scan_folders or self._retry_at is not None
            waiting = waiting or self._relayout
            return not waiting and not self._busy

    # -- the worker thread --------------------------------------------------------------------

    def _run(self) -> None:
        lower_this_thread()  # before the decode threads and the model's threads start
        try:
            lib = Library.open(self.library_dir, device=self.device)
        except LibraryError as exc:
            self._emit(WorkerEvent(EventKind.ERROR, str(exc)))
            return
        self._watcher = watcher = FolderWatcher(
            self.request_scan,
            quiet_s=self.quiet_s,
            poll_s=self.poll_s,
            ignore=lib.path_rules().skips,
        )
        self._presence = presence = FolderPresence(watcher, self._emit, self.request_scan)
        inbox = Inbox(lib.root)
        taking = inbox.open()  # False: another process's worker takes the jobs handed over
        watcher.start()
        try:
            presence.watch_all(lib.catalog.folders())
            self._emit(WorkerEvent(EventKind.STARTED, f"watching {len(watcher.watched())} folders"))
            last_offline_check = time.monotonic()
            while not self._stop.is_set():
                timeout = min(self.offline_check_s, INBOX_CHECK_S if taking else float("inf"))
                if self._retry_at is not None:
                    timeout = max(0.0, min(timeout, self._retry_at - time.monotonic()))
                self._wake.wait(timeout)
                self._wake.clear()
                if self._stop.is_set():
                    break
                if self._retry_at is not None and time.monotonic() >= self._retry_at:
                    self._retry_at = None
                    self.request_scan()
                handed = inbox.take() if taking else []
                if handed:
                    with self._lock:
                        self._requests += handed
                    self.request_scan()
                try:
                    if time.monotonic() - last_offline_check >= self.offline_check_s:
                        last_offline_check = time.monotonic()
                        presence.check(lib.catalog.folders())
                    self._work(lib)
                    self._errors = 0
                except Exception as exc:  # the model, the disk, a locked database: report, retry
                    self._errors += 1
                    delay = min(60.0, self.backoff_s * 2 ** (self._errors - 1))
                    self._retry_at = time.monotonic() + delay
                    text = str(exc) if isinstance(exc, LibraryError) else describe_error(exc)
                    self._emit(WorkerEvent(EventKind.ERROR, f"{text}; trying again in {delay:g} s"))
        except Exception as exc:  # report, never die silently
            self._emit(WorkerEvent(EventKind.ERROR, f"{type(exc).__name__}: {exc}"))
        finally:
            watcher.stop()
            inbox.close()
            lib.close()
            self._emit(WorkerEvent(EventKind.STOPPED))

    def _work(self, lib: Library) -> None:
        with self._lock:
            scan_all, folders = self._scan_all, self._scan_folders
            self._scan_all, self._scan_folders = False, set()
            relayout, self._relayout = self._relayout, False
            self._busy = scan_all or bool(folders) or relayout
        if not self._busy:
            return
        self._cancel.clear()  # a cancel or stop from here on is honoured, in the scan too
        try:
            if scan_all or folders:
                with lib.writing(self._say_waiting, self._cancel):
                    self._scan_and_index(lib, scan_all, folders)
            if not self._cancel.is_set():  # the map is laid out outside the writer lock
                self._update_map(lib, relayout)
        except WriterBusy:
            pass  # stopped or cancelled while another process was writing
        finally:
            with self._lock:
                self._busy = False
                self._priority = []

    def _urgent(self) -> list[str]:
        with self._lock:
            return list(self._priority)

    def prioritize(self, paths: list[str]) -> None:
        """Index these photos first (those the user is looking at); replaces the last call's."""
        with self._lock:
            self._priority = [os.path.abspath(p) for p in paths[:256]]

    def switch_model(self, model_id: str) -> None:
        """Re-embed the library with another model in the background, then swap atomically."""
        with Library.open(self.library_dir) as lib:
            lib.switch_model(model_id)
        self.request_scan()
