"""The cache of exported ONNX graphs: one file per model, weights and exporter, pruned as it ages.

A graph is exported once from the torch module (a few seconds) and then runs with no torch in
the process. Its height, width and batch size stay free; `runtimes.OnnxRunner` fixes them per
session.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from photofind.config import cache_dir

if TYPE_CHECKING:
    from torch import nn

__all__ = ["export", "graph_path", "prune"]

_FORMAT = 3  # bump when the exported graph changes


def graph_path(key: str) -> Path:
    """Where the exported graph for `key` ("<model>|<weights>|<exporter>") lives in the cache."""
    name = hashlib.blake2b(f"{key}|{_FORMAT}".encode(), digest_size=8).hexdigest()
    return cache_dir() / "onnx" / f"{key.split('|')[0]}.{name}.onnx"


def prune(keep: Path, per_model: int = 2) -> None:
    """Drop a model's older graphs (other weights, older formats), keeping the newest few.

    Graphs are tens of megabytes each; without this, every upgrade would leave one behind.
    """
    model = keep.name.rsplit(".", 2)[0]
    graphs = sorted(
        (g for g in keep.parent.glob(f"{model}.*.onnx") if g != keep),
        key=lambda g: g.stat().st_mtime,
        reverse=True,
    )
    legacy = [g for g in keep.parent.glob("*.onnx") if re.fullmatch(r"[0-9a-f]{16}\.onnx", g.name)]
    for stale in graphs[per_model - 1 :] + legacy:
        with contextlib.suppress(OSError):  # in use elsewhere (Windows), or already gone
            stale.unlink()


def export(pipeline: nn.Module, key: str, side: int) -> Path:
    """Export `pipeline` (uint8 NHWC in, vectors and probabilities out) once (a few seconds).

    Height and width stay free: every multiple of 32 runs (`imaging.fit_input`'s shapes).
    """
    import torch

    path = graph_path(key)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    example = torch.zeros((2, side, side + 32, 3), dtype=torch.uint8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            pipeline.eval().cpu(),
            (example,),
            str(tmp),
            input_names=["pixels"],
            output_names=["vectors", "probs"],
            opset_version=17,
            dynamo=False,
            dynamic_axes={
                "pixels": {0: "n", 1: "h", 2: "w"},
                "vectors": {0: "n"},
                "probs": {0: "n"},
            },
        )
    os.replace(tmp, path)
    prune(path)
    return path
