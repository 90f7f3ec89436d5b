"""The background worker in a process of its own: what the desktop app runs.

Indexing decodes photos and runs the model on every core. In the app's own process its threads
shared the interpreter's lock (the GIL) with the UI thread, which then waited for the lock and
for a core at every hand-over: up to 140 ms at a time while indexing started (README, "The
desktop app"). In a child process only the cores are shared, and at a lower priority. A crash
in a native decoder now costs the app nothing either: the process starts again and carries on
where the catalog says, as after any kill.
"""

from __future__ import annotations

import faulthandler
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from enum import Enum
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from photofind.core.priority import BACKGROUND_NICE, lower_this_process, lower_this_thread
from photofind.core.worker_events import EventKind, WorkerEvent

__all__ = ["WorkerProcess"]

log = logging.getLogger(__name__)

CRASH_WINDOW_S = 600.0  # this many crashes within it and the worker is not started again
CRASHES_ALLOWED = 3
RESTART_DELAY_S = 1.0
EXIT_S = 10.0  # a process that closed its pipe gets this long to exit before it is killed


class Command(str, Enum):
    """What the app asks of its worker process: `LibraryWorker` methods by name."""

    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"
    SCAN = "request_scan"
    MAP = "request_map"
    SWITCH_MODEL = "switch_model"
    PRIORITIZE = "prioritize"


