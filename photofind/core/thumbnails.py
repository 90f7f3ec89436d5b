"""The on-disk thumbnail cache: one small JPEG per photo content, made while indexing.

Files are named by the photo's content fingerprint, so a moved or renamed photo keeps its
thumbnail, copies share one, and switching models reuses them all. The cache is disposable:
a missing or damaged file is made again from the photo, and no write failure (disk full,
read-only folder) ever costs an indexing run.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Collection
from pathlib import Path

from photofind.core.imaging import THUMBNAIL_SIDE

__all__ = ["ThumbnailCache"]

_JPEG_START, _JPEG_END = b"\xff\xd8", b"\xff\xd9"


class ThumbnailCache:
    """JPEG thumbnails under `root/<side>/<fp[:2]>/<fp>.jpg`; safe to share between threads."""

    def __init__(self, root: Path, side: int = THUMBNAIL_SIDE) -> None:
        self.side = side
        self.root = root / str(side)

    def path(self, fingerprint: str) -> Path:
        return self.root / fingerprint[:2] / f"{fingerprint}.jpg"

    def has(self, fingerprint: str) -> bool:
        return self.path(fingerprint).is_file()

    def get(self, fingerprint: str) -> bytes | None:
        """The cached JPEG, or None if absent or damaged (a damaged file is removed)."""
        path = self.path(fingerprint)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if data.startswith(_JPEG_START) and data.endswith(_JPEG_END):
            return data
        with contextlib.suppress(OSError):
            path.unlink()
        return None

    def put(self, fingerprint: str, jpeg: bytes) -> bool:
        """Store a thumbnail atomically (readers never see half a file); False if it failed."""
        path = self.path(fingerprint)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(jpeg)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            return False
        return True

    def prune(self, keep: Collection[str]) -> int:
        """Delete thumbnails of contents not in `keep` (and stray temp files); how many went."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if entry.suffix == ".jpg" and entry.stem in keep:
                    continue
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed += 1
        return removed
