"""What a scan walks and what it must not: the library's own folder, app bundles, exclusions."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from photofind.core.imaging import is_supported

__all__ = ["BUNDLE_SUFFIXES", "PathRules", "WalkResult", "walk"]

# Folders that are one document to their app (macOS Photos and Aperture libraries, app bundles,
# Lightroom previews): their insides are the app's business, and often a second copy of photos.
BUNDLE_SUFFIXES = (
    ".photoslibrary",
    ".photolibrary",
    ".migratedphotolibrary",
    ".aplibrary",
    ".app",
    ".bundle",
    ".framework",
    ".lrdata",
)


class PathRules:
    """Folders never walked nor watched: `excluded` ones (with all below) and app bundles."""

    def __init__(self, excluded: Iterable[str]) -> None:
        self.excluded = tuple(sorted({os.path.normpath(p) for p in excluded}))

    def skips(self, path: str) -> bool:
        """True if `path` is an excluded folder or lies in one, or in an app bundle."""
        path = os.path.normpath(path)
        for folder in self.excluded:
            if path == folder or path.startswith(folder.rstrip(os.sep) + os.sep):
                return True
        return any(part.lower().endswith(BUNDLE_SUFFIXES) for part in path.split(os.sep))

    def skips_dir(self, path: str, name: str) -> bool:
        """The walk's test for one sub-folder (cheaper: the parent was already allowed)."""
        if name.lower().endswith(BUNDLE_SUFFIXES):
            return True
        return bool(self.excluded) and os.path.normpath(path) in self.excluded


@dataclass
class WalkResult:
    """What a walk could not see: folders it could not list, and whether it was stopped."""

    unreadable: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False


def walk(
    root: str,
    rules: PathRules,
    result: WalkResult,
    cancel: threading.Event | None = None,
    running: threading.Event | None = None,
) -> Iterator[tuple[str, int, int]]:
    """Yield (path, size, mtime_ns) of supported files under `root`, recursively.

    Hidden entries are skipped and folder symlinks are not followed (no loops). Folders that
    cannot be listed go to `result.unreadable` (their photos must be kept, not forgotten);
    a set `cancel` stops the walk between folders with `result.cancelled` set, and while
    `running` is cleared (paused) it waits there.
    """
    stack = [root]
    while stack:
        while running is not None and not running.wait(0.25):
            if cancel is not None and cancel.is_set():
                break
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            return
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                items = list(entries)
        except OSError as exc:
            result.unreadable.append(folder)
            result.problems.append((folder, f"cannot list folder: {exc.strerror or exc}"))
            continue
        for entry in sorted(items, key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not rules.skips_dir(entry.path, entry.name):
                        stack.append(entry.path)
                elif entry.is_file() and is_supported(entry.name):
                    st = entry.stat()
                    yield entry.path, st.st_size, st.st_mtime_ns
            except OSError:
                continue  # vanished between listing and stat: the next scan settles it
