"""Thumbnails: cached while indexing, made on demand otherwise, kept by content, pruned."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from photofind.core import library_browsing as library_module
from photofind.core.library import Library, LibraryError
from photofind.core.thumbnails import ThumbnailCache
from tests.helpers import make_photo


def _size(jpeg: bytes) -> tuple[int, int]:
    img = Image.open(io.BytesIO(jpeg))
    assert img.format == "JPEG"
    return img.size


def _cached(lib: Library) -> list[Path]:
    return sorted(lib.thumbnails.root.rglob("*.jpg"))


def test_indexing_caches_thumbnails_the_grid_reads_without_decoding(
    tiny_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "big"
    make_photo(folder / "wide.jpg", seed=1, size=(2400, 1600), quality=90)
    make_photo(folder / "tall.jpg", seed=2, size=(1600, 2400), quality=90)
    tiny_library.add([folder])
    tiny_library.scan()
    list(tiny_library.index())
    assert len(_cached(tiny_library)) == 2

    def no_decode(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached thumbnail was decoded again")

    monkeypatch.setattr(library_module, "decode", no_decode)
    assert _size(tiny_library.thumbnail(folder / "wide.jpg")) == (256, 171)
    assert _size(tiny_library.thumbnail(folder / "tall.jpg")) == (171, 256)


def test_thumbnail_on_demand_for_pending_and_outside_photos(
    tiny_library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    make_photo(folder / "a.jpg", seed=1, size=(640, 480), quality=90)
    outside = make_photo(tmp_path / "elsewhere" / "b.png", seed=2, size=(300, 200))
    tiny_library.add([folder])
    tiny_library.scan()  # a.jpg is known but not indexed yet
    assert _size(tiny_library.thumbnail(folder / "a.jpg")) == (256, 192)
    assert _size(tiny_library.thumbnail(outside)) == (256, 171)
    assert len(_cached(tiny_library)) == 2
    # Indexing reuses the thumbnail made on demand (same content, same file).
    before = _cached(tiny_library)[0].stat().st_mtime_ns
    list(tiny_library.index())
    assert _cached(tiny_library)[0].stat().st_mtime_ns == before


def test_a_pending_photo_finds_the_thumbnail_the_worker_made_before_storing_it(
    tiny_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's decode threads cache a thumbnail (by content) before its batch is stored;
    the grid, asking in between, gets that one instead of decoding the photo again."""
    from photofind.core.imaging import fingerprint, thumbnail_jpeg

    photo = make_photo(tmp_path / "photos" / "a.jpg", seed=1, size=(1600, 1200), quality=90)
    tiny_library.add([photo.parent])
    tiny_library.scan()
    with Image.open(photo) as img:  # what a decode thread does (`indexer._cache_thumbnail`)
        tiny_library.thumbnails.put(fingerprint(photo.read_bytes()), thumbnail_jpeg(img, 256))

    def no_decode(*args: object, **kwargs: object) -> None:
        raise AssertionError("the photo was decoded again")

    monkeypatch.setattr(library_module, "decode", no_decode)
    assert _size(tiny_library.thumbnail(photo)) == (256, 192)


def test_small_photos_are_never_enlarged(tiny_library: Library, tmp_path: Path) -> None:
    small = make_photo(tmp_path / "small.jpg", seed=3, size=(120, 90), quality=90)
    assert _size(tiny_library.thumbnail(small)) == (120, 90)


