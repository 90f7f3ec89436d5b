"""Thumbnails of photos not indexed yet, made in a helper process below the UI's priority.

The desktop app's first screen of a library not yet indexed needs thumbnails the worker has
not made. Made on the app's reader threads, they took a core at the UI thread's priority and
handed the interpreter's lock (the GIL) back and forth with it: the UI thread's longest stalls
(README, "The desktop app"). Lowering those threads made it worse (one holding the GIL waited
for a core while the UI thread waited for the GIL); a process of its own can be lowered
safely, and the app's thread that asks only waits on a pipe.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from contextlib import suppress
from multiprocessing.connection import Connection
from typing import Any

from photofind.core.library import Library, LibraryError
from photofind.core.priority import BACKGROUND_NICE, lower_this_process, lower_this_thread

__all__ = ["ThumbnailMaker"]

log = logging.getLogger(__name__)


class ThumbnailMaker:
    """`make(path)`: the photo's thumbnail (JPEG bytes, cached as `Library.thumbnail` does),
    made by a helper process started on first use. One request at a time (callers queue on a
    lock). If the process cannot start or dies, this and later calls make it in the calling
    process instead, so a thumbnail is never lost to the helper."""

    def __init__(self, library_dir: str) -> None:
        self.library_dir = str(library_dir)
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._process: Any = None
        self._broken = False

    def make(self, path: str, lib: Library) -> bytes:
        """The thumbnail of `path`; `lib` (the caller's own) makes it if the helper cannot."""
        with self._lock:
            if not self._broken:
                try:
                    conn = self._conn or self._start()
                    conn.send(str(path))
                    ok, value = conn.recv()
                except (OSError, EOFError) as exc:
                    log.warning("the thumbnail process failed (%s): thumbnails made here", exc)
                    self._broken = True
                    self.close()
                else:
                    if not ok:
                        raise LibraryError(value)
                    return value
        return lib.thumbnail(path)

    def close(self) -> None:
        """End the helper process (it also ends when this process does)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        if self._process is not None:
            self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
            self._process = None

    def _start(self) -> Connection:
        context = multiprocessing.get_context("spawn")  # fork is unsafe beside Qt's threads
        conn, child_conn = context.Pipe()
        started: list[Any] = []

        def start() -> None:  # on a thread that lowers itself: the process inherits it (Linux)
            born_lowered = lower_this_thread()
            process = context.Process(
                target=serve,
                args=(self.library_dir, child_conn, born_lowered),
                name="photofind-thumbnails",
                daemon=True,
            )
            with suppress(OSError):
                process.start()
                started.append(process)

        starter = threading.Thread(target=start, name="photofind-thumbnails-start")
        starter.start()
        starter.join()
        child_conn.close()
        if not started:
            raise OSError("cannot start the thumbnail process")
        self._process, self._conn = started[0], conn
        return conn


def serve(library_dir: str, conn: Connection, born_lowered: bool) -> None:
    """The helper process: answer each path with (True, JPEG bytes) or (False, why), until
    the app's end of the pipe closes."""
    lower_this_process(0 if born_lowered else BACKGROUND_NICE)
    with Library.open(library_dir) as lib:
        while True:
            try:
                path = conn.recv()
            except (EOFError, OSError):
                break
            try:
                answer: tuple[bool, object] = (True, lib.thumbnail(path))
            except (LibraryError, OSError) as exc:
                answer = (False, str(exc))
            except Exception as exc:  # a decoder's own error: this photo fails, not the helper
                answer = (False, f"cannot read {path}: {type(exc).__name__}: {exc}")
            try:
                conn.send(answer)
            except OSError:
                break
