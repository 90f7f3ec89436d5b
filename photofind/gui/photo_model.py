"""The list model behind every photo grid: paths (and scores), thumbnails fetched lazily."""

from __future__ import annotations

import os
from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
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


class PhotoListModel(QAbstractListModel):
    """Rows are photos; `set_photos` replaces them (a view, a search result, a page of the
    library). A row asks the loader for its thumbnail only when a view paints it."""

    def __init__(self, loader: ThumbnailLoader, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.loader = loader
        self._paths: list[str] = []
        self._scores: list[float] | None = None
        self._rows: dict[str, list[int]] = {}
        loader.ready.connect(self._thumbnail_ready)

    # -- contents --------------------------------------------------------------------------

    def set_photos(self, paths: Sequence[str], scores: Sequence[float] | None = None) -> None:
        self.beginResetModel()
        self._paths = list(paths)
        self._scores = list(scores) if scores is not None else None
        self._rows = {}
        for row, path in enumerate(self._paths):
            self._rows.setdefault(path, []).append(row)
        self.endResetModel()

    def paths(self) -> list[str]:
        return self._paths

    def path(self, row: int) -> str:
        return self._paths[row]

    def row_of(self, path: str) -> int | None:
        rows = self._rows.get(path)
        return rows[0] if rows else None

    def cell(self, row: int) -> tuple[str, QPixmap | None, float | None, bool]:
        """(name, thumbnail or None, score or None, unreadable): what the delegate paints, in
        one Python call instead of four QModelIndex.data() round trips through C++."""
        path = self._paths[row]
        score = self._scores[row] if self._scores is not None else None
        pixmap = self.loader.pixmap(path)
        return os.path.basename(path), pixmap, score, self.loader.failed(path)

    # -- Qt's model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._paths)

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
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """Dragging photos out gives their files to any other app."""
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(self._paths[i.row()]) for i in indexes if i.isValid()])
        return mime

    def _thumbnail_ready(self, path: str) -> None:
        for row in self._rows.get(path, ()):
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
