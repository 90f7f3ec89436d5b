"""What the main grid shows, as values, and the browser-like history of them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum, IntEnum

from photofind.core.tagsearch import Combine, TagRef

__all__ = ["History", "Page", "View", "ViewKind"]


class Page(IntEnum):
    """The pages of the window's centre, in their stack's order."""

    WELCOME = 0
    GRID = 1
    DUPLICATES = 2
    MAP = 3


class ViewKind(Enum):
    ALL = "all"
    FOLDER = "folder"
    SIMILAR = "similar"
    TAG = "tag"
    SEARCH = "search"
    TEACH = "teach"  # proposals for a tag taught by example
    DUPLICATES = "duplicates"
    MAP = "map"  # the library map
    PICKED = "picked"  # photos picked on the map (`like`), as a grid


@dataclass(frozen=True)
class View:
    """One screen of results; equal views are the same place in the history."""

    kind: ViewKind
    like: tuple[str, ...] = ()  # SIMILAR: the query photos; FOLDER: the folder; PICKED
    unlike: tuple[str, ...] = ()  # SIMILAR: "less like these"
    text: str = ""  # SEARCH: the words; TEACH: the tag
    tags: tuple[TagRef, ...] = ()  # TAG: the tags picked in the sidebar
    combine: Combine = Combine.ALL  # TAG: photos with all of them, or any
    min_score: float | None = None  # TAG: None, each tag's measured threshold

    @property
    def title(self) -> str:
        if self.kind is ViewKind.ALL:
            return "All photos"
        if self.kind is ViewKind.DUPLICATES:
            return "Duplicates"
        if self.kind is ViewKind.MAP:
            return "Library map"
        if self.kind is ViewKind.PICKED:
            return f"{len(self.like):,} photos picked on the map"
        if self.kind is ViewKind.FOLDER:
            return os.path.basename(self.like[0]) or self.like[0]
        if self.kind is ViewKind.TAG:
            joiner = " and " if self.combine is Combine.ALL else " or "
            return "Tagged " + joiner.join(f"\u201c{t.name}\u201d" for t in self.tags)
        if self.kind is ViewKind.TEACH:
            return f"Might be \u201c{self.text}\u201d"
        if self.kind is ViewKind.SEARCH:
            return f"Search: {self.text}"
        names = ", ".join(os.path.basename(p) for p in self.like[:2])
        more = f" and {len(self.like) - 2} more" if len(self.like) > 2 else ""
        less = f", less like {len(self.unlike)}" if self.unlike else ""
        return f"Similar to {names}{more}{less}"


class History:
    """Back and forward like a browser: visiting a new view drops the forward branch."""

    def __init__(self, start: View) -> None:
        self._items = [start]
        self._pos = 0

    @property
    def current(self) -> View:
        return self._items[self._pos]

    def visit(self, view: View) -> None:
        if view == self.current:
            return
        del self._items[self._pos + 1 :]
        self._items.append(view)
        self._pos += 1

    def can_go_back(self) -> bool:
        return self._pos > 0

    def can_go_forward(self) -> bool:
        return self._pos < len(self._items) - 1

    def back(self) -> View:
        self._pos = max(0, self._pos - 1)
        return self.current

    def forward(self) -> View:
        self._pos = min(len(self._items) - 1, self._pos + 1)
        return self.current
