"""The `Library`'s search-vector methods: the space `similar` ranks in, and keeping it fresh."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from photofind.core import search_vectors
from photofind.core.catalog import Photo
from photofind.core.catalog.vectors import VectorTable
from photofind.core.imaging import ImageError, fingerprint, read_bytes
from photofind.core.near_copies import COPY_CANDIDATE, CopyVerifier
from photofind.core.results import LibraryError, Match
from photofind.core.search_index import SearchIndex
from photofind.core.search_space import centre, expand, near_copy

if TYPE_CHECKING:
    from photofind.core.catalog import Catalog
    from photofind.core.vector_index import VectorIndex

__all__ = ["Query", "SearchMethods"]


def _rocchio(
    likes: Sequence[np.ndarray] | np.ndarray, unlikes: Sequence[np.ndarray] | np.ndarray
) -> np.ndarray:
    """The mean of the positives less half the mean of the negatives, normalised."""
    query = np.mean(likes, axis=0)
    if len(unlikes):
        query = query - 0.5 * np.mean(unlikes, axis=0)
    return (query / (np.linalg.norm(query) or 1.0)).astype(np.float32)


class Query(NamedTuple):
    """A query photo's embedding and the library photo it is, if any."""

    vector: np.ndarray
    photo: Photo | None
    twin: bool  # `photo` is not the file asked about but holds the same content
    file: Path | None = None  # the file read, when its embedding was computed now
    fingerprint: str | None = None  # that file's content, when read


