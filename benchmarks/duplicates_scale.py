"""How long `photofind duplicates` takes on a 10,000-photo library, first run and cached.

    .venv/bin/python -m benchmarks.duplicates_scale --photos DIR [--workdir DIR]

DIR: a clone of github.com/EliSchwartz/imagenet-sample-images. Each of its 1000 photos becomes
ten "burst" frames (overlapping crops of 55-90% of the area, slightly relit, 640 px), so every
photo has close neighbours: nearly every photo is a candidate and the check does its most work.
Indexing is not timed (it is cached in --workdir for a second run).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageEnhance

from photofind.core.library import Library

FRAMES = 10


def build(folder: Path, originals: list[Path]) -> None:
    rng = random.Random(10_000)
    folder.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(originals):
        im = Image.open(path).convert("RGB")
        w, h = im.size
        for f in range(FRAMES):
            side = rng.uniform(0.55, 0.9) ** 0.5
            cw, ch = round(w * side), round(h * side)
            x0, y0 = rng.randint(0, w - cw), rng.randint(0, h - ch)
            frame = im.crop((x0, y0, x0 + cw, y0 + ch)).resize((640, round(640 * ch / cw)))
            frame = ImageEnhance.Brightness(frame).enhance(rng.uniform(0.9, 1.1))
            frame.save(folder / f"{i:04d}_{f}.jpg", quality=88)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, required=True)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--index-only", action="store_true", help="build and index, no timing")
    args = parser.parse_args()
    originals = sorted(p for p in args.photos.iterdir() if p.suffix.lower() in {".jpeg", ".jpg"})
    with tempfile.TemporaryDirectory() as tmp:
        root = args.workdir or Path(tmp)
        folder = root / "scale-photos"
        if not folder.is_dir():
            build(folder, originals)
        with Library.open(root / "scale-library", device="cpu") as lib:
            lib.add([folder])
            lib.scan()
            for _ in lib.index():
                pass
            lib.maintain_index()
            if args.index_only:
                return
            lib.catalog.forget_copy_checks(keep=set())  # a first run: nothing cached
            steps: list[tuple[int, int]] = []
            start = time.perf_counter()
            groups = lib.duplicates(progress=lambda d, t: steps.append((d, t)))
            first = time.perf_counter() - start
            start = time.perf_counter()
            lib.duplicates()
            again = time.perf_counter() - start
            photos = lib.catalog.counts(lib.model).indexed
    pairs = steps[-1][1] if steps else 0
    print("| photos | pairs checked | groups | first run s | second run s | progress calls |")
    print("|---|---|---|---|---|---|")
    print(f"| {photos} | {pairs} | {len(groups)} | {first:.1f} | {again:.2f} | {len(steps)} |")


if __name__ == "__main__":
    main()
