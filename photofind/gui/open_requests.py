"""Photos the OS asks the app to find similar to, gathered into one query.

Explorer starts one `photofind --similar FILE` per file of a multi-selection, and Finder sends
one file-open event per file: each would replace the last one's results. What comes within
`quiet_ms` of the previous request, or within `join_s` of the last query shown, joins it, so a
multi-selection becomes one "Find similar to these".
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QFileOpenEvent

__all__ = ["OpenRequests"]

QUIET_MS = 300  # requests closer than this are one selection
JOIN_S = 2.0  # ... and so are those that come this soon after the last query shown


class OpenRequests(QObject):
    """`add` paths (hand-overs from later launches) or install it as an event filter on the
    application (macOS's file-open events); `ready(paths)` carries each gathered query."""

    ready = Signal(list)

    def __init__(
        self, parent: QObject | None = None, quiet_ms: int = QUIET_MS, join_s: float = JOIN_S
    ) -> None:
        super().__init__(parent)
        self._join_s = join_s
        self._pending: list[str] = []
        self._shown: list[str] = []
        self._shown_at = float("-inf")
        self._timer = QTimer(self, singleShot=True, interval=quiet_ms)
        self._timer.timeout.connect(self._flush)

    def shown(self, paths: list[str]) -> None:
        """The app is showing a query for `paths` (its own start-up query): requests that come
        soon after join it."""
        self._shown, self._shown_at = list(paths), time.monotonic()

    def add(self, paths: list[str]) -> None:
        if not self._pending and time.monotonic() - self._shown_at < self._join_s:
            self._pending = list(self._shown)
        self._pending += [p for p in paths if p not in self._pending]
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        opened = event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent)
        if opened and event.file():
            self.add([event.file()])
            return True
        return False

    def _flush(self) -> None:
        paths, self._pending = self._pending, []
        if paths:
            self.shown(paths)
            self.ready.emit(paths)
