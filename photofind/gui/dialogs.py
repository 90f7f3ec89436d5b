"""Small dialogs: the files that could not be read, and a library that cannot be opened."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photofind.core.catalog import Photo
from photofind.gui.wording import home_relative

__all__ = ["FailuresDialog", "other_library"]


class FailuresDialog(QDialog):
    """Each failed file with its reason; Retry gives them all another try."""

    retry = Signal()

    def __init__(self, failures: list[Photo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Files that could not be read")
        self.resize(820, 420)
        table = QTableWidget(len(failures), 2, self)
        table.setHorizontalHeaderLabels(["File", "Why"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, photo in enumerate(failures):
            item = QTableWidgetItem(home_relative(photo.path))
            item.setToolTip(photo.path)
            table.setItem(row, 0, item)
            table.setItem(row, 1, QTableWidgetItem(photo.error or "unknown"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        again = buttons.addButton("Retry all", QDialogButtonBox.ButtonRole.ActionRole)
        again.setToolTip("Try these files again (after fixing permissions or replacing them)")
        again.clicked.connect(lambda: (self.retry.emit(), self.accept()))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "These files were skipped. Fix or replace them, then retry; nothing else is lost."
            )
        )
        layout.addWidget(table)
        layout.addWidget(buttons)


def other_library(library_dir: Path, reason: str) -> Path | None:
    """Say why the library cannot be opened; the folder of another library to open instead,
    or None to quit."""
    box = QMessageBox(QMessageBox.Icon.Critical, "photofind", "photofind cannot open its library")
    box.setInformativeText(
        f"{reason[:1].upper()}{reason[1:]}.\n\nYour photos are untouched: this folder holds "
        f"only photofind's catalog, index and thumbnails of them:\n{library_dir}\n\nOpen "
        "another library folder (an empty one starts a new library), or quit, move this one "
        "aside and start photofind again."
    )
    choose = box.addButton("Open Another Library…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not choose:
        return None
    folder = QFileDialog.getExistingDirectory(None, "Library folder", str(library_dir.parent))
    return Path(folder) if folder else None
