"""Tag accuracy from other windows of the same feature maps: can re-pooling recover the crop?

    .venv/bin/python -m benchmarks.tag_windows --photos DIR

DIR: ImageNet photos named by WordNet id (imagenet-sample-images). The default model sees the
whole photo (224 px on the short side) and takes its logits from the centred square of the
feature maps. This asks whether another pooling window of the same maps (free: no second pass)
gives back the top-1 the usual 256-then-224 centre crop had: a window of 87.5% (or 75%) of the
square's side, emulating that crop's framing with edge cells weighted by the share they cover;
the mean of the square's and that window's probabilities; the whole map.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np


def _edge_weights(side: int, fraction: float):
    import torch

    weights = np.ones(side)
    if side >= 3:
        weights[0] = weights[-1] = max(0.0, (fraction * side - (side - 2)) / 2)
    return torch.tensor(weights, dtype=torch.float32)


def main() -> None:
    import torch

    from photofind.core.embedder import load_embedder
    from photofind.core.indexer import prepare_photo
    from photofind.core.models import DEFAULT_MODEL
    from photofind.core.taxonomy import imagenet

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=Path, required=True)
    args = ap.parse_args()
    embedder = load_embedder(DEFAULT_MODEL, "cpu", runtime="torch")
    heads = embedder.network.eval()
    mean = torch.tensor(embedder.spec.mean).view(1, 3, 1, 1)
    std = torch.tensor(embedder.spec.std).view(1, 3, 1, 1)
    taxonomy = imagenet()
    names = ("centre square (photofind)", "87.5% window", "75% window", "mean of the two", "whole")
    probs: dict[str, list] = {name: [] for name in names}
    truths = []
    with torch.inference_mode():
        for file in sorted(args.photos.glob("n*")):
            truths.append(taxonomy.index_of_wnid(re.search(r"n\d{8}", file.name).group(0)))
            pixels = torch.from_numpy(prepare_photo(file, embedder).pixels[None].copy())
            maps = heads.maps((pixels.permute(0, 3, 1, 2).float() - mean) / std)
            h, w = maps.shape[-2:]
            side = min(h, w)
            top, left = (h - side) // 2, (w - side) // 2
            square = maps[:, :, top : top + side, left : left + side]

            def window(fraction: float, square=square, side=side):
                e = _edge_weights(side, fraction)
                grid = e[:, None] * e[None, :]
                return (square * grid).sum(dim=(2, 3)) / grid.sum()

            p_square = heads.logits(square.mean(dim=(2, 3))).softmax(1)
            p_window = heads.logits(window(0.875)).softmax(1)
            probs[names[0]].append(p_square)
            probs[names[1]].append(p_window)
            probs[names[2]].append(heads.logits(window(0.75)).softmax(1))
            probs[names[3]].append((p_square + p_window) / 2)
            probs[names[4]].append(heads.logits(maps.mean(dim=(2, 3))).softmax(1))
    truth = np.array(truths)
    print("| logits from | top-1 | top-5 |\n|---|---|---|")
    for name, rows in probs.items():
        top5 = np.argsort(-torch.cat(rows).numpy(), axis=1)[:, :5]
        top1 = np.mean(top5[:, 0] == truth)
        print(f"| {name} | {top1:.3f} | {np.mean((top5 == truth[:, None]).any(axis=1)):.3f} |")


if __name__ == "__main__":
    main()
