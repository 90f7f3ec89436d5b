"""imagededup's PHash and CNN methods on a folder; run by duplicates_copydays.py in a throw-away
venv that has imagededup (never a photofind dependency).

    PYTHON benchmarks/imagededup_peer.py FOLDER OUT.json

Writes {"phash": {"groups": [[name, ...]], "seconds": s}, "cnn": {...}}. Groups are the
connected components of imagededup's duplicate map at its default thresholds (PHash: Hamming
distance <= 10; CNN: cosine >= 0.9). imagededup's CNN downloads MobileNetV3 weights, which this
machine cannot, so its CNN runs with photofind's bundled EfficientNet-Lite0 (as imagededup's
CustomModel: its own 224x224 input, its own search and threshold).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def components(duplicates: dict[str, list]) -> list[list[str]]:
    parent = {name: name for name in duplicates}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for name, others in duplicates.items():
        for other in others:
            other = other[0] if isinstance(other, (tuple, list)) else other
            parent.setdefault(other, other)
            a, b = root(name), root(other)
            if a != b:
                parent[a] = b
    groups: dict[str, list[str]] = {}
    for name in parent:
        groups.setdefault(root(name), []).append(name)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def lite0_model():
    import numpy as np
    import torch
    from imagededup.utils.models import CustomModel
    from torchvision import transforms

    from photofind.core.embedder import load_embedder

    embedder = load_embedder("efficientnet-lite0", "cpu")

    class Lite0(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            batch = (x.permute(0, 2, 3, 1).cpu().numpy() * 255).round().astype(np.uint8)
            return torch.from_numpy(embedder.embed(batch)[0])

    transform = transforms.Compose(
        [transforms.Resize((256, 256)), transforms.CenterCrop(224), transforms.ToTensor()]
    )
    return CustomModel(name="efficientnet-lite0", model=Lite0(), transform=transform)


def main() -> None:
    folder, out = sys.argv[1], sys.argv[2]
    from imagededup.methods import CNN, PHash

    result = {}
    start = time.perf_counter()
    phash = PHash(verbose=False)
    dup = phash.find_duplicates(image_dir=folder, max_distance_threshold=10)
    result["phash"] = {"groups": components(dup), "seconds": time.perf_counter() - start}
    start = time.perf_counter()
    cnn = CNN(verbose=False, model_config=lite0_model())
    dup = cnn.find_duplicates(image_dir=folder, min_similarity_threshold=0.9)
    result["cnn"] = {"groups": components(dup), "seconds": time.perf_counter() - start}
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
