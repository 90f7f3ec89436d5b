"""The worker in a process of its own: it indexes, reports, obeys, stops, and comes back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from photofind.core.library import Library
from photofind.core.worker_events import EventKind, WorkerEvent
from photofind.core.worker_process import WorkerProcess
from tests.core.test_watching import wait_until

TIMEOUT = 120.0  # a fresh process loads the bundled model


def write_photos(folder: Path, names: tuple[str, ...]) -> None:
    from skimage import data

    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        Image.fromarray(getattr(data, name)()).convert("RGB").save(folder / f"{name}.jpg")


class Events:
    """Collects a worker's events from its reader thread."""

    def __init__(self) -> None:
        self.seen: list[WorkerEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: WorkerEvent) -> None:
        with self._lock:
            self.seen.append(event)

    def count(self, kind: EventKind) -> int:
        with self._lock:
            return sum(e.kind is kind for e in self.seen)

    def messages(self, kind: EventKind) -> list[str]:
        with self._lock:
            return [e.message for e in self.seen if e.kind is kind]


@pytest.fixture
def started(library_dir: Path, tmp_path: Path):
    photos = tmp_path / "photos"
    write_photos(photos, ("chelsea", "coffee", "rocket"))
    with Library.open(library_dir) as lib:
        lib.add([photos])
    events = Events()
    worker = WorkerProcess(library_dir, events, quiet_s=0.2, settle_s=0.0, device="cpu")
    worker.start()
    yield worker, events, photos
    worker.stop()


def indexed(library_dir: Path) -> tuple[int, int]:
    """(photos, indexed with the library's model)."""
    with Library.open(library_dir) as lib:
        counts = lib.catalog.counts(lib.model)
    return counts.photos, counts.indexed


def test_it_indexes_in_its_own_process_and_reports(started, library_dir: Path) -> None:
    worker, events, photos = started
    wait_until(lambda: events.count(EventKind.INDEXED) > 0, TIMEOUT)
    assert worker._process.pid != os.getpid()
    assert indexed(library_dir) == (3, 3)
    worker.pause()
    wait_until(lambda: events.count(EventKind.PAUSED) == 1)
    assert worker.paused
    write_photos(photos, ("astronaut",))
    worker.request_scan()
    worker.resume()
    wait_until(lambda: events.count(EventKind.INDEXED) > 1, TIMEOUT)
    assert indexed(library_dir) == (4, 4)
    worker.stop()
    assert not worker.is_alive()
    assert events.count(EventKind.STOPPED) == 1  # the child's own last word arrived


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="niceness is a thread's own")
def test_the_process_runs_lowered_from_its_start_and_once(started) -> None:
    """It is started by a thread that lowered itself, so its imports already run below the
    UI thread; it does not lower itself again (19 instead of 10 would starve indexing)."""
    from photofind.core.priority import BACKGROUND_NICE

    worker, events, _ = started
    wait_until(lambda: events.count(EventKind.STARTED) == 1, TIMEOUT)
    pid = worker._process.pid
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    theirs = {
        int(Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()[16])
        for tid in os.listdir(f"/proc/{pid}/task")
    }
    assert theirs == {min(19, ours + BACKGROUND_NICE)}
    assert os.getpriority(os.PRIO_PROCESS, 0) == ours  # the app's thread is untouched


def test_a_killed_process_is_started_again_and_finishes(started, library_dir: Path) -> None:
    worker, events, _ = started
    wait_until(lambda: events.count(EventKind.STARTED) == 1, TIMEOUT)
    first = worker._process.pid
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: events.count(EventKind.STARTED) == 2, TIMEOUT)
    assert worker._process.pid != first
    assert any("stopped unexpectedly" in m for m in events.messages(EventKind.ERROR))
    wait_until(lambda: events.count(EventKind.INDEXED) > 0, TIMEOUT)
    assert indexed(library_dir) == (3, 3)


def test_the_process_ends_when_the_app_dies(library_dir: Path) -> None:
    """An app killed outright leaves no worker behind: its end of the pipe closes."""
    script = (
        "import os, sys, time\n"
        "from photofind.core.worker_process import WorkerProcess\n"
        "if __name__ == '__main__':\n"
        "    w = WorkerProcess(sys.argv[1], quiet_s=0.2, settle_s=0.0)\n"
        "    w.start()\n"
        "    time.sleep(1)\n"
        "    print(w._process.pid, flush=True)\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    app = subprocess.Popen(
        [sys.executable, "-c", script, str(library_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )  # not run(): the worker holds the pipe too, and would be waited for
    assert app.stdout is not None
    child = int(app.stdout.readline())
    assert app.wait(30) == -signal.SIGKILL

    def gone() -> bool:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return True
        return (
            Path(f"/proc/{child}/stat").exists()
            and " Z " in Path(f"/proc/{child}/stat").read_text()
        )  # a zombie has ended (its parent, init here, reaps it)

    wait_until(gone, 30)
