"""The longest the app's UI thread stalls while indexing 1,000 photos with the grid scrolling.

    .venv/bin/python -m benchmarks.ui_stall [--photos 1000] [--platform offscreen|xcb]
        [--no-gc-freeze] [--in-process] [--trace]

Makes 1,000 distinct 1024x768 JPEGs from scikit-image's photos (random crops, mirrored), adds
them to a fresh library and opens the real app on it with its background worker indexing them
(the bundled model). A 5 ms timer on the UI thread records the gaps between its ticks while a
second timer scrolls the grid every 30 ms; the run ends when the last photo is indexed. A gap
longer than the timer's period is time the UI thread could not answer the user. The cyclic
garbage collector's passes are timed too (a full pass holds the GIL over every object);
`--no-gc-freeze` runs the app as it was before it froze its long-lived objects out of them.
`--in-process` runs the worker on a thread of the app's process, as before it had a process of
its own (its threads then share the GIL with the UI thread).
`--trace` samples every thread's Python stack while the UI thread is late by over 30 ms and
prints where each thread was most often: what to look at when the longest stall grows.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

TICK_MS = 5


def make_photos(folder: Path, count: int) -> None:
    from skimage import data

    sources = [
        Image.fromarray(getattr(data, n)()).convert("RGB")
        for n in ("chelsea", "coffee", "rocket", "astronaut", "hubble_deep_field", "cat")
    ]
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    for i in range(count):
        src = sources[i % len(sources)]
        w, h = src.size
        cw, ch = int(w * rng.uniform(0.5, 0.9)), int(h * rng.uniform(0.5, 0.9))
        x, y = int(rng.integers(0, w - cw)), int(rng.integers(0, h - ch))
        img = src.crop((x, y, x + cw, y + ch)).resize((1024, 768))
        if i % 2:
            img = ImageOps.mirror(img)
        img.save(folder / f"IMG_{i:04d}.jpg", quality=90)


IDLE = {"wait", "_wait_for_tstate_lock", "_check_inotify_fd", "select", "poll"}  # blocked


class StallTracer:
    """Samples every thread's stack while the UI thread's heartbeat is overdue."""

    def __init__(self, last_tick: list[float], late_s: float = 0.03) -> None:
        self.last_tick, self.late_s = last_tick, late_s
        self.samples: Counter[tuple[str, str]] = Counter()
        self.main = threading.main_thread().ident
        self.stop = threading.Event()
        threading.Thread(target=self._run, name="stall-tracer", daemon=True).start()

    def _run(self) -> None:
        while not self.stop.wait(0.005):
            if time.perf_counter() - self.last_tick[0] < self.late_s:
                continue
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident() or frame.f_code.co_name in IDLE:
                    continue
                where = " < ".join(
                    f"{Path(f.filename).name}:{f.lineno} {f.name}"
                    for f in reversed(traceback.extract_stack(frame)[-4:])
                )
                who = "UI" if ident == self.main else names.get(ident, "?").split("-")[0]
                self.samples[(who, where)] += 1

    def report(self, top: int = 12) -> None:
        print("  where threads were while the UI thread was late (samples every 5 ms):")
        for (who, where), n in self.samples.most_common(top):
            print(f"    {n:5d}  {who:<12} {where}")


_SCHEDSTAT: list[int] = []  # the UI thread's /proc file, opened once (opening costs 0.1 ms)


def ui_schedstat() -> tuple[float, float]:
    """The calling (UI) thread's ms on a core and ms runnable but waiting for one (Linux)."""
    try:
        if not _SCHEDSTAT:
            _SCHEDSTAT.append(os.open("/proc/thread-self/schedstat", os.O_RDONLY))
        on_cpu, waiting = os.pread(_SCHEDSTAT[0], 128, 0).split()[:2]
    except (OSError, ValueError):
        return (0.0, 0.0)
    return int(on_cpu) / 1e6, int(waiting) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--platform", default="offscreen")
    parser.add_argument("--no-gc-freeze", action="store_true")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--trace", action="store_true", help="sample stacks during stalls")
    args = parser.parse_args()
    if args.no_gc_freeze:
        gc.freeze = lambda: None
    if args.in_process:
        from photofind.core.worker import LibraryWorker
        from photofind.gui import indexing

        indexing.WorkerProcess = LibraryWorker  # type: ignore[misc]
    passes: list[tuple[int, float]] = []  # (generation, ms)
    full_at: list[float] = []  # when each full pass began
    began = [0.0]

    def collector(phase: str, info: dict) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            passes.append((info["generation"], (time.perf_counter() - began[0]) * 1000))
            if info["generation"] == 2:
                full_at.append(began[0])

    gc.callbacks.append(collector)
    os.environ["QT_QPA_PLATFORM"] = args.platform
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["XDG_CONFIG_HOME"] = str(root / "config")
        make_photos(root / "photos", args.photos)
        from PySide6.QtCore import QTimer

        from photofind.core.library import Library
        from photofind.core.worker import EventKind, WorkerEvent
        from photofind.gui.app import application, create_window

        with Library.open(root / "library") as lib:
            lib.add([root / "photos"])
        app = application()
        window = create_window(root / "library", quiet_s=0.2, settle_s=0.0)
        window.resize(1400, 900)
        window.show()
        gaps: list[tuple[float, float]] = []  # (when, gap ms)
        sched: list[tuple[float, float]] = []  # the UI thread's (on a core, waiting for one) ms
        first_batch: list[float] = []
        last = [time.perf_counter()]
        started = time.perf_counter()
        done: list[float] = []

        def tick() -> None:
            now = time.perf_counter()
            gaps.append((now, (now - last[0]) * 1000))
            sched.append(ui_schedstat())
            last[0] = now

        def scroll() -> None:
            bar = window.grid.verticalScrollBar()
            bar.setValue(bar.value() + 40 if bar.value() < bar.maximum() else 0)

        def event(e: WorkerEvent) -> None:
            if e.kind is EventKind.PROGRESS and not first_batch:
                first_batch.append(time.perf_counter())
            if e.kind is EventKind.INDEXED and not done:
                done.append(time.perf_counter())
                if tracer is not None:
                    tracer.stop.set()
                QTimer.singleShot(500, app.quit)

        assert window.bridge is not None
        window.bridge.event.connect(event)
        tracer = StallTracer(last) if args.trace else None
        heartbeat, scroller = QTimer(window, interval=TICK_MS), QTimer(window, interval=30)
        heartbeat.timeout.connect(tick)
        scroller.timeout.connect(scroll)
        heartbeat.start()
        scroller.start()
        QTimer.singleShot(600_000, app.quit)
        app.exec()
        window.close()
        window.deleteLater()
        app.processEvents()
    elapsed = (done[0] if done else time.perf_counter()) - started
    loaded = first_batch[0] if first_batch else float("inf")
    end = done[0] if done else float("inf")  # not the quit: closing waits for the worker
    settled = [(t, g - TICK_MS) for t, g in gaps[10:] if t <= end]  # the first ticks: the start
    stalls = np.array([g for _, g in settled])
    after = np.array([g for t, g in settled if t > loaded]) if first_batch else stalls
    print(
        f"indexing {args.photos} photos with the grid scrolling ({args.platform}): "
        f"{elapsed:.1f} s ({args.photos / elapsed:.1f} photos/s), model loaded after "
        f"{loaded - started:.1f} s"
    )
    for name, values in (("whole run", stalls), ("after the model loaded", after)):
        print(
            f"  UI thread, {name}: longest stall {values.max():.0f} ms, 99th percentile "
            f"{np.percentile(values, 99):.0f} ms, {(values > 50).sum()} of {len(values)} ticks "
            "late by over 50 ms"
        )
    worst = sorted(range(10, len(gaps)), key=lambda i: -gaps[i][1] if gaps[i][0] <= end else 0)
    print("  longest stalls (the UI thread's time in them: on a core / waiting for one / blocked):")
    for i in worst[:3]:
        (t, gap), cpu, wait = gaps[i], *np.subtract(sched[i], sched[i - 1])
        print(
            f"    {gap - TICK_MS:.0f} ms at {t - started:.1f} s: {cpu:.0f} / {wait:.0f} / "
            f"{max(gap - cpu - wait, 0):.0f} ms"
        )
    full = [ms for generation, ms in passes if generation == 2]
    print(
        f"  garbage collector ({'not ' if args.no_gc_freeze else ''}frozen after start): "
        f"{len(passes)} passes, longest {max(ms for _, ms in passes):.0f} ms; "
        f"{len(full)} full passes, longest {max(full, default=0):.0f} ms"
        + (" (at " + ", ".join(f"{t - started:.1f} s" for t in full_at) + ")" if full_at else "")
    )
    if tracer is not None:
        tracer.report()
    sys.stdout.flush()
    os._exit(0)  # skip finalising leftover Qt objects, which PySide6 can crash on


if __name__ == "__main__":
    main()
