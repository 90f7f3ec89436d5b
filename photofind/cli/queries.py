"""Commands that read the library: similar, tags, duplicates."""

from __future__ import annotations

import argparse

from photofind.cli.output import match_rows, print_json
from photofind.core.library import Library

__all__ = ["duplicates", "similar", "tags"]


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
