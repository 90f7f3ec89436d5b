"""GUI fixtures: Qt offscreen, settings in a temporary folder, libraries of real photos."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PIL import Image, ImageEnhance
from PySide6.QtCore import QSettings

from photofind.core.library import Library
from photofind.gui.app import application, create_window
from photofind.gui.window import MainWindow

SCENES = ("chelsea", "coffee", "rocket", "astronaut", "hubble_deep_field", "immunohistochemistry")


def write_real_photos(folder: Path) -> list[Path]:
    """scikit-image's photos as JPEGs, plus a half-size copy of the cat (a duplicate)."""
    from skimage import data

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in SCENES:
        path = folder / f"{name}.jpg"
        Image.fromarray(getattr(data, name)()).convert("RGB").save(path, quality=92)
        paths.append(path)
    cat = Image.open(folder / "chelsea.jpg")
    small = folder / "chelsea_small.jpg"
    ImageEnhance.Brightness(cat.resize((cat.width // 2, cat.height // 2))).enhance(1.1).save(
        small, quality=70
    )
    paths.append(small)
    return paths


@pytest.fixture(scope="session")
def real_library(tmp_path_factory: pytest.TempPathFactory, _session_cache: Path) -> Path:
    """A library of real photos indexed once with the bundled model (read-only for tests)."""
    root = tmp_path_factory.mktemp("real")
    os.environ["PHOTOFIND_CACHE"] = str(_session_cache)
    index_real_photos(root)
    return root


def index_real_photos(root: Path) -> None:
    write_real_photos(root / "photos")
    with Library.open(root / "library", device="cpu") as lib:
        lib.add([root / "photos"])
        lib.scan()
        for _ in lib.index(batch_size=8):
            pass


@pytest.fixture(autouse=True)
def _qt_settings(tmp_path: Path) -> None:
    """Window geometry and last view go to a temporary folder, never the user's settings."""
    application()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qt"))


@pytest.fixture
def open_window(qtbot) -> Iterator:
    """Opens windows on a library; each is closed (worker stopped, pools drained) after the
    test, which fails if a thread it started is still running."""
    windows: list[MainWindow] = []
    before = set(threading.enumerate())

    def make(library_dir: Path, **options: object) -> MainWindow:
        window = create_window(library_dir, **options)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
    leftover = [
        t for t in set(threading.enumerate()) - before if t.is_alive() and "photofind" in t.name
    ]
    assert not leftover, f"threads left running: {leftover}"


@pytest.fixture
def own_library(tmp_path: Path) -> Path:
    """A library of its own over a copy of the real photos, for a test that changes it."""
    index_real_photos(tmp_path / "own")
    return tmp_path / "own"


def copy_photo(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dest)
    return dest
