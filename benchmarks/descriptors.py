"""Retrieval quality of pooled descriptor variants on a class-folder set built from real photos.

    .venv/bin/python -m benchmarks.descriptors [--model efficientnet-lite0]

Each "class" is one real photo of scikit-image's (colour and greyscale) seen through eight random
crops of 40-60% of each side, some mirrored, relit or rotated: views of one scene that share only
part of it. Every image queries all others (mAP, precision@1). Variants, all L2-normalised, from
one forward pass: average pooling (photofind's default), GeM pooling (p = 3, as in the CGD
paper), and each with PCA-whitening learned on the set itself (optimistic: a library would learn
it on its own photos, not the queries' classes).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageEnhance, ImageOps

from photofind.core.evaluation import class_scores
from photofind.core.imaging import ImageError, decode, is_supported, read_bytes
from photofind.core.models import DEFAULT_MODEL, load_embedder

COLOUR = (
    "astronaut",
    "chelsea",
    "coffee",
    "rocket",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "colorwheel",
)
GREY = ("camera", "coins", "moon", "page", "text", "clock", "grass", "gravel", "brick")


def views(img: Image.Image, rng: np.random.Generator) -> list[Image.Image]:
    """Eight hard views: random crops of 40-60% of each side, half of them mirrored, some
    darker, lighter or rotated."""
    w, h = img.size
    out = []
    for i in range(8):
        cw, ch = int(w * rng.uniform(0.4, 0.6)), int(h * rng.uniform(0.4, 0.6))
        x, y = int(rng.integers(0, w - cw)), int(rng.integers(0, h - ch))
        view = img.crop((x, y, x + cw, y + ch))
        if i % 2:
            view = ImageOps.mirror(view)
        if i % 3 == 1:
            view = ImageEnhance.Brightness(view).enhance(rng.uniform(0.6, 1.4))
        if i % 4 == 3:
            view = view.rotate(rng.uniform(-10, 10), resample=Image.Resampling.BICUBIC)
        out.append(view)
    return out


def dataset() -> tuple[list[Image.Image], np.ndarray]:
    from skimage import data

    images, labels = [], []
    rng = np.random.default_rng(0)
    for label, name in enumerate(COLOUR + GREY):
        try:
            img = Image.fromarray(getattr(data, name)()).convert("RGB")
        except Exception:  # a data file missing from this scikit-image build
            continue
        for view in views(img, rng):
            images.append(view)
            labels.append(label)
    return images, np.array(labels)


def folder_dataset(root: Path) -> tuple[list[Image.Image], np.ndarray]:
    """A class-folder dataset of your own: DIR/<class>/<image>."""
    images, labels = [], []
    for label, folder in enumerate(sorted(d for d in root.iterdir() if d.is_dir())):
        for path in sorted(folder.iterdir()):
            if is_supported(path):
                try:
                    images.append(decode(read_bytes(path), path.suffix, min_side=320).image)
                    labels.append(label)
                except ImageError:
                    continue
    return images, np.array(labels)


def scores(vectors: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    aps, p1, _ = class_scores(v, labels)
    return float(np.mean(aps)), float(np.mean(p1))


def whiten(vectors: np.ndarray, dims: int) -> np.ndarray:
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    mean = v.mean(axis=0)
    _, s, vt = np.linalg.svd(v - mean, full_matrices=False)
    keep = min(dims, len(s) - 1)
    return (v - mean) @ vt[:keep].T / (s[:keep] + 1e-6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--dataset", type=Path, help="class folders of your own instead")
    args = parser.parse_args()
    embedder = load_embedder(args.model, "cpu", runtime="torch")
    images, labels = folder_dataset(args.dataset) if args.dataset else dataset()
    pixels = np.stack([embedder.prepare(img) for img in images])
    net = embedder.network.net  # the timm model inside the heads
    mean = torch.tensor(embedder.spec.mean).view(1, 3, 1, 1)
    std = torch.tensor(embedder.spec.std).view(1, 3, 1, 1)
    with torch.inference_mode():
        x = (torch.from_numpy(pixels).permute(0, 3, 1, 2).float() - mean) / std
        maps = net.forward_features(x).clamp_min(1e-6)
    avg = maps.mean(dim=(2, 3)).numpy()
    gem = maps.pow(3).mean(dim=(2, 3)).pow(1 / 3).numpy()
    default, _ = embedder.embed(pixels)
    assert np.allclose(default, avg / np.linalg.norm(avg, axis=1, keepdims=True), atol=1e-4)
    print(f"{len(images)} images in {len(set(labels.tolist()))} classes, model {args.model}\n")
    print("| descriptor | mAP | precision@1 |\n|---|---|---|")
    for name, vec in (
        ("average pooling (default)", avg),
        ("GeM pooling, p=3", gem),
        ("average pooling + PCA-whitening (64 d)", whiten(avg, 64)),
        ("GeM pooling + PCA-whitening (64 d)", whiten(gem, 64)),
    ):
        m, p = scores(vec, labels)
        print(f"| {name} | {m:.3f} | {p:.3f} |")


if __name__ == "__main__":
    main()
