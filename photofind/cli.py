"""The headless command line: index folders, find similar photos, read tags, show status."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from photofind import __version__
from photofind.core.duplicates import DEFAULT_THRESHOLD
from photofind.core.indexer import Progress
from photofind.core.library import Library, LibraryError, Match
from photofind.core.models import DEFAULT_MODEL, MODELS

__all__ = ["main"]

_EPILOG = (
    "The library (catalog and index) lives in --library DIR, else $PHOTOFIND_LIBRARY, else your "
    "user data folder. Everything runs on this machine; nothing is uploaded."
)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="library folder (default: $PHOTOFIND_LIBRARY or the user data dir)",
    )
    common.add_argument(
        "--device",
        metavar="D",
        default=argparse.SUPPRESS,
        help="auto (default: cuda, then mps, then cpu), cpu, cuda or mps",
    )

    parser = argparse.ArgumentParser(
        prog="photofind",
        parents=[common],
        epilog=_EPILOG,
        description="Find visually similar photos and tag them, entirely on your own machine.",
    )
    parser.add_argument("--version", action="version", version=f"photofind {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "index",
        parents=[common],
        help="add folders or photos and index them",
        description="Add folders (recursively) or photo files to the library and "
        "index everything new or changed. Unchanged photos cost no model work.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="folders or photo files (none: re-scan the library's folders)",
    )
    models = ", ".join(f"{m.id}{' (bundled)' if m.bundled else ''}" for m in MODELS.values())
    p.add_argument(
        "--model",
        metavar="ID",
        help=f"model to index with: {models}; default: the "
        f"library's current model, {DEFAULT_MODEL} for a new library. A new model "
        "re-embeds the library.",
    )
    p.add_argument(
        "--weights",
        metavar="FILE",
        help="weights file for --model (e.g. torchvision's checkpoint, offline)",
    )
    p.add_argument("--batch-size", type=int, default=32, metavar="N", help="photos per batch")
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="try again the files that failed before (changed files always are)",
    )

    q = sub.add_parser(
        "similar",
        parents=[common],
        help="show the photos most similar to one or more photos",
        description="Show the library's photos most like IMAGE (several: most like all of them), "
        "and least like the --not photos. Each may be in the library or any photo file "
        "elsewhere (embedded on the fly); the query photos are never in the results.",
    )
    q.add_argument("images", nargs="+", metavar="IMAGE")
    q.add_argument(
        "--not",
        dest="unlike",
        nargs="+",
        action="extend",
        default=[],
        metavar="IMAGE",
        help="photos the results should not look like",
    )
    q.add_argument("-k", type=int, default=10, metavar="N", help="how many (default: 10)")
    q.add_argument("--json", action="store_true", help="print JSON")

    t = sub.add_parser(
        "tags",
        parents=[common],
        help="show the predicted ImageNet tags of a photo",
        description="Show the predicted ImageNet tags of IMAGE with their probabilities. IMAGE "
        "may be in the library or any photo file elsewhere.",
    )
    t.add_argument("image", metavar="IMAGE")
    t.add_argument("-k", type=int, default=5, metavar="N", help="how many (default: 5)")
    t.add_argument("--json", action="store_true", help="print JSON")

    b = sub.add_parser(
        "browse",
        parents=[common],
        help="browse the library by predicted tag",
        description="Without TAG: every predicted tag with its number of photos. With TAG: the "
        "photos tagged TAG, most confident first.",
    )
    b.add_argument("tag", nargs="?", metavar="TAG", help='a tag, e.g. "tabby cat"')
    b.add_argument(
        "--min-score",
        type=float,
        default=0.2,
        metavar="S",
        help="ignore tags predicted below this probability (default: %(default)s)",
    )
    b.add_argument("-k", type=int, default=100, metavar="N", help="how many photos (default: 100)")
    b.add_argument("--json", action="store_true", help="print JSON")

    d = sub.add_parser(
        "duplicates",
        parents=[common],
        help="list groups of near-identical photos",
        description="List groups of near-identical photos (resized, re-compressed or lightly "
        "edited copies), each group's suggested keeper first: highest resolution, then "
        "sharpest, then most complete EXIF. Nothing is deleted.",
    )
    d.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        metavar="T",
        help="cosine similarity that makes two photos copies (default: %(default)s; "
        "lower finds more, and more false matches)",
    )
    d.add_argument("--json", action="store_true", help="print a JSON list of lists of paths")

    w = sub.add_parser(
        "watch",
        parents=[common],
        help="watch the library's folders and index changes until Ctrl-C",
        description="Watch every library folder (and PATHs, added first): new, changed, "
        "moved and deleted photos are indexed as they appear, with live progress. Ctrl-C "
        "stops cleanly after the batch in flight.",
    )
    w.add_argument("paths", nargs="*", metavar="PATH", help="folders to add before watching")
    w.add_argument(
        "--polling",
        action="store_true",
        help="poll PATHs for changes instead of relying on native events (network "
        "shares, where native events do not arrive)",
    )

    e = sub.add_parser(
        "eval",
        parents=[common],
        help="measure retrieval or tagging quality on a labelled dataset",
        description="Index a labelled dataset into a throw-away library and report quality.",
    )
    kinds = e.add_subparsers(dest="what", metavar="WHAT", required=True)
    r = kinds.add_parser(
        "retrieval",
        parents=[common],
        help="mAP and precision of similar-photo search",
        description="DIR/<class>/<image>: every image queries all others (mAP, precision@1, "
        'precision@10). Or DIR/images/ with DIR/groundtruth.json = {"queries": {"<query '
        'file>": ["<relevant file>", ...]}} (INRIA Holidays protocol: mAP, precision@1).',
    )
    g = kinds.add_parser(
        "tags",
        parents=[common],
        help="top-1 and top-5 accuracy of the predicted tags",
        description="Images named <wnid>_<anything>.<ext>, or in folders named <wnid> "
        "(ImageNet WordNet ids such as n02123045): top-1 and top-5 accuracy.",
    )
    for p in (r, g):
        p.add_argument("--dataset", required=True, metavar="DIR", help="the dataset folder")
        p.add_argument(
            "--model", metavar="ID", help=f"model to evaluate (default: {DEFAULT_MODEL})"
        )
        p.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser(
        "status",
        parents=[common],
        help="show what the library holds",
        description="Photos, indexed, pending and failed counts, model and device.",
    )
    s.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with Library.open(getattr(args, "library", None), getattr(args, "device", None)) as lib:
            code = _COMMANDS[args.command](lib, args)
            sys.stdout.flush()  # a closed pipe shows here, inside the handlers below
            return code
    except LibraryError as exc:
        print(f"photofind: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except sqlite3.Error as exc:  # disk full, a file system gone read-only...
        print(f"photofind: error: the library's catalog failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("photofind: interrupted; run the command again to resume", file=sys.stderr)
        return 130


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
    before = lib.catalog.counts(lib.model)
    started = time.perf_counter()
    failures: list[tuple[str, str]] = []
    indexed = 0
    rate = 0.0
    bar = _progress_bar(before.pending)
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
        lib.maintain_index()
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


def _eval(lib: Library, args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from photofind.core.evaluation import eval_retrieval, eval_tags

    dataset = Path(args.dataset)
    bar = None

    def progress(step: Progress) -> None:
        nonlocal bar
        if bar is None:
            bar = _progress_bar(step.total)
        if bar is not None:
            bar.update(step.done - bar.n)

    run = eval_retrieval if args.what == "retrieval" else eval_tags
    try:
        report = run(dataset, args.model or DEFAULT_MODEL, lib.device, progress)
    finally:
        if bar is not None:
            bar.close()
    figures = asdict(report)
    if args.json:
        _print_json(figures)
        return 0
    print(f"{args.what} on {dataset} with {report.model}:")
    for key, value in figures.items():
        if key != "model" and value is not None:
            shown = f"{value:.4f}" if isinstance(value, float) else value
            print(f"  {key.replace('_', ' '):16} {shown}")
    return 0


def _progress_bar(total: int):
    if total == 0 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="photo", desc="Indexing", file=sys.stderr, dynamic_ncols=True)


def _similar(lib: Library, args: argparse.Namespace) -> int:
    matches = lib.similar(args.images, k=args.k, unlike=args.unlike)
    if args.json:
        _print_json(_match_rows(matches))
    elif not matches:
        print("The library has no indexed photos yet: run `photofind index FOLDER`.")
    else:
        for m in matches:
            print(f"{m.score:.4f}  {m.path}")
    return 0


def _tags(lib: Library, args: argparse.Namespace) -> int:
    tags = lib.tags(args.image, k=args.k)
    if args.json:
        _print_json([{"label": t.label, "score": round(t.score, 6)} for t in tags])
    else:
        for t in tags:
            print(f"{t.score:6.1%}  {t.label}")
    return 0


def _browse(lib: Library, args: argparse.Namespace) -> int:
    if args.tag is None:
        counts = lib.tag_counts(args.min_score)
        if args.json:
            _print_json([{"label": t, "photos": n} for t, n in counts])
        elif not counts:
            print("No tags yet: index a folder first (photofind index FOLDER).", file=sys.stderr)
        else:
            for label, n in counts:
                print(f"{n:6}  {label}")
        return 0
    photos = lib.tagged(args.tag, args.min_score, args.k)
    if not photos and args.tag not in {t for t, _ in lib.tag_counts(0.0)}:
        raise LibraryError(f"no photo is tagged {args.tag!r}; `photofind browse` lists the tags")
    if args.json:
        _print_json(_match_rows(photos))
    else:
        for m in photos:
            print(f"{m.score:6.1%}  {m.path}")
    return 0


def _match_rows(matches: list[Match]) -> list[dict[str, object]]:
    return [{"path": m.path, "score": round(m.score, 6)} for m in matches]


def _print_json(value: object) -> None:
    """JSON on stdout, non-ASCII paths kept readable."""
    print(json.dumps(value, ensure_ascii=False))


def _duplicates(lib: Library, args: argparse.Namespace) -> int:
    groups = lib.duplicates(args.threshold)
    if args.json:
        _print_json([[p.path for p in g] for g in groups])
        return 0
    if not groups:
        print("No near-identical photos found.")
    for n, group in enumerate(groups, 1):
        print(f"Group {n} ({len(group)} photos):")
        for i, photo in enumerate(group):
            mark = "keep" if i == 0 else "    "
            print(f"  {mark}  {photo.width}x{photo.height}  {photo.path}")
    return 0


def _watch(lib: Library, args: argparse.Namespace) -> int:
    from photofind.core.worker import LibraryWorker, WorkerEvent

    lib.add(args.paths, polling=args.polling)
    folders = [f.path for f in lib.catalog.folders()]
    if not folders:
        raise LibraryError("the library has no folders yet: photofind watch FOLDER")
    tty = sys.stderr.isatty()

    def show(event: WorkerEvent) -> None:
        p = event.progress
        if event.kind == "progress" and p is not None:
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
        elif event.kind == "indexed" and p is not None:
            end = "\n" if tty else ""
            print(f"{end}indexed {p.indexed}, skipped {p.failed}", file=sys.stderr)
        elif event.kind == "scanned" and event.report is not None:
            r = event.report
            changes = r.added + r.changed + r.moved + r.removed
            if changes:
                print(
                    f"found {r.added} new, {r.changed} changed, {r.moved} moved, "
                    f"{r.removed} removed",
                    file=sys.stderr,
                )
        elif event.kind in ("offline", "online", "error", "started"):
            print(f"{event.kind}: {event.message}", file=sys.stderr)

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


def _status(lib: Library, args: argparse.Namespace) -> int:
    st = lib.status()
    c = st.counts
    if args.json:
        _print_json(
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


_COMMANDS = {
    "index": _index,
    "similar": _similar,
    "tags": _tags,
    "browse": _browse,
    "duplicates": _duplicates,
    "watch": _watch,
    "eval": _eval,
    "status": _status,
}
