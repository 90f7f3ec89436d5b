"""Large images for the GUI, decoded on a worker thread (QImage may be made off the GUI thread)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtGui import QImage

from photofind.core.imaging import decode, read_bytes, shrink

__all__ = ["load_qimage"]


def load_qimage(path: str, side: int) -> QImage:
    """The photo upright, its longer side at most `side` pixels; raises ImageError if unreadable.

    JPEGs are decoded at a reduced scale when that is enough, so a 12 MP photo costs little.
    """
    decoded = decode(read_bytes(path), Path(path).suffix, long_side=side)
    img = shrink(decoded.image, side).convert("RGB")
    return _to_qimage(img)


def _to_qimage(img: Image.Image) -> QImage:
    data = img.tobytes("raw", "RGB")
    image = QImage(data, img.width, img.height, 3 * img.width, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: `data` is freed when this returns
