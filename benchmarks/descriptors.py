"""Retrieval quality of pooled descriptor variants, from one forward pass per image.

    .venv/bin/python -m benchmarks.descriptors                      # scikit-image's photos
    .venv/bin/python -m benchmarks.descriptors --photos DIR         # a folder of real photos
    .venv/bin/python -m benchmarks.descriptors --dataset DIR        # class folders of yours

Variants, all L2-normalised: the whole photo as photofind feeds it (`imaging.fit_input`) or the
usual centred square crop, each average-pooled (photofind's default) or GeM-pooled (p = 3, as in
the CGD paper), and the whole photo's with PCA-whitening.

`--photos DIR` (e.g. a clone of github.com/EliSchwartz/imagenet-sample-images, 1000 ImageNet
photos) builds two sets. Scenes: every fifth photo seen through five hard views (crops of 30-60%
of each side, mirrored, relit, rotated, recoloured); each view queries all other views. Kinds:
when names start with an ImageNet WordNet id, photos grouped into the nine super-classes of
Restricted ImageNet (dog, cat, frog, turtle, bird, primate, fish, crab, insect); each queries
the others. Whitening is learned on the photos outside the set, as a library would learn it on
its own photos. Without `--photos`, the set is scikit-image's 17 photos (8 views each) and the
whitening is learned on the set itself (optimistic).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageEnhance, ImageOps

from photofind.core.embedder import Embedder, load_embedder
from photofind.core.evaluation import class_scores
from photofind.core.imaging import ImageError, decode, is_supported, read_bytes
from photofind.core.models import DEFAULT_MODEL
from photofind.core.taxonomy import imagenet

SKIMAGE = (
    "astronaut",
    "chelsea",
    "coffee",
    "rocket",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "colorwheel",
    "camera",
    "coins",
    "moon",
    "page",
    "text",
    "clock",
    "grass",
    "gravel",
    "brick",
)
# Restricted ImageNet (Tsipras et al. 2019): super-class -> ImageNet class index ranges.
KINDS = {
    "dog": (151, 268),
    "cat": (281, 285),
    "frog": (30, 32),
    "turtle": (33, 37),
    "bird": (80, 100),
    "primate": (365, 382),
    "fish": (389, 397),
    "crab": (118, 121),
    "insect": (300, 319),
}

Set = tuple[list[Image.Image], np.ndarray]


def views(img: Image.Image, rng: np.random.Generator, count: int, low: float) -> list[Image.Image]:
    """Hard views of one scene: random crops of `low`-60% of each side, half of them mirrored,
    some darker or lighter, rotated or recoloured."""
    w, h = img.size
    out = []
    for i in range(count):
        cw, ch = int(w * rng.uniform(low, 0.6)), int(h * rng.uniform(low, 0.6))
        x, y = int(rng.integers(0, w - cw)), int(rng.integers(0, h - ch))
        view = img.crop((x, y, x + cw, y + ch))
        if i % 2:
            view = ImageOps.mirror(view)
        if i % 3 == 1:
            view = ImageEnhance.Brightness(view).enhance(rng.uniform(0.6, 1.4))
        if i % 4 == 3:
            view = view.rotate(rng.uniform(-15, 15), resample=Image.Resampling.BICUBIC)
        if i % 5 == 2:
            view = ImageEnhance.Color(view).enhance(rng.uniform(0.3, 1.7))
        out.append(view)
    return out


def skimage_set() -> Set:
    from skimage import data

    images, labels = [], []
    rng = np.random.default_rng(0)
    for label, name in enumerate(SKIMAGE):
        try:
            img = Image.fromarray(getattr(data, name)()).convert("RGB")
        except Exception:  # a data file missing from this scikit-image build
            continue
        images += views(img, rng, 8, 0.4)
        labels += [label] * 8
    return images, np.array(labels)


def load(path: Path) -> Image.Image | None:
    try:
        return decode(read_bytes(path), path.suffix, min_side=320).image
    except ImageError:
        return None


def folder_set(root: Path) -> Set:
    """A class-folder dataset of your own: DIR/<class>/<image>."""
    images, labels = [], []
    for label, folder in enumerate(sorted(d for d in root.iterdir() if d.is_dir())):
        for path in sorted(folder.iterdir()):
            if is_supported(path) and (img := load(path)) is not None:
                images.append(img)
                labels.append(label)
    return images, np.array(labels)


def load_photos(root: Path) -> list[tuple[Path, Image.Image]]:
    """Every readable photo directly in `root`, in name order."""
    return [(p, img) for p in sorted(root.iterdir()) if is_supported(p) and (img := load(p))]


SCENE_EVERY = 5  # every fifth photo becomes a scene ...
SCENE_VIEWS = 5  # ... seen through five hard views


def scene_views(photos: list[tuple[Path, Image.Image]]) -> list[tuple[Path, list[Image.Image]]]:
    """The scenes set: hard views (crops of 30-60% of each side) of every fifth photo."""
    rng = np.random.default_rng(0)
    return [(p, views(img, rng, SCENE_VIEWS, 0.3)) for p, img in photos[::SCENE_EVERY]]


def photo_sets(root: Path) -> dict[str, tuple[Set, list[Image.Image]]]:
    """{name: ((images, labels), the other photos to learn whitening on)} from real photos."""
    photos = load_photos(root)
    scene_imgs: list[Image.Image] = []
    scene_labels: list[int] = []
    for label, (_, shots) in enumerate(scene_views(photos)):
        scene_imgs += shots
        scene_labels += [label] * len(shots)
    rest = [img for i, (_, img) in enumerate(photos) if i % SCENE_EVERY]
    sets = {"scenes": ((scene_imgs, np.array(scene_labels)), rest)}
    taxonomy = imagenet()
    kind_imgs, kind_labels, others = [], [], []
    for path, img in photos:
        index = taxonomy.index_of_wnid(path.name[:9])
        kind = next(
            (k for k, (a, b) in enumerate(KINDS.values()) if index and a <= index <= b), None
        )
        if kind is None:
            others.append(img)
        else:
            kind_imgs.append(img)
            kind_labels.append(kind)
    if len(set(kind_labels)) > 1:
        sets["kinds"] = ((kind_imgs, np.array(kind_labels)), others)
    return sets


def centre_crop(img: Image.Image, side: int) -> np.ndarray:
    """The usual ImageNet view: short side to side*256/224, centred side x side square."""
    scale = round(side * 256 / 224) / min(img.size)
    w, h = round(img.width * scale), round(img.height * scale)
    img = img.convert("RGB").resize((w, h), Image.Resampling.BICUBIC)
    left, top = (w - side) // 2, (h - side) // 2
    return np.asarray(img.crop((left, top, left + side, top + side)))


def pooled(
    embedder: Embedder, images: list[Image.Image], crop: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(average-pooled, GeM-pooled) features of the model's last feature map, for the whole
    photo as photofind feeds it, or (`crop`) for its centred square crop."""
    net = embedder.network.net  # the timm model inside the heads
    mean = torch.tensor(embedder.spec.mean).view(1, 3, 1, 1)
    std = torch.tensor(embedder.spec.std).view(1, 3, 1, 1)
    inputs = [centre_crop(i, embedder.spec.side) if crop else embedder.prepare(i) for i in images]
    by_shape: dict[tuple[int, ...], list[int]] = {}
    for i, x in enumerate(inputs):
        by_shape.setdefault(x.shape, []).append(i)
    avg = np.zeros((len(images), embedder.spec.dim), np.float32)
    gem = np.zeros_like(avg)
    for members in by_shape.values():
        for start in range(0, len(members), 64):
            chunk = members[start : start + 64]
            pixels = np.stack([inputs[i] for i in chunk])
            with torch.inference_mode():
                x = (torch.from_numpy(pixels).permute(0, 3, 1, 2).float() - mean) / std
                maps = net.forward_features(x).clamp_min(1e-6)
            avg[chunk] = maps.mean(dim=(2, 3)).numpy()
            gem[chunk] = maps.pow(3).mean(dim=(2, 3)).pow(1 / 3).numpy()
            if not crop and start == 0:  # the default descriptor is what photofind stores
                default, _ = embedder.embed(pixels)
                assert np.allclose(default, _unit(avg[chunk]), atol=1e-4)
    return avg, gem


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def whitening(learn: np.ndarray, dims: int) -> Callable[[np.ndarray], np.ndarray]:
    """PCA-whitening learned on `learn` (L2-normalised first), keeping `dims` dimensions."""
    v = _unit(learn)
    mean = v.mean(axis=0)
    _, s, vt = np.linalg.svd(v - mean, full_matrices=False)
    keep = min(dims, len(s) - 1)
    scale = np.sqrt(len(v) - 1) / (s[:keep] + 1e-6)
    return lambda x: (_unit(x) - mean) @ vt[:keep].T * scale


