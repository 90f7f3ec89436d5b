"""What the `Library` facade returns and raises (re-exported by photofind.core.library)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LibraryError", "Match"]


class LibraryError(Exception):
    """A user-facing failure: a missing file, a wrong argument, an unreadable library."""


class TooFewExamples(LibraryError):
    """A tag cannot be taught yet: too few photos carry it. Each front end says how to add
    them (the command line's command, the app's menu)."""


@dataclass(frozen=True)
class Match:
    path: str
    score: float
