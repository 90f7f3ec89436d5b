"""The library map as one picture: representative thumbnails at their places (Pillow)."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, UnidentifiedImageError

from photofind.core.map_layout import representatives

__all__ = ["render_poster"]

BACKGROUND = (24, 24, 27)


def render_poster(
    xy: np.ndarray,
    paths: list[str],
    thumbnail: Callable[[str], bytes | None],
    size: int = 3000,
    tile: int = 64,
) -> Image.Image:
    """A `size`-pixel square poster of the map `xy`: where photos crowd, one thumbnail of
    `tile` pixels stands for its cell (the most typical photo there). `thumbnail(path)` gives
    JPEG bytes, or None for a photo it cannot read (left out)."""
    poster = Image.new("RGB", (size, size), BACKGROUND)
    if len(xy) == 0:
        return poster
    low, high = xy.min(axis=0), xy.max(axis=0)
    scale = (size - tile) / float(max(high - low) or 1.0)
    screen = (xy - low) * scale + tile / 2
    for row in representatives(screen, tile):
        data = thumbnail(paths[row])
        if data is None:
            continue
        try:
            with Image.open(io.BytesIO(data)) as img:
                img.draft("RGB", (tile, tile))
                thumb = img.convert("RGB")
        except (OSError, UnidentifiedImageError):
            continue
        thumb.thumbnail((tile, tile))
        x, y = screen[row]
        poster.paste(thumb, (int(x - thumb.width / 2), int(y - thumb.height / 2)))
    return poster
