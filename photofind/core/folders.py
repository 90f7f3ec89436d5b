"""The library's folders as the app shows them: online or not, photos held missing, exclusions.

A mixin of `Library` (which supplies `root` and `catalog`): adding and scanning folders, the
"2,304 photos in /mnt/nas are missing: Forget them / Keep waiting" decision, and the folders
no scan walks.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from photofind.core.catalog import Catalog, Photo
from photofind.core.imaging import is_supported
from photofind.core.scanner import ScanReport, scan
from photofind.core.walking import PathRules

__all__ = ["FolderState", "FolderStatus", "LibraryFolders"]

EXCLUDED_SETTING = "excluded_folders"


class FolderStatus(str, Enum):
    """Whether a library folder's files can be seen now."""

    ONLINE = "online"
    OFFLINE = "offline"  # absent or an empty mount point: its photos are kept, hidden


@dataclass(frozen=True)
class FolderState:
    """One library folder for a folder list: `missing` photos are held (hidden, kept) until
    the user forgets them or they come back; `needs_decision` when some went missing since
    the user last chose to keep waiting."""

    path: str
    status: FolderStatus
    photos: int
    missing: int
    needs_decision: bool
    polling: bool


class LibraryFolders:
    """Folder methods of `Library`."""

    root: Path
    catalog: Catalog

    def add(self, paths: Iterable[str | os.PathLike[str]], polling: bool = False) -> None:
        """Add folders (indexed recursively, watched) and single photo files.

        `polling` watches the added folders by polling (network shares) instead of OS events.
        """
        from photofind.core.library import LibraryError

        files: list[tuple[str, int, int]] = []
        for raw in paths:
            path = Path(raw).expanduser()
            if path.is_dir():
                self.catalog.add_folder(str(path.resolve()), polling=polling)
            elif path.is_file():
                if not is_supported(path):
                    raise LibraryError(f"not a supported photo file: {raw}")
                st = path.stat()
                files.append((os.path.abspath(path), st.st_size, st.st_mtime_ns))
            else:
                raise LibraryError(f"no such file or folder: {raw}")
        if files:
            self.catalog.add_photos(None, files)

    def scan(
        self,
        folders: Iterable[str] | None = None,
        settle_s: float = 0.0,
        cancel: threading.Event | None = None,
        running: threading.Event | None = None,
    ) -> ScanReport:
        """Bring the catalog in line with the disk (no model work).

        `folders` limits the scan to some library folders (and skips the loose files);
        `settle_s` leaves files modified that recently for a later scan; a set `cancel` stops
        it before it changes any photo (`report.cancelled`); while `running` is cleared
        (paused) it waits between folders.
        """
        chosen = self.catalog.folders()
        if folders is not None:
            wanted = set(folders)
            chosen = [f for f in chosen if f.path in wanted]
        return scan(
            self.catalog,
            chosen,
            settle_s=settle_s,
            loose_files=folders is None,
            rules=self.path_rules(),
            cancel=cancel,
            running=running,
        )

    # -- state and the missing-photos decision ------------------------------------------------

    def folder_states(self) -> list[FolderState]:
        """Every library folder with its status and photo counts, by path."""
        counts = self.catalog.folder_counts()
        return [
            FolderState(
                path=f.path,
                status=FolderStatus.ONLINE if f.online else FolderStatus.OFFLINE,
                photos=counts.get(f.id, (0, 0, 0))[0],
                missing=counts.get(f.id, (0, 0, 0))[1],
                needs_decision=counts.get(f.id, (0, 0, 0))[2] > 0,
                polling=f.polling,
            )
            for f in self.catalog.folders()
        ]

    def missing(self, folder: str, limit: int = 1_000_000) -> list[Photo]:
        """The photos of `folder` held as missing (hidden from results), by path."""
        return self.catalog.missing_photos(self._folder_id(folder), limit)

    def forget_missing(self, folder: str) -> int:
        """ "Forget them": delete `folder`'s held-missing photos; how many. Their user tags stay
        kept by content, and come back with the photos if they ever return."""
        return self.catalog.forget_missing(self._folder_id(folder))

    def keep_waiting(self, folder: str) -> None:
        """ "Keep waiting": leave `folder`'s missing photos held and stop asking about them
        (photos going missing later ask again)."""
        self.catalog.keep_waiting(self._folder_id(folder))

    def _folder_id(self, folder: str) -> int:
        from photofind.core.library import LibraryError

        wanted = {folder, str(Path(folder).expanduser().resolve())}
        for f in self.catalog.folders():
            if f.path in wanted:
                return f.id
        raise LibraryError(f"not a library folder: {folder}")

    # -- folders never walked ---------------------------------------------------------------

    def excluded(self) -> list[str]:
        """Folders the user excluded from scanning (with everything below them)."""
        raw = self.catalog.get_setting(EXCLUDED_SETTING)
        try:
            value = json.loads(raw) if raw else []
        except ValueError:
            return []
        return [str(p) for p in value] if isinstance(value, list) else []

    def set_excluded(self, folders: Iterable[str | os.PathLike[str]]) -> None:
        """Replace the exclusion list; the next scan removes the photos now excluded."""
        paths = sorted({str(Path(p).expanduser().resolve()) for p in folders})
        self.catalog.set_setting(EXCLUDED_SETTING, json.dumps(paths))

    def path_rules(self) -> PathRules:
        """What scans and watches skip: the exclusions, app bundles and this library's own
        folder (its thumbnails are photos too, and indexing makes more of them)."""
        return PathRules([*self.excluded(), str(self.root.resolve())])