def table(embedder: Embedder, data: Set, learn_on: list[Image.Image] | None) -> None:
    images, labels = data
    avg, gem = pooled(embedder, images)
    learn_avg, learn_gem = pooled(embedder, learn_on) if learn_on else (avg, gem)
    where = f"{len(learn_on)} other photos" if learn_on else "the set itself"
    n_classes = len(set(labels.tolist()))
    print(f"\n{len(images)} images in {n_classes} classes; whitening learned on {where}\n")
    print("| descriptor | mAP | precision@1 |\n|---|---|---|")
    crop_avg, crop_gem = pooled(embedder, images, crop=True)
    rows: list[tuple[str, np.ndarray]] = [
        ("centre crop, average pooling (photofind before)", crop_avg),
        ("centre crop, GeM pooling, p=3", crop_gem),
        ("whole photo, average pooling (default)", avg),
        ("whole photo, GeM pooling, p=3", gem),
    ]
    for dims in (64, 256):
        rows.append((f"whole, average + PCA-whitening ({dims} d)", whitening(learn_avg, dims)(avg)))
        rows.append((f"whole, GeM + PCA-whitening ({dims} d)", whitening(learn_gem, dims)(gem)))
    for name, vec in rows:
        aps, p1, _ = class_scores(_unit(vec), labels)
        print(f"| {name} | {np.mean(aps):.3f} | {np.mean(p1):.3f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--photos", type=Path, help="a folder of real photos (see above)")
    source.add_argument("--dataset", type=Path, help="class folders of your own")
    args = parser.parse_args()
    embedder = load_embedder(args.model, "cpu", runtime="torch")
    print(f"model {args.model}")
    if args.photos:
        for name, (data, rest) in photo_sets(args.photos).items():
            print(f"\n### {name}")
            table(embedder, data, rest)
    else:
        table(embedder, folder_set(args.dataset) if args.dataset else skimage_set(), None)


if __name__ == "__main__":
    main()
