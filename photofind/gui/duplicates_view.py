"""The duplicates view: each group side by side, the copy to keep marked and why, and the
other copies moved to the OS trash (reversible) after a confirmation."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
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

from photofind.core.keepers import DuplicateGroup
from photofind.gui.duplicate_tile import TILE, DuplicateTile
from photofind.gui.jobs import Jobs
from photofind.gui.thumbnails import ThumbnailLoader
from photofind.gui.wording import count

__all__ = ["DuplicatesView"]

PAGE = 50  # groups added at a time
POLL_MS = 250  # the summary shows a scan's progress this often


class _Progress:
    """How far a scan got: written by its thread, read by the view's timer (two ints)."""

    def __init__(self) -> None:
        self.done = self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total


class DuplicatesView(QWidget):
    """Shows `set_groups(groups)`; `trashed` fires after copies went to the trash.

    One photo is current (marked, and shown in the detail panel): the one clicked, else the
    first group's keeper; `current_changed` says which ("" when there are no groups). The
    arrows move it (left and right through every copy, up and down between groups), Enter
    opens it and Space previews it, as in the grid."""

    current_changed = Signal(str)
    open_requested = Signal(str)
    preview_requested = Signal(str)
    menu_requested = Signal(list, QPoint)  # paths, global position
    trashed = Signal(int)

    def __init__(self, jobs: Jobs, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._loader = loader
        self._groups: list[DuplicateGroup] = []
        self._tiles: dict[str, list[DuplicateTile]] = {}
        self._rows: list[list[str]] = []  # the shown groups' photos, as laid out
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
        self._scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._list)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the arrows move the current photo
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
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
        self._rows = []
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

    def _clicked(self, path: str) -> None:
        self.select(path)
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, path = event.key(), self.current
        target = self._moved(path, key) if path else None
        if target is not None:
            if target != path:
                self.select(target)
                self._scroll.ensureWidgetVisible(self._tiles[target][0])
        elif path and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit(path)
        elif path and key == Qt.Key.Key_Space:
            self.preview_requested.emit(path)
        else:
            super().keyPressEvent(event)

    def _moved(self, path: str, key: int) -> str | None:
        """Where an arrow key takes the current photo (None: not an arrow, or not shown):
        left and right through every copy in order, up and down to the same place in the
        group above or below (its last copy if it has fewer)."""
        rows = self._rows
        place = next(((r, row.index(path)) for r, row in enumerate(rows) if path in row), None)
        if place is None:
            return None
        r, c = place
        flat = [p for row in rows for p in row]
        at = flat.index(path)
        if key == Qt.Key.Key_Left:
            return flat[max(at - 1, 0)]
        if key == Qt.Key.Key_Right:
            return flat[min(at + 1, len(flat) - 1)]
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = rows[min(max(r + (1 if key == Qt.Key.Key_Down else -1), 0), len(rows) - 1)]
            return row[min(c, len(row) - 1)]
        return None

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
        self._rows.append([m.photo.path for m in group.members])
        for member in group.members:
            tile = DuplicateTile(member)
            tile.clicked.connect(self._clicked)
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

    def _set_pixmap(self, tile: DuplicateTile) -> None:
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
