"""Real distractor photos for the library-scale benchmarks: every photo of the labelled sets'
source repositories that no set holds, whole and then as random crops (flipped, brightened or
darkened), embedded by the default model and cached in ~/.cache/photofind-bench.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from benchmarks.photo_sets import ANIMALS, CALTECH, SCENES, _mirror
from photofind.core.embedder import load_embedder

__all__ = ["distractors"]

SOURCES = (ANIMALS, SCENES, CALTECH, ("EliSchwartz/imagenet-sample-images", "HEAD", ""))
CACHE = Path.home() / ".cache" / "photofind-bench"


def _pool(mirrors: Path, data: Path) -> list[tuple[str, bytes]]:
    """(class, file bytes) of every source photo that no labelled set holds (by content): its
    class is its folder's name (a labelled set's class folders keep their source's names), or
    for the ImageNet samples, one photo a class, its own name."""
    taken = {hashlib.sha1(p.read_bytes()).hexdigest() for p in data.rglob("*") if p.is_file()}
    pool: dict[str, tuple[str, bytes]] = {}
    for repo, commit, root in SOURCES:
        mirror = _mirror(mirrors, repo)
        git = ["git", "--git-dir", str(mirror)]
        listing = subprocess.run(
            [*git, "ls-tree", "-r", commit, *([root] if root else [])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for line in listing.splitlines():
            meta, path = line.split("\t", 1)
            if not path.lower().endswith((".jpg", ".jpeg", ".png")):
                continue
            blob = subprocess.run([*git, "cat-file", "blob", meta.split()[2]], capture_output=True)
            digest = hashlib.sha1(blob.stdout).hexdigest()
            if blob.returncode == 0 and digest not in taken:
                parent = PurePosixPath(path).parent.name
                pool.setdefault(digest, (parent if root else PurePosixPath(path).stem, blob.stdout))
    return [pool[d] for d in sorted(pool)]


def _variant(data: bytes, seed: int) -> Image.Image | None:
    """The photo whole (seed 0), else a random crop of 35-90% of each side, maybe mirrored and
    brightened or darkened: a burst's or an edit's likeness, not a copy."""
    try:
        img = Image.open(BytesIO(data))
        img.draft("RGB", (640, 640))
        img = img.convert("RGB")
    except Exception:  # a broken or unreadable source photo: no distractor from it
        return None
    if seed == 0:
        return img
    rng = np.random.default_rng(seed)
    w, h = img.size
    cw, ch = (int(s * rng.uniform(0.35, 0.9)) for s in (w, h))
    left, top = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    img = img.crop((left, top, left + cw, top + ch))
    if rng.random() < 0.5:
        img = ImageOps.mirror(img)
    return ImageEnhance.Brightness(img).enhance(rng.uniform(0.7, 1.3))


def distractors(mirrors: Path, data: Path, model: str, count: int) -> tuple[np.ndarray, list[str]]:
    """`count` distractor embeddings and their classes, cached by model and count."""
    cached = CACHE / f"distractors-{model}-{count}.npz"
    if cached.exists():
        saved = np.load(cached)
        return saved["vectors"], saved["classes"].tolist()
    pool = _pool(mirrors, data)
    rounds = -(-count // len(pool))
    print(f"distractors: {len(pool)} source photos, up to {rounds} versions each", flush=True)
    embedder = load_embedder(model)
    jobs = [
        (i, 0 if r == 0 else r * len(pool) + i) for r in range(rounds) for i in range(len(pool))
    ]
    out: list[np.ndarray] = []
    classes: list[str] = []
    started = time.perf_counter()
    batches: dict[tuple[int, ...], list[tuple[str, np.ndarray]]] = {}

    def prepared(job: tuple[int, int]) -> tuple[str, np.ndarray] | None:
        label, data = pool[job[0]]
        img = _variant(data, job[1])
        return None if img is None else (label, embedder.prepare(img))

    with ThreadPoolExecutor(2) as decoders:
        for lo in range(0, len(jobs), 512):
            for item in decoders.map(prepared, jobs[lo : lo + 512]):
                if item is None:
                    continue
                batch = batches.setdefault(item[1].shape, [])
                batch.append(item)
                if len(batch) == 32:
                    out.append(embedder.embed(np.stack([arr for _, arr in batch]))[0])
                    classes += [label for label, _ in batch]
                    batch.clear()
            rate = len(classes) / (time.perf_counter() - started)
            print(f"  embedded {len(classes)}/{count} ({rate:.0f} photos/s)", flush=True)
            if len(classes) >= count:
                break
    vectors = np.concatenate(out)[:count].astype(np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cached, vectors=vectors, classes=np.array(classes[:count]))
    return vectors, classes[:count]
