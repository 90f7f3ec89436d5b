"""What the `Library` facade returns and raises (re-exported by photofind.core.library)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LibraryError", "Match"]


class LibraryError(Exception):
    """A user-facing failure: a missing file, a wrong argument, an unreadable library."""


@dataclass(frozen=True)
class Match:
    path: str
    score: float
