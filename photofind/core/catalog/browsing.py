"""What the app's views read in bulk: every visible photo in a chosen order, counts per folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum

from photofind.core.catalog.rows import dec
from photofind.core.catalog.store import Store

__all__ = ["BrowseQueries", "FolderCounts", "PhotoOrder"]

_VISIBLE = (
    "FROM photos p LEFT JOIN folders f ON f.id = p.folder_id "
    "WHERE COALESCE(f.online, 1) = 1 AND p.missing_since IS NULL"
)


class PhotoOrder(Enum):
    """How a grid of the whole library is sorted."""

    DATE_TAKEN = "date"  # oldest first; photos without a date last, by path
    NAME = "name"  # file name, case-insensitive, then path
    FOLDER = "folder"  # full path: folder by folder


@dataclass(frozen=True)
class FolderCounts:
    """Photos of one library folder: all, indexed with the current model, failed."""

    photos: int
    indexed: int
    failed: int


class BrowseQueries(Store):
    """Whole-library reads for views; run them off the UI thread (100,000 rows take ~0.1 s)."""

    def visible_paths(self, order: PhotoOrder = PhotoOrder.FOLDER) -> list[str]:
        """Paths of every photo not in an offline folder, in `order`."""
        if order is PhotoOrder.DATE_TAKEN:
            sql = f"SELECT p.path {_VISIBLE} ORDER BY p.taken_at IS NULL, p.taken_at, p.path"
        else:
            sql = f"SELECT p.path {_VISIBLE} ORDER BY p.path"
        paths = [dec(r[0]) for r in self._db.execute(sql)]
        if order is PhotoOrder.NAME:
            paths.sort(key=lambda p: (os.path.basename(p).casefold(), p))
        return paths

    def indexed_counts(self, model: str) -> dict[int, FolderCounts]:
        """Per folder id: photos, indexed with `model`, failed."""
        rows = self._db.execute(
            "SELECT p.folder_id, COUNT(*), COUNT(e.photo_id), "
            "COALESCE(SUM(p.status = 'failed'), 0) "
            "FROM photos p LEFT JOIN embeddings e ON e.photo_id = p.id AND e.model = ? "
            "WHERE p.folder_id IS NOT NULL AND p.missing_since IS NULL GROUP BY p.folder_id",
            (model,),
        )
        return {r[0]: FolderCounts(r[1], r[2], r[3]) for r in rows}
