"""Decoding real formats, orientation, draft decoding, and every kind of bad input."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photofind.core import imaging
from photofind.core.imaging import ImageError, decode, fit_input, read_bytes, shrink
from tests.helpers import make_photo


def _decode_file(path: Path, min_side: int | None = None) -> imaging.Decoded:
    return decode(read_bytes(path), path.suffix, min_side)


@pytest.mark.parametrize(
    ("name", "save"),
    [
        ("a.jpg", {"quality": 90}),
        ("a.png", {}),
        ("a.webp", {"quality": 80}),
        ("a.tif", {}),
        ("a.bmp", {}),
        ("a.heic", {"quality": 80}),
    ],
)
def test_formats_decode_to_rgb(tmp_path: Path, name: str, save: dict) -> None:
    path = make_photo(tmp_path / name, seed=1, size=(320, 240), **save)
    out = _decode_file(path)
    assert out.image.mode == "RGB"
    assert (out.width, out.height) == (320, 240)
    assert out.image.size == (320, 240)


def test_gif_first_frame_and_alpha_on_white(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (64, 48), c) for c in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    pixel = _decode_file(tmp_path / "anim.gif").image.getpixel((10, 10))
    assert pixel[0] > 200 and pixel[2] < 50  # red: the first frame
    rgba = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    rgba.save(tmp_path / "clear.png")
    assert _decode_file(tmp_path / "clear.png").image.getpixel((5, 5)) == (255, 255, 255)


def test_sixteen_bit_png(tmp_path: Path) -> None:
    arr = (np.arange(64 * 64, dtype=np.uint16).reshape(64, 64) * 16).astype(np.uint16)
    Image.fromarray(arr).save(tmp_path / "deep.png")
    out = _decode_file(tmp_path / "deep.png")
    assert out.image.mode == "RGB" and np.asarray(out.image).max() > 200


def test_exif_orientation_and_capture_time(tmp_path: Path) -> None:
    img = Image.new("RGB", (400, 200), (200, 30, 30))
    img.paste((30, 30, 200), (0, 0, 100, 200))  # blue on the left
    exif = Image.Exif()
    exif[274] = 6  # stored landscape, shown rotated 90 degrees clockwise
    exif.get_ifd(0x8769)[36867] = "2021:07:14 09:30:05"
    img.save(tmp_path / "rot.jpg", exif=exif, quality=95)
    out = _decode_file(tmp_path / "rot.jpg")
    assert (out.width, out.height) == (200, 400)
    assert out.image.size == (200, 400)
    top = out.image.getpixel((100, 20))
    assert top[2] > 150 and top[0] < 100  # the blue left edge is now on top
    assert out.taken_at == "2021-07-14T09:30:05"


def test_jpeg_draft_decodes_reduced_but_reports_full_size(tmp_path: Path) -> None:
    path = make_photo(tmp_path / "big.jpg", seed=2, size=(4000, 3000), quality=85)
    out = _decode_file(path, min_side=256)
    assert (out.width, out.height) == (4000, 3000)
    assert min(out.image.size) >= 256 and out.image.size[0] <= 1000  # 1/4 or 1/8 scale


def test_a_thumbnail_decode_needs_only_its_long_side(tmp_path: Path) -> None:
    """A 256-pixel thumbnail of a 1024x768 photo: a quarter-scale decode (256x192), where the
    short side's rule (256) would decode at half scale, four times the pixels."""
    path = make_photo(tmp_path / "mid.jpg", seed=3, size=(1024, 768), quality=90)
    out = decode(read_bytes(path), ".jpg", long_side=256)
    assert (out.width, out.height) == (1024, 768) and out.image.size == (256, 192)
    assert _decode_file(path, min_side=256).image.size == (512, 384)
    portrait = make_photo(tmp_path / "tall.jpg", seed=4, size=(768, 1024), quality=90)
    assert decode(read_bytes(portrait), ".jpg", long_side=256).image.size == (192, 256)
    assert decode(read_bytes(portrait), ".jpg", long_side=300).image.size == (384, 512)