class SearchMethods:
    """Mixed into `Library`; every method reads or writes the catalog of its own thread."""

    _search_index: SearchIndex | None = None

    if TYPE_CHECKING:  # what `Library` provides
        catalog: Catalog
        root: Path

        @property
        def model(self) -> str: ...

        @property
        def vector_index(self) -> VectorIndex: ...

        def photo(self, path: str | os.PathLike[str]) -> Photo | None: ...

        def _embed_file(self, path: Path) -> tuple[np.ndarray, np.ndarray]: ...

        def _existing(self, path: str | os.PathLike[str]) -> Path: ...

        def _hidden_ids(self) -> set[int]: ...

        def photo_thumbnail(self, photo: Photo) -> bytes | None: ...

        def thumbnail(self, path: str | os.PathLike[str]) -> bytes: ...

    def query_vector(self, path: str | os.PathLike[str]) -> Query:
        """A photo's embedding: stored (the file may be offline), or computed now. A file
        outside the library with the content of an indexed photo (a byte-identical copy) is
        that photo, so both find the same neighbours."""
        photo = self.photo(path)
        vector = self.catalog.vector(photo.id, self.model) if photo else None
        if vector is not None:
            return Query(vector, photo, twin=False)
        file = self._existing(path)  # not indexed yet, or outside the library: read the file
        digest = photo.fingerprint if photo is not None else None
        if photo is None:
            try:
                digest = fingerprint(read_bytes(file))
            except ImageError as exc:
                raise LibraryError(f"cannot read {file}: {exc}") from None
            twin = self.catalog.photo_by_fingerprint(digest)
            vector = self.catalog.vector(twin.id, self.model) if twin else None
            if twin is not None and vector is not None:
                return Query(vector, twin, twin=True)
        return Query(self._embed_file(file)[0], photo, False, file, digest)

    def similar(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        k: int = 10,
        unlike: Iterable[str | os.PathLike[str]] = (),
    ) -> list[Match]:
        """The `k` photos most like `paths` (and least like `unlike`), best first.

        Queries may be in the library or any file; the query photos are never among the results,
        but a file outside the library finds its byte-identical copy in it first (score 1), then
        what that photo finds. With several photos, the query is the mean of the positives minus
        half the mean of the negatives (Rocchio's relevance feedback), normalised. Ranked by the
        search vectors (`search_ranked`).
        """
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        likes = [self.query_vector(p) for p in paths]
        unlikes = [self.query_vector(p) for p in unlike]
        if not likes:
            raise LibraryError("give at least one photo to search like")
        hidden = self._hidden_ids()
        exclude = {q.photo.id for q in likes + unlikes if q.photo is not None} | hidden
        twins = list(dict.fromkeys(q.photo.id for q in likes if q.twin and q.photo))
        twins = [pid for pid in twins if pid not in hidden][:k]
        hits = [(pid, 1.0) for pid in twins]
        if k > len(twins):
            vectors = [q.vector for q in likes], [q.vector for q in unlikes]
            source = likes[0].photo.id if len(likes) == 1 and likes[0].photo else None
            verify = self._copy_verifier(likes[0]) if len(likes) == 1 and not unlikes else None
            hits += self.search_ranked(*vectors, k - len(twins), exclude, source, verify)
        paths_by_id = self.catalog.paths([pid for pid, _ in hits])
        return [Match(paths_by_id[pid], score) for pid, score in hits if pid in paths_by_id]

    @property
    def search_index(self) -> SearchIndex:
        """Nearest-neighbour search over the current model's search vectors."""
        if self._search_index is None or self._search_index.model != self.model:
            self._search_index = SearchIndex(self.root / "index", self.catalog, self.model)
        return self._search_index

    def refresh_search_vectors(
        self,
        full: bool = False,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> bool:
        """Bring the search vectors up to the embeddings: new photos from their neighbours at
        once, or (`full`, first time, library grew or shrank by half) a full pass that reports
        `progress(done, total)` and stops at `cancel`. False if cancelled: the last good search
        vectors stay. Runs the model's neighbour search on all vectors: call it from a worker."""
        state = self.catalog.search_state(self.model)
        count = self.catalog.counts(self.model).indexed
        params = search_vectors.PARAMS
        if full or search_vectors.needs_full_pass(state, count, params):
            return search_vectors.full_pass(self.catalog, self.model, params, progress, cancel)
        search_vectors.sync(self.catalog, self.search_index, self.model, params)
        return True

    def _copy_verifier(self, query: Query) -> CopyVerifier:
        """Tells whether a library photo is a copy of `query` (`near_copies`)."""
        if query.file is None and query.photo is not None:
            photo = query.photo
            return CopyVerifier(
                self.catalog,
                photo.fingerprint,
                lambda: self.photo_thumbnail(photo),
                self.photo_thumbnail,
            )
        file = query.file

        def image() -> bytes | None:
            try:
                return self.thumbnail(file) if file is not None else None
            except LibraryError:
                return None

        return CopyVerifier(self.catalog, query.fingerprint, image, self.photo_thumbnail)

    def _plain_nearest(
        self, plain_query: np.ndarray, few: int, exclude: set[int], source: int | None
    ) -> list[tuple[int, float]]:
        """The `few` (photo id, raw cosine) nearest the plain query. For a library photo
        (`source`), among its neighbours from the last pass, with no search: a search of the
        embeddings' own index would map its trees into the app's memory too (README, "The
        desktop app": memory); for a file from outside, that search, at half a full query's
        effort (README, "At scale")."""
        stored = self.catalog.search_neighbours(source, self.model) if source is not None else []
        candidates = [pid for pid in stored if pid not in exclude]
        if len(candidates) < few:
            return self.vector_index.search(plain_query, few, exclude, effort=few)
        ids, matrix = self.vector_index.vectors_of(candidates)
        scores = matrix @ plain_query
        best = np.argsort(-scores, kind="stable")[:few]
        return [(int(ids[i]), float(scores[i])) for i in best]

    def search_ranked(
        self,
        likes: Sequence[np.ndarray],
        unlikes: Sequence[np.ndarray],
        k: int,
        exclude: set[int],
        source: int | None = None,
        verify: Callable[[int], bool] | None = None,
    ) -> list[tuple[int, float]]:
        """The `k` (photo id, score) best for embeddings `likes` and `unlikes`: centred on the
        library mean against the search vectors, with query expansion and, for one photo, its
        near-copy first; the plain embeddings until the library's first pass, and in a library
        of fewer than `MIN_PHOTOS`. `source`: the library photo a single query is; `verify`:
        whether a library photo is a copy of a single query (`near_copies`)."""
        state = self.catalog.search_state(self.model)
        params = search_vectors.PARAMS
        small = state is not None and state.full_count < search_vectors.MIN_PHOTOS
        plain_query = _rocchio(likes, unlikes)
        if state is None or small or len(state.mean) != len(likes[0]) or not params.centred:
            return self.vector_index.search(plain_query, k, exclude)
        negatives = centre(np.stack(unlikes), state.mean) if len(unlikes) else np.zeros(0)
        query = _rocchio(centre(np.stack(likes), state.mean), negatives)
        plain: list[tuple[int, float]] = []
        if params.expand or params.copy_gap or params.check_copies:
            one = source if len(likes) == 1 and not len(unlikes) else None
            plain = self._plain_nearest(plain_query, max(params.expand, 2), exclude, one)
        if params.expand:
            _, found = self.catalog.vectors_of(
                [pid for pid, _ in plain[: params.expand]], self.model, VectorTable.SEARCH
            )
            query = expand(query, found, found @ query, params.alpha)
        ranked = self.search_index.search(query, k, exclude)
        one = len(likes) == 1 and len(unlikes) == 0
        copy = near_copy(plain, params.copy_gap) if one else None
        # A plain nearest that does not stand out may still be a copy: its pixels tell.
        unsure = copy is None and one and plain and ranked and plain[0][0] != ranked[0][0]
        if unsure and verify and params.check_copies and plain[0][1] >= COPY_CANDIDATE:
            copy = plain[0][0] if verify(plain[0][0]) else None
        if copy is None or not ranked:
            return ranked
        # Shown with the higher of its plain likeness and the first result's score.
        score = max(plain[0][1], ranked[0][1])
        return [(copy, score), *[hit for hit in ranked if hit[0] != copy][: k - 1]]
