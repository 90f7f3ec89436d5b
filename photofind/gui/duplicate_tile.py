"""A copy in the duplicates view: its thumbnail, whether it is kept and why, name and size."""

from __future__ import annotations

import os

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from photofind.core.keepers import DuplicateMember
from photofind.gui.wording import file_size

__all__ = ["TILE", "DuplicateTile"]

TILE = 150  # the thumbnail's side


class DuplicateTile(QFrame):
    """One copy: its thumbnail, whether it is kept and why, its name and size."""

    clicked = Signal(str)
    double_clicked = Signal(str)
    menu_requested = Signal(str, QPoint)  # path, global position

    def __init__(self, member: DuplicateMember) -> None:
        super().__init__()
        photo = member.photo
        self.path = photo.path
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.image.setFixedSize(TILE, TILE)
        name = QLabel(
            self.fontMetrics().elidedText(
                os.path.basename(photo.path), Qt.TextElideMode.ElideMiddle, TILE
            )
        )
        name.setToolTip(photo.path)
        dims = f"{photo.width} × {photo.height}" if photo.width else "size unknown"
        facts = QLabel(f"{dims} · {file_size(photo.size)}")
        facts.setStyleSheet("color: palette(placeholder-text)")
        why = member.explanation
        badge = QLabel(f"✓ Keep: {why}" if member.keeper else f"Copy: {why}")
        badge.setWordWrap(True)
        badge.setStyleSheet(
            "font-weight: bold; color: palette(highlight)"
            if member.keeper
            else "color: palette(text)"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        for widget in (self.image, badge, name, facts):
            layout.addWidget(widget)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(TILE + 16)
        self.setObjectName("tile")

    def set_current(self, current: bool) -> None:
        """Marked as the photo the detail panel shows."""
        self.setStyleSheet(
            "#tile { border: 2px solid palette(highlight); border-radius: 4px; }" if current else ""
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.path)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.double_clicked.emit(self.path)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.clicked.emit(self.path)
        self.menu_requested.emit(self.path, event.globalPos())
