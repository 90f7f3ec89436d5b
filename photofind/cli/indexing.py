"""Commands that change the library: index, watch; and status."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from photofind.cli.output import print_json, progress_bar
from photofind.core.inbox import Inbox, Request
from photofind.core.library import Library, LibraryError
from photofind.core.models import MODELS

__all__ = ["index", "status", "watch"]


def _say_waiting() -> None:
    print(
        "photofind: another photofind (the app or `photofind watch`) is updating this library; "
        "waiting for it to finish (Ctrl-C stops)...",
        file=sys.stderr,
    )


def index(lib: Library, args: argparse.Namespace) -> int:
    if (not args.model or args.model == lib.model) and _hand_over(lib, args):
        return 0
    with lib.writing(on_wait=_say_waiting):  # one writer at a time, across processes
        return _index(lib, args)


def _hand_over(lib: Library, args: argparse.Namespace) -> bool:
    """While the app or `photofind watch` keeps this library, give it the job: it adds the
    folders and indexes them now (a second writer would only wait for it)."""
    inbox = Inbox(lib.root)
    if not inbox.has_worker():
        return False
    paths = [Path(p).expanduser() for p in args.paths]
    for path in paths:
        if not path.exists():
            raise LibraryError(f"no such file or folder: {path}")
    inbox.send(Request([str(p.resolve()) for p in paths], args.retry_failed))
    print(
        "photofind: the photofind app (or `photofind watch`) is keeping this library up to "
        "date; it indexes "
        + (", ".join(str(p) for p in paths) if paths else "the library")
        + " now (its status bar, or `photofind status`, shows how far it is).",
        file=sys.stderr,
    )
    return True


def _index(lib: Library, args: argparse.Namespace) -> int:
    if args.model and args.model != lib.model:
        if args.model in MODELS:
            lib.embedder(args.weights, model=args.model)  # a model that cannot load changes nothing
        lib.set_model(args.model)
    lib.add(args.paths)
    if args.retry_failed:
        lib.catalog.retry_failed()
    report = lib.scan()
    for folder in report.offline:
        print(f"photofind: folder not reachable, its photos are kept: {folder}", file=sys.stderr)
    for path, reason in report.problems:
        print(f"photofind: {path}: {reason}", file=sys.stderr)
    for folder, count in report.held.items():
        print(
            f"photofind: {count} photos in {folder or 'the loose files'} are missing; they are "
            "kept, hidden, until they come back or you forget them in the app",
            file=sys.stderr,
        )
    before = lib.catalog.counts(lib.model)
    started = time.perf_counter()
    failures: list[tuple[str, str]] = []
    indexed = 0
    rate = 0.0
    bar = progress_bar(before.pending)
    try:
        for progress in lib.index(weights=args.weights, batch_size=args.batch_size):
            failures.extend(progress.failures)
            indexed, rate = progress.indexed, progress.rate
            if bar is not None:
                bar.update(progress.done - bar.n)
                bar.set_postfix_str(f"{progress.rate:.1f} photos/s", refresh=False)
    finally:
        if bar is not None:
            bar.close()
    elapsed = time.perf_counter() - started
    if lib.vector_index.needs_rebuild():
        print("Updating the search index...", file=sys.stderr)
    lib.maintain_index(_pass_bar())  # search vectors follow new photos at once, in seconds
    parts = [f"indexed {indexed}"]
    if indexed:
        # The rate leaves out loading the model, which a large folder amortises.
        parts[0] += f" in {elapsed:.1f} s ({rate:.1f} photos/s)"
    parts.append(f"unchanged {before.indexed}")
    if report.moved:
        parts.append(f"moved {report.moved}")
    if report.removed:
        parts.append(f"removed {report.removed}")
    parts.append(f"skipped {len(failures)}")
    print(f"{lib.model}: " + ", ".join(parts) + ("." if not failures else ":"))
    for path, reason in failures:
        print(f"  {path}: {reason}")
    return 0


def watch(lib: Library, args: argparse.Namespace) -> int:
    from photofind.core.worker import EventKind, LibraryWorker, WorkerEvent

    lib.add(args.paths, polling=args.polling)
    folders = [f.path for f in lib.catalog.folders()]
    if not folders:
        raise LibraryError("the library has no folders yet: photofind watch FOLDER")
    tty = sys.stderr.isatty()

    def show(event: WorkerEvent) -> None:
        p = event.progress
        if event.kind is EventKind.PROGRESS and p is not None:
            eta = f", {p.eta_s:.0f} s left" if p.eta_s is not None else ""
            line = f"indexing {p.done}/{p.total} ({p.rate:.1f} photos/s{eta}) {p.current}"
            print(
                f"\r\033[K{line}" if tty else line,
                end="" if tty else "\n",
                file=sys.stderr,
                flush=True,
            )
            for path, reason in p.failures:
                print(
                    f"\nskipped {path}: {reason}" if tty else f"skipped {path}: {reason}",
                    file=sys.stderr,
                )
        elif event.kind is EventKind.INDEXED and p is not None:
            end = "\n" if tty else ""
            print(f"{end}indexed {p.indexed}, skipped {p.failed}", file=sys.stderr)
        elif event.kind is EventKind.SCANNED and event.report is not None:
            r = event.report
            changes = r.added + r.changed + r.moved + r.removed
            if changes:
                print(
                    f"found {r.added} new, {r.changed} changed, {r.moved} moved, "
                    f"{r.removed} removed",
                    file=sys.stderr,
                )
        elif event.kind is EventKind.REFINING and p is not None and p.done == p.total:
            print(f"searches sharpened for {p.total} photos", file=sys.stderr)
        elif event.kind is EventKind.MISSING and event.report is not None:
            count = event.report.held.get(event.message, 0)
            print(f"missing: {count} photos in {event.message}, kept hidden", file=sys.stderr)
        elif event.kind in (
            EventKind.OFFLINE,
            EventKind.ONLINE,
            EventKind.POLLING,
            EventKind.WAITING,
            EventKind.HANDED,
            EventKind.ERROR,
            EventKind.STARTED,
        ):
            print(f"{event.kind.value}: {event.message}", file=sys.stderr)

    lib.close()  # the worker owns the writing connection from here
    worker = LibraryWorker(lib.root, show, device=lib.device)
    worker.start()
    print(f"Watching {len(folders)} folders; Ctrl-C stops.", file=sys.stderr)
    try:
        while worker.is_alive():
            time.sleep(0.2)
    except KeyboardInterrupt:
        print("\nStopping after the batch in flight...", file=sys.stderr)
    finally:
        worker.stop()
    return 0


def status(lib: Library, args: argparse.Namespace) -> int:
    st = lib.status()
    c = st.counts
    if args.json:
        print_json(
            {
                "library": st.library,
                "model": st.model,
                "device": st.device,
                "photos": c.photos,
                "indexed": c.indexed,
                "pending": c.pending,
                "failed": c.failed,
            }
        )
        return 0
    print(f"Library: {st.library}\nModel:   {st.model}\nDevice:  {st.device}")
    print(f"Photos:  {c.photos} ({c.indexed} indexed, {c.pending} pending, {c.failed} failed)")
    failed = lib.failures()
    if failed:
        print("Failed (fix the file, then run `photofind index --retry-failed`):")
        for photo in failed[:20]:
            print(f"  {photo.path}: {photo.error}")
        if len(failed) > 20:
            print(f"  ... and {len(failed) - 20} more")
    return 0


def _pass_bar() -> Callable[[int, int], None]:
    """Progress of the work that sharpens searches (a full search-vector pass, then checking
    many photos' look-alikes for copies), said and shown as a bar for each part that runs."""
    state: dict[str, Any] = {}

    def show(done: int, total: int) -> None:
        if state.get("total") != total or done < state.get("done", 0):  # the next part
            if state.get("bar") is not None:
                state["bar"].close()
            if not state:
                print("Sharpening searches...", file=sys.stderr)
            state["bar"] = progress_bar(total, "Sharpening")
            state["total"] = total
        state["done"] = done
        bar = state["bar"]
        if bar is not None:
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

    return show
