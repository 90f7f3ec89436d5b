"""Space: the photo full-window, decoded off the GUI thread; Space or Escape closes it."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeyEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from photofind.gui.images import load_qimage
from photofind.gui.jobs import Jobs

__all__ = ["PreviewDialog"]

SIDE = 2560


class PreviewDialog(QDialog):
    def __init__(self, jobs: Jobs, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(os.path.basename(path))
        self.setStyleSheet("background: black; color: #ccc")
        self.label = QLabel("Loading…", alignment=Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        self._image: QImage | None = None
        self._ticket = jobs.read(
            lambda lib: load_qimage(path, SIDE),
            self._ready,
            lambda why: self.label.setText(f"Cannot show this photo: {why}"),
        )
        self.finished.connect(lambda _: self._ticket.cancel())

    def _ready(self, image: QImage) -> None:
        self._image = image
        self._fit()

    def _fit(self) -> None:
        if self._image is not None:
            self.label.setPixmap(
                QPixmap.fromImage(self._image).scaled(
                    self.label.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Escape):
            self.accept()
        else:
            super().keyPressEvent(event)
