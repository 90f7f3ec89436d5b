"""What the app browses: photo listings, folder counts, a photo's facts and thumbnail, and
moving copies to the OS trash. A mixin of `Library` (which supplies `catalog`, `thumbnails`,
`model` and `photo`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from photofind.core.catalog import Catalog, Folder, FolderCounts, Photo, PhotoOrder
from photofind.core.files import PhotoFacts, read_facts, send_to_trash
from photofind.core.imaging import (
    THUMBNAIL_SIDE,
    ImageError,
    decode,
    fingerprint,
    read_bytes,
    thumbnail_jpeg,
)
from photofind.core.results import LibraryError
from photofind.core.thumbnails import ThumbnailCache

__all__ = ["LibraryBrowsing"]


class LibraryBrowsing:
    """Browsing methods of `Library`."""

    catalog: Catalog
    thumbnails: ThumbnailCache

    if TYPE_CHECKING:  # what `Library` provides

        @property
        def model(self) -> str: ...

        def photo(self, path: str | os.PathLike[str]) -> Photo | None: ...

    def remove_folder(self, path: str) -> int:
        """Stop following a library folder and forget its photos (the files stay)."""
        return self.catalog.remove_folder(path)

    def failures(self) -> list[Photo]:
        return self.catalog.failures()

    def photos(self, offset: int = 0, limit: int = 200) -> list[Photo]:
        """A page of the library's visible photos in path order (a grid's rows)."""
        return self.catalog.photo_page(offset, limit)

    def photo_paths(self, order: PhotoOrder = PhotoOrder.FOLDER) -> list[str]:
        """Every visible photo's path in `order` (a grid of the whole library)."""
        return self.catalog.visible_paths(order)

    def folders(self) -> list[tuple[Folder, FolderCounts]]:
        """The library's folders with their photo counts."""
        counts = self.catalog.indexed_counts(self.model)
        empty = FolderCounts(0, 0, 0)
        return [(f, counts.get(f.id, empty)) for f in self.catalog.folders()]

    def facts(self, path: str | os.PathLike[str]) -> PhotoFacts:
        """Size, dimensions, date taken and camera of a photo (reads its header)."""
        photo = self.photo(path)
        if photo is None:
            return read_facts(os.fspath(path))
        return read_facts(photo.path, photo.width, photo.height, photo.taken_at)

    def trash(
        self, paths: Iterable[str], trash: Callable[[str], None] | None = None
    ) -> list[tuple[str, str]]:
        """Move photos to the OS trash and forget them; [(path, reason)] of those left in place.

        `trash` replaces the OS trash (tests).
        """
        moved, failed = send_to_trash(paths, trash)
        photos = [self.photo(p) for p in moved]
        self.catalog.delete_photos(p.id for p in photos if p is not None)
        return failed

    def thumbnail(self, path: str | os.PathLike[str]) -> bytes:
        """A photo's thumbnail as JPEG bytes, longer side `THUMBNAIL_SIDE` at most.

        Indexing caches them, by content (so one the worker made before it stored the photo is
        found too); any other photo (pending, or outside the library) is decoded now and cached.
        Reads files: call it from a worker thread, never a UI thread.
        """
        photo = self.photo(path)
        cached = self._cached_thumbnail(photo)
        if cached is not None:
            return cached
        file = self._existing(photo.path if photo is not None else path)
        try:
            data = read_bytes(file)
            digest = fingerprint(data)
            cached = self.thumbnails.get(digest)  # the worker may have made it already
            if cached is not None:
                return cached
            decoded = decode(data, file.suffix, long_side=THUMBNAIL_SIDE)
        except ImageError as exc:
            raise LibraryError(f"cannot read {file}: {exc}") from None
        jpeg = thumbnail_jpeg(decoded.image, self.thumbnails.side)
        self.thumbnails.put(digest, jpeg)
        return jpeg

    def cached_thumbnail(self, path: str | os.PathLike[str]) -> bytes | None:
        """The thumbnail indexing cached for a library photo, or None (reads no photo)."""
        return self._cached_thumbnail(self.photo(path))

    def photo_thumbnail(self, photo: Photo) -> bytes | None:
        """A library photo's thumbnail (`thumbnail`), or None if it cannot be read."""
        cached = self._cached_thumbnail(photo)
        if cached is not None:  # the common case, without looking the photo up again
            return cached
        try:
            return self.thumbnail(photo.path)
        except LibraryError:
            return None

    def _cached_thumbnail(self, photo: Photo | None) -> bytes | None:
        if photo is None or not photo.fingerprint:
            return None
        return self.thumbnails.get(photo.fingerprint)

    def _existing(self, path: str | os.PathLike[str]) -> Path:
        resolved = Path(path).expanduser()
        if not resolved.is_file():
            raise LibraryError(f"no such file: {path}")
        return resolved
