"""Walk library folders; bring the catalog in line with the disk: new, changed, moved, gone.

Nothing is lost to a drive that comes and goes: an absent folder, or an empty mount point (a
device other than the one its photos were on), is offline and keeps its photos; a folder that
cannot be listed keeps the photos under it; photos vanishing in bulk are held as missing.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from photofind.core.catalog import Catalog, Folder, Photo
from photofind.core.imaging import ImageError, fingerprint, read_bytes
from photofind.core.walking import PathRules, WalkResult, walk

__all__ = ["HOLD_AT_LEAST", "HOLD_SHARE", "ScanReport", "scan"]

# A scan that would remove this many photos of a folder at once, and this share of it, holds them
# as missing (hidden, kept) until the user decides: a share unmounted inside the folder, a NAS
# hiccup. Fewer are deletions, followed at once.
HOLD_AT_LEAST = 20
HOLD_SHARE = 0.2


@dataclass
class ScanReport:
    added: int = 0
    moved: int = 0
    removed: int = 0
    unchanged: int = 0
    deferred: int = 0
    offline: list[str] = field(default_factory=list)
    online: list[str] = field(default_factory=list)  # folders seen with their files
    held: dict[str, int] = field(default_factory=dict)  # folder ("": loose): newly held missing
    returned: int = 0  # photos held as missing that are back
    unreadable: list[str] = field(default_factory=list)  # their photos are kept as they were
    problems: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False  # stopped part way: nothing was changed
    edited: list[str] = field(default_factory=list)  # photos changed in place (to re-read)

    @property
    def changed(self) -> int:
        return len(self.edited)


def scan(
    catalog: Catalog,
    folders: list[Folder],
    settle_s: float = 0.0,
    loose_files: bool = True,
    rules: PathRules | None = None,
    cancel: threading.Event | None = None,
    running: threading.Event | None = None,
) -> ScanReport:
    """Reconcile the catalog with the files under `folders` and the loose files it holds.

    Files modified less than `settle_s` ago may still be being written: they are left for a
    later scan (counted in `deferred`). Folders `rules` skips are not walked and their photos
    leave the catalog. A set `cancel` stops the scan before it changes any photo; while
    `running` is cleared (paused) the walk waits.
    """
    rules = rules or PathRules(())
    report = ScanReport()
    walked = WalkResult(problems=report.problems)
    seen: dict[str, tuple[int | None, int, int]] = {}
    known: dict[str, Photo] = {}
    for folder in folders:
        _walk_folder(catalog, folder, rules, walked, (cancel, running), seen, known, report)
    if walked.cancelled:
        report.cancelled = True
        return report
    for photo in catalog.photos_in_folder(None) if loose_files else ():  # added one by one
        known[photo.path] = photo
        try:
            st = os.stat(photo.path)
        except OSError:
            continue
        seen[photo.path] = (None, st.st_size, st.st_mtime_ns)
    report.unreadable = walked.unreadable
    excluded = [p for path, p in known.items() if rules.skips(path)]
    for photo in excluded:
        del known[photo.path]
        seen.pop(photo.path, None)
    for path, photo in known.items():  # photos in folders that could not be listed are kept
        if path not in seen and _under(path, walked.unreadable):
            seen[path] = (photo.folder_id, photo.size, photo.mtime_ns)
    if settle_s > 0:
        _defer_busy(seen, known, settle_s, report)

    new = {p: v for p, v in seen.items() if p not in known}
    missing = {p: photo for p, photo in known.items() if p not in seen}
    changed = []
    returned = []
    for path, (_, size, mtime) in seen.items():
        before = known.get(path)
        if before is None:
            continue
        if before.missing_since is not None:
            returned.append(before.id)
        if (before.size, before.mtime_ns) != (size, mtime):
            changed.append((before.id, size, mtime))
            report.edited.append(path)
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
    catalog.release_missing(returned)
    report.returned = len(returned)
    gone, held = _settle_missing(known, missing, seen, {f.id: f.path for f in folders})
    catalog.hold_missing([p.id for photos in held.values() for p in photos])
    names = {f.id: f.path for f in folders}
    report.held = {names.get(fid, "") if fid else "": len(ps) for fid, ps in held.items()}
    catalog.delete_photos([p.id for p in gone + excluded])
    report.removed = len(gone) + len(excluded)
    return report


def _walk_folder(
    catalog: Catalog,
    folder: Folder,
    rules: PathRules,
    walked: WalkResult,
    control: tuple[threading.Event | None, threading.Event | None],
    seen: dict[str, tuple[int | None, int, int]],
    known: dict[str, Photo],
    report: ScanReport,
) -> None:
    """Walk one library folder into `seen` and `known`, unless it is offline.

    A folder is offline when it is absent, or when it now lives on another device than its
    photos did and none of them is there: the empty mount point of an unmounted drive. (A drive
    that comes back under another device number is recognised by its photos.)
    """
    if walked.cancelled:
        return
    try:
        device: int | None = os.stat(folder.path).st_dev if os.path.isdir(folder.path) else None
    except OSError:
        device = None
    photos = catalog.photos_in_folder(folder.id)
    files: list[tuple[str, int, int]] = []
    if device is not None:
        files = list(walk(folder.path, rules, walked, *control))
        if walked.cancelled:
            return
        if device != folder.device and folder.device is not None and photos:
            paths = {p.path for p in photos}
            if not any(path in paths for path, _, _ in files):
                device = None  # another device, none of our photos: not the same drive
    if device is None:
        report.offline.append(folder.path)  # unplugged or unmounted: keep its photos
        if folder.online:
            catalog.set_online(folder.id, False)
        return
    if not folder.online:
        catalog.set_online(folder.id, True)
    if device != folder.device and files:
        catalog.set_device(folder.id, device)
    report.online.append(folder.path)
    for photo in photos:
        known[photo.path] = photo
    for path, size, mtime in files:
        seen[path] = (folder.id, size, mtime)


def _defer_busy(
    seen: dict[str, tuple[int | None, int, int]],
    known: dict[str, Photo],
    settle_s: float,
    report: ScanReport,
) -> None:
    """Leave files modified in the last `settle_s` (perhaps still being written) as they were."""
    now = time.time_ns()
    settle_after = now - int(settle_s * 1e9)
    busy = {p for p, (_, _, mtime) in seen.items() if settle_after < mtime <= now}
    report.deferred = len(busy)
    for path in busy:
        if path in known:
            photo = known[path]
            seen[path] = (photo.folder_id, photo.size, photo.mtime_ns)  # as before, for now
        else:
            del seen[path]


def _settle_missing(
    known: dict[str, Photo],
    missing: dict[str, Photo],
    seen: dict[str, tuple[int | None, int, int]],
    roots: dict[int, str],
) -> tuple[list[Photo], dict[int | None, list[Photo]]]:
    """Split photos no longer seen into deletions and, per folder, photos to hold as missing.

    Photos already held stay held. Vanished photos are grouped by the place they vanished
    from: their own folder if it still has photos, else the highest folder that has none left
    (a subtree gone at once). A place loses photos one by one as usual, but when many of them
    (or all, from a place that now looks empty) vanish at once, they are held instead; a single
    deletion elsewhere in the same scan is still followed.
    """
    if all(photo.missing_since is not None for photo in missing.values()):
        return [], {}
    alive: set[str] = set()
    for path in seen:
        parent = os.path.dirname(path)
        while parent not in alive and parent != os.path.dirname(parent):
            alive.add(parent)
            parent = os.path.dirname(parent)
    vanished: dict[str, list[Photo]] = defaultdict(list)
    for photo in missing.values():
        if photo.missing_since is None:
            vanished[_place(photo, alive, roots)].append(photo)
    total: dict[str, int] = defaultdict(int)
    present: dict[str, int] = defaultdict(int)
    for path in known:
        for place in _places_above(path, vanished):
            total[place] += 1
            present[place] += path in seen
    gone: list[Photo] = []
    held: dict[int | None, list[Photo]] = defaultdict(list)
    for place, photos in vanished.items():
        emptied = present[place] == 0 and len(photos) > 1
        bulk = len(photos) >= HOLD_AT_LEAST and len(photos) >= HOLD_SHARE * total[place]
        if emptied or bulk:
            for photo in photos:
                held[photo.folder_id].append(photo)
        else:
            gone += photos
    return gone, dict(held)


def _place(photo: Photo, alive: set[str], roots: dict[int, str]) -> str:
    """Where a photo vanished from: its folder if that still has photos, else the highest
    folder up to its library folder that has none."""
    root = roots.get(photo.folder_id) if photo.folder_id is not None else None
    place = os.path.dirname(photo.path)
    if root is None or place in alive:
        return place
    while place != root and os.path.dirname(place) not in alive:
        up = os.path.dirname(place)
        if up == place:
            break
        place = up
    return place


def _places_above(path: str, places: dict[str, list[Photo]]) -> list[str]:
    found = []
    parent = os.path.dirname(path)
    while True:
        if parent in places:
            found.append(parent)
        up = os.path.dirname(parent)
        if up == parent:
            return found
        parent = up


def _under(path: str, folders: list[str]) -> bool:
    return any(path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


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
