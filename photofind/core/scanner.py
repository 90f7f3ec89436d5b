"""Walk library folders; bring the catalog in line with the disk: new, changed, moved, gone."""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from photofind.core.catalog import Catalog, Folder, Photo
from photofind.core.imaging import ImageError, fingerprint, is_supported, read_bytes

__all__ = ["ScanReport", "scan", "walk"]


@dataclass
class ScanReport:
    added: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0
    unchanged: int = 0
    deferred: int = 0
    offline: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def walk(root: str, problems: list[tuple[str, str]]) -> Iterator[tuple[str, int, int]]:
    """Yield (path, size, mtime_ns) of supported files under `root`, recursively.

    Hidden entries are skipped and folder symlinks are not followed (no loops); unreadable
    folders are noted in `problems` and skipped.
    """
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                items = list(entries)
        except OSError as exc:
            problems.append((folder, f"cannot list folder: {exc.strerror or exc}"))
            continue
        for entry in sorted(items, key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file() and is_supported(entry.name):
                    st = entry.stat()
                    yield entry.path, st.st_size, st.st_mtime_ns
            except OSError:
                continue  # vanished between listing and stat: the next scan settles it


def scan(
    catalog: Catalog, folders: list[Folder], settle_s: float = 0.0, loose_files: bool = True
) -> ScanReport:
    """Reconcile the catalog with the files under `folders` and the loose files it holds.

    Files modified less than `settle_s` ago may still be being written: they are left for a
    later scan (counted in `deferred`).
    """
    report = ScanReport()
    settle_after = time.time_ns() - int(settle_s * 1e9)
    seen: dict[str, tuple[int | None, int, int]] = {}
    known: dict[str, Photo] = {}
    for folder in folders:
        if not os.path.isdir(folder.path):
            report.offline.append(folder.path)  # unplugged or unmounted: keep its photos
            if folder.online:
                catalog.set_online(folder.id, False)
            continue
        if not folder.online:
            catalog.set_online(folder.id, True)
        for photo in catalog.photos_in_folder(folder.id):
            known[photo.path] = photo
        for path, size, mtime in walk(folder.path, report.problems):
            seen[path] = (folder.id, size, mtime)
    for photo in catalog.photos_in_folder(None) if loose_files else ():  # added one by one
        known[photo.path] = photo
        try:
            st = os.stat(photo.path)
        except OSError:
            continue
        seen[photo.path] = (None, st.st_size, st.st_mtime_ns)

    if settle_s > 0:
        busy = {p for p, (_, _, mtime) in seen.items() if settle_after < mtime <= time.time_ns()}
        report.deferred = len(busy)
        for path in busy:
            if path in known:
                photo = known[path]
                seen[path] = (photo.folder_id, photo.size, photo.mtime_ns)  # as before, for now
            else:
                del seen[path]
    new = {p: v for p, v in seen.items() if p not in known}
    missing = {p: photo for p, photo in known.items() if p not in seen}
    changed = []
    for path, (_, size, mtime) in seen.items():
        before = known.get(path)
        if before is None:
            continue
        if (before.size, before.mtime_ns) != (size, mtime):
            changed.append((before.id, size, mtime))
        else:
            report.unchanged += 1

    moved = _match_moves(catalog, new, missing)
    report.moved = len(moved)
    by_folder: dict[int | None, list[tuple[str, int, int]]] = defaultdict(list)
    for path, (folder_id, size, mtime) in new.items():
        if path not in moved:
            by_folder[folder_id].append((path, size, mtime))
    for folder_id, files in by_folder.items():
        report.added += catalog.add_photos(folder_id, files)
    catalog.mark_changed(changed)
    report.changed = len(changed)
    catalog.delete_photos(p.id for p in missing.values())
    report.removed = len(missing)
    return report


def _match_moves(
    catalog: Catalog, new: dict[str, tuple[int | None, int, int]], missing: dict[str, Photo]
) -> set[str]:
    """Pair new files with vanished photos of the same content; move those rows in place.

    Only new files whose size equals a vanished photo's are read, so a normal scan reads nothing.
    Matched entries are removed from `missing`; the paths reused are returned.
    """
    candidates: dict[int, list[Photo]] = defaultdict(list)
    for photo in missing.values():
        if photo.fingerprint:
            candidates[photo.size].append(photo)
    moved: set[str] = set()
    if not candidates:
        return moved
    for path, (folder_id, size, mtime) in new.items():
        pool = candidates.get(size)
        if not pool:
            continue
        try:
            digest = fingerprint(read_bytes(Path(path)))
        except ImageError:
            continue
        match = next((p for p in pool if p.fingerprint == digest), None)
        if match is None:
            continue
        pool.remove(match)
        del missing[match.path]
        catalog.move_photo(match.id, folder_id, path, mtime)
        moved.add(path)
    return moved
