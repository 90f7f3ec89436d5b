"""Thumbnails of photos not indexed yet, made by a helper process below the UI's priority."""

from __future__ import annotations

import io
import os
import signal
import sys
from pathlib import Path

import pytest
from PIL import Image

from photofind.core.library import Library, LibraryError
from photofind.core.priority import BACKGROUND_NICE
from photofind.core.thumbnail_maker import ThumbnailMaker


@pytest.fixture
def library(library_dir: Path, tmp_path: Path):
    from skimage import data

    photos = tmp_path / "photos"
    photos.mkdir()
    Image.fromarray(data.chelsea()).save(photos / "cat.jpg")
    Image.fromarray(data.coffee()).save(photos / "coffee.jpg")
    (photos / "broken.jpg").write_bytes(b"\xff\xd8 not really a JPEG")
    with Library.open(library_dir) as lib:
        lib.add([photos])
        yield lib, photos


def test_it_makes_what_the_library_would_in_another_process(library, library_dir) -> None:
    lib, photos = library
    maker = ThumbnailMaker(str(library_dir))
    try:
        made = maker.make(str(photos / "cat.jpg"), lib)
        helper = maker._process.pid
        assert helper != os.getpid()
        assert made == lib.thumbnail(photos / "cat.jpg")  # the same bytes, from its cache
        with Image.open(io.BytesIO(made)) as image:
            assert max(image.size) == lib.thumbnails.side
        with pytest.raises(LibraryError, match=r"broken\.jpg"):
            maker.make(str(photos / "broken.jpg"), lib)
        assert maker.make(str(photos / "coffee.jpg"), lib)  # still serving, the same process
        assert maker._process.pid == helper
        if sys.platform.startswith("linux"):
            ours = os.getpriority(os.PRIO_PROCESS, 0)
            assert os.getpriority(os.PRIO_PROCESS, helper) == min(19, ours + BACKGROUND_NICE)
            assert os.getpriority(os.PRIO_PROCESS, 0) == ours
    finally:
        maker.close()
    assert maker._process is None


def test_a_helper_that_died_leaves_the_thumbnails_to_the_caller(library, library_dir) -> None:
    lib, photos = library
    maker = ThumbnailMaker(str(library_dir))
    maker.make(str(photos / "cat.jpg"), lib)
    os.kill(maker._process.pid, signal.SIGKILL)
    maker._process.join(10)
    made = maker.make(str(photos / "coffee.jpg"), lib)  # made here instead, not lost
    assert made == lib.thumbnail(photos / "coffee.jpg")
    assert maker._process is None
