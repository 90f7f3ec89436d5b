"""The user's own word on tags: "yes, this photo is TAG" or "no, it is not" (per photo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from photofind.core.catalog.store import Store

__all__ = ["UserTagQueries"]

_VISIBLE = (
    "JOIN photos p ON p.id = u.photo_id LEFT JOIN folders f ON f.id = p.folder_id "
    "WHERE COALESCE(f.online, 1) = 1 AND p.missing_since IS NULL"
)


class UserTagQueries(Store):
    """Own tags (positive) and denied tags (negative): kept across moves and re-indexing."""

    def set_user_tag(self, tag: str, photo_ids: Iterable[int], positive: bool) -> int:
        """Say yes (or no) to `tag` on photos, replacing what was said before; how many."""
        with self.transaction() as db:
            return db.executemany(
                "INSERT INTO user_tags(photo_id, tag, positive) VALUES(?, ?, ?) "
                "ON CONFLICT(photo_id, tag) DO UPDATE SET positive = excluded.positive",
                [(int(pid), tag, int(positive)) for pid in photo_ids],
            ).rowcount

    def forget_user_tag(self, tag: str, photo_ids: Iterable[int]) -> int:
        """Take back what was said about `tag` on photos (neither yes nor no); how many."""
        with self.transaction() as db:
            return db.executemany(
                "DELETE FROM user_tags WHERE photo_id = ? AND tag = ?",
                [(int(pid), tag) for pid in photo_ids],
            ).rowcount

    def user_tags_of(self, photo_id: int) -> list[tuple[str, bool]]:
        """(tag, positive) said about a photo, by tag."""
        rows = self._db.execute(
            "SELECT tag, positive FROM user_tags WHERE photo_id = ? ORDER BY tag", (photo_id,)
        )
        return [(r[0], bool(r[1])) for r in rows]

    def user_tagged(self, tag: str, positive: bool = True, visible: bool = True) -> list[int]:
        """Ids of photos the user said yes (or no) to `tag` on, by id."""
        where = _VISIBLE if visible else "JOIN photos p ON p.id = u.photo_id WHERE 1"
        rows = self._db.execute(
            f"SELECT u.photo_id FROM user_tags u {where} AND u.tag = ? AND u.positive = ? "
            "ORDER BY u.photo_id",
            (tag, int(positive)),
        )
        return [r[0] for r in rows]

    def user_tag_counts(self) -> list[tuple[str, int]]:
        """(own tag, visible photos), commonest first."""
        rows = self._db.execute(
            f"SELECT u.tag, COUNT(*) AS n FROM user_tags u {_VISIBLE} AND u.positive = 1 "
            "GROUP BY u.tag ORDER BY n DESC, u.tag"
        )
        return [(r[0], r[1]) for r in rows]

    def denials(self, tags: Sequence[str]) -> dict[int, set[str]]:
        """Photo id -> those of `tags` the user said no to on it."""
        out: dict[int, set[str]] = {}
        for start in range(0, len(tags), 500):
            chunk = list(tags[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for pid, tag in self._db.execute(
                f"SELECT photo_id, tag FROM user_tags WHERE positive = 0 AND tag IN ({marks})",
                chunk,
            ):
                out.setdefault(pid, set()).add(tag)
        return out
