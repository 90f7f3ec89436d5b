"""Tags: predicted ones (a photo's, counts per label, photos per label) and the user's own."""

from __future__ import annotations

from photofind.core.catalog.rows import Tag, dec
from photofind.core.catalog.store import Store

__all__ = ["TagQueries"]


class TagQueries(Store):
    """Tags the model predicted, per model."""

    def tags(self, photo_id: int, model: str) -> list[Tag]:
        rows = self._db.execute(
            "SELECT label, score, class_index FROM predicted_tags "
            "WHERE photo_id = ? AND model = ? ORDER BY rank",
            (photo_id, model),
        )
        return [Tag(r[0], r[1], r[2]) for r in rows]

    def tag_counts(self, model: str, min_score: float) -> list[tuple[str, int]]:
        """(label, photos) for visible photos tagged at `min_score` or more, commonest first."""
        rows = self._db.execute(
            "SELECT t.label, COUNT(DISTINCT t.photo_id) AS n FROM predicted_tags t "
            "JOIN photos p ON p.id = t.photo_id LEFT JOIN folders f ON f.id = p.folder_id "
            "WHERE t.model = ? AND t.score >= ? AND COALESCE(f.online, 1) = 1 "
            "AND p.missing_since IS NULL GROUP BY t.label ORDER BY n DESC, t.label",
            (model, min_score),
        )
        return [(r[0], r[1]) for r in rows]

    def tagged(
        self, model: str, label: str, min_score: float, limit: int
    ) -> list[tuple[str, float]]:
        """(path, score) of visible photos tagged `label`, most confident first."""
        rows = self._db.execute(
            "SELECT p.path, MAX(t.score) AS s FROM predicted_tags t "
            "JOIN photos p ON p.id = t.photo_id LEFT JOIN folders f ON f.id = p.folder_id "
            "WHERE t.model = ? AND t.label = ? AND t.score >= ? AND COALESCE(f.online, 1) = 1 "
            "AND p.missing_since IS NULL GROUP BY p.id ORDER BY s DESC, p.path LIMIT ?",
            (model, label, min_score, limit),
        )
        return [(dec(r[0]), r[1]) for r in rows]

    # -- the user's own tags: never deleted by a scan (kept by content while a photo is gone) --

    def user_tags(self, photo_id: int) -> list[str]:
        rows = self._db.execute(
            "SELECT tag FROM user_tags WHERE photo_id = ? ORDER BY tag", (photo_id,)
        )
        return [r[0] for r in rows]

    def add_user_tag(self, photo_id: int, tag: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO user_tags(photo_id, tag) VALUES(?, ?)", (photo_id, tag)
            )

    def remove_user_tag(self, photo_id: int, tag: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM user_tags WHERE photo_id = ? AND tag = ?", (photo_id, tag))
