"""The library map: each photo's place on it per model, and what the map was laid out from."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from photofind.core.catalog.rows import dec
from photofind.core.catalog.store import Store

__all__ = ["MapPoints", "MapQueries", "MapSummary"]

_UNPLACED = (
    "FROM embeddings e WHERE e.model = ? AND NOT EXISTS "
    "(SELECT 1 FROM map_points m WHERE m.photo_id = e.photo_id AND m.model = e.model)"
)


@dataclass(frozen=True)
class MapSummary:
    """A model's map: photos laid out at its making (`made_from`), still on it from that layout
    (`laid_out`), placed into it since (`placed`), and with a vector but no place yet
    (`unplaced`). `made_from` 0: there is no map."""

    made_from: int
    laid_out: int
    placed: int
    unplaced: int
    made_at: float | None


@dataclass(frozen=True)
class MapPoints:
    """Visible photos on a map: ids, paths and places (n x 2 float32), in photo id order."""

    ids: np.ndarray
    paths: list[str]
    xy: np.ndarray


class MapQueries(Store):
    """Places on the map; the photos' vectors stay in `embeddings`."""

    def save_layout(self, model: str, ids: np.ndarray, xy: np.ndarray) -> None:
        """Replace `model`'s map by a new layout of the photos `ids`."""
        with self.transaction() as db:
            db.execute("DELETE FROM map_points WHERE model = ?", (model,))
            db.executemany(
                "INSERT OR IGNORE INTO map_points(photo_id, model, x, y, placed) "
                "SELECT ?, ?, ?, ?, 0 WHERE EXISTS (SELECT 1 FROM photos WHERE id = ?)",
                [
                    (int(i), model, float(x), float(y), int(i))
                    for i, (x, y) in zip(ids, xy, strict=True)
                ],
            )
            db.execute(
                "INSERT OR REPLACE INTO maps(model, made_from, made_at) VALUES (?, ?, ?)",
                (model, len(ids), time.time()),
            )

    def save_placed(self, model: str, ids: np.ndarray, xy: np.ndarray) -> None:
        """Add photos placed into `model`'s existing map (photos gone meanwhile are skipped)."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO map_points(photo_id, model, x, y, placed) "
                "SELECT ?, ?, ?, ?, 1 WHERE EXISTS (SELECT 1 FROM photos WHERE id = ?)",
                [
                    (int(i), model, float(x), float(y), int(i))
                    for i, (x, y) in zip(ids, xy, strict=True)
                ],
            )

    def map_summary(self, model: str) -> MapSummary:
        made = self._db.execute(
            "SELECT made_from, made_at FROM maps WHERE model = ?", (model,)
        ).fetchone()
        laid_out, placed = self._db.execute(
            "SELECT COALESCE(SUM(placed = 0), 0), COALESCE(SUM(placed = 1), 0) "
            "FROM map_points WHERE model = ?",
            (model,),
        ).fetchone()
        unplaced = self._db.execute(f"SELECT COUNT(*) {_UNPLACED}", (model,)).fetchone()[0]
        return MapSummary(made[0] if made else 0, laid_out, placed, unplaced, made and made[1])

    def unplaced(self, model: str) -> list[int]:
        """Photos with a `model` vector but no place on its map, by id."""
        rows = self._db.execute(f"SELECT e.photo_id {_UNPLACED} ORDER BY e.photo_id", (model,))
        return [r[0] for r in rows]

    def map_places(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """Every photo's place on `model`'s map, hidden ones too: (ids, n x 2 float64)."""
        rows = self._db.execute(
            "SELECT photo_id, x, y FROM map_points WHERE model = ? ORDER BY photo_id", (model,)
        ).fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        xy = np.array([(r[1], r[2]) for r in rows], dtype=np.float64).reshape(-1, 2)
        return ids, xy

    def visible_map(self, model: str) -> MapPoints:
        """The visible photos on `model`'s map (not offline, not missing), by id."""
        rows = self._db.execute(
            "SELECT p.id, p.path, m.x, m.y FROM photos p "
            "JOIN map_points m ON m.photo_id = p.id AND m.model = ? "
            "LEFT JOIN folders f ON f.id = p.folder_id "
            "WHERE COALESCE(f.online, 1) = 1 AND p.missing_since IS NULL ORDER BY p.id",
            (model,),
        ).fetchall()
        return MapPoints(
            np.array([r[0] for r in rows], dtype=np.int64),
            [dec(r[1]) for r in rows],
            np.array([(r[2], r[3]) for r in rows], dtype=np.float32).reshape(-1, 2),
        )
