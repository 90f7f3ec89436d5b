"""Library folders: registration, online state, held-missing photos and what hides photos."""

from __future__ import annotations

import time
from collections.abc import Iterable

from photofind.core.catalog.rows import PHOTO_COLS, Folder, Photo, dec, enc, photo_row
from photofind.core.catalog.store import Store

__all__ = ["FolderQueries"]


class FolderQueries(Store):
    """Folders the library watches, and the photos a scan holds as missing in them."""

    def add_folder(self, path: str, polling: bool = False) -> int:
        """Register a folder (idempotent; `polling` once set stays) and return its id."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO folders(path, added_at, polling) VALUES(?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET polling = MAX(polling, excluded.polling)",
                (enc(path), time.time(), int(polling)),
            )
            return db.execute("SELECT id FROM folders WHERE path = ?", (enc(path),)).fetchone()[0]

    def folders(self) -> list[Folder]:
        rows = self._db.execute(
            "SELECT id, path, polling, online, device, waiting_since FROM folders ORDER BY path"
        )
        return [Folder(r[0], dec(r[1]), bool(r[2]), bool(r[3]), r[4], r[5]) for r in rows]

    def set_online(self, folder_id: int, online: bool) -> None:
        with self.transaction() as db:
            db.execute("UPDATE folders SET online = ? WHERE id = ?", (int(online), folder_id))

    def set_device(self, folder_id: int, device: int) -> None:
        """Record the device (st_dev) the folder's files live on when it is seen with them."""
        with self.transaction() as db:
            db.execute("UPDATE folders SET device = ? WHERE id = ?", (device, folder_id))

    def hidden_generation(self) -> int:
        """Grows whenever a folder goes offline or online or photos are held or released."""
        return self._db.execute("SELECT value FROM generations WHERE name = 'hidden'").fetchone()[0]

    def hidden_photo_ids(self) -> set[int]:
        """Photos not shown: in offline folders (unplugged drive) or held as missing."""
        rows = self._db.execute(
            "SELECT p.id FROM photos p JOIN folders f ON f.id = p.folder_id WHERE f.online = 0 "
            "UNION SELECT id FROM photos WHERE missing_since IS NOT NULL"
        )
        return {r[0] for r in rows}

    def remove_folder(self, path: str) -> int:
        """Stop following a folder and forget its photos; how many photos were forgotten."""
        with self.transaction() as db:
            row = db.execute("SELECT id FROM folders WHERE path = ?", (enc(path),)).fetchone()
            if row is None:
                return 0
            n = db.execute("SELECT COUNT(*) FROM photos WHERE folder_id = ?", (row[0],)).fetchone()
            db.execute("DELETE FROM folders WHERE id = ?", (row[0],))
            return int(n[0])

    # -- photos held as missing -----------------------------------------------------------------

    def hold_missing(self, photo_ids: Iterable[int]) -> None:
        """Hide photos a scan no longer sees, keeping them (and all they carry) for now."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE photos SET missing_since = ? WHERE id = ? AND missing_since IS NULL",
                [(time.time(), i) for i in photo_ids],
            )

    def release_missing(self, photo_ids: Iterable[int]) -> None:
        """Photos held as missing that are back."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE photos SET missing_since = NULL WHERE id = ?", [(i,) for i in photo_ids]
            )

    def missing_photos(self, folder_id: int | None, limit: int = 1_000_000) -> list[Photo]:
        """Photos held as missing in a folder (None: among the loose files), by path."""
        rows = self._db.execute(
            f"SELECT {PHOTO_COLS} FROM photos WHERE folder_id IS ? AND missing_since IS NOT NULL "
            "ORDER BY path LIMIT ?",
            (folder_id, limit),
        )
        return [photo_row(r) for r in rows]

    def forget_missing(self, folder_id: int | None) -> int:
        """Delete a folder's held-missing photos (user tags stay kept by content); how many."""
        with self.transaction() as db:
            return db.execute(
                "DELETE FROM photos WHERE folder_id IS ? AND missing_since IS NOT NULL",
                (folder_id,),
            ).rowcount

    def keep_waiting(self, folder_id: int) -> None:
        """The user chose to wait for the folder's missing photos: stop asking about these."""
        with self.transaction() as db:
            db.execute(
                "UPDATE folders SET waiting_since = ? WHERE id = ?", (time.time(), folder_id)
            )

    def folder_counts(self) -> dict[int | None, tuple[int, int, int]]:
        """Per folder id (None: loose files): (photos, missing, missing since waiting began)."""
        rows = self._db.execute(
            "SELECT p.folder_id, COUNT(*), COUNT(p.missing_since), "
            "COALESCE(SUM(p.missing_since > COALESCE(f.waiting_since, 0)), 0) "
            "FROM photos p LEFT JOIN folders f ON f.id = p.folder_id GROUP BY p.folder_id"
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}
