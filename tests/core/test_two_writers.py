"""One writer at a time across processes, and a folder that cannot be watched by OS events."""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path

import pytest
from watchdog.observers.api import BaseObserver

from photofind.cli import main
from photofind.core.library import Library
from photofind.core.worker import EventKind, LibraryWorker, WorkerEvent
from photofind.core.writer_lock import writer_lock
from tests.core.test_watching import wait_until
from tests.helpers import TINY, make_photo


def test_index_waits_for_the_writer_with_a_message(
    library_dir: Path, photo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    codes: list[int] = []
    library_dir.mkdir(parents=True)
    with writer_lock(library_dir):
        cli = threading.Thread(
            target=lambda: codes.append(
                main(["index", str(photo_dir), "--model", TINY, "--device", "cpu"])
            )
        )
        cli.start()
        time.sleep(1.0)
        assert cli.is_alive() and codes == []  # waiting, having written nothing
        with Library.open(library_dir) as lib:
            assert lib.catalog.counts(TINY).photos == 0
    cli.join(60)
    assert codes == [0]
    err = capsys.readouterr().err
    assert "another photofind" in err and "waiting" in err
    with Library.open(library_dir) as lib:
        assert lib.catalog.counts(TINY).indexed == 8


def test_worker_waits_for_another_writer(library_dir: Path, photo_dir: Path) -> None:
    reader = Library.open(library_dir, device="cpu")
    reader.set_model(TINY)
    reader.add([photo_dir])
    events: list[WorkerEvent] = []
    worker = LibraryWorker(library_dir, events.append, device="cpu", quiet_s=0.2)
    try:
        with reader.writing():  # `photofind index` at work in another process
            worker.start()
            wait_until(lambda: any(e.kind is EventKind.WAITING for e in events))
            assert reader.catalog.counts(TINY).photos == 0
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 8)
    finally:
        worker.stop()
        reader.close()
    assert not [e for e in events if e.kind is EventKind.ERROR]


def test_inotify_limit_falls_back_to_polling(
    library_dir: Path, photo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from watchdog.observers.polling import PollingObserver

    real_schedule = BaseObserver.schedule

    def schedule(self: BaseObserver, *args: object, **kwargs: object):
        if not isinstance(self, PollingObserver):
            raise OSError(errno.ENOSPC, "inotify watch limit reached")
        return real_schedule(self, *args, **kwargs)

    monkeypatch.setattr(BaseObserver, "schedule", schedule)
    reader = Library.open(library_dir, device="cpu")
    reader.set_model(TINY)
    reader.add([photo_dir])
    events: list[WorkerEvent] = []
    worker = LibraryWorker(
        library_dir, events.append, device="cpu", quiet_s=0.2, settle_s=0.2, poll_s=0.3
    )
    worker.start()
    try:
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 8)
        (polling,) = [e for e in events if e.kind is EventKind.POLLING]
        assert str(photo_dir) in polling.message and "inotify watch limit" in polling.message
        make_photo(photo_dir / "new.jpg", seed=77)  # found by polling, not by a rescan timer
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 9)
    finally:
        worker.stop()
        reader.close()
    assert not [e for e in events if e.kind in (EventKind.OFFLINE, EventKind.ERROR)]


def test_index_hands_its_folders_to_the_running_worker(
    library_dir: Path, photo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reader = Library.open(library_dir, device="cpu")
    reader.set_model(TINY)
    events: list[WorkerEvent] = []
    worker = LibraryWorker(library_dir, events.append, device="cpu", quiet_s=0.2, settle_s=0.0)
    worker.start()
    try:
        wait_until(lambda: any(e.kind is EventKind.STARTED for e in events))
        with reader.writing():  # the worker is busy writing: `index` must not just wait
            started = time.monotonic()
            assert main(["--library", str(library_dir), "index", str(photo_dir)]) == 0
            assert time.monotonic() - started < 5
        assert "indexes" in capsys.readouterr().err
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 8)
        assert [f.path for f in reader.catalog.folders()] == [str(photo_dir.resolve())]
        handed = [e for e in events if e.kind is EventKind.HANDED]
        assert len(handed) == 1 and str(photo_dir.resolve()) in handed[0].message
    finally:
        worker.stop()
        reader.close()
    assert not [e for e in events if e.kind is EventKind.ERROR]
    # Without a running worker, `index` does the work itself.
    more = tmp_path / "more"
    make_photo(more / "m.jpg", seed=91)
    assert main(["--library", str(library_dir), "index", str(more)]) == 0
    with Library.open(library_dir) as lib:
        assert lib.catalog.counts(TINY).indexed == 9
