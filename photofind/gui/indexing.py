"""The background worker seen from the GUI: its events arrive as queued Qt signals."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from photofind.core.worker_events import WorkerEvent
from photofind.core.worker_process import WorkerProcess

__all__ = ["IndexingBridge"]


class IndexingBridge(QObject):
    """Owns the worker process (the library's one writer). `event` is emitted on the thread that
    reads the process's events and, this object living on the GUI thread, delivered there by
    Qt's queued connection."""

    event = Signal(object)  # WorkerEvent

    def __init__(
        self,
        library_dir: Path,
        device: str | None = None,
        workers: int | None = None,
        **options: float,
    ) -> None:
        super().__init__()
        self.worker = WorkerProcess(
            library_dir, self._forward, device=device, workers=workers, **options
        )

    def _forward(self, event: WorkerEvent) -> None:
        self.event.emit(event)

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        if self.worker.is_alive():
            self.worker.stop()

    def scan(self, folders: set[str] | None = None) -> None:
        self.worker.request_scan(folders)

    def prioritize(self, paths: list[str]) -> None:
        """Index these photos first (one the detail panel waits for)."""
        self.worker.prioritize(paths)

    def pause(self, paused: bool) -> None:
        if paused:
            self.worker.pause()
        else:
            self.worker.resume()
