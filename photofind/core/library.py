"""The `Library` facade: the one entry point the CLI and the desktop app use."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Generator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photofind.config import resolve_library_dir
from photofind.core.catalog import Catalog, CatalogError, Counts, Photo, Tag
from photofind.core.duplicates import DEFAULT_THRESHOLD, find_duplicates
from photofind.core.embedder import Embedder
from photofind.core.folders import LibraryFolders
from photofind.core.imaging import ImageError
from photofind.core.indexer import Progress, index_pending, prepare_photo
from photofind.core.keepers import DuplicateGroup
from photofind.core.library_browsing import LibraryBrowsing
from photofind.core.library_map import MapMethods
from photofind.core.library_models import ModelMethods
from photofind.core.library_search import SearchMethods
from photofind.core.library_tags import TagMethods
from photofind.core.models import ModelError
from photofind.core.near_copies import precheck
from photofind.core.results import LibraryError, Match
from photofind.core.search_index import search_index_name
from photofind.core.taxonomy import top_tags
from photofind.core.thumbnails import ThumbnailCache
from photofind.core.vector_index import VectorIndex, sweep
from photofind.core.writer_lock import writer_lock

__all__ = ["Library", "LibraryError", "Match", "Status"]

CATALOG_FILE = "catalog.sqlite3"


@dataclass(frozen=True)
class Status:
    library: str
    model: str
    device: str
    counts: Counts


class Library(ModelMethods, LibraryFolders, LibraryBrowsing, TagMethods, SearchMethods, MapMethods):
    """A photo library stored in one folder (catalog, index files, caches).

    Open one per thread: its catalog connection belongs to the thread that opened it. Its
    parts: `ModelMethods` (the model and its switch), `LibraryFolders`, `LibraryBrowsing`
    (listings, facts, thumbnails, the trash), `TagMethods`, `SearchMethods` (search vectors)
    and `MapMethods` (the library map).
    """

    def __init__(self, root: Path, device: str | None = None) -> None:
        self.root = root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create the library folder {root}: {exc}") from None
        try:
            self.catalog = Catalog(root / CATALOG_FILE)
        except CatalogError as exc:
            raise LibraryError(str(exc)) from None
        self.device = device
        self._embedder: Embedder | None = None
        self._embedder_key: tuple[str, str | None, str | None] | None = None
        self._index: VectorIndex | None = None
        self.thumbnails = ThumbnailCache(root / "thumbnails")
        self._hidden: tuple[int, set[int]] = (-1, set())

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, device: str | None = None) -> Library:
        """Open (creating if needed) the library at `path`, $PHOTOFIND_LIBRARY or the default."""
        return cls(resolve_library_dir(path), device=device)

    def close(self) -> None:
        """Close the catalog connection (idempotent)."""
        self.catalog.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def writing(
        self,
        on_wait: Callable[[], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> AbstractContextManager[None]:
        """Hold the library's cross-process writer lock for a scan or indexing job.

        If another process writes (the app, `photofind watch`), `on_wait()` says so once and the
        lock is awaited; a set `cancel` gives up with `WriterBusy`.
        """
        return writer_lock(self.root, on_wait, cancel)

    # -- indexing -----------------------------------------------------------------------------

    def index(
        self,
        *,
        weights: str | None = None,
        batch_size: int = 32,
        workers: int | None = None,
        cancel: threading.Event | None = None,
        model: str | None = None,
        urgent: Callable[[], list[str]] | None = None,
        running: threading.Event | None = None,
        strikes: dict[int, int] | None = None,
    ) -> Generator[Progress, None, None]:
        """Embed and tag every pending photo, yielding progress after each batch.

        `model` defaults to the library's; the model is loaded only when something is pending,
        so an unchanged library costs no model work. `urgent()` names photos to take first;
        `cancel`, `running` (cleared: paused) and `strikes` act as in `index_pending`.
        """
        self.refresh_broad_tags(model)
        pending = self.catalog.counts(model or self.model).pending
        if pending == 0:
            return
        yield from index_pending(
            self.catalog,
            self.embedder(weights, model),
            batch_size=batch_size,
            workers=workers,
            cancel=cancel,
            urgent=urgent,
            total=pending,
            thumbnails=self.thumbnails,
            running=running,
            strikes=strikes,
        )

    @property
    def vector_index(self) -> VectorIndex:
        """Nearest-neighbour search over the current model's vectors."""
        if self._index is None or self._index.model != self.model:
            self._index = VectorIndex(self.root / "index", self.catalog, self.model)
        return self._index

    def maintain_index(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> bool:
        """Bring the search vectors up to date (`refresh_search_vectors`: a full pass with
        `progress` and `cancel` at a rebuild), check whether each photo they changed for is a
        copy of its plain nearest (`near_copies.precheck`, `progress` again for many photos),
        then rebuild the search indexes if enough changed since their build; True if
        one was. Cancelled: nothing rebuilt, the last good stay.

        A rebuild also drops the thumbnails and cached copy checks of photos no longer in the
        library. Each call
        removes index files no longer used (old generations, old models'), and once the
        current model has indexed everything, the vectors of models no longer in use.
        """
        models = [self.model] + ([self.next_model] if self.next_model else [])
        if self.catalog.counts(self.model).pending == 0:
            self.catalog.drop_models_except(models)
            self.catalog.drop_search_except(models)
        rebuilt = self.vector_index.needs_rebuild()
        if not self.refresh_search_vectors(rebuilt, progress, cancel):
            return False  # before the rebuild below forgets what the search vectors follow
        if not precheck(self.catalog, self.model, self.photo_thumbnail, progress, cancel):
            return False  # likewise: the checks follow the search vectors' log
        if self.search_index.needs_rebuild():
            self.search_index.rebuild()
        if rebuilt:
            self.vector_index.rebuild()
            contents = self.catalog.fingerprints()
            self.thumbnails.prune(contents)
            self.catalog.forget_copy_checks(contents)
        sweep(self.root / "index", models + [search_index_name(m) for m in models])
        return rebuilt

    # -- queries ----------------------------------------------------------------------------

    def status(self, resolve_device: bool = True) -> Status:
        device = self.device or "auto"
        if resolve_device:
            from photofind.core.embedder import pick_device

            try:
                device = pick_device(self.device)
            except ModelError as exc:
                raise LibraryError(str(exc)) from None
        return Status(str(self.root), self.model, device, self.catalog.counts(self.model))

    def photo(self, path: str | os.PathLike[str]) -> Photo | None:
        """The catalog row of a file, if the library holds it."""
        given = Path(path).expanduser()
        for candidate in (os.path.abspath(given), str(given.resolve())):
            photo = self.catalog.photo_by_path(candidate)
            if photo is not None:
                return photo
        return None

    def _embed_file(self, path: Path) -> tuple[np.ndarray, np.ndarray]:
        """(embedding, class probabilities) of any photo file, computed now."""
        embedder = self.embedder(device=self.query_device)
        try:
            prepared = prepare_photo(path, embedder)
        except ImageError as exc:
            raise LibraryError(f"cannot read {path}: {exc}") from None
        vectors, probs = embedder.embed(prepared.pixels[None])
        return vectors[0], probs[0]

    def _hidden_ids(self) -> set[int]:
        """Photos of offline folders and photos held missing, read again only when that set
        changes: keyed by a counter the catalog's triggers only ever raise."""
        generation = self.catalog.hidden_generation()
        if generation != self._hidden[0]:
            self._hidden = (generation, self.catalog.hidden_photo_ids())
        return self._hidden[1]

    def duplicates(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[DuplicateGroup]:
        """Groups of copies of one photo, keeper first, each member saying why it ranks so.

        Byte-identical files are grouped without model work; other copies are proposed by the
        vectors (cosine >= `threshold`) and confirmed on the thumbnails, the evidence cached
        in the catalog. `progress(done, total)` counts pairs checked; `cancel` stops early with
        the groups confirmed so far. Reads thumbnails and files: call it from a worker thread.
        """

        return find_duplicates(
            self.catalog,
            self.vector_index,
            self.photo_thumbnail,
            threshold,
            progress,
            self._hidden_ids(),
            cancel,
        )

    def tag_counts(self, min_score: float = 0.2) -> list[tuple[str, int]]:
        """Every predicted tag with its number of photos (scored `min_score` or more)."""
        return self.catalog.tag_counts(self.model, min_score)

    def tagged(self, label: str, min_score: float = 0.2, limit: int = 100) -> list[Match]:
        """Photos tagged `label`, most confident first."""
        return [Match(p, s) for p, s in self.catalog.tagged(self.model, label, min_score, limit)]

    def tags(self, path: str | os.PathLike[str], k: int = 5) -> list[Tag]:
        """Predicted ImageNet tags of a photo, best first (computed now if not stored)."""
        file = self._existing(path)
        photo = self.photo(file)
        if photo is not None:
            stored = self.catalog.tags(photo.id, self.model)
            if len(stored) >= k:
                return stored[:k]
        return top_tags(self._embed_file(file)[1], k)
