"""Where threads meet Qt: library reads on worker threads, answers delivered on the GUI thread.

Each pool thread opens its own `Library` (SQLite connections belong to a thread). A job is a
plain function of that `Library`; its result (or error) comes back to a callback on the GUI
thread through a queued signal, so no slot ever runs on a worker thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from photofind.core.imaging import ImageError
from photofind.core.library import Library, LibraryError

__all__ = ["Jobs", "Ticket"]

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
ErrorCallback = Callable[[str], None]


class Ticket:
    """A handle on a submitted job: cancel it to drop its answer (the user moved on); a long
    job also stops at its next step (`stopped`)."""

    __slots__ = ("cancelled", "stopped")

    def __init__(self) -> None:
        self.cancelled = False
        self.stopped = threading.Event()

    def cancel(self) -> None:
        self.cancelled = True
        self.stopped.set()


class _Relay(QObject):
    """Lives on the GUI thread; its signal crosses threads queued, so callbacks run there."""

    answer = Signal(object, object, object)  # callback, value, ticket

    def __init__(self) -> None:
        super().__init__()
        self.closed = False  # answers after `Jobs.close` find their window gone: dropped
        self.answer.connect(self._deliver)

    @Slot(object, object, object)
    def _deliver(self, callback: Callable[[Any], None], value: object, ticket: Ticket) -> None:
        if ticket.cancelled or self.closed:
            return
        try:
            callback(value)
        except Exception:  # a failing callback must not vanish into Qt's event loop
            log.exception("callback %r failed", callback)


class _Job(QRunnable):
    def __init__(
        self,
        pool: _Pool,
        fn: Callable[[Library], object],
        done: Callback,
        failed: ErrorCallback | None,
        ticket: Ticket,
        stream: bool = False,
    ) -> None:
        super().__init__()
        self.pool, self.fn, self.done, self.failed, self.ticket = pool, fn, done, failed, ticket
        self.stream = stream

    def run(self) -> None:
        if self.ticket.cancelled:
            return
        try:
            value = self.fn(self.pool.library())
            if self.stream:
                for item in value:  # type: ignore[attr-defined]
                    if self.ticket.cancelled or self.pool.relay.closed:
                        break
                    self.pool.relay.answer.emit(self.done, item, self.ticket)
                return
        except (LibraryError, ImageError, OSError) as exc:
            if self.failed is not None:
                self.pool.relay.answer.emit(self.failed, str(exc), self.ticket)
            else:
                log.warning("job failed: %s", exc)
            return
        except Exception as exc:
            log.exception("job %r failed", self.fn)
            if self.failed is not None:
                self.pool.relay.answer.emit(
                    self.failed, f"{type(exc).__name__}: {exc}", self.ticket
                )
            return
        self.pool.relay.answer.emit(self.done, value, self.ticket)


class _Pool:
    def __init__(self, library_dir: Path, threads: int, relay: _Relay, name: str) -> None:
        self.library_dir = library_dir
        self.relay = relay
        self.qpool = QThreadPool()
        self.qpool.setMaxThreadCount(threads)
        self.qpool.setObjectName(name)
        self._local = threading.local()

    def library(self) -> Library:
        lib = getattr(self._local, "library", None)
        if lib is None:
            lib = Library.open(self.library_dir)
            self._local.library = lib
        return lib

    def close(self) -> None:
        self.qpool.clear()
        self.qpool.waitForDone(10_000)
        # A connection may only be closed by its own thread; each closes when its idle thread
        # expires and drops its thread-local Library.


class Jobs:
    """Three pools: quick reads (pages, thumbnails, facts), model work (queries, tags), and
    long jobs that need no model (the duplicates scan), which hold up neither.

    Model work has one thread, so the model is loaded once, in one place.
    """

    def __init__(self, library_dir: Path, readers: int = 3) -> None:
        self._relay = _Relay()
        self.library_dir = library_dir
        self._quick = _Pool(library_dir, readers, self._relay, "photofind-readers")
        self._model = _Pool(library_dir, 1, self._relay, "photofind-queries")
        self._long = _Pool(library_dir, 1, self._relay, "photofind-long")
        self._long_tickets: list[Ticket] = []

    def read(
        self,
        fn: Callable[[Library], object],
        done: Callback,
        failed: ErrorCallback | None = None,
        *,
        priority: int = 0,
    ) -> Ticket:
        """Run `fn(library)` on a reader thread; `done(result)` on the GUI thread."""
        return self._submit(self._quick, fn, done, failed, priority)

    def stream(
        self,
        fn: Callable[[Library], Iterable[object]],
        each: Callback,
        *,
        priority: int = 0,
    ) -> Ticket:
        """Run `fn(library)` on a reader thread; `each(item)` on the GUI thread for every item
        it yields (one job serving many answers: one thread wake-up, not one per answer)."""
        return self._submit(self._quick, fn, each, None, priority, stream=True)

    def query(
        self, fn: Callable[[Library], object], done: Callback, failed: ErrorCallback | None = None
    ) -> Ticket:
        """Like `read`, on the one thread allowed to load the model."""
        return self._submit(self._model, fn, done, failed, 0)

    def long(
        self,
        fn: Callable[[Library, threading.Event], object],
        done: Callback,
        failed: ErrorCallback | None = None,
    ) -> Ticket:
        """Run `fn(library, stop)` on the thread for long jobs; `done(result)` on the GUI
        thread. `stop` is set when the ticket is cancelled or the jobs close: `fn` should end
        at its next step."""
        ticket = Ticket()
        self._long_tickets = [t for t in self._long_tickets if not t.cancelled] + [ticket]
        job = _Job(self._long, lambda lib: fn(lib, ticket.stopped), done, failed, ticket)
        self._long.qpool.start(job)
        return ticket

    def _submit(
        self,
        pool: _Pool,
        fn: Callable[[Library], object],
        done: Callback,
        failed: ErrorCallback | None,
        priority: int,
        stream: bool = False,
    ) -> Ticket:
        ticket = Ticket()
        pool.qpool.start(_Job(pool, fn, done, failed, ticket, stream), priority)
        return ticket

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait until every job has run (tests)."""
        pools = (self._quick, self._model, self._long)
        return all(pool.qpool.waitForDone(msecs) for pool in pools)

    def close(self) -> None:
        self._relay.closed = True
        for ticket in self._long_tickets:
            ticket.cancel()
        self._quick.close()
        self._model.close()
        self._long.close()
