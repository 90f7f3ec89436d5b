"""Soak: the worker follows a changing folder tree for minutes while readers search non-stop.

    .venv/bin/python -m benchmarks.soak [--minutes 10] [--photos 150] [--readers 2]

Files are created, modified, renamed, moved, deleted; a whole library folder (a drive) goes
away and comes back, and a sub-folder empties at once and comes back (photos held as missing).
At the end the tree settles, and the library is checked against the disk and against a fresh
index of the final tree: errors (worker and readers), photos lost or stale, photos held missing
although back, and answers that differ. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from photofind.core.library import Library, LibraryError
from photofind.core.models import DEFAULT_MODEL
from photofind.core.worker import EventKind, LibraryWorker, WorkerEvent
from tests.helpers import make_photo


class Readers:
    """Threads that search continuously, each with its own long-lived Library."""

    def __init__(self, library_dir: Path, count: int) -> None:
        self.library_dir = library_dir
        self.stop = threading.Event()
        self.queries = 0
        self.vanished = 0  # the query photo was deleted between listing and searching: fine
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(count)]

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        with Library.open(self.library_dir, device="cpu") as lib:
            while not self.stop.is_set():
                try:
                    page = lib.photos(limit=1000)
                    if not page:
                        time.sleep(0.1)
                        continue
                    photo = rng.choice(page)
                    if lib.catalog.vector(photo.id, lib.model) is None:
                        continue  # not indexed yet: a search would embed it now, off-topic here
                    lib.similar(photo.path, k=10)
                    self.queries += 1
                except LibraryError:
                    self.vanished += 1
                except Exception as exc:  # what the soak is looking for
                    self.errors.append(f"{type(exc).__name__}: {exc}")


class Tree:
    """The changing photo tree: folders `main` (with sub-folders) and `drive`."""

    def __init__(self, root: Path, photos: int, rng: random.Random) -> None:
        self.root, self.rng, self.seed = root, rng, 1000
        self.main, self.drive = root / "main", root / "drive"
        self.away = root / "away"
        self.away.mkdir(parents=True)
        for i in range(photos):
            folder = [self.main, self.main / "trip", self.main / "album", self.drive][i % 4]
            self.new(folder)
        self.ops = {k: 0 for k in ("create", "modify", "rename", "move", "delete")}

    def new(self, folder: Path) -> Path:
        self.seed += 1
        return make_photo(folder / f"{self.seed}.jpg", seed=self.seed, size=(160, 120))

    def files(self, folder: Path | None = None) -> list[Path]:
        roots = [folder] if folder else [self.main, self.drive]
        return sorted(p for r in roots if r.is_dir() for p in r.rglob("*.jpg"))

    def folders(self) -> list[Path]:
        """Where changes happen: the main folder and those of its sub-folders present now."""
        return [d for d in (self.main, self.main / "trip", self.main / "album") if d.is_dir()]

    def mutate(self) -> None:
        op = self.rng.choice(list(self.ops))
        files = self.files(self.main)
        if not files:
            op = "create"
        self.ops[op] += 1
        if op == "create":
            self.new(self.rng.choice(self.folders()))
        elif op == "modify":
            self.seed += 1
            make_photo(self.rng.choice(files), seed=self.seed, size=(160, 120))
        elif op == "rename":
            src = self.rng.choice(files)
            self.seed += 1
            src.rename(src.with_name(f"r{self.seed}.jpg"))
        elif op == "move":
            src = self.rng.choice(files)
            dest = self.rng.choice(self.folders())
            if src.parent != dest:
                shutil.move(src, dest / src.name)
        else:
            self.rng.choice(files).unlink()


def settle(worker: LibraryWorker, quiet_s: float = 4.0, timeout: float = 600.0) -> None:
    deadline, idle_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if worker.is_idle():
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= quiet_s:
                return
        else:
            idle_since = None
        time.sleep(0.2)
    raise RuntimeError("the worker did not settle")


def compare(soaked: Library, fresh: Library, paths: list[Path], k: int = 10) -> int:
    """How many photos' top-k answers differ (paths, or scores by more than 1e-4)."""
    differ = 0
    for path in paths:
        a = soaked.similar(path, k=k)
        b = fresh.similar(path, k=k)
        same = [m.path for m in a] == [m.path for m in b] and np.allclose(
            [m.score for m in a], [m.score for m in b], atol=1e-4
        )
        differ += not same
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--photos", type=int, default=150)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Tree(Path(tmp) / "tree", args.photos, rng)
        library_dir = Path(tmp) / "library"
        with Library.open(library_dir, device="cpu") as lib:
            lib.set_model(args.model)
            lib.add([tree.main, tree.drive])
        events: list[WorkerEvent] = []
        worker = LibraryWorker(
            library_dir, events.append, device="cpu", quiet_s=0.5, settle_s=0.5, offline_check_s=2
        )
        worker.start()
        readers = Readers(library_dir, args.readers)
        for t in readers.threads:
            t.start()
        started = time.monotonic()
        end = started + args.minutes * 60
        cycle = unplugged = emptied = 0
        while time.monotonic() < end:
            cycle += 1
            tree.mutate()
            if cycle % 60 == 20:  # the drive is unplugged for a while
                shutil.move(tree.drive, tree.away / "drive")
                unplugged += 1
            elif cycle % 60 == 35:
                shutil.move(tree.away / "drive", tree.drive)
            elif cycle % 60 == 45 and len(tree.files(tree.main / "album")) >= 2:
                shutil.move(tree.main / "album", tree.away / "album")  # empties at once: held
                emptied += 1
            elif cycle % 60 == 55 and (tree.away / "album").exists():
                shutil.move(tree.away / "album", tree.main / "album")
            time.sleep(1.0)
        for name in ("drive", "album"):  # everything back for the final comparison
            if (tree.away / name).exists():
                shutil.move(tree.away / name, tree.drive if name == "drive" else tree.main / name)
        worker.request_scan()
        settle(worker)
        readers.stop.set()
        for t in readers.threads:
            t.join()
        worker.stop()
        soak_s = time.monotonic() - started
        final = tree.files()
        with Library.open(library_dir, device="cpu") as soaked:
            # Held as missing: photos that vanished with a folder emptied at once. Those whose
            # file is back must have been released; the rest (deleted or renamed before being
            # indexed, in the same scan) wait for the user, who now says "Forget them".
            held = [p for f in soaked.folder_states() for p in soaked.missing(f.path)]
            held_back = sum(os.path.exists(p.path) for p in held)
            for folder in soaked.folder_states():
                soaked.forget_missing(folder.path)
            rows = soaked.photos(limit=1_000_000)
            in_catalog = {p.path for p in rows}
            on_disk = {str(p) for p in final}
            not_indexed = sum(soaked.catalog.vector(p.id, soaked.model) is None for p in rows)
            fresh_dir = Path(tmp) / "fresh"
            with Library.open(fresh_dir, device="cpu") as fresh:
                fresh.set_model(args.model)
                fresh.add([tree.main, tree.drive])
                fresh.scan()
                list(fresh.index())
                differ = compare(soaked, fresh, final)
        worker_errors = [e.message for e in events if e.kind is EventKind.ERROR]
        counts = {k: sum(e.kind is k for e in events) for k in EventKind}
    rows_out = [
        ("soak length", f"{soak_s / 60:.1f} min"),
        ("changes made (create/modify/rename/move/delete)", "/".join(map(str, tree.ops.values()))),
        ("drive away and back / sub-folder emptied and back", f"{unplugged} / {emptied}"),
        (
            "worker events: scans / OFFLINE / ONLINE / MISSING",
            " / ".join(
                str(counts[k])
                for k in (EventKind.SCANNED, EventKind.OFFLINE, EventKind.ONLINE, EventKind.MISSING)
            ),
        ),
        (
            "searches by readers (query photo deleted meanwhile)",
            f"{readers.queries} ({readers.vanished})",
        ),
        ("worker errors", str(len(worker_errors))),
        ("reader errors", str(len(readers.errors))),
        ("photos on disk at the end", str(len(on_disk))),
        ("held missing, file gone (then forgotten, as the user would)", str(len(held))),
        ("held missing although the file is back", str(held_back)),
        ("photos lost (on disk, not in the library)", str(len(on_disk - in_catalog))),
        ("stale photos (in the library, not on disk)", str(len(in_catalog - on_disk))),
        ("photos without a vector", str(not_indexed)),
        ("top-10 answers differing from a fresh index", f"{differ} of {len(final)}"),
    ]
    print("| what | figure |\n|---|---|")
    for what, figure in rows_out:
        print(f"| {what} | {figure} |")
    for message in (worker_errors + readers.errors)[:10]:
        print(f"error: {message}")


if __name__ == "__main__":
    main()
