"""Commands on tags: browse by tag or word, own tags, tags taught by example."""

from __future__ import annotations

import argparse
import sys

from photofind.cli.output import match_rows, print_json
from photofind.core.library import Library
from photofind.core.results import TooFewExamples
from photofind.core.tagsearch import TagNode

__all__ = ["browse", "tag", "teach"]


def _node_json(node: TagNode) -> dict[str, object]:
    out: dict[str, object] = {"tag": node.name, "kind": node.kind.value, "photos": node.count}
    if node.children:
        out["children"] = [_node_json(c) for c in node.children]
    return out


def browse(lib: Library, args: argparse.Namespace) -> int:
    if not args.words:
        tree = lib.tag_tree(args.min_score)
        if args.json:
            print_json([_node_json(n) for n in tree])
        elif not tree:
            print("No tags yet: index a folder first (photofind index FOLDER).", file=sys.stderr)
        else:
            for node in tree:
                print(f"{node.count:6}  {node.name}  ({node.kind.value})")
                for child in node.children:
                    print(f"{child.count:6}    {child.name}")
        return 0
    photos = lib.search(args.words, args.min_score, args.k)
    if args.json:
        print_json(match_rows(photos))
    elif not photos:
        print("No photo matches.", file=sys.stderr)
    else:
        for m in photos:
            print(f"{m.score:6.1%}  {m.path}")
    return 0


def tag(lib: Library, args: argparse.Namespace) -> int:
    if args.action == "add":
        n = lib.add_tag(args.tag, args.images)
        print(f"tagged {n} photo{'s' * (n != 1)} {args.tag!r}")
    else:
        n = lib.remove_tag(args.tag, args.images)
        print(f"removed {args.tag!r} from {n} photo{'s' * (n != 1)}")
    return 0


def teach(lib: Library, args: argparse.Namespace) -> int:
    try:
        proposals = lib.teach(args.tag, args.k)
    except TooFewExamples as exc:
        raise TooFewExamples(f"{exc}: photofind tag add {args.tag!r} IMAGE...") from None
    if args.json:
        print_json(match_rows(proposals))
    else:
        for m in proposals:
            print(f"{m.score:6.1%}  {m.path}")
        print(
            f"Accept with `photofind tag add {args.tag!r} IMAGE...`, reject with "
            f"`photofind tag remove {args.tag!r} IMAGE...`; then teach again.",
            file=sys.stderr,
        )
    return 0
