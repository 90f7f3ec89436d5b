"""One writer per library across processes: the app's worker, `photofind watch` and `index`.

SQLite serialises single transactions, but a scan (read the catalog, then write what differs)
or an indexing run spans many; two of them at once meet unique and foreign-key errors. So each
takes this lock (a file lock in the library folder) for the length of its job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

__all__ = ["LOCK_FILE", "WriterBusy", "writer_lock"]

LOCK_FILE = "writer.lock"


class WriterBusy(Exception):
    """Another process (or thread) is writing to the library and we were told not to wait."""


@contextmanager
def writer_lock(
    root: Path,
    on_wait: Callable[[], None] | None = None,
    cancel: threading.Event | None = None,
) -> Iterator[None]:
    """Hold the library's writer lock for the block.

    If another writer holds it, `on_wait()` is called once (to say so) and the lock is awaited;
    a set `cancel` gives up waiting with `WriterBusy`.
    """
    lock = FileLock(str(root / LOCK_FILE), thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait()
        while True:
            if cancel is not None and cancel.is_set():
                raise WriterBusy("another photofind is writing to this library") from None
            try:
                lock.acquire(timeout=0.25)
                break
            except Timeout:
                continue
    try:
        yield
    finally:
        lock.release()
