"""Settings: the library's folders, the model, and how indexing uses the machine."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from photofind.core.models import MODELS
from photofind.gui.wording import home_relative

__all__ = ["SettingsDialog", "engine_options"]

DEVICES = {
    "Automatic (GPU if there is one)": "auto",
    "CPU": "cpu",
    "NVIDIA GPU (CUDA)": "cuda",
    "Apple GPU (Metal)": "mps",
}


def engine_options(settings: QSettings) -> tuple[str | None, int | None]:
    """(device, decode threads) the user chose; None: photofind's default."""
    device = str(settings.value("engine/device", "auto"))
    threads = int(settings.value("engine/threads", 0) or 0)
    return (None if device == "auto" else device), (threads or None)


class FolderList(QListWidget):
    """Folders as people read them (~/Pictures), each holding its full path."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        for path in paths:
            self.add(path)

    def add(self, path: str) -> None:
        if path in self.paths():
            return
        item = QListWidgetItem(home_relative(path))
        item.setData(Qt.ItemDataRole.UserRole, path)
        item.setToolTip(path)
        self.addItem(item)

    def paths(self) -> list[str]:
        return [str(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())]

    def take_current(self) -> str | None:
        """Remove the selected folder; its path, or None if none was selected."""
        item = self.currentItem()
        if item is None:
            return None
        self.takeItem(self.row(item))
        return str(item.data(Qt.ItemDataRole.UserRole))


class SettingsDialog(QDialog):
    """Changes to folders apply at once; model, device and threads say when they apply."""

    add_folder = Signal(str)
    exclude = Signal(list)
    remove_folder = Signal(str)
    switch_model = Signal(str)

    def __init__(
        self,
        folders: list[str],
        excluded: list[str],
        model: str,
        settings: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.resize(640, 520)
        self._settings = settings
        self.folders = FolderList(folders)
        folder_box = _folder_box(
            "Photo folders",
            self.folders,
            self._add,
            self._remove,
            "Stop following the folder; its photos leave the library (the files stay)",
        )
        self._excluded = excluded
        self.excluded = FolderList(excluded)
        excluded_box = _folder_box(
            "Skipped folders (never read, with everything below them)",
            self.excluded,
            self._exclude,
            self.excluded.take_current,
            "Read this folder again at the next scan",
        )

        self.model = QComboBox()
        for spec in MODELS.values():  # only models that work offline from the first start
            if spec.bundled or spec.id == model:
                self.model.addItem(spec.description, spec.id)
        self.model.setCurrentIndex(max(0, self.model.findData(model)))
        self._model = model
        self.device = QComboBox()
        self.device.addItems(list(DEVICES))
        chosen = str(settings.value("engine/device", "auto"))
        self.device.setCurrentText(next((k for k, v in DEVICES.items() if v == chosen), "auto"))
        self.device.setToolTip(
            "Where indexing runs the model. A single photo you drop or paste is read on the CPU,"
            " which answers at once."
        )
        self.threads = QSpinBox()
        self.threads.setRange(0, os.cpu_count() or 1)
        self.threads.setSpecialValueText("Automatic (one per core)")
        self.threads.setValue(int(settings.value("engine/threads", 0) or 0))
        engine = QGroupBox("Indexing")
        form = QFormLayout(engine)
        form.addRow("Model:", self.model)
        form.addRow("Run the model on:", self.device)
        form.addRow("Photo decoding threads:", self.threads)
        note = QLabel(
            "A new model re-reads every photo in the background; searches keep using "
            "the current one until it is done. Device and threads apply at the next "
            "start. Nothing is downloaded: the models ship with photofind."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text)")
        form.addRow(note)

        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        self.tabs = QTabWidget()
        self.tabs.addTab(_page(folder_box, excluded_box), "Folders")
        self.tabs.addTab(_page(engine), "Indexing")
        layout = QVBoxLayout(self)
        if sys.platform.startswith("linux"):  # Windows and macOS: their installers add it
            from photofind.gui.file_managers import FileManagerBox

            self.tabs.addTab(_page(FileManagerBox()), "File Manager")
        layout.addWidget(self.tabs)
        layout.addWidget(box)

    def _add(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a photo folder")
        if folder:
            self.folders.add(folder)
            self.add_folder.emit(folder)

    def _exclude(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Skip a folder")
        if folder:
            self.excluded.add(folder)

    def _remove(self) -> None:
        folder = self.folders.take_current()
        if folder is not None:
            self.remove_folder.emit(folder)

    def accept(self) -> None:
        self._settings.setValue("engine/device", DEVICES[self.device.currentText()])
        self._settings.setValue("engine/threads", self.threads.value())
        excluded = self.excluded.paths()
        if excluded != self._excluded:
            self.exclude.emit(excluded)
        chosen = str(self.model.currentData())
        if chosen != self._model:
            self.switch_model.emit(chosen)
        super().accept()


def _folder_box(
    title: str, folders: QListWidget, add: Callable, remove: Callable, remove_tip: str
) -> QGroupBox:
    """A list of folders with Add… and Remove buttons under it."""
    add_button = QPushButton("Add Folder…")
    add_button.clicked.connect(add)
    remove_button = QPushButton("Remove")
    remove_button.setToolTip(remove_tip)
    remove_button.clicked.connect(remove)
    buttons = QHBoxLayout()
    buttons.addWidget(add_button)
    buttons.addWidget(remove_button)
    buttons.addStretch()
    box = QGroupBox(title)
    column = QVBoxLayout(box)
    column.addWidget(folders)
    column.addLayout(buttons)
    return box


def _page(*boxes: QWidget) -> QWidget:
    """A settings tab: its boxes one under another, room left at the bottom."""
    page = QWidget()
    column = QVBoxLayout(page)
    for box in boxes:
        column.addWidget(box)
    column.addStretch()
    return page
