"""The files of the search indexes: reading a manifest, sweeping files no manifest names."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from pathlib import Path

__all__ = ["FORMAT", "read_manifest", "sweep"]

FORMAT = 1


def read_manifest(path: Path, model: str) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and data.get("format") == FORMAT
    return data if ok and data.get("model") == model else None


def sweep(folder: Path, models: Iterable[str]) -> int:
    """Remove index files no current manifest of `models` names: generations left by a
    kill between write and swap, ones Windows would not let go while mapped, other models'.
    Files still in use stay for a later sweep. Returns how many went."""
    keep: set[str] = set()
    for model in models:
        manifest = read_manifest(folder / f"{model}.json", model)
        if manifest is not None:
            stem = f"{model}.{manifest.get('generation')}"
            keep |= {f"{model}.json", f"{stem}.ann", f"{stem}.ids.npy"}
    removed = 0
    for path in folder.glob("*") if folder.is_dir() else ():
        if path.name in keep or not path.name.endswith((".ann", ".npy", ".json", ".tmp")):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed
