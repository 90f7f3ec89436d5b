"""Typed rows the catalog returns, and the encodings of paths and vectors in SQLite."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["CatalogError", "Counts", "Folder", "Photo", "PhotoResult", "Tag"]


class CatalogError(Exception):
    """The catalog cannot be opened or used (newer schema, not a database, unwritable...)."""


@dataclass(frozen=True)
class Folder:
    id: int
    path: str
    polling: bool
    online: bool = True
    device: int | None = None  # st_dev of the folder when last seen with its files
    waiting_since: float | None = None  # when the user chose to wait for its missing photos


@dataclass(frozen=True)
class Photo:
    id: int
    folder_id: int | None
    path: str
    size: int
    mtime_ns: int
    fingerprint: str | None
    status: str
    error: str | None
    width: int | None = None
    height: int | None = None
    taken_at: str | None = None
    missing_since: float | None = None  # held as missing (hidden) since, by a scan


@dataclass(frozen=True)
class Tag:
    label: str
    score: float
    class_index: int


@dataclass(frozen=True)
class PhotoResult:
    """What indexing learned about one photo, written in one transaction with its batch."""

    photo_id: int
    fingerprint: str
    width: int
    height: int
    taken_at: str | None
    vector: np.ndarray
    tags: Sequence[Tag]
    broad: Sequence[tuple[str, float]] = ()


@dataclass(frozen=True)
class Counts:
    photos: int
    indexed: int
    pending: int
    failed: int


def enc(path: str | os.PathLike[str]) -> bytes:
    return os.fsencode(path)


def dec(blob: bytes) -> str:
    return os.fsdecode(blob)


PHOTO_COLS = (
    "id, folder_id, path, size, mtime_ns, fingerprint, status, error, width, height, taken_at, "
    "missing_since"
)


def photo_row(row: sqlite3.Row) -> Photo:
    return Photo(
        id=row[0],
        folder_id=row[1],
        path=dec(row[2]),
        size=row[3],
        mtime_ns=row[4],
        fingerprint=row[5],
        status=row[6],
        error=row[7],
        width=row[8],
        height=row[9],
        taken_at=row[10],
        missing_since=row[11],
    )


def matrix(rows: Sequence[tuple[int, bytes]]) -> tuple[np.ndarray, np.ndarray]:
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), -1)
    return ids, matrix.astype(np.float32, copy=False)
