"""Export the bundled models' ONNX graphs at build time, so the packaged app needs no torch.

    python packaging/export_graph.py OUT_DIR [MODEL ...]    (default: the default model)

Writes OUT_DIR/<model>.onnx; the app finds it with `runtimes.bundled_graph`. Runs in the build's
virtual environment, which has torch; the graph is the one the pip install exports and caches.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("models", nargs="*")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["PHOTOFIND_CACHE"] = cache  # a fresh export, never a stale cached graph
        os.environ.pop("PHOTOFIND_MODELS", None)
        from photofind.core.embedder import load_embedder
        from photofind.core.models import DEFAULT_MODEL

        args.out.mkdir(parents=True, exist_ok=True)
        for model in args.models or [DEFAULT_MODEL]:
            embedder = load_embedder(model, "cpu", runtime="onnx")
            if embedder.runtime != "onnx" or embedder.graph is None:
                print(f"export_graph: {model} did not export to ONNX", file=sys.stderr)
                return 1
            target = args.out / f"{model}.onnx"
            shutil.copyfile(embedder.graph, target)
            print(f"{target}: {target.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
