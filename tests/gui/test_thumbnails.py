"""The thumbnail loader every view shares: a view that shows nothing must not starve another."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PIL import Image
from PySide6.QtCore import QCoreApplication
from skimage import data

from photofind.gui.thumbnails import READERS, ThumbnailLoader


class QueuedJobs:
    """Stands in for `Jobs`: holds reads until the test runs them (as a busy pool would)."""

    def __init__(self, jpeg: bytes) -> None:
        self.pending: list[tuple[Callable, Callable]] = []
        self.jpeg = jpeg

    def stream(self, fn: Callable, each: Callable, *, priority: int = 0) -> None:
        self.pending.append((fn, each))

    def thumbnail(self, path: str) -> bytes:  # the reader thread's `Library`, too
        return self.jpeg

    def cached_thumbnail(self, path: str) -> bytes | None:
        return None  # none cached: each is made from the photo

    def run_all(self) -> None:
        QCoreApplication.processEvents()  # the loader hands requests over after the event
        while self.pending:
            fn, each = self.pending.pop(0)
            for item in fn(self):
                each(item)


def cat_jpeg() -> bytes:
    out = io.BytesIO()
    Image.fromarray(data.chelsea()).resize((128, 96)).save(out, "JPEG")
    return out.getvalue()


def test_an_empty_view_keeps_the_main_grids_requests(qtbot) -> None:
    """At start-up the detail panel's similar grid (empty) said it showed nothing while the main
    grid's first screen was still queued; those thumbnails never came (1 start in 8)."""
    jobs = QueuedJobs(cat_jpeg())
    loader = ThumbnailLoader(jobs)  # type: ignore[arg-type]
    main_grid, side_grid = object(), object()
    first_screen = [f"/photos/{i}.jpg" for i in range(6)]
    arrived: list[str] = []
    loader.ready.connect(arrived.append)

    assert all(loader.pixmap(p) is None for p in first_screen)  # asked for
    loader.retain(main_grid, set(first_screen))
    loader.retain(side_grid, set())
    jobs.run_all()

    assert sorted(arrived) == sorted(first_screen)
    assert all(loader.pixmap(p) is not None for p in first_screen)


def test_rows_no_view_shows_are_dropped(qtbot) -> None:
    jobs = QueuedJobs(cat_jpeg())
    loader = ThumbnailLoader(jobs)  # type: ignore[arg-type]
    grid = object()
    scrolled_past = [f"/photos/a{i}.jpg" for i in range(4)]
    on_screen = [f"/photos/b{i}.jpg" for i in range(4)]
    for path in scrolled_past + on_screen:
        loader.pixmap(path)
    loader.retain(grid, set(on_screen))
    arrived: list[str] = []
    loader.ready.connect(arrived.append)
    jobs.run_all()

    assert sorted(arrived) == sorted(on_screen)
    assert loader.pixmap(scrolled_past[0]) is None  # asked again now that it is wanted


class SlowLibrary:
    """A `Library` whose thumbnails of photos not indexed yet take a while to make."""

    def __init__(self, jpeg: bytes, cached: set[str]) -> None:
        self.jpeg, self.cached = jpeg, cached
        self.making = self.most = 0
        self.lock = threading.Lock()

    def cached_thumbnail(self, path: str) -> bytes | None:
        return self.jpeg if path in self.cached else None

    def thumbnail(self, path: str) -> bytes:
        with self.lock:
            self.making += 1
            self.most = max(self.most, self.making)
        time.sleep(0.02)
        with self.lock:
            self.making -= 1
        return self.jpeg


def test_requests_reach_the_readers_once_the_paint_has_ended(qtbot) -> None:
    """A reader woken by the first cell's paint took a core from the UI thread painting the
    rest of the grid (start-up stalls of 40 to 80 ms): a paint's requests go after it."""
    jobs = QueuedJobs(cat_jpeg())
    loader = ThumbnailLoader(jobs)  # type: ignore[arg-type]
    screen = [f"/photos/{i}.jpg" for i in range(12)]
    for path in screen:  # one paint of the grid
        assert loader.pixmap(path) is None
    assert jobs.pending == []
    QCoreApplication.processEvents()
    assert jobs.pending
    loader.pixmap(screen[0])  # asked again before it arrived: no second read
    arrived: list[str] = []
    loader.ready.connect(arrived.append)
    jobs.run_all()
    assert arrived == screen[::-1]  # newest first, each once


def test_a_paint_wakes_a_few_readers_not_one_per_thumbnail(qtbot) -> None:
    """Each reader job cost the UI thread a thread wake-up (0.24 ms here), dozens a tick while
    the grid scrolled: a few jobs serve all of a paint's requests, and a request made after
    they finished starts one again."""
    jobs = QueuedJobs(cat_jpeg())
    loader = ThumbnailLoader(jobs)  # type: ignore[arg-type]
    screen = [f"/photos/{i}.jpg" for i in range(40)]
    for path in screen:
        loader.pixmap(path)
    QCoreApplication.processEvents()
    assert len(jobs.pending) == READERS
    loader.pixmap("/photos/late.jpg")  # while they are busy: no job more
    QCoreApplication.processEvents()
    assert len(jobs.pending) == READERS
    jobs.run_all()
    assert all(loader.pixmap(p) is not None for p in [*screen, "/photos/late.jpg"])
    loader.pixmap("/photos/next.jpg")  # the readers are done: a new one starts
    QCoreApplication.processEvents()
    assert len(jobs.pending) == 1
    jobs.run_all()
    assert loader.pixmap("/photos/next.jpg") is not None


def test_one_reader_at_a_time_makes_a_thumbnail_from_the_photo(qtbot) -> None:
    """Reader threads at the UI thread's priority making thumbnails side by side took both
    cores at start-up; cached thumbnails still load side by side."""
    jobs = QueuedJobs(cat_jpeg())
    loader = ThumbnailLoader(jobs)  # type: ignore[arg-type]
    paths = [f"/photos/{i}.jpg" for i in range(9)]
    lib = SlowLibrary(jobs.jpeg, cached=set(paths[6:]))
    for path in paths:
        loader.pixmap(path)
    QCoreApplication.processEvents()
    calls = [fn for fn, _ in jobs.pending]
    with ThreadPoolExecutor(3) as pool:
        results = [r for rs in pool.map(lambda fn: list(fn(lib)), calls) for r in rs]
    assert sorted(path for path, image in results if image is not None) == sorted(paths)
    assert lib.most == 1


class RecordingMaker:
    """Stands in for `ThumbnailMaker` (the helper process)."""

    def __init__(self, jpeg: bytes) -> None:
        self.jpeg, self.made = jpeg, []

    def make(self, path: str, lib: object) -> bytes:
        self.made.append(path)
        return self.jpeg


def test_photos_not_indexed_yet_go_to_the_helper_process(qtbot) -> None:
    """The readers no longer make those thumbnails themselves (they took the UI thread's cores
    and its GIL at start-up): the helper does; cached ones are read as before."""
    jobs = QueuedJobs(cat_jpeg())
    jobs.thumbnail = None  # type: ignore[assignment,method-assign]  # must not be called
    maker = RecordingMaker(jobs.jpeg)
    loader = ThumbnailLoader(jobs, maker=maker)  # type: ignore[arg-type]
    paths = [f"/photos/{i}.jpg" for i in range(3)]
    for path in paths:
        loader.pixmap(path)
    jobs.run_all()
    assert sorted(maker.made) == sorted(paths)
    assert all(loader.pixmap(p) is not None for p in paths)
