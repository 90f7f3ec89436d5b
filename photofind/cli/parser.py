"""The command line's arguments, help texts and subcommands."""

from __future__ import annotations

import argparse

from photofind import __version__
from photofind.core.duplicates import DEFAULT_THRESHOLD
from photofind.core.models import DEFAULT_MODEL, MODELS

__all__ = ["build_parser"]


_EPILOG = (
    "Without a command, photofind opens the desktop app; `photofind --similar FILE...` opens it "
    "(or the one already running) on the photos most like FILE. "
    "The library (catalog and index) lives in --library DIR, else $PHOTOFIND_LIBRARY, else your "
    "user data folder. Everything runs on this machine; nothing is uploaded."
)


def build_parser() -> argparse.ArgumentParser:
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
        help="auto (default: cuda, then mps, then cpu; a photo outside the library is read on "
        "the cpu), cpu, cuda or mps",
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
        "index everything new or changed. Unchanged photos cost no model work. While the "
        "app or `photofind watch` keeps the library, they are handed to it to index.",
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
        help="browse the library by tag or by word",
        description="Without WORDs: every tag with its number of photos (everyday tags with "
        "their ImageNet tags, then your own tags). With WORDs: the photos matching all of them, "
        'best first. A word is a tag ("dog", "tabby cat", one of yours) or any English '
        'noun WordNet ties to one ("puppy", "hound", "automobile"); -WORD excludes.',
    )
    b.add_argument("words", nargs="*", metavar="WORD", help='e.g. dog beach, "tabby cat", -cat')
    b.add_argument(
        "--min-score",
        type=float,
        default=None,
        metavar="S",
        help="ignore tags scored below S (default: each everyday tag's measured threshold, "
        "0.2 for the others)",
    )
    b.add_argument("-k", type=int, default=100, metavar="N", help="how many photos (default: 100)")
    b.add_argument("--json", action="store_true", help="print JSON")

    tg = sub.add_parser(
        "tag",
        parents=[common],
        help="add or remove your own tag on photos",
        description="add: give IMAGEs the tag TAG. remove: say IMAGEs are not TAG (an own tag "
        "goes; a predicted tag is hidden on them for good). Kept across moves, renames, "
        "re-indexing and model changes.",
    )
    tg.add_argument("action", choices=("add", "remove"))
    tg.add_argument("tag", metavar="TAG")
    tg.add_argument("images", nargs="+", metavar="IMAGE", help="photos in the library")

    te = sub.add_parser(
        "teach",
        parents=[common],
        help="propose photos for a tag taught by example",
        description="Learn TAG from the photos you tagged with it (at least 3) and those you "
        "removed it from, and list the other photos that fit best, best first. Accept or "
        "reject proposals with `photofind tag add|remove`, then teach again.",
    )
    te.add_argument("tag", metavar="TAG")
    te.add_argument("-k", type=int, default=20, metavar="N", help="how many (default: 20)")
    te.add_argument("--json", action="store_true", help="print JSON")

    d = sub.add_parser(
        "duplicates",
        parents=[common],
        help="list groups of copies of one photo",
        description="List groups of copies of one photo (identical files, and crops, resized, "
        "re-compressed, recoloured or framed copies, each confirmed by matching the photos' "
        "details), each group's suggested keeper first: highest resolution, then sharpest, "
        "then most complete EXIF. Nothing is deleted.",
    )
    d.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        metavar="T",
        help="cosine similarity from which two photos are checked as possible copies "
        "(default: %(default)s; lower checks more pairs and takes longer)",
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
    bt = kinds.add_parser(
        "broad-tags",
        parents=[common],
        help="precision and recall of the everyday tags, and their thresholds",
        description="Images named like `eval tags` wants: per everyday tag, the lowest "
        "threshold whose precision reaches 0.9 (else the best), with its precision and recall.",
    )
    bt.add_argument(
        "--write-thresholds",
        metavar="FILE",
        help="also write the thresholds as a TSV (resources/broad_tag_thresholds.tsv)",
    )
    for p in (r, g, bt):
        p.add_argument("--dataset", required=True, metavar="DIR", help="the dataset folder")
        p.add_argument(
            "--model", metavar="ID", help=f"model to evaluate (default: {DEFAULT_MODEL})"
        )
        p.add_argument("--json", action="store_true", help="print one JSON object")

    m = sub.add_parser(
        "map",
        parents=[common],
        help="the library laid out by likeness: coordinates or a poster",
        description="Every indexed photo placed on one map where look-alikes sit together "
        "(t-SNE of the stored vectors). The map is laid out on first use (minutes for a large "
        "library; the app keeps it current in the background); photos indexed since are placed "
        "into it without moving the others, and it is laid out again once a quarter of it has "
        "changed. Prints `x y path` lines.",
    )
    m.add_argument("--json", action="store_true", help='print [{"path": ..., "x": ..., "y": ...}]')
    m.add_argument("--png", metavar="FILE", help="draw the map as a poster of thumbnails")
    m.add_argument(
        "--size", type=int, default=3000, metavar="PX", help="poster side in pixels (3000)"
    )
    m.add_argument("--relayout", action="store_true", help="lay the whole map out again first")

    s = sub.add_parser(
        "status",
        parents=[common],
        help="show what the library holds",
        description="Photos, indexed, pending and failed counts, model and device.",
    )
    s.add_argument("--json", action="store_true", help="print JSON")
    return parser
