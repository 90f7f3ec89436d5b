"""The list model behind every photo grid: paths (and scores), thumbnails fetched lazily."""

from __future__ import annotations

import os
from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QUrl,
)
from PySide6.QtGui import QPixmap

from photofind.gui.thumbnails import ThumbnailLoader

__all__ = ["PhotoListModel", "Role"]

Index = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    PATH = Qt.ItemDataRole.UserRole + 1
    SCORE = Qt.ItemDataRole.UserRole + 2
    BROKEN = Qt.ItemDataRole.UserRole + 3


class PhotoListModel(QStringListModel):
    """Rows are photos; `set_photos` replaces them (a view, a search result, a page of the
    library). A row asks the loader for its thumbnail only when a view paints it.

    The row count lives in C++ (a QStringListModel of empty strings, one a row): laying out a
    grid asks it four times a row, and a Python `rowCount` made that 40,000 calls into Python
    for 10,000 photos (75 ms before the first screen painted, five times that for 50,000).
    """

    def __init__(self, loader: ThumbnailLoader, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.loader = loader
        self._paths: list[str] = []
        self._scores: list[float] | None = None
        self._row: dict[str, int] = {}  # a path's first row
        self._repeats: dict[str, list[int]] = {}  # every row of a path listed more than once
        loader.ready.connect(self._thumbnail_ready)

    # -- contents --------------------------------------------------------------------------

    def set_photos(self, paths: Sequence[str], scores: Sequence[float] | None = None) -> None:
        self._paths = list(paths)
        self._scores = list(scores) if scores is not None else None
        count = len(self._paths)
        # Built in C loops (a Python loop took 110 ms for 100,000 photos, on the UI thread).
        self._row = dict(zip(reversed(self._paths), range(count - 1, -1, -1), strict=True))
        self._repeats = {}
        if len(self._row) < count:
            for row, path in enumerate(self._paths):
                self._repeats.setdefault(path, []).append(row)
            self._repeats = {p: rows for p, rows in self._repeats.items() if len(rows) > 1}
        self.setStringList([""] * len(self._paths))  # resets the model: views ask anew

    def paths(self) -> list[str]:
        return self._paths

    def path(self, row: int) -> str:
        return self._paths[row]

    def row_of(self, path: str) -> int | None:
        return self._row.get(path)

    def cell(self, row: int) -> tuple[str, QPixmap | None, float | None, bool]:
        """(name, thumbnail or None, score or None, unreadable): what the delegate paints, in
        one Python call instead of four QModelIndex.data() round trips through C++."""
        path = self._paths[row]
        score = self._scores[row] if self._scores is not None else None
        pixmap = self.loader.pixmap(path)
        return os.path.basename(path), pixmap, score, self.loader.failed(path)

    # -- Qt's model interface ---------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        path = self._paths[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return os.path.basename(path)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.loader.pixmap(path)
        if role == Role.PATH:
            return path
        if role == Role.SCORE:
            return self._scores[index.row()] if self._scores is not None else None
        if role == Role.BROKEN:
            return self.loader.failed(path)
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._scores is not None:
                return f"{path}\nsimilarity {self._scores[index.row()]:.2f}"
            return path
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (  # not QStringListModel's: a photo's name is not edited in place
            Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDragActions(self) -> Qt.DropAction:
        """Copy only: a move would have the view remove the dragged rows from the model."""
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """Dragging photos out gives their files to any other app."""
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(self._paths[i.row()]) for i in indexes if i.isValid()])
        return mime

    def _thumbnail_ready(self, path: str) -> None:
        first = self._row.get(path)
        for row in self._repeats.get(path, () if first is None else (first,)):
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