class WorkerProcess:
    """A `LibraryWorker` in a child process, controlled like one (`start`, `stop`, `pause`,
    `resume`, `request_scan`, `request_map`, `switch_model`, `prioritize`). Its `WorkerEvent`s reach
    `on_event` on a reader thread of this process. If the process dies, an ERROR event says
    so and it starts again, up to `CRASHES_ALLOWED` times in `CRASH_WINDOW_S`."""

    def __init__(
        self,
        library_dir: Path,
        on_event: Callable[[WorkerEvent], None] = lambda e: None,
        **options: Any,
    ) -> None:
        self.library_dir = Path(library_dir)
        self._emit = on_event
        self._options = options  # LibraryWorker's keyword arguments
        self._context = multiprocessing.get_context("spawn")  # fork is unsafe beside threads
        self._lock = threading.Lock()  # guards the fields below and sends
        self._process: Any = None  # a SpawnProcess
        self._conn: Connection | None = None
        self._reader: threading.Thread | None = None
        self._stopping = False
        self._paused = False
        self._crashes: list[float] = []

    def start(self) -> None:
        """Returns at once: the process is started on a thread of its own (starting one blocked
        the app's UI thread for up to 40 ms), at the worker's lower priority from the start."""
        with self._lock:
            if self._stopping:
                return
            conn, child_conn = self._context.Pipe()
            self._process, self._conn = None, conn  # commands sent meanwhile wait in the pipe
            starter = threading.Thread(
                target=self._spawn, args=(child_conn,), name="photofind-worker-start", daemon=True
            )
            starter.start()
            self._reader = threading.Thread(
                target=self._read, args=(starter, conn), name="photofind-worker-events", daemon=True
            )
            self._reader.start()

    def _spawn(self, child_conn: Connection) -> None:
        """On a thread of its own: start the process. On Linux this thread lowers itself first,
        and the process inherits its priority, imports included."""
        born_lowered = lower_this_thread()
        process = self._context.Process(
            target=serve,
            args=(str(self.library_dir), child_conn, self._options, self._paused, born_lowered),
            name="photofind-worker",
            daemon=True,  # never outlives the app
        )
        try:
            process.start()
        except OSError as exc:
            log.error("cannot start the indexing process: %s", exc)
            return
        finally:
            child_conn.close()
        with self._lock:
            self._process = process

    def is_alive(self) -> bool:
        """True while a process runs (its reader thread, the one that reaps it, lives)."""
        with self._lock:
            return self._reader is not None and self._reader.is_alive()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the worker to stop (as `LibraryWorker.stop`: nothing is lost) and wait for its
        process; one that does not end within `timeout` is killed (the catalog survives it)."""
        with self._lock:
            self._stopping = True
            reader = self._reader
        if reader is None:
            return
        self._send(Command.STOP)
        reader.join(timeout)  # the reader reaps the process: one thread waits on it, not two
        process = self._process
        if reader.is_alive() and process is not None:
            log.warning("the worker process did not stop within %g s: killed", timeout)
            if hasattr(signal, "SIGUSR1"):  # it prints where its threads were first
                with suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGUSR1)
                time.sleep(0.5)
            process.kill()
            reader.join(10)

    def pause(self) -> None:
        self._paused = True
        self._send(Command.PAUSE)

    def resume(self) -> None:
        self._paused = False
        self._send(Command.RESUME)

    @property
    def paused(self) -> bool:
        return self._paused

    def request_scan(self, folders: set[str] | None = None) -> None:
        self._send(Command.SCAN, folders)

    def request_map(self) -> None:
        self._send(Command.MAP)

    def switch_model(self, model_id: str) -> None:
        self._send(Command.SWITCH_MODEL, model_id)

    def prioritize(self, paths: list[str]) -> None:
        """Index these photos first (those the user is looking at)."""
        self._send(Command.PRIORITIZE, list(paths))

    def _send(self, command: Command, *args: object) -> None:
        with self._lock:
            if self._conn is None:
                return
            with suppress(OSError):  # the process is gone: the reader says so, starts another
                self._conn.send((command, args))

    def _read(self, starter: threading.Thread, conn: Connection) -> None:
        """Forward the process's events until it ends; start another if it died."""
        starter.join()
        process = self._process
        if process is None:  # it could not be started (logged): nothing to read
            self._emit(WorkerEvent(EventKind.ERROR, "the indexing process could not be started"))
            self._emit(WorkerEvent(EventKind.STOPPED))
            return
        while True:
            try:
                event = conn.recv()
            except (EOFError, OSError):
                break
            try:
                self._emit(event)
            except Exception:  # keep reading: a process that cannot send blocks
                log.exception("a worker event could not be delivered")
        process.join(EXIT_S)
        if process.is_alive():  # its pipe closed, yet it lingers: it will not do more
            process.kill()
            process.join()
        with self._lock:
            conn.close()
            self._conn = None
            if self._stopping:
                return
            now = time.monotonic()
            self._crashes = [t for t in self._crashes if now - t < CRASH_WINDOW_S] + [now]
            again = len(self._crashes) < CRASHES_ALLOWED
        text = f"the indexing process stopped unexpectedly (exit code {process.exitcode})"
        if not again:
            text += f"; it stopped {CRASHES_ALLOWED} times, so indexing is off until a restart"
            self._emit(WorkerEvent(EventKind.ERROR, text))
            self._emit(WorkerEvent(EventKind.STOPPED))
            return
        self._emit(WorkerEvent(EventKind.ERROR, text + "; starting it again"))
        time.sleep(RESTART_DELAY_S)
        self.start()


def serve(
    library_dir: str,
    conn: Connection,
    options: dict[str, Any],
    paused: bool,
    born_lowered: bool = False,
) -> None:
    """The child process: run a `LibraryWorker`, send its events, obey commands until STOP or
    until the app is gone (its end of the pipe closes). `born_lowered`: the thread that started
    it had lowered itself (Linux), so it runs at the worker's priority already."""
    from photofind.core.worker import LibraryWorker  # the child's imports, not the app's

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the app's to handle
    if hasattr(signal, "SIGUSR1"):  # a worker that will not stop says where it is
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    lower_this_process(0 if born_lowered else BACKGROUND_NICE)
    sending = threading.Lock()  # events come from the worker's and the watcher's threads

    def send(event: WorkerEvent) -> None:
        with sending, suppress(OSError):  # the app is gone; the loop below ends too
            conn.send(event)

    worker = LibraryWorker(Path(library_dir), send, **options)
    if paused:
        worker.pause()
    worker.start()
    try:
        while True:
            try:
                command, args = conn.recv()
            except (EOFError, OSError):
                break
            if command is Command.STOP:
                break
            getattr(worker, command.value)(*args)
    finally:
        worker.stop()
        conn.close()
