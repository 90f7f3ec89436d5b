"""Quality of the fast runtime against eager PyTorch on the same photos, side by side in one run.

    .venv/bin/python -m benchmarks.runtime_quality --photos DIR [--model efficientnet-lite0]
        [--fixed-only]

DIR holds real photos named `<wnid>_<anything>.<ext>` (e.g. a clone of
github.com/EliSchwartz/imagenet-sample-images, 1000 ImageNet photos). Tag top-1/top-5 come from
`photofind eval tags` on DIR; retrieval mAP from `photofind eval retrieval` on a class-folder set
written from DIR: every fifth photo seen through five hard views (see benchmarks/descriptors.py).
Both run through the real indexing pipeline with PHOTOFIND_RUNTIME=torch, with ONNX Runtime's
free-shape graph alone, and with its fixed-shape sessions (photofind's default on a CPU).

Then the fixed-shape sessions against the free-shape graph on every photo of DIR, in batches of 32
of one input shape (short ones padded, as in indexing): the largest differences of features and
probabilities, the photos whose tags differ and the photos whose 10 nearest neighbours differ.
--fixed-only runs this part alone.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.descriptors import load_photos, scene_views
from photofind.core import runtimes
from photofind.core.embedder import load_embedder
from photofind.core.evaluation import eval_retrieval, eval_tags
from photofind.core.models import DEFAULT_MODEL
from photofind.core.taxonomy import top_tags

RUNS = {  # column: (PHOTOFIND_RUNTIME, fixed-shape sessions)
    "PyTorch eager": ("torch", False),
    "ONNX Runtime, free shape": ("onnx", False),
    "ONNX Runtime, fixed shapes": ("onnx", True),
}


def write_scenes(photos: Path, out: Path) -> None:
    """The scenes set of benchmarks/descriptors.py as class folders of JPEGs."""
    for path, shots in scene_views(load_photos(photos)):
        folder = out / path.stem
        folder.mkdir(parents=True)
        for i, view in enumerate(shots):
            view.convert("RGB").save(folder / f"{i}.jpg", quality=95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, required=True)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--fixed-only", action="store_true")
    args = parser.parse_args()
    if args.fixed_only:
        fixed_against_free(args.photos, args.model)
        return
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        scenes = Path(tmp) / "scenes"
        write_scenes(args.photos, scenes)
        for column, (runtime, fixed) in RUNS.items():
            os.environ["PHOTOFIND_RUNTIME"] = runtime
            runtimes.FIXED_SHAPES = fixed
            tags = eval_tags(args.photos, args.model, "cpu")
            retrieval = eval_retrieval(scenes, args.model, "cpu")
            rows[column] = {
                f"tag top-1 ({tags.images} photos)": tags.top1,
                "tag top-5": tags.top5,
                f"retrieval mAP ({retrieval.images} views)": retrieval.mean_ap,
                "retrieval precision@1": retrieval.precision_at_1,
            }
    runtimes.FIXED_SHAPES = True
    print(f"model {args.model}\n")
    names = list(RUNS)
    print(f"| measure | {' | '.join(names)} | fixed - PyTorch, points |")
    print("|---|" + "---|" * (len(names) + 1))
    for measure, value in rows[names[0]].items():
        cells = " | ".join(f"{rows[n][measure]:.3f}" for n in names)
        print(f"| {measure} | {cells} | {100 * (rows[names[-1]][measure] - value):+.1f} |")
    fixed_against_free(args.photos, args.model)


def fixed_against_free(photos: Path, model: str, batch_size: int = 32) -> None:
    """Fixed-shape sessions against the free-shape graph on every photo, batched by shape."""
    embedder = load_embedder(model, "cpu", runtime="onnx")
    assert embedder.graph is not None
    path = embedder.graph
    free, fixed = runtimes.OnnxRunner(path, fixed=False), runtimes.OnnxRunner(path, fixed=True)
    by_shape: dict[tuple[int, ...], list[np.ndarray]] = {}
    for _, image in load_photos(photos):
        pixels = embedder.prepare(image)
        by_shape.setdefault(pixels.shape, []).append(pixels)
    out: dict[str, list[np.ndarray]] = {"free": [], "fixed": [], "pfree": [], "pfixed": []}
    for shots in by_shape.values():
        for start in range(0, len(shots), batch_size):
            batch = np.stack(shots[start : start + batch_size])
            fixed(batch)  # a batch shape's first use runs free: make its session now
            for name, run in (("free", free), ("fixed", fixed)):
                vectors, probs = run(batch)
                out[name].append(vectors)
                out[f"p{name}"].append(probs)
    v0, v1, p0, p1 = (np.concatenate(out[k]) for k in ("free", "fixed", "pfree", "pfixed"))
    classes = lambda p: [tag.class_index for tag in top_tags(p)]  # noqa: E731
    tags = sum(classes(a) != classes(b) for a, b in zip(p0, p1, strict=True))
    near = lambda v: np.argsort(-(v @ v.T), axis=1)[:, :11]  # noqa: E731
    neighbours = int((near(v0) != near(v1)).any(axis=1).sum())
    print(f"\nfixed-shape sessions against the free-shape graph, {len(v0)} photos of DIR:\n")
    print("| measure | value |\n|---|---|")
    print(f"| largest feature difference | {np.abs(v0 - v1).max():.1e} |")
    print(f"| largest probability difference | {np.abs(p0 - p1).max():.1e} |")
    print(f"| photos whose tags differ | {tags} |")
    print(f"| photos whose 10 nearest neighbours differ | {neighbours} |")


if __name__ == "__main__":
    main()
