"""The first-run page: offer the Pictures folder, say that nothing leaves the machine."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photofind.gui.wording import home_relative

__all__ = ["WelcomePage"]


def pictures_folder() -> str | None:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    return found if found and Path(found).is_dir() else None


class WelcomePage(QWidget):
    folder_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Welcome to photofind")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(
            "Choose the folders that hold your photos. photofind looks at every photo once, "
            "learns what is in it, and then finds look-alikes and tags in an instant.<br><br>"
            "<b>Everything stays on this computer.</b> No photo, and nothing learnt about it, "
            "is ever uploaded; photofind works without an internet connection."
        )
        text.setWordWrap(True)
        self.pictures = pictures_folder()
        self.use_pictures = QPushButton(
            f"Add my Pictures folder ({home_relative(str(self.pictures))})"
            if self.pictures
            else "Add my Pictures folder"
        )
        self.use_pictures.setDefault(True)
        self.use_pictures.setVisible(self.pictures is not None)  # none here: not a dead button
        self.use_pictures.clicked.connect(lambda: self.folder_chosen.emit(self.pictures or ""))
        other = QPushButton("Choose another folder…" if self.pictures else "Choose a folder…")
        other.setDefault(self.pictures is None)
        other.clicked.connect(self._choose)
        hint = QLabel(
            "You can also drop a folder onto this window. Folders are watched: new "
            "photos are found by themselves."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text)")
        column = QWidget()
        column.setFixedWidth(560)
        inner = QVBoxLayout(column)
        for widget in (title, text, self.use_pictures, other, hint):
            inner.addWidget(widget)
            inner.addSpacing(8)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(column)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a photo folder")
        if folder:
            self.folder_chosen.emit(folder)
