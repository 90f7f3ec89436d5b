"""The files of the search indexes: building, swapping in and loading an Annoy file with its
manifest, and sweeping files no manifest names."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

__all__ = ["FORMAT", "TREES", "Built", "IndexFiles", "read_manifest", "sweep"]

FORMAT = 1
TREES = 32  # chosen by benchmarks/vector_search.py (README, performance section)


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


@dataclass
class Built:
    """A loaded index file and the photo id of each of its items."""

    annoy: object
    ids: np.ndarray
    seq: int
    ann: Path
    ann_bytes: int
    by_id: np.ndarray | None = None  # item positions sorted by photo id, made on first use
    nodes: np.ndarray | None = None  # the file's nodes, mapped on first use

    def intact(self) -> bool:
        try:
            return self.ann.stat().st_size == self.ann_bytes
        except OSError:
            return False


class IndexFiles:
    """Mixed into `VectorIndex`: its Annoy file's build, atomic swap, loading and removal."""

    if TYPE_CHECKING:  # what VectorIndex provides
        folder: Path
        name: str
        _built: Built | None
        _manifest_seen: int | None

        @property
        def manifest_path(self) -> Path: ...

        def _seq(self) -> int: ...

        def _count(self) -> int: ...

        def _iter(self) -> Iterable[tuple[int, np.ndarray]]: ...

        def _forget_log(self, seq: int) -> None: ...

        def worth_an_index(self, count: int) -> bool: ...

    def rebuild(self, trees: int = TREES) -> None:
        """Build a fresh index from the catalog and swap it in atomically."""
        from annoy import AnnoyIndex

        seq = self._seq()  # anything logged after this counts as stale
        count = self._count()
        self.folder.mkdir(parents=True, exist_ok=True)
        old = self._read_manifest()
        if not self.worth_an_index(count):
            self._remove(old)
            self._forget_log(seq)
            self._built = None
            return
        generation = 1 + max(
            [(old or {}).get("generation", 0)]
            + [
                int(p.suffixes[0][1:])
                for p in self.folder.glob(f"{self.name}.*.ann")
                if p.suffixes[0][1:].isdigit()
            ]
        )
        stem = f"{self.name}.{generation}"
        ids: list[int] = []
        annoy = None
        for photo_id, vec in self._iter():
            if annoy is None:
                annoy = AnnoyIndex(len(vec), "angular")
                annoy.set_seed(20240601)  # deterministic trees for the same catalog state
            annoy.add_item(len(ids), vec.tolist())
            ids.append(photo_id)
        if annoy is None:
            return
        annoy.build(trees, n_jobs=1)  # one job: tree order, hence results, do not vary by machine
        ann_tmp = self.folder / f"{stem}.ann.tmp"
        annoy.save(str(ann_tmp))
        annoy.unload()
        os.replace(ann_tmp, self.folder / f"{stem}.ann")
        with open(self.folder / f"{stem}.ids.tmp", "wb") as f:
            np.save(f, np.asarray(ids, dtype=np.int64))
        os.replace(self.folder / f"{stem}.ids.tmp", self.folder / f"{stem}.ids.npy")
        manifest = {
            "format": FORMAT,
            "model": self.name,
            "generation": generation,
            "seq": seq,
            "count": len(ids),
            "dim": len(vec),
            "trees": trees,
            "metric": "angular",
            "ann_bytes": (self.folder / f"{stem}.ann").stat().st_size,
        }
        tmp = self.manifest_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(manifest), encoding="utf-8")
        os.replace(tmp, self.manifest_path)
        self._forget_log(seq)
        self._built = None
        self._manifest_seen = None
        if old:
            self._remove(old, keep_manifest=True)

    def _read_manifest(self) -> dict | None:
        return read_manifest(self.manifest_path, self.name)

    def _current(self) -> Built | None:
        """The index on disk, loaded (memory-mapped) when its manifest changed; None if unusable."""
        try:
            mtime = self.manifest_path.stat().st_mtime_ns
        except OSError:
            self._built, self._manifest_seen = None, None
            return None
        if mtime == self._manifest_seen and (self._built is None or self._built.intact()):
            return self._built
        self._manifest_seen = mtime
        self._built = self._load()
        return self._built

    def _load(self) -> Built | None:
        from annoy import AnnoyIndex

        manifest = self._read_manifest()
        if manifest is None:
            return None
        stem = self.folder / f"{self.name}.{manifest['generation']}"
        ann = stem.with_name(stem.name + ".ann")
        try:
            if ann.stat().st_size != manifest["ann_bytes"]:
                return None  # truncated or replaced behind our back
            ids = np.load(stem.with_name(stem.name + ".ids.npy"), allow_pickle=False)
            annoy = AnnoyIndex(int(manifest["dim"]), "angular")
            annoy.load(str(ann))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if annoy.get_n_items() != len(ids) or len(ids) != manifest["count"]:
            annoy.unload()
            return None
        return Built(annoy, ids, int(manifest["seq"]), ann, int(manifest["ann_bytes"]))

    def _remove(self, manifest: dict | None, keep_manifest: bool = False) -> None:
        if manifest is None:
            return
        names = [
            f"{self.name}.{manifest.get('generation')}.ann",
            f"{self.name}.{manifest.get('generation')}.ids.npy",
        ]
        if not keep_manifest:
            names.append(self.manifest_path.name)
        for name in names:
            # In use elsewhere (Windows) or already gone: the next rebuild retries.
            with contextlib.suppress(OSError):
                (self.folder / name).unlink()
