"""Jobs handed to the library's running worker (the app's, or `photofind watch`).

`photofind index FOLDER` while a worker runs would only wait for it to let go of the writer
lock; instead it leaves the job in the worker's inbox, a folder in the library, and the worker
(which keeps the library in step anyway) adds the folders and indexes them at once. A worker
holds the inbox's lock for its whole life, so a job is only left where one will take it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

__all__ = ["Inbox", "Request"]

INBOX = "inbox"


@dataclass(frozen=True)
class Request:
    """Folders or files to add (and index), and whether to try failed photos again."""

    add: list[str] = field(default_factory=list)
    retry_failed: bool = False
    sender: str = "photofind index"


class Inbox:
    """The running worker's inbox in a library folder."""

    def __init__(self, root: Path) -> None:
        self.folder = root / INBOX
        self._lock = FileLock(str(root / "worker.lock"), thread_local=False)

    # -- the worker's side ----------------------------------------------------------------------

    def open(self) -> bool:
        """Take the inbox for this worker; False if another worker (another process) has it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def close(self) -> None:
        if self._lock.is_locked:
            self._lock.release()

    def take(self) -> list[Request]:
        """The requests waiting, oldest first; each is removed as it is read. A file that
        cannot be read as a request is set aside (renamed `.bad`), never retried forever."""
        try:
            names = sorted(n for n in os.listdir(self.folder) if n.endswith(".json"))
        except OSError:
            return []
        found = []
        for name in names:
            path = self.folder / name
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                found.append(Request(**data))
                path.unlink()
            except (OSError, ValueError, TypeError):
                path.replace(path.with_suffix(".bad"))
        return found

    # -- a sender's side ------------------------------------------------------------------------

    def has_worker(self) -> bool:
        """True while a worker (in any process) takes requests."""
        if self._lock.is_locked:
            return True
        if not self.folder.is_dir():
            return False
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return True
        self._lock.release()
        return False

    def send(self, request: Request) -> None:
        """Leave a request for the worker (written whole, then renamed into place)."""
        name = f"{time.time_ns():020d}-{os.getpid()}"
        part = self.folder / f"{name}.part"
        part.write_text(json.dumps(asdict(request)), encoding="utf-8")
        part.replace(self.folder / f"{name}.json")
