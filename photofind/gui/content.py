"""What each view shows, computed on a worker thread from the `Library`: paths and scores."""

from __future__ import annotations

import os

from photofind.core.catalog import PhotoOrder
from photofind.core.library import Library, LibraryError
from photofind.gui.views import View, ViewKind

__all__ = ["Results", "results"]

SIMILAR_RESULTS = 200
TAG_RESULTS = 2000
MIN_TAG_SCORE = 0.2

Results = tuple[list[str], list[float] | None]


def results(lib: Library, view: View, order: PhotoOrder) -> Results:
    """The photos of `view`, best first (or in `order` for the library and its folders)."""
    if view.kind is ViewKind.ALL:
        return lib.photo_paths(order), None
    if view.kind is ViewKind.FOLDER:
        prefix = view.like[0].rstrip(os.sep) + os.sep
        return [p for p in lib.photo_paths(order) if p.startswith(prefix)], None
    if view.kind is ViewKind.SIMILAR:
        matches = lib.similar(view.like, k=SIMILAR_RESULTS, unlike=view.unlike)
        return [m.path for m in matches], [m.score for m in matches]
    if view.kind is ViewKind.TAG:
        matches = lib.tagged(view.text, MIN_TAG_SCORE, TAG_RESULTS)
        return [m.path for m in matches], [m.score for m in matches]
    if view.kind is ViewKind.SEARCH:
        return _search(lib, view.text)
    raise ValueError(f"{view.kind} has no grid")


def _search(lib: Library, text: str) -> Results:
    """Photos whose tags contain every word typed, best first."""
    words = [w.casefold() for w in text.split()]
    labels = [label for label, _ in lib.tag_counts(MIN_TAG_SCORE)]
    best: dict[str, float] = {}
    for label in labels:
        if all(w in label.casefold() for w in words):
            for m in lib.tagged(label, MIN_TAG_SCORE, TAG_RESULTS):
                best[m.path] = max(best.get(m.path, 0.0), m.score)
    if not best:
        raise LibraryError(f"no photo is tagged with “{text}”")
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    return [p for p, _ in ranked], [s for _, s in ranked]
