"""The longest the app's UI thread stalls while indexing 1,000 photos with the grid scrolling.

    .venv/bin/python -m benchmarks.ui_stall [--photos 1000] [--platform offscreen|xcb]
        [--no-gc-freeze]

Makes 1,000 distinct 1024x768 JPEGs from scikit-image's photos (random crops, mirrored), adds
them to a fresh library and opens the real app on it with its background worker indexing them
(the bundled model). A 5 ms timer on the UI thread records the gaps between its ticks while a
second timer scrolls the grid every 30 ms; the run ends when the last photo is indexed. A gap
longer than the timer's period is time the UI thread could not answer the user. The cyclic
garbage collector's passes are timed too (a full pass holds the GIL over every object);
`--no-gc-freeze` runs the app as it was before it froze its long-lived objects out of them.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--platform", default="offscreen")
    parser.add_argument("--no-gc-freeze", action="store_true")
    args = parser.parse_args()
    if args.no_gc_freeze:
        gc.freeze = lambda: None
    passes: list[tuple[int, float]] = []  # (generation, ms)
    began = [0.0]

    def collector(phase: str, info: dict) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            passes.append((info["generation"], (time.perf_counter() - began[0]) * 1000))

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
        first_batch: list[float] = []
        last = [time.perf_counter()]
        started = time.perf_counter()
        done: list[float] = []

        def tick() -> None:
            now = time.perf_counter()
            gaps.append((now, (now - last[0]) * 1000))
            last[0] = now

        def scroll() -> None:
            bar = window.grid.verticalScrollBar()
            bar.setValue(bar.value() + 40 if bar.value() < bar.maximum() else 0)

        def event(e: WorkerEvent) -> None:
            if e.kind is EventKind.PROGRESS and not first_batch:
                first_batch.append(time.perf_counter())
            if e.kind is EventKind.INDEXED and not done:
                done.append(time.perf_counter())
                QTimer.singleShot(500, app.quit)

        assert window.bridge is not None
        window.bridge.event.connect(event)
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
    full = [ms for generation, ms in passes if generation == 2]
    print(
        f"  garbage collector ({'not ' if args.no_gc_freeze else ''}frozen after start): "
        f"{len(passes)} passes, longest {max(ms for _, ms in passes):.0f} ms; "
        f"{len(full)} full passes, longest {max(full, default=0):.0f} ms"
    )
    sys.stdout.flush()
    os._exit(0)  # skip finalising leftover Qt objects, which PySide6 can crash on


if __name__ == "__main__":
    main()
