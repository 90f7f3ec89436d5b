"""The `Library`'s map methods: lay the library out by likeness, place new photos, read it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from photofind.core.catalog import MapPoints, MapSummary
from photofind.core.map_layout import MapProgress, MapStage, layout, place
from photofind.core.map_regions import Region, region_labels
from photofind.core.vocabulary import vocabulary

if TYPE_CHECKING:
    from photofind.core.catalog import Catalog
    from photofind.core.vector_index import VectorIndex

__all__ = ["MapMethods", "MapUpdate"]

RELAYOUT_SHARE = 0.25  # lay out again once this share of the map came or went since its layout
NEIGHBOURS = 30  # mapped neighbours a new photo is placed by
PLACE_BATCH = 500


class MapUpdate(Enum):
    """What `update_map` did."""

    NOTHING = "nothing"  # the map was current
    LAID_OUT = "laid-out"  # the whole map was made again
    PLACED = "placed"  # new photos were placed into the map, the others kept their places


class MapMethods:
    """Mixed into `Library`. A layout reads every vector and takes minutes on a large library:
    call `update_map` from a worker thread (LibraryWorker does, after indexing)."""

    if TYPE_CHECKING:  # what `Library` provides
        catalog: Catalog

        @property
        def model(self) -> str: ...

        @property
        def vector_index(self) -> VectorIndex: ...

    def map_summary(self) -> MapSummary:
        """The current model's map: how many photos it was laid out from, placed since..."""
        return self.catalog.map_summary(self.model)

    def map_needs_layout(self) -> bool:
        """No map yet, or a quarter of it came or went since its layout."""
        s = self.map_summary()
        if s.made_from == 0:
            return s.unplaced > 0
        changed = s.placed + s.unplaced + (s.made_from - s.laid_out)
        return changed > RELAYOUT_SHARE * s.made_from

    def update_map(
        self,
        force: bool = False,
        progress: Callable[[MapProgress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> MapUpdate:
        """Keep the map current: lay it out again if `force` or much changed, else place the
        photos indexed since into it without moving the others.

        Raises `MapCancelled` if `cancel` is set during a layout (the old map stays).
        """
        model = self.model
        if force or self.map_needs_layout():
            ids, vectors = self.catalog.vectors(model)
            if len(ids) == 0:
                return MapUpdate.NOTHING
            xy = layout(vectors, progress, cancel)
            self.catalog.save_layout(model, ids, xy)
            return MapUpdate.LAID_OUT
        new = self.catalog.unplaced(model)
        if not new:
            return MapUpdate.NOTHING
        say = progress or (lambda p: None)
        unplaced = set(new)
        for start in range(0, len(new), PLACE_BATCH):
            if cancel is not None and cancel.is_set():
                break
            say(MapProgress(MapStage.PLACING, start, len(new)))
            self._place(model, new[start : start + PLACE_BATCH], unplaced)
        return MapUpdate.PLACED

    def _place(self, model: str, photo_ids: list[int], unplaced: set[int]) -> None:
        map_ids, map_xy = self.catalog.map_places(model)
        ids, vectors = self.catalog.vectors_of(photo_ids, model)
        if len(map_ids) == 0 or len(ids) == 0:
            return
        rows, dists = [], []
        for vector in vectors:  # neighbours on the map, from the search index
            hits = self.vector_index.search(vector, NEIGHBOURS, unplaced)
            hit_ids = np.array([h[0] for h in hits], dtype=np.int64)
            pos = np.clip(np.searchsorted(map_ids, hit_ids), 0, len(map_ids) - 1)
            on_map = map_ids[pos] == hit_ids  # all of them, unless the map changed meanwhile
            pos, sims = pos[on_map], np.array([h[1] for h in hits], dtype=np.float64)[on_map]
            if len(pos) == 0:  # nothing to go by: the map's first photo
                pos, sims = np.array([0]), np.array([0.0])
            pad = (0, NEIGHBOURS - len(pos))  # a map smaller than NEIGHBOURS
            rows.append(np.pad(pos, pad, mode="edge"))
            dists.append(np.pad(np.sqrt(np.maximum(0.0, 2.0 - 2.0 * sims)), pad, mode="edge"))
        xy = place(map_xy, np.stack(rows), np.stack(dists))
        self.catalog.save_placed(model, ids, xy)

    def map_points(self) -> MapPoints:
        """Every visible photo on the current model's map, with its path and place."""
        return self.catalog.visible_map(self.model)

    def map_regions(self, points: MapPoints) -> list[Region]:
        """Broad-tag names over the regions of the map they dominate (each photo counts for its
        best broad tag at or above that tag's threshold)."""
        vocab = vocabulary()
        best: dict[int, tuple[float, str]] = {}
        for photo_id, tag, score in self.catalog.broad_rows(self.model, vocab.names()):
            if score >= vocab.broad[tag].threshold and score > best.get(photo_id, (0.0, ""))[0]:
                best[photo_id] = (score, tag)
        labels = [best[int(i)][1] if int(i) in best else None for i in points.ids]
        return region_labels(points.xy, labels)
