"""The `Library`'s tag methods: the tag tree, word search, own tags, tags taught by example."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from photofind.core import teaching
from photofind.core.results import LibraryError, Match, TooFewExamples
from photofind.core.tagsearch import (
    Combine,
    PhotoTag,
    TagNode,
    TagRef,
    Term,
    UnknownWord,
    parse_words,
    photo_tags,
    search,
    tag_tree,
    term_for,
)
from photofind.core.vocabulary import BROAD_STORE_MIN, normalise, vocabulary

if TYPE_CHECKING:
    from photofind.core.catalog import Catalog, Photo

__all__ = ["TagMethods"]


class TagMethods:
    """Mixed into `Library`; every method reads or writes the catalog of its own thread."""

    _teach_cache: tuple[tuple[str, int], np.ndarray, np.ndarray] | None = None

    if TYPE_CHECKING:  # what `Library` provides
        catalog: Catalog

        @property
        def model(self) -> str: ...

        def photo(self, path: str | os.PathLike[str]) -> Photo | None: ...

        def _hidden_ids(self) -> set[int]: ...

    def tag_tree(self, min_score: float | None = None) -> list[TagNode]:
        """Broad tags (fine tags as children), ungrouped fine tags, then own tags, each with
        its number of visible photos. `min_score` None: each broad tag's measured threshold."""
        return tag_tree(self.catalog, self.model, vocabulary(), min_score)

    def photos_with_tags(
        self,
        tags: Sequence[TagRef],
        combine: Combine = Combine.ALL,
        min_score: float | None = None,
        limit: int = 200,
    ) -> list[Match]:
        """Visible photos with all (or any) of `tags`, best score first."""
        try:
            terms = [term_for(ref, vocabulary()) for ref in tags]
        except UnknownWord as exc:
            raise LibraryError(str(exc)) from None
        return self._matches(terms, (), combine, min_score, limit)

    def search(
        self, words: str | Sequence[str], min_score: float | None = None, limit: int = 200
    ) -> list[Match]:
        """Photos matching every word or phrase (tag names, own tags or any English noun whose
        meaning WordNet ties to a tag: "puppy" finds dogs) and none of the `-word`s."""
        own = {tag for tag, _ in self.catalog.user_tag_counts()}
        try:
            include, exclude = parse_words(words, vocabulary(), own)
        except UnknownWord as exc:
            raise LibraryError(str(exc)) from None
        if not include:
            raise LibraryError("give at least one word to look for (not only -words)")
        return self._matches(include, exclude, Combine.ALL, min_score, limit)

    def _matches(
        self,
        include: Sequence[Term],
        exclude: Sequence[Term],
        combine: Combine,
        min_score: float | None,
        limit: int,
    ) -> list[Match]:
        hits = search(
            self.catalog, self.model, vocabulary(), include, exclude, combine, min_score, limit
        )
        paths = self.catalog.paths([pid for pid, _ in hits])
        return [Match(paths[pid], score) for pid, score in hits if pid in paths]

    def photo_tags(self, path: str | os.PathLike[str]) -> list[PhotoTag]:
        """A library photo's own tags, then its broad and fine predicted tags with scores
        (best first); predicted tags the user removed come marked hidden."""
        photo = self.photo(path)
        if photo is None:
            raise LibraryError(f"not in the library: {path}")
        return photo_tags(self.catalog, self.model, photo.id)

    def add_tag(self, tag: str, paths: Iterable[str | os.PathLike[str]]) -> int:
        """Give photos an own tag (also undoes a removal); how many photos."""
        return self.catalog.set_user_tag(self._tag_name(tag), self._photo_ids(paths), True)

    def remove_tag(self, tag: str, paths: Iterable[str | os.PathLike[str]]) -> int:
        """Say photos are not `tag`: drops an own tag, hides a predicted one for good, and
        rejects a taught tag's proposal; how many photos."""
        return self.catalog.set_user_tag(self._tag_name(tag), self._photo_ids(paths), False)

    def teach(self, tag: str, limit: int = 50) -> list[Match]:
        """Proposals for `tag` learnt from the photos tagged with it (at least 3) and those it
        was removed from, best first; tagging or removing proposals improves the next ones."""
        name = self._tag_name(tag)
        yes = self.catalog.user_tagged(name, True, visible=False)
        no = self.catalog.user_tagged(name, False, visible=False)
        if len(yes) < teaching.MIN_POSITIVES:
            raise TooFewExamples(
                f"tag at least {teaching.MIN_POSITIVES} photos {name!r} first (now {len(yes)})"
            )
        ids, matrix = self._all_vectors()
        rows_yes = _rows_of(ids, yes)
        rows_no = _rows_of(ids, no)
        if len(rows_yes) < teaching.MIN_POSITIVES:
            raise LibraryError(f"the photos tagged {name!r} are not indexed yet")
        labelled = np.concatenate([rows_yes, rows_no])
        background = teaching.background_sample(len(ids), labelled)
        classifier = teaching.train(matrix[rows_yes], matrix[rows_no], matrix[background])
        skip = set(yes) | set(no) | self._hidden_ids()
        hits = teaching.propose(classifier, ids, matrix, skip, limit)
        paths = self.catalog.paths([pid for pid, _ in hits])
        return [Match(paths[pid], score) for pid, score in hits if pid in paths]

    def refresh_broad_tags(self, model: str | None = None) -> int:
        """Give photos tagged before broad tags existed (or changed) broad tags summed from
        their stored top classes; how many photos. Runs at the start of each index job."""
        model = model or self.model
        vocab = vocabulary()
        key = f"broad_tags.{model}"
        known = self.catalog.get_setting(key)
        done = 0
        if known != vocab.version and (known is not None or self.catalog.broad_missing(model)):
            done = self.catalog.rebuild_broad_from_fine(
                model, vocab.broad_of_class, BROAD_STORE_MIN
            )
        if known != vocab.version:
            self.catalog.set_setting(key, vocab.version)
        return done

    def _all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every stored vector of the current model, read again only after vectors changed."""
        key = (self.model, self.catalog.vector_seq())
        if self._teach_cache is None or self._teach_cache[0] != key:
            ids, matrix = self.catalog.vectors(self.model)
            self._teach_cache = (key, ids, matrix)
        return self._teach_cache[1], self._teach_cache[2]

    def _tag_name(self, tag: str) -> str:
        name = normalise(tag)
        if not name or name.startswith("-"):
            raise LibraryError(f"not a usable tag name: {tag!r}")
        return name

    def _photo_ids(self, paths: Iterable[str | os.PathLike[str]]) -> list[int]:
        ids = []
        for path in paths:
            photo = self.photo(path)
            if photo is None:
                raise LibraryError(f"not in the library: {path}")
            ids.append(photo.id)
        return ids


def _rows_of(ids: np.ndarray, photo_ids: Sequence[int]) -> np.ndarray:
    """Row positions in the (sorted) `ids` of those of `photo_ids` present there."""
    wanted = np.asarray(photo_ids, dtype=np.int64)
    if not len(ids) or not len(wanted):
        return np.zeros(0, dtype=np.int64)
    pos = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return pos[ids[pos] == wanted].astype(np.int64)
