"""The worker for an app that runs for weeks: stop and pause act at once, errors are survived,
and a photo the model fails on costs only itself."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from photofind.core import indexer, walking
from photofind.core.indexer import prepare_photo
from photofind.core.library import Library
from photofind.core.worker import EventKind, LibraryWorker, WorkerEvent
from tests.core.test_watching import wait_until
from tests.helpers import TINY, make_photo


def test_a_photo_the_model_fails_on_costs_only_itself(
    tiny_library: Library, photo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny_library.add([photo_dir])
    tiny_library.scan()
    embedder = tiny_library.embedder()
    poison = prepare_photo(photo_dir / "p3.jpg", embedder).pixels
    real_embed = embedder.embed

    def embed(batch: np.ndarray):
        if any(np.array_equal(x, poison) for x in batch):
            raise RuntimeError("CUDA error: an illegal memory access was encountered")
        return real_embed(batch)

    monkeypatch.setattr(embedder, "embed", embed)
    steps = list(tiny_library.index(batch_size=4))
    assert (steps[-1].indexed, steps[-1].failed) == (7, 1)
    (failed,) = tiny_library.failures()
    assert failed.path == str(photo_dir / "p3.jpg") and "illegal memory access" in failed.error


def test_an_error_every_photo_meets_is_raised_not_blamed_on_photos(
    tiny_library: Library, photo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny_library.add([photo_dir])
    tiny_library.scan()
    embedder = tiny_library.embedder()

    def broken(batch: np.ndarray):
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(embedder, "embed", broken)
    with pytest.raises(RuntimeError, match="out of memory"):
        list(tiny_library.index(batch_size=4))
    assert tiny_library.failures() == [] and tiny_library.catalog.counts(TINY).pending == 8


def _worker(library_dir: Path, root: Path, on_event: Callable[[WorkerEvent], None], **kw: object):
    reader = Library.open(library_dir, device="cpu")
    reader.set_model(TINY)
    reader.add([root])
    worker = LibraryWorker(library_dir, on_event, device="cpu", quiet_s=0.2, **kw)
    return reader, worker


def test_worker_reports_backs_off_and_carries_on(
    library_dir: Path, photo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_index = Library.index
    calls = []

    def flaky(self: Library, **kw: object):
        calls.append(1)
        if len(calls) <= 2:
            raise sqlite3.OperationalError("database is locked")
        return real_index(self, **kw)

    monkeypatch.setattr(Library, "index", flaky)
    events: list[WorkerEvent] = []
    reader, worker = _worker(library_dir, photo_dir, events.append, backoff_s=0.1)
    worker.start()
    try:
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 8)
        errors = [e.message for e in events if e.kind is EventKind.ERROR]
        assert len(errors) == 2 and all("busy in another program" in m for m in errors)
        assert "trying again in 0.1 s" in errors[0] and "trying again in 0.2 s" in errors[1]
        assert worker.is_alive()
    finally:
        worker.stop()
        reader.close()


def _slow_share(
    library_dir: Path, root: Path, folders: int, delay_s: float, monkeypatch: pytest.MonkeyPatch
) -> tuple[Library, LibraryWorker, list[WorkerEvent], list[str]]:
    """A worker started on a slow network share of `folders` folders, each listed in `delay_s`
    once the watch is set up; returns once the scan lists its first folder. The events and the
    folders listed so far fill in as the worker goes."""
    for i in range(folders):
        (root / f"d{i:03}").mkdir(parents=True)
    make_photo(root / "d000" / "a.jpg", seed=1)
    real_scandir = os.scandir
    watching, listing = threading.Event(), threading.Event()
    listed: list[str] = []
    events: list[WorkerEvent] = []

    def slow_scandir(path):
        if watching.is_set():  # (the watch is set up first, with the same call)
            listing.set()
            listed.append(str(path))
            time.sleep(delay_s)
        return real_scandir(path)

    def on_event(event: WorkerEvent) -> None:
        events.append(event)
        if event.kind is EventKind.STARTED:
            watching.set()

    monkeypatch.setattr(walking.os, "scandir", slow_scandir)
    reader, worker = _worker(library_dir, root, on_event)
    worker.start()
    listing.wait(10)
    return reader, worker, events, listed


def test_stop_during_a_scan_is_honoured(
    library_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 100 folders take 20 s to list
    reader, worker, events, _ = _slow_share(library_dir, tmp_path / "nas", 100, 0.2, monkeypatch)
    worker.stop(timeout=5)  # long before the scan could finish
    assert not worker.is_alive()
    assert reader.catalog.counts(TINY).photos == 0  # the unfinished scan changed nothing
    assert not [e for e in events if e.kind in (EventKind.SCANNED, EventKind.ERROR)]
    reader.close()


def test_pause_holds_a_scan_within_a_second(
    library_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader, worker, events, listed = _slow_share(
        library_dir, tmp_path / "nas", 30, 0.1, monkeypatch
    )
    worker.pause()
    time.sleep(0.5)  # a folder being listed when the pause came may finish
    held = len(listed)
    time.sleep(1.5)
    assert len(listed) == held < 31  # nothing more listed while paused
    assert not [e for e in events if e.kind is EventKind.SCANNED]
    worker.resume()
    deadline = time.monotonic() + 30
    while not [e for e in events if e.kind is EventKind.SCANNED] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(listed) >= 31  # the scan went on from where it was held, and finished
    worker.stop(timeout=5)
    reader.close()


def test_pause_acts_between_photos_not_after_a_batch(
    library_dir: Path, photo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real_prepare = indexer._safe_prepare

    def gated(photo, *args):
        if photo.path.endswith("p2.jpg"):
            gate.wait(10)
        return real_prepare(photo, *args)

    monkeypatch.setattr(indexer, "_safe_prepare", gated)
    events: list[WorkerEvent] = []
    reader, worker = _worker(library_dir, photo_dir, events.append, batch_size=32)
    worker.start()
    try:
        wait_until(lambda: reader.catalog.counts(TINY).photos == 8)
        worker.pause()  # mid-batch: the batch of 32 is being gathered
        gate.set()
        time.sleep(0.5)
        assert reader.catalog.counts(TINY).indexed == 0  # held before the next photo
        worker.resume()
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 8)
    finally:
        worker.stop()
        reader.close()
