"""Quality of the fast runtime against eager PyTorch on the same photos, side by side in one run.

    .venv/bin/python -m benchmarks.runtime_quality --photos DIR [--model efficientnet-lite0]

DIR holds real photos named `<wnid>_<anything>.<ext>` (e.g. a clone of
github.com/EliSchwartz/imagenet-sample-images, 1000 ImageNet photos). Tag top-1/top-5 come from
`photofind eval tags` on DIR; retrieval mAP from `photofind eval retrieval` on a class-folder set
written from DIR: every fifth photo seen through five hard views (see benchmarks/descriptors.py).
Both run through the real indexing pipeline, once with PHOTOFIND_RUNTIME=torch and once with
ONNX Runtime (photofind's default on a CPU).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from benchmarks.descriptors import load_photos, scene_views
from photofind.core.evaluation import eval_retrieval, eval_tags
from photofind.core.models import DEFAULT_MODEL


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
    args = parser.parse_args()
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        scenes = Path(tmp) / "scenes"
        write_scenes(args.photos, scenes)
        for runtime in ("torch", "onnx"):
            os.environ["PHOTOFIND_RUNTIME"] = runtime
            tags = eval_tags(args.photos, args.model, "cpu")
            retrieval = eval_retrieval(scenes, args.model, "cpu")
            rows[runtime] = {
                f"tag top-1 ({tags.images} photos)": tags.top1,
                "tag top-5": tags.top5,
                f"retrieval mAP ({retrieval.images} views)": retrieval.mean_ap,
                "retrieval precision@1": retrieval.precision_at_1,
            }
    print(f"model {args.model}\n")
    print("| measure | PyTorch eager | ONNX Runtime | difference, points |\n|---|---|---|---|")
    for measure, value in rows["torch"].items():
        fast = rows["onnx"][measure]
        print(f"| {measure} | {value:.3f} | {fast:.3f} | {100 * (fast - value):+.1f} |")


if __name__ == "__main__":
    main()
