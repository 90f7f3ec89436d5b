"""The status bar's indexing corner: progress with rate and time left, pause, failed files."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from photofind.core.worker import EventKind, WorkerEvent
from photofind.gui.wording import count

__all__ = ["IndexingStatus"]


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class IndexingStatus(QWidget):
    pause_toggled = Signal(bool)  # True: pause
    failures_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("Starting…")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.pause = QPushButton("Pause")
        self.pause.setCheckable(True)
        self.pause.setFlat(True)
        self.pause.hide()
        self.pause.toggled.connect(self._toggled)
        self.failures = QPushButton()
        self.failures.setFlat(True)
        self.failures.setToolTip("Files that could not be read, and why")
        self.failures.clicked.connect(self.failures_clicked)
        self.failures.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        for widget in (self.label, self.bar, self.pause, self.failures):
            layout.addWidget(widget)

    def _toggled(self, paused: bool) -> None:
        self.pause.setText("Resume" if paused else "Pause")
        self.pause_toggled.emit(paused)

    def set_failed(self, count: int) -> None:
        self.failures.setText(f"⚠ {count:,} could not be read" if count else "")
        self.failures.setVisible(count > 0)

    def set_idle(self, photos: int) -> None:
        self.bar.hide()
        self.pause.hide()
        self.label.setText(f"{photos:,} photos, all indexed" if photos else "No photos yet")

    def on_event(self, event: WorkerEvent) -> None:
        p = event.progress
        if event.kind is EventKind.PROGRESS and p is not None:
            self.bar.setRange(0, max(p.total, 1))
            self.bar.setValue(p.done)
            self.bar.show()
            self.pause.show()
            eta = f", about {_duration(p.eta_s)} left" if p.eta_s is not None else ""
            text = f"Indexing {p.done:,} of {p.total:,} ({p.rate:.0f} photos/s{eta})"
            self.label.setText("Paused: " + text if self.pause.isChecked() else text)
        elif event.kind is EventKind.REFINING and p is not None:
            # The full pass over the search vectors (core/search_vectors.py) at index rebuilds.
            self.bar.setRange(0, max(p.total, 1))
            self.bar.setValue(p.done)
            self.bar.setVisible(p.done < p.total)
            self.label.setText(
                f"Sharpening searches: {p.done:,} of {p.total:,} photos"
                if p.done < p.total
                else f"{p.total:,} photos, all indexed"
            )
        elif event.kind is EventKind.SCANNED and event.report is not None:
            if event.report.added or event.report.changed:
                found = event.report.added + event.report.changed
                self.label.setText(f"Found {count(found, 'new photo')}")
        elif event.kind is EventKind.ERROR:
            self.label.setText(f"Problem: {event.message}")
            self.label.setToolTip(event.message)
