"""Settings' "File managers" box: add or remove "Find similar with photofind" (Linux)."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from photofind import integration

__all__ = ["FileManagerBox"]


class FileManagerBox(QGroupBox):
    """One button that installs the entries for this user, or removes them; writes a few
    small files at once (on the UI thread: no library, no bulk work)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("File managers", parent)
        names = ", ".join(m.value for m in integration.FileManager)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setToolTip(f"Right-click a photo in {names}")
        self.button = QPushButton()
        self.button.clicked.connect(self._toggle)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch()
        column = QVBoxLayout(self)
        column.addWidget(self.note)
        column.addLayout(row)
        self._show()

    def _show(self, error: str = "") -> None:
        present = bool(integration.installed())
        self.button.setText("Remove From File Managers" if present else "Add to File Managers")
        self.note.setText(
            error
            or (
                f'Right-click a photo in your file manager: "{integration.ACTION}" is there.'
                if present
                else f'Add "{integration.ACTION}" to the right-click menu of photos in '
                "Files (Nautilus), Dolphin and Nemo."
            )
        )

    def _toggle(self) -> None:
        try:
            if integration.installed():
                integration.uninstall()
            else:
                integration.install()
        except OSError as exc:
            self._show(f"Could not change the file managers' menus: {exc}")
            return
        self._show()
