"""Where a model's forward pass runs: eager PyTorch, or ONNX Runtime on the CPU.

On a CPU, ONNX Runtime runs the same graph (exported once from the torch module and cached)
2.3-2.4x faster than eager PyTorch with channels-last (benchmarks/indexing_throughput.py), with
features equal to about 1e-5. Anything that goes wrong with it (no wheel for the platform, an
export failure) falls back to PyTorch with a warning: slower, never broken.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photofind.config import cache_dir

if TYPE_CHECKING:
    from torch import nn

__all__ = [
    "ENV_MODELS",
    "RUNTIMES",
    "Runner",
    "bundled_graph",
    "export",
    "graph_path",
    "onnx_available",
    "onnx_runner",
    "prune",
    "torch_installed",
    "torch_runner",
]

ENV_MODELS = "PHOTOFIND_MODELS"
RUNTIMES = ("auto", "torch", "onnx")
Runner = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
_FORMAT = 3  # bump when the exported graph changes


def onnx_available() -> bool:
    """Whether ONNX Runtime imports here; if not, says so once per call site (PyTorch runs)."""
    try:
        import onnxruntime  # noqa: F401
    except Exception as exc:  # no wheel for this platform, a broken install
        warnings.warn(f"ONNX Runtime unavailable, using PyTorch: {exc}", stacklevel=3)
        return False
    return True


def torch_runner(pipeline: nn.Module, device: str) -> Runner:
    """Eager PyTorch, channels-last (measured ~1.3x faster on CPU; what GPUs prefer)."""
    import torch

    net = pipeline.eval().to(device).to(memory_format=torch.channels_last)

    def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            x = torch.from_numpy(np.require(batch, np.uint8, ["C", "W"])).to(device)
            vectors, probs = net(x)
        return vectors.cpu().numpy(), probs.cpu().numpy()

    return run


def torch_installed() -> bool:
    """Whether PyTorch is installed (the packaged app ships without it), found without importing."""
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def bundled_graph(model_id: str) -> Path | None:
    """A graph shipped with the app (`<model>.onnx`, exported at build time), if there is one.

    Looked for in $PHOTOFIND_MODELS, then, in a frozen app (PyInstaller), in `models/` inside the
    bundle and next to the executable. The pip install has none: it exports into the cache.
    """
    folders = [Path(p) for p in os.environ.get(ENV_MODELS, "").split(os.pathsep) if p]
    if getattr(sys, "frozen", False):
        folders.append(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "models")
        folders.append(Path(sys.executable).resolve().parent / "models")
    graphs = (folder / f"{model_id}.onnx" for folder in folders)
    return next((graph for graph in graphs if graph.is_file()), None)


def onnx_runner(graph: Path, threads: int | None = None) -> Runner:
    """ONNX Runtime over an exported graph file (no torch import).

    The CPU runs it, unless $PHOTOFIND_ONNX_PROVIDERS names ONNX Runtime execution providers
    to try first (e.g. CoreMLExecutionProvider, DmlExecutionProvider, CUDAExecutionProvider:
    packaging/README.md, "GPU inference").
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    # Idle ORT threads spin by default, stealing the cores the decode threads need between batches.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Planning memory by pattern costs ~170 MB more peak at batch 32 for no measured speed.
    options.enable_mem_pattern = False
    wanted = [p for p in os.environ.get("PHOTOFIND_ONNX_PROVIDERS", "").split(",") if p]
    available = set(ort.get_available_providers())
    providers = [p for p in wanted if p in available] + ["CPUExecutionProvider"]
    session = ort.InferenceSession(str(graph), options, providers=providers)

    def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        vectors, probs = session.run(None, {"pixels": np.ascontiguousarray(batch, np.uint8)})
        return vectors, probs

    return run


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
