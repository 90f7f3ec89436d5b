"""The question a scan leaves for the user: photos gone missing in bulk, forget or wait?"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from photofind.core.folders import FolderState

__all__ = ["MissingBanner"]


class MissingBanner(QFrame):
    """ "2,304 photos in /mnt/nas are missing: Forget them / Keep waiting". Until the user
    answers, those photos are kept (tags and all) and hidden from every view."""

    forget = Signal(str)  # folder
    keep_waiting = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("MissingBanner { background: palette(alternate-base); }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        forget = QPushButton("Forget Them")
        forget.setToolTip("They were deleted on purpose: remove them from the library")
        wait = QPushButton("Keep Waiting")
        wait.setToolTip("The drive or share will be back: keep them, and stop asking")
        forget.clicked.connect(lambda: self.forget.emit(self._folder))
        wait.clicked.connect(lambda: self.keep_waiting.emit(self._folder))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(wait)
        layout.addWidget(forget)
        self._folder = ""
        self.hide()

    def set_states(self, states: list[FolderState]) -> None:
        """Ask about the first folder that needs an answer; hide when none does."""
        asking = [s for s in states if s.needs_decision and s.missing]
        if not asking:
            self.hide()
            return
        state = asking[0]
        self._folder = state.path
        self.text.setText(
            f"<b>{state.missing:,} photos in {state.path} are missing.</b> They are kept and "
            "hidden for now. If they were deleted, forget them; if the drive or share will be "
            "back, keep waiting."
        )
        self.show()
