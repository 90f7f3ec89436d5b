"""Tags: predicted fine ImageNet classes (top few per photo), broad tags (stored sums)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from photofind.core.catalog.rows import Tag, dec
from photofind.core.catalog.store import Store

__all__ = ["TagQueries"]

# Photos shown: not in an offline folder
_VISIBLE = "JOIN photos p ON p.id = t.photo_id LEFT JOIN folders f ON f.id = p.folder_id"
_ONLINE = "COALESCE(f.online, 1) = 1 AND p.missing_since IS NULL"  # nor held missing
# ...and the user has not said "no" to this tag on this photo
_NOT_DENIED = (
    "NOT EXISTS (SELECT 1 FROM user_tags u WHERE u.photo_id = t.photo_id AND u.positive = 0 "
    "AND u.tag = lower({}))"
)


class TagQueries(Store):
    """Tags the model predicted, per model."""

    def tags(self, photo_id: int, model: str) -> list[Tag]:
        rows = self._db.execute(
            "SELECT label, score, class_index FROM predicted_tags "
            "WHERE photo_id = ? AND model = ? ORDER BY rank",
            (photo_id, model),
        )
        return [Tag(r[0], r[1], r[2]) for r in rows]

    def broad_tags_of(self, photo_id: int, model: str) -> list[tuple[str, float]]:
        """(broad tag, score) of a photo, best first."""
        rows = self._db.execute(
            "SELECT tag, score FROM broad_tags WHERE photo_id = ? AND model = ? "
            "ORDER BY score DESC, tag",
            (photo_id, model),
        )
        return [(r[0], r[1]) for r in rows]

    def tag_counts(self, model: str, min_score: float) -> list[tuple[str, int]]:
        """(label, photos) for visible photos tagged at `min_score` or more, commonest first.

        A photo where the user said no to the label is not counted.
        """
        rows = self._db.execute(
            f"SELECT t.label, COUNT(DISTINCT t.photo_id) AS n FROM predicted_tags t {_VISIBLE} "
            f"WHERE t.model = ? AND t.score >= ? AND {_ONLINE} AND "
            f"{_NOT_DENIED.format('t.label')} GROUP BY t.label ORDER BY n DESC, t.label",
            (model, min_score),
        )
        return [(r[0], r[1]) for r in rows]

    def broad_counts(self, model: str, thresholds: Mapping[str, float]) -> dict[str, int]:
        """Visible photos per broad tag scored at its threshold or more (and not denied)."""
        if not thresholds:
            return {}
        values = ",".join("(?, ?)" for _ in thresholds)
        args: list[object] = [x for item in thresholds.items() for x in item]
        rows = self._db.execute(
            f"WITH th(tag, min) AS (VALUES {values}) "
            f"SELECT t.tag, COUNT(*) FROM broad_tags t JOIN th ON th.tag = t.tag {_VISIBLE} "
            f"WHERE t.model = ? AND t.score >= th.min AND {_ONLINE} AND "
            f"{_NOT_DENIED.format('t.tag')} GROUP BY t.tag",
            [*args, model],
        )
        return {r[0]: r[1] for r in rows}

    def broad_rows(self, model: str, tags: Sequence[str]) -> list[tuple[int, str, float]]:
        """(photo id, broad tag, score) of visible photos for any of `tags`."""
        return self._rows_for("broad_tags", "tag", model, list(tags))

    def class_rows(self, model: str, classes: Sequence[int]) -> list[tuple[int, int, float]]:
        """(photo id, class index, score) of visible photos whose top tags hold `classes`."""
        return self._rows_for("predicted_tags", "class_index", model, [int(c) for c in classes])

    def _rows_for(self, table: str, column: str, model: str, values: list) -> list:
        """(photo id, `column`, score) of `table` rows of visible photos whose `column` is
        one of `values`."""
        if not values:
            return []
        marks = ",".join("?" * len(values))
        return self._db.execute(
            f"SELECT t.photo_id, t.{column}, t.score FROM {table} t {_VISIBLE} "
            f"WHERE t.model = ? AND t.{column} IN ({marks}) AND {_ONLINE}",
            [model, *values],
        ).fetchall()

    def broad_missing(self, model: str) -> bool:
        """Whether some photo has fine tags but no broad tags for `model` (made before them)."""
        row = self._db.execute(
            "SELECT 1 FROM predicted_tags t WHERE t.model = ? AND t.rank = 0 AND NOT EXISTS "
            "(SELECT 1 FROM broad_tags b WHERE b.photo_id = t.photo_id AND b.model = t.model) "
            "LIMIT 1",
            (model,),
        ).fetchone()
        return row is not None

    def rebuild_broad_from_fine(
        self, model: str, tag_of_class: Mapping[int, str], min_score: float
    ) -> int:
        """Broad tags summed from the stored top classes of every photo; how many photos.

        A lower bound of the true sums (which need all 1000 probabilities), for photos indexed
        before broad tags existed or before the broad tags changed; re-indexing makes them exact.
        """
        sums: dict[int, dict[str, float]] = {}
        for photo_id, class_index, score in self._db.execute(
            "SELECT photo_id, class_index, score FROM predicted_tags WHERE model = ?", (model,)
        ):
            tag = tag_of_class.get(class_index)
            per_photo = sums.setdefault(photo_id, {})
            if tag is not None:
                per_photo[tag] = per_photo.get(tag, 0.0) + score
        with self.transaction() as db:
            db.execute("DELETE FROM broad_tags WHERE model = ?", (model,))
            db.executemany(
                "INSERT INTO broad_tags(photo_id, model, tag, score) VALUES(?, ?, ?, ?)",
                [
                    (pid, model, tag, score)
                    for pid, tags in sums.items()
                    for tag, score in tags.items()
                    if score >= min_score
                ],
            )
        return len(sums)

    def tagged(
        self, model: str, label: str, min_score: float, limit: int
    ) -> list[tuple[str, float]]:
        """(path, score) of visible photos tagged `label`, most confident first."""
        rows = self._db.execute(
            f"SELECT p.path, MAX(t.score) AS s FROM predicted_tags t {_VISIBLE} "
            f"WHERE t.model = ? AND t.label = ? AND t.score >= ? AND {_ONLINE} "
            "GROUP BY p.id ORDER BY s DESC, p.path LIMIT ?",
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
