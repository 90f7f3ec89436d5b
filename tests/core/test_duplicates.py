"""Keeper order inside a group of copies: resolution, then sharpness, then EXIF."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageFilter

from photofind.core.catalog import Photo
from photofind.core.duplicates import keeper_order
from tests.helpers import make_photo


def _photo(path: Path, pid: int) -> Photo:
    with Image.open(path) as img:
        w, h = img.size
    return Photo(pid, None, str(path), 1, 1, None, "ok", None, w, h)


def test_keeper_order(tmp_path: Path) -> None:
    src = make_photo(tmp_path / "src.png", seed=1, size=(640, 480))
    img = Image.open(src).convert("RGB")
    img.save(tmp_path / "plain.jpg", quality=95)
    exif = Image.Exif()
    exif[271], exif[272] = "Camera Maker", "Model X"
    exif.get_ifd(0x8769)[36867] = "2020:01:01 10:00:00"
    img.save(tmp_path / "with exif.jpg", quality=95, exif=exif)
    img.filter(ImageFilter.GaussianBlur(3)).save(tmp_path / "blurred.jpg", quality=95)
    img.resize((1280, 960)).save(tmp_path / "bigger.jpg", quality=95)
    photos = [
        _photo(tmp_path / n, i)
        for i, n in enumerate(["blurred.jpg", "plain.jpg", "with exif.jpg", "bigger.jpg"])
    ]
    order = [Path(p.path).name for p in keeper_order(photos)]
    assert order == ["bigger.jpg", "with exif.jpg", "plain.jpg", "blurred.jpg"]
