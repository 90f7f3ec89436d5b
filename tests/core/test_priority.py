"""Indexing runs below the app's UI thread: the worker's thread, and every thread it starts."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from photofind.core.priority import BACKGROUND_NICE, lower_this_thread
from photofind.core.worker import LibraryWorker
from tests.core.test_watching import wait_until

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a thread's own niceness is Linux's"
)


def niceness(native_id: int = 0) -> int:
    return os.getpriority(os.PRIO_PROCESS, native_id)


@pytest.fixture(autouse=True)
def _room_below() -> None:
    if niceness() + BACKGROUND_NICE > 19:
        pytest.skip("this process already runs at the lowest priority")


def test_threads_started_after_lowering_inherit_it() -> None:
    """ONNX Runtime's pool and the decode threads are started by the worker: they inherit."""
    seen: dict[str, int] = {}

    def child() -> None:
        seen["child"] = niceness()

    def parent() -> None:
        seen["lowered"] = lower_this_thread()
        seen["parent"] = niceness()
        t = threading.Thread(target=child)
        t.start()
        t.join()

    t = threading.Thread(target=parent)
    t.start()
    t.join()
    lowered = niceness() + BACKGROUND_NICE
    assert seen == {"lowered": True, "parent": lowered, "child": lowered}
    assert niceness() == lowered - BACKGROUND_NICE  # the caller's thread is untouched


def test_the_worker_thread_runs_lowered(tmp_path: Path) -> None:
    events: list[object] = []
    worker = LibraryWorker(tmp_path / "library", events.append, device="cpu", quiet_s=0.2)
    worker.start()
    try:
        native = worker._thread.native_id
        assert native is not None
        wait_until(lambda: niceness(native) == niceness() + BACKGROUND_NICE, timeout=10)
    finally:
        worker.stop()


def test_lowering_the_process_lowers_threads_started_before_it_too() -> None:
    """OpenBLAS starts threads as NumPy is imported, before the worker process can lower
    itself; in a fresh process (lowering is one way), every thread ends up lowered once."""
    script = """
import os, threading
from photofind.core.priority import BACKGROUND_NICE, lower_this_process, lower_this_thread
nice = lambda tid=0: os.getpriority(os.PRIO_PROCESS, tid)
base = nice()
ready, done = threading.Event(), threading.Event()
early = {}
def before():
    early["tid"] = threading.get_native_id()
    ready.set()
    done.wait()
t = threading.Thread(target=before)
t.start()
ready.wait()
assert lower_this_process()
later = {}
def after():
    later["first"] = lower_this_thread()  # the worker's own call: nothing more
    later["nice"] = nice()
u = threading.Thread(target=after)
u.start()
u.join()
print(nice() - base, nice(early["tid"]) - base, later["nice"] - base, later["first"])
done.set()
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    step = str(BACKGROUND_NICE)
    assert out == [step, step, step, "False"]