def test_thumbnail_follows_content_through_a_move(tiny_library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    make_photo(folder / "a.jpg", seed=1, size=(2400, 1800), quality=90)
    tiny_library.add([folder])
    tiny_library.scan()
    list(tiny_library.index())
    first = tiny_library.thumbnail(folder / "a.jpg")
    (folder / "sub").mkdir()
    shutil.move(folder / "a.jpg", folder / "sub" / "renamed.jpg")
    assert tiny_library.scan().moved == 1
    assert tiny_library.thumbnail(folder / "sub" / "renamed.jpg") == first
    assert len(_cached(tiny_library)) == 1


def test_damaged_or_missing_cache_files_are_made_again(
    tiny_library: Library, tmp_path: Path
) -> None:
    photo = make_photo(tmp_path / "photos" / "a.jpg", seed=1, size=(2400, 1800), quality=90)
    tiny_library.add([photo.parent])
    tiny_library.scan()
    list(tiny_library.index())
    [cached] = _cached(tiny_library)
    good = cached.read_bytes()
    cached.write_bytes(good[: len(good) // 2])  # a half-written file from a failing disk
    assert tiny_library.thumbnail(photo) == tiny_library.thumbnail(photo)
    assert _size(tiny_library.thumbnail(photo)) == (256, 192)
    shutil.rmtree(tiny_library.thumbnails.root)  # the user cleared the cache
    assert _size(tiny_library.thumbnail(photo)) == (256, 192)


def test_unwritable_cache_costs_nothing_but_the_cache(
    tiny_library: Library, tmp_path: Path
) -> None:
    photo = make_photo(tmp_path / "photos" / "a.jpg", seed=1, size=(2400, 1800), quality=90)
    tiny_library.thumbnails.root.parent.mkdir(parents=True)
    tiny_library.thumbnails.root.write_text("a file where the cache folder should be")
    tiny_library.add([photo.parent])
    tiny_library.scan()
    assert list(tiny_library.index())[-1].indexed == 1
    assert _size(tiny_library.thumbnail(photo)) == (256, 192)


def test_unreadable_photo_says_why(tiny_library: Library, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8 not really a jpeg")
    with pytest.raises(LibraryError, match=r"cannot read .*bad\.jpg"):
        tiny_library.thumbnail(bad)
    with pytest.raises(LibraryError, match="no such file"):
        tiny_library.thumbnail(tmp_path / "gone.jpg")


def test_prune_keeps_only_the_named_contents(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path)
    for fp in ("aa11", "aa22", "bb33"):
        assert cache.put(fp, b"\xff\xd8data\xff\xd9")
    (cache.root / "aa" / "leftover.tmp").write_bytes(b"x")
    assert cache.prune({"aa22"}) == 3
    assert [p.name for p in cache.root.rglob("*") if p.is_file()] == ["aa22.jpg"]
    assert cache.get("aa22") == b"\xff\xd8data\xff\xd9" and cache.get("aa11") is None


def test_photos_pages_visible_photos_in_path_order(
    tiny_library: Library, tmp_path: Path, photo_dir: Path
) -> None:
    offline = tmp_path / "usb"
    make_photo(offline / "x.jpg", seed=20)
    tiny_library.add([photo_dir, offline])
    tiny_library.scan()
    everything = [p.path for p in tiny_library.photos(0, 100)]
    assert len(everything) == 9 and everything == sorted(everything)
    pages = tiny_library.photos(0, 4) + tiny_library.photos(4, 4) + tiny_library.photos(8, 4)
    assert [p.path for p in pages] == everything
    folder = next(f for f in tiny_library.catalog.folders() if f.path == str(offline))
    tiny_library.catalog.set_online(folder.id, False)
    assert [p.path for p in tiny_library.photos()] == [
        p for p in everything if not p.startswith(str(offline))
    ]


def test_a_grid_reads_pages_and_thumbnails_without_loading_the_model(
    tiny_library: Library, tmp_path: Path, library_dir: Path
) -> None:
    """What a window's first screen does must not import torch (seconds) or the runtime."""
    import subprocess
    import sys

    folder = tmp_path / "photos"
    for i in range(3):
        make_photo(folder / f"p{i}.jpg", seed=i, size=(2400, 1800), quality=90)
    tiny_library.add([folder])
    tiny_library.scan()
    list(tiny_library.index())
    code = (
        "import sys; from photofind.core.library import Library; "
        f"lib = Library.open({str(library_dir)!r}); "
        "sizes = [len(lib.thumbnail(p.path)) for p in lib.photos()]; "
        "print(len(sizes), all(sizes), [m for m in ('torch', 'onnxruntime') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["3", "True", "[]"]
