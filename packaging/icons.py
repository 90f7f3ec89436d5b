"""Render the icon set from resources/photofind.svg: PNGs per OS, a Windows .ico, a macOS .icns.

    python packaging/icons.py OUT_DIR

Writes OUT_DIR/hicolor/<N>x<N>/apps/photofind.png (Linux, freedesktop sizes),
OUT_DIR/photofind.ico (Windows: 16-256 px) and OUT_DIR/photofind.icns (macOS: 16-1024 px),
with Qt's SVG renderer (PySide6 is already a dependency) and Pillow's ICO and ICNS writers.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "photofind.svg"
LINUX_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(size: int) -> Image.Image:
    """The SVG drawn at `size` x `size` pixels, transparent around it."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        render.app = QGuiApplication(sys.argv[:1])  # type: ignore[attr-defined]
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    out = parser.parse_args().out
    largest = render(1024)
    for size in LINUX_SIZES:
        folder = out / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        render(size).save(folder / "photofind.png")
    scalable = out / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    (scalable / "photofind.svg").write_bytes(SVG.read_bytes())
    # Every size drawn by the renderer at that size (crisper than Pillow downscaling the largest).
    render(256).save(
        out / "photofind.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[render(s) for s in ICO_SIZES],
    )
    largest.save(out / "photofind.icns", append_images=[render(s) for s in ICNS_SIZES])
    for name in ("photofind.ico", "photofind.icns"):
        print(f"{out / name}: {(out / name).stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
