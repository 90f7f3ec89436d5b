"""How similar copies of a photo are, against how similar distinct photos are (default model).

    .venv/bin/python -m benchmarks.duplicate_threshold [--model efficientnet-lite0]

Copies: each real photo resized to 50% and 25%, re-compressed at JPEG quality 30, brightened
15%, cropped by 4% at the borders, and rotated 2 degrees. Distinct: every pair of different
photos, including different framings of one scene (a corner crop, a mirrored off-centre crop),
which a user would not call duplicates. Prints both distributions and how many copies are
found and distinct pairs wrongly grouped at each threshold.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from photofind.core.library import Library
from photofind.core.models import DEFAULT_MODEL

REAL = (
    "astronaut",
    "chelsea",
    "coffee",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "rocket",
    "colorwheel",
)
EDITS = {
    "half": lambda im: im.resize((im.width // 2, im.height // 2)),
    "quarter": lambda im: im.resize((im.width // 4, im.height // 4)),
    "q30": lambda im: im,  # saved at quality 30 below
    "bright": lambda im: ImageEnhance.Brightness(im).enhance(1.15),
    "crop4": lambda im: im.crop(
        (im.width // 25, im.height // 25, im.width * 24 // 25, im.height * 24 // 25)
    ),
    "rot2": lambda im: im.rotate(2, resample=Image.Resampling.BICUBIC, expand=False),
}


def build(folder: Path) -> None:
    from skimage import data

    for name in REAL:
        img = Image.fromarray(getattr(data, name)()).convert("RGB")
        img.save(folder / f"{name}.jpg", quality=92)
        for edit, fn in EDITS.items():
            fn(img).save(folder / f"{name}~{edit}.jpg", quality=30 if edit == "q30" else 85)
        w, h = img.size
        img.crop((0, 0, w // 2, h // 2)).save(folder / f"{name}#corner.jpg", quality=90)
        ImageOps.mirror(img.crop((w // 4, h // 3, w, h))).save(folder / f"{name}#mirror.jpg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        photos, lib_dir = Path(tmp) / "photos", Path(tmp) / "lib"
        photos.mkdir()
        build(photos)
        with Library.open(lib_dir, device="cpu") as lib:
            lib.set_model(args.model)
            lib.add([photos])
            lib.scan()
            for _ in lib.index():
                pass
            ids, matrix = lib.catalog.vectors(lib.model)
            names = {pid: Path(p).stem for pid, p in lib.catalog.paths(list(ids)).items()}
    vec = {names[int(i)]: v for i, v in zip(ids, matrix, strict=True)}
    copies, reframed, distinct = [], [], []
    for a, b in itertools.combinations(sorted(vec), 2):
        score = float(vec[a] @ vec[b])
        scene_a, scene_b = a.split("~")[0].split("#")[0], b.split("~")[0].split("#")[0]
        if scene_a != scene_b:
            distinct.append(score)
        elif "#" in a + b:
            reframed.append(score)
        elif "~" not in a or "~" not in b:  # an original and one of its copies
            copies.append(score)
    copies_a, reframed_a, distinct_a = np.array(copies), np.array(reframed), np.array(distinct)
    print(
        f"model {args.model}: {len(copies)} original-copy pairs, {len(reframed)} pairs of one "
        f"scene framed differently, {len(distinct)} pairs of different scenes"
    )
    print(
        f"original-copy:  min {copies_a.min():.3f}  p5 {np.percentile(copies_a, 5):.3f}  "
        f"median {np.median(copies_a):.3f}"
    )
    print(f"reframed scene: max {reframed_a.max():.3f}  median {np.median(reframed_a):.3f}")
    print(
        f"other scenes:   max {distinct_a.max():.3f}  p99 {np.percentile(distinct_a, 99):.3f}  "
        f"median {np.median(distinct_a):.3f}"
    )
    print("\n| threshold | copies found | reframed pairs grouped | other-scene pairs grouped |")
    print("|---|---|---|---|")
    for t in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        print(
            f"| {t:.2f} | {np.mean(copies_a >= t):.1%} | {np.mean(reframed_a >= t):.1%} | "
            f"{int(np.sum(distinct_a >= t))} of {len(distinct_a)} |"
        )


if __name__ == "__main__":
    main()
