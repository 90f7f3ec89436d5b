"""Near-duplicate groups: resized, re-compressed or lightly edited copies of one photo."""

from __future__ import annotations

from collections.abc import Callable

from photofind.core.catalog import Catalog, Photo
from photofind.core.imaging import ImageError, sharpness_and_exif
from photofind.core.vector_index import VectorIndex

__all__ = ["DEFAULT_THRESHOLD", "find_duplicates", "keeper_order"]

# Cosine similarity above which two photos count as copies of one another; chosen by
# benchmarks/duplicate_threshold.py (README, performance section) with the default model.
DEFAULT_THRESHOLD = 0.85
NEIGHBOURS = 10


def find_duplicates(
    catalog: Catalog,
    index: VectorIndex,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> list[list[Photo]]:
    """Groups (two or more photos) whose members are linked by similarity >= `threshold`.

    Each group is ordered keeper first; groups are ordered by their keeper's path.
    """
    ids, matrix = catalog.vectors(index.model)
    parent = {int(i): int(i) for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for n, (pid, vec) in enumerate(zip(ids, matrix, strict=True)):
        for other, score in index.search(vec, NEIGHBOURS, exclude={int(pid)}):
            if score < threshold:
                break
            a, b = root(int(pid)), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
        if progress is not None and n % 256 == 0:
            progress(n, len(ids))
    members: dict[int, list[int]] = {}
    for pid in parent:
        members.setdefault(root(pid), []).append(pid)
    groups = []
    for group in members.values():
        if len(group) < 2:
            continue
        photos = [p for p in (catalog.photo_by_id(i) for i in sorted(group)) if p is not None]
        groups.append(keeper_order(photos))
    return sorted(groups, key=lambda g: g[0].path)


def keeper_order(photos: list[Photo]) -> list[Photo]:
    """Best copy first: highest resolution, then sharpest, then the most complete EXIF."""

    def key(photo: Photo) -> tuple[int, float, int, str]:
        try:
            sharp, exif_tags = sharpness_and_exif(photo.path)
        except ImageError:
            sharp, exif_tags = 0.0, 0
        return (-(photo.width or 0) * (photo.height or 0), -sharp, -exif_tags, photo.path)

    return sorted(photos, key=key)
