"""The files of the search indexes: building, swapping in and loading an Annoy file with its
manifest, and sweeping files no manifest names.

A generation is four files: the Annoy trees over every vector projected on the vectors'
`REDUCED` principal axes (`.ann`; about the origin, so angles there approximate the full
ones), the photo id of each item (`.ids.npy`), the full vectors in item order
(`.vectors.npy`, read row by row to score candidates exactly) and the axes (`.axes.npy`).
An Annoy leaf holds as many items as a vector has dimensions, so over the full vectors a
search's budget reached a handful of leaves and missed edited copies' true neighbours; over
the principal axes it reaches several times more, and the trees build far faster (README,
"Similarity search").
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photofind.core.search_space import principal_axes

__all__ = ["FORMAT", "REDUCED", "TREES", "Built", "IndexFiles", "read_manifest", "sweep"]

FORMAT = 2  # 1: trees over the full vectors
TREES = 64
REDUCED = 256  # principal axes the trees split on (the full pass's first look uses as many)
CHUNK = 8192  # vectors projected at a time while building
SUFFIXES = (".ann", ".ids.npy", ".vectors.npy", ".axes.npy")


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
            keep |= {f"{model}.json", *(stem + suffix for suffix in SUFFIXES)}
    removed = 0
    for path in folder.glob("*") if folder.is_dir() else ():
        if path.name in keep or not path.name.endswith((".ann", ".npy", ".json", ".tmp")):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed


class VectorFile:
    """A saved float32 matrix read a row here and there. Not mapped: a mapping's page faults
    bring in whole folios around each row and keep them resident (README, "The desktop app":
    memory), where a read takes the row alone."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - held while the index is in use
        try:
            version = np.lib.format.read_magic(self._file)
            if version == (1, 0):
                header = np.lib.format.read_array_header_1_0(self._file)
            else:
                header = np.lib.format.read_array_header_2_0(self._file)
        except ValueError:
            self._file.close()
            raise
        self.shape, fortran, dtype = header
        if fortran or dtype != np.float32 or len(self.shape) != 2:
            self._file.close()
            raise ValueError(f"{path}: not a float32 matrix")
        self._start = self._file.tell()
        self._row = 4 * int(self.shape[1])
        if os.fstat(self._file.fileno()).st_size < self._start + self._row * int(self.shape[0]):
            self._file.close()
            raise ValueError(f"{path}: truncated")

    def rows(self, items: np.ndarray) -> np.ndarray:
        """Rows `items` (item positions), in that order."""
        out = np.empty((len(items), self.shape[1]), dtype=np.float32)
        for at in np.argsort(items, kind="stable"):  # in file order
            self._file.seek(self._start + int(items[at]) * self._row)
            self._file.readinto(memoryview(out[at]).cast("B"))
        return out

    def close(self) -> None:
        self._file.close()


@dataclass
class Built:
    """A loaded index: its trees, each item's photo id and full vector (read on demand), and
    the principal axes its trees were built on."""

    annoy: object
    ids: np.ndarray
    vectors: VectorFile
    axes: np.ndarray
    seq: int
    ann: Path
    ann_bytes: int
    by_id: np.ndarray | None = None  # item positions sorted by photo id, made on first use

    def nearest(self, vector: np.ndarray, n: int, search_k: int) -> np.ndarray:
        """Items of about the `n` nearest to `vector` as the trees see it (projected)."""
        reduced = vector @ self.axes.T
        items = self.annoy.get_nns_by_vector(reduced.tolist(), n, search_k=search_k)  # type: ignore[attr-defined]
        return np.asarray(items, dtype=np.int64)

    def rows(self, items: np.ndarray) -> np.ndarray:
        """The full vectors of `items`, read from their file."""
        return self.vectors.rows(items)

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
        ids, matrix = self._gather(count)
        if not ids:
            return
        axes = principal_axes(matrix, REDUCED)
        annoy = AnnoyIndex(len(axes), "angular")
        annoy.set_seed(20240601)  # deterministic trees for the same catalog state
        for start in range(0, len(ids), CHUNK):
            reduced = matrix[start : start + CHUNK] @ axes.T
            for row, vec in enumerate(reduced, start):
                annoy.add_item(row, vec.tolist())
        annoy.build(trees, n_jobs=1)  # one job: tree order, hence results, do not vary by machine
        ann_tmp = self.folder / f"{stem}.ann.tmp"
        annoy.save(str(ann_tmp))
        annoy.unload()
        os.replace(ann_tmp, self.folder / f"{stem}.ann")
        arrays = (np.asarray(ids, dtype=np.int64), matrix, axes)
        for suffix, array in zip(SUFFIXES[1:], arrays, strict=True):
            with open(self.folder / f"{stem}{suffix}.tmp", "wb") as f:
                np.save(f, array)
            os.replace(self.folder / f"{stem}{suffix}.tmp", self.folder / f"{stem}{suffix}")
        manifest = {
            "format": FORMAT,
            "model": self.name,
            "generation": generation,
            "seq": seq,
            "count": len(ids),
            "dim": matrix.shape[1],
            "reduced": len(axes),
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

    def _gather(self, count: int) -> tuple[list[int], np.ndarray]:
        """Every photo id and vector to index, in one float32 matrix."""
        ids: list[int] = []
        matrix = np.zeros((0, 0), dtype=np.float32)
        for photo_id, vec in self._iter():
            if len(ids) == len(matrix):  # the count was taken first: grow only if it rose since
                grown = np.empty((max(count, 2 * len(ids), 1), len(vec)), dtype=np.float32)
                grown[: len(ids)] = matrix[:, : len(vec)] if ids else 0
                matrix = grown
            matrix[len(ids)] = vec
            ids.append(photo_id)
        return ids, matrix[: len(ids)]

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
            vectors = VectorFile(stem.with_name(stem.name + ".vectors.npy"))
            axes = np.load(stem.with_name(stem.name + ".axes.npy"), allow_pickle=False)
            annoy = AnnoyIndex(int(manifest["reduced"]), "angular")
            annoy.load(str(ann))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        shapes = vectors.shape == (len(ids), manifest["dim"]) and axes.shape[1] == manifest["dim"]
        if annoy.get_n_items() != len(ids) or len(ids) != manifest["count"] or not shapes:
            annoy.unload()
            return None
        seq, size = int(manifest["seq"]), int(manifest["ann_bytes"])
        return Built(annoy, ids, vectors, axes, seq, ann, size)

    def _remove(self, manifest: dict | None, keep_manifest: bool = False) -> None:
        if manifest is None:
            return
        names = [f"{self.name}.{manifest.get('generation')}{suffix}" for suffix in SUFFIXES]
        if not keep_manifest:
            names.append(self.manifest_path.name)
        for name in names:
            # In use elsewhere (Windows) or already gone: the next rebuild retries.
            with contextlib.suppress(OSError):
                (self.folder / name).unlink()
