"""What duplicate finding reads and caches: photos by content, and copy checks by content pair."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from photofind.core.catalog.rows import PHOTO_COLS, Photo, photo_row
from photofind.core.catalog.store import Store

__all__ = ["CopyQueries"]


class CopyQueries(Store):
    """Exact copies by fingerprint; copy-check evidence keyed by the two contents compared.

    Evidence is keyed by content fingerprints, not photo ids, so it survives moves and renames
    and a changed file (new fingerprint) is checked again; `version` names the method that
    measured it, so a changed method never reads stale evidence.
    """

    def fingerprinted(self) -> list[tuple[int, str]]:
        """(photo id, fingerprint) of every photo whose content is known."""
        rows = self._db.execute(
            "SELECT id, fingerprint FROM photos WHERE fingerprint > '' ORDER BY id"
        )
        return [(r[0], r[1]) for r in rows]

    def photos_by_id(self, photo_ids: Sequence[int]) -> dict[int, Photo]:
        out: dict[int, Photo] = {}
        for start in range(0, len(photo_ids), 500):
            chunk = [int(i) for i in photo_ids[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT {PHOTO_COLS} FROM photos WHERE id IN ({marks})", chunk
            ):
                out[row[0]] = photo_row(row)
        return out

    def copy_checks(self, version: int) -> dict[tuple[str, str], tuple[int, float]]:
        """Every cached check by `version`: (fingerprint, fingerprint) -> (inliers, agreement),
        the pair in sorted order."""
        rows = self._db.execute(
            "SELECT fingerprint_a, fingerprint_b, inliers, agreement FROM copy_checks "
            "WHERE version = ?",
            (version,),
        )
        return {(a, b): (n, s) for a, b, n, s in rows}

    def copy_check(self, a: str, b: str, version: int) -> tuple[int, float] | None:
        """The cached check of one pair (fingerprints in sorted order) by `version`, if any."""
        row = self._db.execute(
            "SELECT inliers, agreement FROM copy_checks "
            "WHERE fingerprint_a = ? AND fingerprint_b = ? AND version = ?",
            (a, b, version),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def store_copy_checks(
        self, version: int, checks: Iterable[tuple[str, str, int, float]]
    ) -> None:
        """Cache (fingerprint, fingerprint, inliers, agreement) rows, the pair in sorted order."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO copy_checks"
                "(fingerprint_a, fingerprint_b, version, inliers, agreement) "
                "VALUES(?, ?, ?, ?, ?)",
                [(a, b, version, n, s) for a, b, n, s in checks],
            )

    def copy_facts(self, fingerprints: Sequence[str]) -> dict[str, tuple[float, int, bool]]:
        """Cached (sharpness, EXIF tags, colour) of those contents that have them."""
        out: dict[str, tuple[float, int, bool]] = {}
        for start in range(0, len(fingerprints), 500):
            chunk = list(fingerprints[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for fp, sharp, tags, colour in self._db.execute(
                "SELECT fingerprint, sharpness, exif_tags, colour FROM copy_facts "
                f"WHERE fingerprint IN ({marks})",
                chunk,
            ):
                out[fp] = (sharp, tags, bool(colour))
        return out

    def store_copy_facts(self, facts: Iterable[tuple[str, float, int, bool]]) -> None:
        """Cache (fingerprint, sharpness, EXIF tags, colour) rows."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO copy_facts(fingerprint, sharpness, exif_tags, colour) "
                "VALUES(?, ?, ?, ?)",
                [(fp, s, n, int(c)) for fp, s, n, c in facts],
            )

    def forget_copy_checks(self, keep: set[str]) -> int:
        """Drop cached checks and facts of contents no longer in `keep`; how many checks went."""
        rows = self._db.execute("SELECT fingerprint_a, fingerprint_b FROM copy_checks").fetchall()
        gone = [(a, b) for a, b in rows if a not in keep or b not in keep]
        facts = [(fp,) for (fp,) in self._db.execute("SELECT fingerprint FROM copy_facts")]
        with self.transaction() as db:
            db.executemany(
                "DELETE FROM copy_checks WHERE fingerprint_a = ? AND fingerprint_b = ?", gone
            )
            db.executemany(
                "DELETE FROM copy_facts WHERE fingerprint = ?",
                [f for f in facts if f[0] not in keep],
            )
        return len(gone)
