"""How the app writes counts, sizes and places for people: "1 copy", "1.2 MB", "~/Pictures"."""

from __future__ import annotations

import os

__all__ = ["count", "file_size", "home_relative"]


def count(n: int, one: str, many: str = "") -> str:
    """`n` with its noun: `count(1, "copy", "copies")` is "1 copy"; `many` defaults to one + s."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def file_size(n: int) -> str:
    """1234567 -> '1.2 MB'."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return ""


def home_relative(folder: str) -> str:
    """`folder` with the user's home written as ~ (shorter, and how file managers show it)."""
    home = os.path.expanduser("~")
    if home not in ("", "/") and (folder == home or folder.startswith(home + os.sep)):
        return "~" + folder[len(home) :]
    return folder
