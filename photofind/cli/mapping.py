"""`photofind map`: the library laid out by likeness, as coordinates or a poster."""

from __future__ import annotations

import argparse
import sys

from photofind.cli.output import print_json
from photofind.core.library import Library, LibraryError
from photofind.core.map_layout import MapProgress, MapStage
from photofind.core.map_poster import render_poster

__all__ = ["show_map"]


def show_map(lib: Library, args: argparse.Namespace) -> int:
    """Bring the map up to date (lay out or place new photos), then print or draw it."""

    def say(step: MapProgress) -> None:
        if step.stage is MapStage.LAYOUT and step.done % 250 == 0:
            print(f"Laying out the map: {step.done}/{step.total} steps", file=sys.stderr)
        elif step.stage is MapStage.NEIGHBOURS:
            print("Laying out the map: finding each photo's neighbours", file=sys.stderr)

    lib.update_map(force=args.relayout, progress=say)
    points = lib.map_points()
    if args.png:

        def thumbnail(path: str) -> bytes | None:
            try:
                return lib.thumbnail(path)
            except LibraryError:
                return None

        poster = render_poster(points.xy, points.paths, thumbnail, args.size)
        try:
            poster.save(args.png)
        except (OSError, ValueError) as exc:
            raise LibraryError(f"cannot write {args.png}: {exc}") from None
        print(f"{len(points.paths)} photos drawn on {args.png}", file=sys.stderr)
    if args.json:
        print_json(
            [
                {"path": p, "x": round(float(x), 4), "y": round(float(y), 4)}
                for p, (x, y) in zip(points.paths, points.xy, strict=True)
            ]
        )
    elif not args.png:
        if not points.paths:
            print("The library has no indexed photos yet: run `photofind index FOLDER`.")
        for p, (x, y) in zip(points.paths, points.xy, strict=True):
            print(f"{x:10.3f} {y:10.3f}  {p}")
    return 0
