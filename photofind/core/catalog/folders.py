"""Library folders: registration, online state, and the photos an offline folder hides."""

from __future__ import annotations

import time

from photofind.core.catalog.rows import Folder, dec, enc
from photofind.core.catalog.store import Store

__all__ = ["FolderQueries"]


class FolderQueries(Store):
    """Folders the library watches."""

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
        rows = self._db.execute("SELECT id, path, polling, online FROM folders ORDER BY path")
        return [Folder(r[0], dec(r[1]), bool(r[2]), bool(r[3])) for r in rows]

    def set_online(self, folder_id: int, online: bool) -> None:
        with self.transaction() as db:
            db.execute("UPDATE folders SET online = ? WHERE id = ?", (int(online), folder_id))

    def hidden_photo_ids(self) -> set[int]:
        """Photos in folders that are offline (unplugged drive, unmounted share)."""
        rows = self._db.execute(
            "SELECT p.id FROM photos p JOIN folders f ON f.id = p.folder_id WHERE f.online = 0"
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
