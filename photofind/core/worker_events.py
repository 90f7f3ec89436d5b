"""What the background worker reports: `WorkerEvent`s of an `EventKind`, errors in words."""

from __future__ import annotations

import errno
import sys
from dataclasses import dataclass
from enum import Enum

from photofind.core.indexer import Progress
from photofind.core.map_layout import MapProgress
from photofind.core.scanner import ScanReport

__all__ = ["EventKind", "WorkerEvent", "describe_error", "polling_message"]


class EventKind(str, Enum):
    """What a `WorkerEvent` reports."""

    STARTED = "started"
    SCANNED = "scanned"
    PROGRESS = "progress"
    INDEXED = "indexed"
    REFINING = "refining"  # a full search-vector pass: `progress.done` of `progress.total`
    INDEX_REBUILT = "index-rebuilt"
    MODEL_SWITCHED = "model-switched"
    OFFLINE = "offline"
    POLLING = "polling"  # a folder cannot be watched by OS events (inotify limit): polled
    MISSING = "missing"  # photos held as missing in folder `message`: ask Forget / Keep waiting
    ONLINE = "online"
    MAP_PROGRESS = "map-progress"  # the library map is being laid out: `map_progress`
    MAP_UPDATED = "map-updated"  # the map changed; `message` is a MapUpdate's value
    WAITING = "waiting"  # another process writes to the library; the job waits for it
    HANDED = "handed"  # `photofind index` handed its folders over: `message` says which
    PAUSED = "paused"
    RESUMED = "resumed"
    ERROR = "error"
    STOPPED = "stopped"


@dataclass(frozen=True)
class WorkerEvent:
    """What the worker did. For PROGRESS and INDEXED, `message` names the model; for OFFLINE,
    ONLINE and MISSING the folder (MISSING: `report.held[message]` photos were just held)."""

    kind: EventKind
    message: str = ""
    progress: Progress | None = None
    report: ScanReport | None = None
    map_progress: MapProgress | None = None


def describe_error(exc: Exception) -> str:
    """An unexpected error in words: a full disk and a locked catalog say what to do."""
    text = f"{type(exc).__name__}: {exc}"
    full = isinstance(exc, OSError) and exc.errno == errno.ENOSPC
    if full or "database or disk is full" in text:
        return f"the disk is full ({text})"
    if "database is locked" in text:
        return f"the catalog is busy in another program ({text})"
    return text


def polling_message(folder: str, reason: str, poll_s: float) -> str:
    """Why a folder is polled rather than watched, and what would let it be watched."""
    text = f"{folder}: cannot watch it for changes ({reason}); checking it every {poll_s:g} s"
    if sys.platform.startswith("linux"):
        text += " (raise fs.inotify.max_user_watches to watch it)"
    return text
