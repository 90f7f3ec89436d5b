"""Where a model's forward pass runs: eager PyTorch, or ONNX Runtime on the CPU.

On a CPU, ONNX Runtime runs the same graph (exported once from the torch module and cached)
about 2.6x faster than eager PyTorch with channels-last (benchmarks/indexing_throughput.py), with
features equal to about 1e-5. Anything that goes wrong with it (no wheel for the platform, an
export failure) falls back to PyTorch with a warning: slower, never broken.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photofind.config import cache_dir

if TYPE_CHECKING:
    from torch import nn

__all__ = ["RUNTIMES", "Runner", "make_runner"]

RUNTIMES = ("auto", "torch", "onnx")
Runner = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
_FORMAT = 1  # bump when the exported graph changes


def make_runner(
    pipeline: nn.Module, device: str, runtime: str, identity: str, crop: int
) -> tuple[str, Runner]:
    """(runtime used, function from a uint8 NHWC batch to (vectors, probabilities))."""
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown runtime {runtime!r}; choose one of: {', '.join(RUNTIMES)}")
    want_onnx = runtime == "onnx" or (runtime == "auto" and device == "cpu")
    if want_onnx and device == "cpu":
        try:
            return "onnx", _onnx_runner(pipeline, identity, crop)
        except Exception as exc:  # any failure here costs speed, not the run
            warnings.warn(f"ONNX Runtime unavailable, using PyTorch: {exc}", stacklevel=2)
    return "torch", _torch_runner(pipeline, device)


def _torch_runner(pipeline: nn.Module, device: str) -> Runner:
    import torch

    # channels-last measured ~1.3x faster for these convnets on CPU and is what GPUs prefer.
    net = pipeline.eval().to(device, memory_format=torch.channels_last)

    def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            x = torch.from_numpy(np.require(batch, np.uint8, ["C", "W"])).to(device)
            vectors, probs = net(x)
        return vectors.cpu().numpy(), probs.cpu().numpy()

    return run


def _onnx_runner(pipeline: nn.Module, identity: str, crop: int) -> Runner:
    import onnxruntime as ort

    path = _exported(pipeline, identity, crop)
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    # Idle ORT threads spin by default, stealing the cores the decode threads need between batches.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        vectors, probs = session.run(None, {"pixels": np.ascontiguousarray(batch, np.uint8)})
        return vectors, probs

    return run


def _exported(pipeline: nn.Module, identity: str, crop: int) -> Path:
    """The ONNX file for this model and these weights, exported on first use (a few seconds)."""
    import torch

    key = hashlib.blake2b(
        f"{identity}|{torch.__version__}|{_FORMAT}".encode(), digest_size=8
    ).hexdigest()
    folder = cache_dir() / "onnx"
    path = folder / f"{key}.onnx"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    example = torch.zeros((2, crop, crop, 3), dtype=torch.uint8)
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
            dynamic_axes={"pixels": {0: "n"}, "vectors": {0: "n"}, "probs": {0: "n"}},
        )
    os.replace(tmp, path)
    return path
