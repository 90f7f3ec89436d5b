"""How the app writes counts and places for people: "1 copy", "3 copies", "~/Pictures"."""

from __future__ import annotations

import os

__all__ = ["count", "home_relative"]


def count(n: int, one: str, many: str = "") -> str:
    """`n` with its noun: `count(1, "copy", "copies")` is "1 copy"; `many` defaults to one + s."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def home_relative(folder: str) -> str:
    """`folder` with the user's home written as ~ (shorter, and how file managers show it)."""
    home = os.path.expanduser("~")
    if home not in ("", "/") and (folder == home or folder.startswith(home + os.sep)):
        return "~" + folder[len(home) :]
    return folder
