"""The duplicates view: each group side by side, the copy to keep marked and why, and the
other copies moved to the OS trash (reversible) after a confirmation."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QContextMenuEvent, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from photofind.core.keepers import DuplicateGroup, DuplicateMember
from photofind.gui.jobs import Jobs
from photofind.gui.thumbnails import ThumbnailLoader
from photofind.gui.wording import count, file_size

__all__ = ["DuplicatesView"]

TILE = 150
PAGE = 50  # groups added at a time
POLL_MS = 250  # the summary shows a scan's progress this often


class _Progress:
    """How far a scan got: written by its thread, read by the view's timer (two ints)."""

    def __init__(self) -> None:
        self.done = self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total


class _Tile(QFrame):
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


class DuplicatesView(QWidget):
    """Shows `set_groups(groups)`; `trashed` fires after copies went to the trash.

    One photo is current (marked, and shown in the detail panel): the one clicked, else the
    first group's keeper; `current_changed` says which ("" when there are no groups)."""

    current_changed = Signal(str)
    open_requested = Signal(str)
    menu_requested = Signal(list, QPoint)  # paths, global position
    trashed = Signal(int)

    def __init__(self, jobs: Jobs, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._loader = loader
        self._groups: list[DuplicateGroup] = []
        self._tiles: dict[str, list[_Tile]] = {}
        self._shown = 0
        self._more: QPushButton | None = None
        self.current = ""
        # Both replaceable by tests: where the copies go, and how the user is asked.
        self.trash_fn: Callable[[str], None] | None = None
        self.confirm: Callable[[str], bool] = self._ask
        self.summary = QLabel("Looking for duplicates…")
        self._progress = _Progress()
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._show_progress)
        self.trash_all = QPushButton("Move all other copies to the Trash…")
        self.trash_all.clicked.connect(lambda: self._trash(self._groups))
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.trash_all)
        self._list = QWidget()
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(top)
        layout.addWidget(scroll)
        loader.ready.connect(self._thumbnail_ready)

    def set_busy(self) -> Callable[[int, int], None]:
        """A scan started: the summary follows the progress it reports to the callable given
        back (called on the scan's thread)."""
        self._progress = _Progress()
        self.summary.setText("Looking for duplicates: comparing the photos…")
        self.trash_all.setEnabled(False)
        self._poll.start()
        return self._progress

    def set_failed(self, reason: str) -> None:
        self._poll.stop()
        self.summary.setText(f"Could not look for duplicates: {reason}")

    def _show_progress(self) -> None:
        done, total = self._progress.done, self._progress.total
        if total:
            pairs = count(total, "possible copy", "possible copies")
            self.summary.setText(f"Looking for duplicates: checked {done:,} of {pairs}…")

    def set_groups(self, groups: list[DuplicateGroup]) -> None:
        self._poll.stop()
        self._groups = groups
        self._tiles = {}
        self._more = None
        while self._list_layout.count():
            item = self._list_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        copies = sum(len(g.members) - 1 for g in groups)
        self.summary.setText(
            f"{count(len(groups), 'group')} of copies; {count(copies, 'copy', 'copies')} "
            "could go to the Trash"
            if groups
            else "No duplicates found: every photo is one of a kind."
        )
        self.trash_all.setEnabled(bool(groups))
        self._shown = 0
        self._show_more()
        if self.current not in self._tiles:
            self.current = ""
            self.select(groups[0].keeper.photo.path if groups else "")
        else:
            self._mark(self.current)

    def select(self, path: str) -> None:
        """Make `path` the current photo (the detail panel follows)."""
        self._mark(path)
        self.current = path
        self.current_changed.emit(path)

    def _mark(self, path: str) -> None:
        for tile in self._tiles.get(self.current, ()):
            tile.set_current(False)
        for tile in self._tiles.get(path, ()):
            tile.set_current(True)

    def _show_more(self) -> None:
        """Rows are widgets: add them a page at a time, so thousands of groups stay quick."""
        if self._more is not None:
            self._list_layout.removeWidget(self._more)
            self._more.deleteLater()
            self._more = None
        page = self._groups[self._shown : self._shown + PAGE]
        for group in page:
            self._list_layout.addWidget(self._group_row(group))
        self._shown += len(page)
        left = len(self._groups) - self._shown
        if left:
            self._more = QPushButton(f"Show {min(left, PAGE):,} more of {left:,} groups")
            self._more.clicked.connect(self._show_more)
            self._list_layout.addWidget(self._more, 0, Qt.AlignmentFlag.AlignHCenter)

    def _group_row(self, group: DuplicateGroup) -> QWidget:
        row = QFrame()
        row.setFrameShape(QFrame.Shape.NoFrame)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 4, 0, 4)
        for member in group.members:
            tile = _Tile(member)
            tile.clicked.connect(self.select)
            tile.double_clicked.connect(self.open_requested)
            tile.menu_requested.connect(lambda path, pos: self.menu_requested.emit([path], pos))
            self._tiles.setdefault(member.photo.path, []).append(tile)
            self._set_pixmap(tile)
            layout.addWidget(tile)
        others = count(len(group.members) - 1, "copy", "copies")
        button = QPushButton(f"Move {others} to the Trash…")
        button.clicked.connect(lambda: self._trash([group]))
        layout.addSpacing(12)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)  # beside its group
        layout.addStretch()
        return row

    def _set_pixmap(self, tile: _Tile) -> None:
        pixmap = self._loader.pixmap(tile.path)
        if pixmap is not None:
            tile.image.setPixmap(
                pixmap.scaled(
                    TILE,
                    TILE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def _thumbnail_ready(self, path: str) -> None:
        for tile in self._tiles.get(path, ()):
            self._set_pixmap(tile)

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Move to the Trash", text)
        return answer == QMessageBox.StandardButton.Yes

    def _trash(self, groups: list[DuplicateGroup]) -> None:
        copies = [m.photo.path for g in groups for m in g.members if not m.keeper]
        if not copies:
            return
        text = (
            f"Move {count(len(copies), 'copy', 'copies')} to the Trash? "
            "The copy marked Keep stays. You can restore them from the Trash."
        )
        if not self.confirm(text):
            return
        trash = self.trash_fn
        self.trash_all.setEnabled(False)
        self._jobs.read(
            lambda lib: lib.trash(copies, trash), lambda failed: self._done(copies, failed)
        )

    def _done(self, copies: list[str], failed: list[tuple[str, str]]) -> None:
        self.trashed.emit(len(copies) - len(failed))
        if failed:
            listing = "\n".join(f"{p}: {why}" for p, why in failed[:10])
            QMessageBox.warning(self, "Some copies stayed", f"Not moved:\n{listing}")
