"""A photo file as a person sees it (facts shown beside it) and moving files to the OS trash."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

__all__ = ["PhotoFacts", "read_facts", "send_to_trash"]

_MAKE, _MODEL = 271, 272
_HEADER_BYTES = 256 * 1024  # EXIF sits in the first 64 KiB of a JPEG; HEIC/TIFF need a little more


@dataclass(frozen=True)
class PhotoFacts:
    """What the detail panel shows about a photo."""

    path: str
    size: int  # bytes on disk
    width: int | None
    height: int | None
    taken_at: str | None  # ISO 8601 local time
    camera: str | None  # "Make Model", from EXIF


def read_facts(
    path: str, width: int | None = None, height: int | None = None, taken_at: str | None = None
) -> PhotoFacts:
    """File size and camera from the file; dimensions and date from the catalog when known.

    Reads only the file's header; a missing or unreadable file gives what is known.
    """
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0
    camera = None
    try:
        with open(path, "rb") as f:
            head = f.read(_HEADER_BYTES)
        img = Image.open(io.BytesIO(head))
        width, height = width or img.width, height or img.height
        exif = img.getexif()
        make = str(exif.get(_MAKE, "")).strip("\x00 ")
        model = str(exif.get(_MODEL, "")).strip("\x00 ")
        # Models often repeat the make ("Canon" + "Canon EOS R6"): say it once.
        camera = (model if model.lower().startswith(make.lower()) else f"{make} {model}").strip()
    except Exception:  # an unreadable header only costs the camera line
        pass
    return PhotoFacts(path, size, width, height, taken_at, camera or None)


def send_to_trash(
    paths: Iterable[str], trash: Callable[[str], None] | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """Move files to the OS trash (reversible, never a hard delete).

    `trash` replaces the OS trash (tests). Returns (moved, [(path, reason), ...] not moved).
    """
    if trash is None:
        from send2trash import send2trash

        trash = send2trash
    moved: list[str] = []
    failed: list[tuple[str, str]] = []
    for path in paths:
        if not Path(path).exists():
            failed.append((path, "the file is already gone"))
            continue
        try:
            trash(path)
        except Exception as exc:  # send2trash raises OSError and its own TrashPermissionError
            failed.append((path, str(exc) or type(exc).__name__))
        else:
            moved.append(path)
    return moved, failed
