"""Settings: the library's folders, the model, and how indexing uses the machine."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings, Signal
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
    QVBoxLayout,
    QWidget,
)

from photofind.core.models import MODELS

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


class SettingsDialog(QDialog):
    """Changes to folders apply at once; model, device and threads say when they apply."""

    add_folder = Signal(str)
    remove_folder = Signal(str)
    switch_model = Signal(str)

    def __init__(
        self, folders: list[str], model: str, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.resize(620, 520)
        self._settings = settings
        self.folders = QListWidget()
        for folder in folders:
            QListWidgetItem(folder, self.folders)
        add = QPushButton("Add Folder…")
        add.clicked.connect(self._add)
        remove = QPushButton("Remove")
        remove.setToolTip(
            "Stop following the folder; its photos leave the library (the files stay)"
        )
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        folder_box = QGroupBox("Photo folders")
        column = QVBoxLayout(folder_box)
        column.addWidget(self.folders)
        column.addLayout(buttons)

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
        layout = QVBoxLayout(self)
        layout.addWidget(folder_box)
        layout.addWidget(engine)
        if sys.platform.startswith("linux"):  # Windows and macOS: their installers add it
            from photofind.gui.file_managers import FileManagerBox

            layout.addWidget(FileManagerBox())
        layout.addWidget(box)

    def _add(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a photo folder")
        if folder:
            QListWidgetItem(folder, self.folders)
            self.add_folder.emit(folder)

    def _remove(self) -> None:
        item = self.folders.currentItem()
        if item is not None:
            self.remove_folder.emit(item.text())
            self.folders.takeItem(self.folders.row(item))

    def accept(self) -> None:
        self._settings.setValue("engine/device", DEVICES[self.device.currentText()])
        self._settings.setValue("engine/threads", self.threads.value())
        chosen = str(self.model.currentData())
        if chosen != self._model:
            self.switch_model.emit(chosen)
        super().accept()