@pytest.mark.parametrize(
    ("size", "shape"),
    [
        ((640, 480), (224, 288)),  # 4:3 -> 9 x 7 feature cells
        ((480, 640), (288, 224)),  # portrait
        ((500, 500), (224, 224)),
        ((640, 360), (224, 384)),  # 16:9
        ((3000, 500), (224, 448)),  # a panorama keeps its centred 2:1
        ((10, 9), (224, 224)),  # tiny photos are enlarged
        ((872, 1000), (288, 224)),  # rounding never puts the box outside the photo
        ((1000, 1000), (224, 224)),
        ((451, 300), (224, 320)),  # 3:2 ...
        ((270, 181), (224, 320)),  # ... and a resized copy of it: the same shape
    ],
)
def test_fit_input_keeps_the_whole_photo(size: tuple[int, int], shape: tuple[int, int]) -> None:
    img = Image.new("RGB", size, (10, 20, 30))
    img.paste((200, 0, 0), (0, 0, size[0] // 10 + 1, size[1]))  # a red band at the left edge
    arr = fit_input(img, 224, Image.Resampling.BICUBIC)
    assert arr.shape == (*shape, 3) and arr.dtype == np.uint8
    if size[0] / size[1] <= 2:  # the left edge is still in the input
        assert arr[shape[0] // 2, 0, 0] > 150


def test_shrink_keeps_aspect_and_never_enlarges() -> None:
    assert shrink(Image.new("RGB", (1200, 800)), 256).size == (256, 171)
    assert shrink(Image.new("RGB", (800, 1200)), 256).size == (171, 256)
    assert shrink(Image.new("RGB", (120, 90)), 256).size == (120, 90)


# -- bad input: each one a clear reason, never a crash --------------------------------------------


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def test_zero_byte_file(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(ImageError, match="empty file"):
        read_bytes(tmp_path / "empty.jpg")


def test_truncated_jpeg(tmp_path: Path) -> None:
    data = make_photo(tmp_path / "full.jpg", seed=4, size=(800, 600), quality=90).read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 3])
    with pytest.raises(ImageError, match="truncated"):
        _decode_file(tmp_path / "cut.jpg")


def test_corrupt_bytes_and_text_named_jpg(tmp_path: Path) -> None:
    (tmp_path / "noise.jpg").write_bytes(np.random.default_rng(0).bytes(5000))
    (tmp_path / "notes.jpg").write_text("shopping list: milk, eggs\n")
    for name in ("noise.jpg", "notes.jpg"):
        with pytest.raises(ImageError, match="not an image"):
            _decode_file(tmp_path / name)


def test_mislabelled_png_named_jpg_still_decodes(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (50, 40), (1, 2, 3)).save(buf, "PNG")
    (tmp_path / "really_png.jpg").write_bytes(buf.getvalue())
    assert _decode_file(tmp_path / "really_png.jpg").image.size == (50, 40)


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    (tmp_path / "bomb.png").write_bytes(_png_header_only(40_000, 40_000))
    with pytest.raises(ImageError, match=r"too large|implausibly large"):
        _decode_file(tmp_path / "bomb.png")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root in CI, where chmod 000 does not stop reads: simulate the OS refusing.
    path = make_photo(tmp_path / "locked.jpg", seed=5)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(ImageError, match="permission denied"):
        read_bytes(path)


def test_vanished_file_and_folder_named_like_photo(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="vanished"):
        read_bytes(tmp_path / "gone.jpg")
    (tmp_path / "dir.jpg").mkdir()
    with pytest.raises(ImageError, match="folder"):
        read_bytes(tmp_path / "dir.jpg")


def test_fake_raw_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "shot.nef").write_bytes(b"II*\0" + b"\0" * 2000)
    with pytest.raises(ImageError, match="RAW"):
        _decode_file(tmp_path / "shot.nef")
