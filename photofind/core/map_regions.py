"""Names over the map's regions: where one broad tag holds most photos, its name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Region", "region_labels"]


@dataclass(frozen=True)
class Region:
    """A stretch of the map where `name` dominates: its photos' centre and how many."""

    name: str
    x: float
    y: float
    photos: int


def region_labels(
    xy: np.ndarray,
    labels: Sequence[str | None],
    grid: int = 12,
    min_share: float = 0.5,
    min_photos: int = 5,
) -> list[Region]:
    """Cut the map into `grid` x `grid` cells; a cell belongs to the label that holds at
    least `min_share` of its photos (and `min_photos`); touching cells of one label (diagonals
    too) make one region, named at the centre of its labelled photos; of two regions of one
    label within two cells, the larger. Largest regions first."""
    if len(xy) == 0:
        return []
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    cells = np.minimum((grid * (xy - low) / span).astype(np.int64), grid - 1)
    owner: dict[tuple[int, int], str] = {}
    members: dict[tuple[int, int], list[int]] = {}
    for row, (cx, cy) in enumerate(cells):
        members.setdefault((int(cx), int(cy)), []).append(row)
    for cell, rows in members.items():
        names = [labels[r] for r in rows if labels[r] is not None]
        if not names:
            continue
        top = max(set(names), key=names.count)
        if names.count(top) >= max(min_photos, min_share * len(rows)):
            owner[cell] = str(top)
    regions = []
    seen: set[tuple[int, int]] = set()
    for start, name in owner.items():
        if start in seen:
            continue
        seen.add(start)
        todo, rows = [start], []
        while todo:  # the cells of `name` that touch this one, and theirs
            cx, cy = todo.pop()
            rows += [r for r in members[(cx, cy)] if labels[r] == name]
            for near in ((cx + dx, cy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
                if near not in seen and owner.get(near) == name:
                    seen.add(near)
                    todo.append(near)
        centre = xy[rows].mean(axis=0)
        regions.append(Region(name, float(centre[0]), float(centre[1]), len(rows)))
    # One name once in a neighbourhood: a smaller region of a name within two cells of a
    # larger one of it would print the same word twice, side by side.
    radius = 2 * float(np.max(span)) / grid
    kept: list[Region] = []
    for region in sorted(regions, key=lambda r: -r.photos):
        if not any(
            k.name == region.name and np.hypot(k.x - region.x, k.y - region.y) < radius
            for k in kept
        ):
            kept.append(region)
    return kept
