"""What each view shows, computed on a worker thread from the `Library`: paths and scores."""

from __future__ import annotations

import os

from photofind.core.catalog import PhotoOrder
from photofind.core.library import Library
from photofind.core.results import TooFewExamples
from photofind.gui.views import View, ViewKind

__all__ = ["Results", "results"]

SIMILAR_RESULTS = 200
TAG_RESULTS = 2000

Results = tuple[list[str], list[float] | None]


def results(lib: Library, view: View, order: PhotoOrder) -> Results:
    """The photos of `view`, best first (or in `order` for the library and its folders)."""
    if view.kind is ViewKind.ALL:
        return lib.photo_paths(order), None
    if view.kind is ViewKind.FOLDER:
        prefix = view.like[0].rstrip(os.sep) + os.sep
        return [p for p in lib.photo_paths(order) if p.startswith(prefix)], None
    if view.kind is ViewKind.PICKED:
        return list(view.like), None
    if view.kind is ViewKind.SIMILAR:
        matches = lib.similar(view.like, k=SIMILAR_RESULTS, unlike=view.unlike)
        return [m.path for m in matches], [m.score for m in matches]
    if view.kind is ViewKind.TAG:
        found = lib.photos_with_tags(view.tags, view.combine, view.min_score, TAG_RESULTS)
    elif view.kind is ViewKind.SEARCH:
        found = lib.search(view.text, limit=TAG_RESULTS)
    elif view.kind is ViewKind.TEACH:
        try:
            found = lib.teach(view.text, limit=SIMILAR_RESULTS)
        except TooFewExamples as exc:
            raise TooFewExamples(f"{exc}: select them, right-click, Add Tag…") from None
    else:
        raise ValueError(f"{view.kind} has no grid")
    return [m.path for m in found], [m.score for m in found]
