"""Commands that read the library: similar, tags, browse, duplicates."""

from __future__ import annotations

import argparse
import sys

from photofind.cli.output import match_rows, print_json
from photofind.core.library import Library, LibraryError

__all__ = ["browse", "duplicates", "similar", "tags"]


def similar(lib: Library, args: argparse.Namespace) -> int:
    matches = lib.similar(args.images, k=args.k, unlike=args.unlike)
    if args.json:
        print_json(match_rows(matches))
    elif not matches:
        print("The library has no indexed photos yet: run `photofind index FOLDER`.")
    else:
        for m in matches:
            print(f"{m.score:.4f}  {m.path}")
    return 0


def tags(lib: Library, args: argparse.Namespace) -> int:
    tags = lib.tags(args.image, k=args.k)
    if args.json:
        print_json([{"label": t.label, "score": round(t.score, 6)} for t in tags])
    else:
        for t in tags:
            print(f"{t.score:6.1%}  {t.label}")
    return 0


def browse(lib: Library, args: argparse.Namespace) -> int:
    if args.tag is None:
        counts = lib.tag_counts(args.min_score)
        if args.json:
            print_json([{"label": t, "photos": n} for t, n in counts])
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
        print_json(match_rows(photos))
    else:
        for m in photos:
            print(f"{m.score:6.1%}  {m.path}")
    return 0


def duplicates(lib: Library, args: argparse.Namespace) -> int:
    groups = lib.duplicates(args.threshold)
    if args.json:
        print_json([[p.path for p in g.photos] for g in groups])
        return 0
    if not groups:
        print("No copies found.")
    for n, group in enumerate(groups, 1):
        print(f"Group {n} ({len(group.members)} photos):")
        for member in group.members:
            mark = "keep" if member.keeper else "    "
            photo = member.photo
            print(f"  {mark}  {photo.width}x{photo.height}  {photo.path}  ({member.explanation})")
    return 0
