"""The background worker follows a watched folder: create, modify, rename, move, delete, bursts."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from photofind.core.library import Library
from photofind.core.worker import EventKind, LibraryWorker, WorkerEvent
from tests.helpers import TINY, TINY_B, make_photo


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout} s")


Watched = tuple[Library, LibraryWorker, Path, list[WorkerEvent]]


@pytest.fixture
def watched(library_dir: Path, tmp_path: Path) -> Iterator[Watched]:
    root = tmp_path / "watched"
    for i in range(3):
        make_photo(root / f"p{i}.jpg", seed=i, quality=85)
    reader = Library.open(library_dir, device="cpu")
    reader.set_model(TINY)
    reader.add([root])
    events: list[WorkerEvent] = []
    worker = LibraryWorker(
        library_dir, events.append, device="cpu", quiet_s=0.3, settle_s=0.3, offline_check_s=0.5
    )
    worker.start()
    wait_until(lambda: reader.catalog.counts(TINY).indexed == 3)
    yield reader, worker, root, events
    worker.stop()
    assert not worker.is_alive()
    reader.close()
    assert events[-1].kind is EventKind.STOPPED
    assert not [e for e in events if e.kind is EventKind.ERROR]


def _paths(lib: Library, query: Path) -> set[str]:
    return {m.path for m in lib.similar(query, k=100)}


def test_worker_follows_every_kind_of_change(watched: Watched) -> None:
    lib, _, root, _ = watched
    # created
    make_photo(root / "new.jpg", seed=50, quality=85)
    wait_until(lambda: str(root / "new.jpg") in _paths(lib, root / "p0.jpg"))
    # modified: a new vector for the same row
    before = lib.photo(root / "p0.jpg")
    old_vector = lib.catalog.vector(before.id, TINY)
    make_photo(root / "p0.jpg", seed=60, quality=85)

    def p0_changed() -> bool:
        vector = lib.catalog.vector(before.id, TINY)
        return vector is not None and not (vector == old_vector).all()

    wait_until(p0_changed)
    # renamed, and moved into a new sub-folder: same rows, no new model work
    p1, p2 = lib.photo(root / "p1.jpg"), lib.photo(root / "p2.jpg")
    os.rename(root / "p1.jpg", root / "renamed.jpg")
    (root / "sub").mkdir()
    shutil.move(root / "p2.jpg", root / "sub" / "p2.jpg")
    wait_until(
        lambda: (
            lib.photo(root / "sub" / "p2.jpg") is not None
            and lib.photo(root / "renamed.jpg") is not None
        )
    )
    assert lib.photo(root / "renamed.jpg").id == p1.id
    assert lib.photo(root / "sub" / "p2.jpg").id == p2.id
    assert lib.photo(root / "p1.jpg") is None
    # deleted
    (root / "new.jpg").unlink()
    wait_until(lambda: lib.photo(root / "new.jpg") is None)
    assert str(root / "new.jpg") not in _paths(lib, root / "p0.jpg")
    assert lib.catalog.counts(TINY).photos == 3


def test_burst_of_a_thousand_files(watched: Watched) -> None:
    lib, worker, root, _ = watched
    burst = root / "burst"
    burst.mkdir()
    peak_dirty = 0
    for i in range(1000):
        make_photo(burst / f"b{i:04}.png", seed=1000 + i, size=(48, 36))
        peak_dirty = max(peak_dirty, len(worker._watcher._dirty))
    wait_until(lambda: lib.catalog.counts(TINY).indexed == 1003, timeout=120)
    assert peak_dirty <= 1  # one entry per library folder, however many events
    rows = lib.catalog._db.execute("SELECT COUNT(DISTINCT photo_id) FROM embeddings").fetchone()
    assert rows[0] == 1003


def test_offline_folder_is_hidden_then_returns(watched: Watched, tmp_path: Path) -> None:
    lib, _, root, events = watched
    query = make_photo(tmp_path / "query.jpg", seed=0, quality=85)
    assert len(_paths(lib, query)) == 3
    unplugged = tmp_path / "elsewhere"
    os.rename(root, unplugged)  # as if the drive were unplugged
    wait_until(lambda: any(e.kind is EventKind.OFFLINE for e in events))
    wait_until(lambda: not _paths(lib, query))
    assert lib.catalog.counts(TINY).photos == 3  # kept, only hidden
    os.rename(unplugged, root)
    wait_until(lambda: len(_paths(lib, query)) == 3)
    assert any(e.kind is EventKind.ONLINE for e in events)
    assert lib.catalog.counts(TINY).indexed == 3


def test_pause_resume_and_cancel(watched: Watched) -> None:
    lib, worker, root, _ = watched
    worker.pause()
    for i in range(40):
        make_photo(root / "more" / f"m{i}.jpg", seed=300 + i, quality=80)
    wait_until(lambda: not worker.is_idle())  # the watch saw them and asked for a scan
    time.sleep(1.0)
    assert lib.catalog.counts(TINY).photos == 3  # a paused worker does not even scan
    worker.cancel()  # drops the held scan: nothing changed, nothing pending
    wait_until(worker.is_idle)
    assert lib.catalog.counts(TINY).photos == 3 and not worker.paused
    worker.request_scan()  # the next change (or a request) does the work
    wait_until(lambda: lib.catalog.counts(TINY).indexed == 43)


@pytest.mark.skipif(os.name != "posix", reason="SIGINT")
def test_watch_command_runs_until_ctrl_c(library_dir: Path, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    root = tmp_path / "photos"
    for i in range(3):
        make_photo(root / f"p{i}.jpg", seed=i, quality=85)
    with Library.open(library_dir) as lib:
        lib.set_model(TINY)
    repo = Path(__file__).resolve().parents[2]
    script = (  # Ctrl-C's handler back: a background job of a shell starts with SIGINT ignored
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from tests.helpers import register_tiny; register_tiny(); "
        "from photofind.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, "--library", str(library_dir), "watch", str(root)],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reader = Library.open(library_dir)
    try:
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 3, timeout=60)
        make_photo(root / "late.jpg", seed=9, quality=85)
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 4, timeout=30)
    finally:
        child.send_signal(signal.SIGINT)
        try:
            _, err = child.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            _, err = child.communicate()
            pytest.fail(f"watch did not stop within 60 s of Ctrl-C; its stderr:\n{err}")
        finally:
            reader.close()
    assert child.returncode == 0, err
    assert "Watching 1 folders" in err and "Stopping" in err and "Traceback" not in err


def test_model_switch_in_background_swaps_atomically(
    watched: Watched, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib, worker, root, events = watched
    before = [(m.path, m.score) for m in lib.similar(root / "p0.jpg")]
    gate = threading.Event()
    promote = Library.promote_next_model

    def held(
        self: Library,
    ) -> bool:  # hold the worker after the new model's vectors, before the swap
        gate.wait(10)
        return promote(self)

    monkeypatch.setattr(Library, "promote_next_model", held)
    worker.switch_model(TINY_B)
    wait_until(lambda: lib.catalog.counts(TINY_B).indexed == 3)
    assert (lib.model, lib.next_model) == (TINY, TINY_B)
    assert [(m.path, m.score) for m in lib.similar(root / "p0.jpg")] == before  # old vectors
    gate.set()
    wait_until(lambda: lib.model == TINY_B)
    assert lib.next_model is None
    after = lib.similar(root / "p0.jpg")
    assert len(after) == 2 and [(m.path, m.score) for m in after] != before
    assert any(e.kind is EventKind.MODEL_SWITCHED for e in events)


def test_polling_folder_and_a_file_still_being_written(library_dir: Path, tmp_path: Path) -> None:
    """A folder watched by polling (network shares) follows changes too; a file being written
    is indexed once, complete, after it stops changing."""
    share = tmp_path / "share"
    share.mkdir()
    with Library.open(library_dir) as lib:
        lib.set_model(TINY)
        lib.add([share], polling=True)
        assert lib.catalog.folders()[0].polling
    events: list[WorkerEvent] = []
    worker = LibraryWorker(
        library_dir, events.append, device="cpu", quiet_s=0.3, settle_s=2.0, poll_s=0.3
    )
    worker.start()
    reader = Library.open(library_dir)
    try:
        wait_until(worker.is_idle)
        data = make_photo(tmp_path / "src.jpg", seed=7, size=(640, 480), quality=90).read_bytes()
        with open(share / "slow.jpg", "wb") as f:  # in pieces, pausing longer than quiet_s
            for start in range(0, len(data), len(data) // 6):
                f.write(data[start : start + len(data) // 6])
                f.flush()
                time.sleep(0.7)
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 1)
        failures = [f for e in events if e.progress for f in e.progress.failures]
        assert failures == []  # never read half-written
        photo = reader.photo(share / "slow.jpg")
        assert (photo.width, photo.height) == (640, 480)
    finally:
        worker.stop()
        reader.close()
    assert not [e for e in events if e.kind is EventKind.ERROR]


def test_worker_reports_a_model_that_cannot_load_and_keeps_watching(
    watched: Watched, monkeypatch: pytest.MonkeyPatch
) -> None:
    from photofind.core import library_models as library_module
    from photofind.core.models import ModelError

    lib, worker, _, events = watched
    real = library_module.load_embedder

    def broken(*args: object, **kwargs: object) -> None:
        raise ModelError("the weights are missing")

    monkeypatch.setattr(library_module, "load_embedder", broken)
    worker.switch_model(TINY_B)  # the worker must load a model it has not loaded yet
    wait_until(lambda: any(e.kind is EventKind.ERROR for e in events))
    assert "the weights are missing" in next(e.message for e in events if e.kind is EventKind.ERROR)
    assert worker.is_alive() and lib.model == TINY
    monkeypatch.setattr(library_module, "load_embedder", real)
    events.clear()  # the fixture's teardown checks that no further error came
    worker.request_scan()
    wait_until(lambda: lib.model == TINY_B)
