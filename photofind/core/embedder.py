"""The loaded model: one forward pass gives an L2-normalised embedding and class probabilities.

torch is imported inside functions so that importing photofind (and painting a window) stays fast.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from photofind.core.imaging import fit_input
from photofind.core.models import MODELS, ModelError, ModelSpec

if TYPE_CHECKING:
    from torch import nn

__all__ = ["Embedder", "load_embedder", "pick_device"]


def pick_device(requested: str | None = None) -> str:
    """'cuda', then 'mps', then 'cpu'; a requested device is checked, not trusted.

    On a machine with no GPU driver at all, 'auto' and 'cpu' answer without importing torch;
    without torch installed (the packaged app), 'auto' is the CPU.
    """
    from photofind.core.runtimes import torch_installed

    want = (requested or "auto").lower()
    if not re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", want):
        raise ModelError(f"unknown device {requested!r}: use auto, cpu, cuda or mps")
    if want == "cpu" or (want == "auto" and not _accelerator_possible()):
        return "cpu"
    if not torch_installed():
        if want == "auto":
            return "cpu"
        raise ModelError(
            f"--device {want} needs PyTorch, which this build of photofind does not include: "
            "install photofind with pip for GPU inference, or use --device cpu"
        )
    import torch

    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if want == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if want.startswith("cuda") and not cuda:
        raise ModelError("--device cuda was asked for, but no CUDA GPU is available")
    if want == "mps" and not mps:
        raise ModelError("--device mps was asked for, but Apple's MPS is not available")
    return want


def _accelerator_possible() -> bool:
    """False only where no CUDA, ROCm or MPS device can exist (no driver): torch need not load."""
    if sys.platform == "darwin":
        return True  # MPS: Apple silicon, and AMD GPUs in Intel Macs
    if sys.platform == "win32":
        import ctypes.util  # here, not at the top: the app's start-up need not pay for it

        return ctypes.util.find_library("nvcuda") is not None
    # NVIDIA's kernel driver, WSL's GPU bridge, ROCm's kernel driver.
    return any(os.path.exists(p) for p in ("/proc/driver/nvidia/version", "/dev/dxg", "/dev/kfd"))


class Embedder:
    """A loaded backbone. `prepare` runs in decode threads; `embed` runs batches."""

    def __init__(
        self,
        spec: ModelSpec,
        device: str,
        runtime: str,
        run: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
        heads: nn.Module | None = None,
        weights: Path | None = None,
        graph: Path | None = None,
    ) -> None:
        self.spec = spec
        self.device = device
        self.runtime = runtime
        self.graph = graph  # the ONNX graph file when runtime is "onnx"
        self._run = run
        self._heads = heads
        self._weights = weights

    @property
    def network(self) -> nn.Module:
        """The torch module (built now when the embedder runs a cached graph without torch)."""
        if self._heads is None:
            self._heads = self.spec.build(self._weights).eval()
        return self._heads

    @property
    def decode_side(self) -> int:
        """Short side a decoder must deliver at least (for draft decoding)."""
        return self.spec.side

    def prepare(self, image: Image.Image) -> np.ndarray:
        """The whole photo at the model's input size: HWC uint8. Pure PIL, thread-safe.

        Shapes vary with the photo's aspect (224x288 for a 4:3 photo and the default model);
        `embed` takes a batch of one shape.
        """
        return fit_input(image, self.spec.side, self.spec.resample)

    def embed(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """NHWC uint8 batch -> (L2-normalised embeddings [N, dim], class probabilities [N, C])."""
        return self._run(batch)


def load_embedder(
    model_id: str,
    device: str | None = None,
    weights: str | os.PathLike[str] | None = None,
    runtime: str | None = None,
) -> Embedder:
    """Build the named backbone with its weights on the chosen device and runtime.

    `runtime`: auto (ONNX Runtime on a CPU, else PyTorch), torch or onnx; default from
    $PHOTOFIND_RUNTIME, else auto. On a CPU, a graph exported earlier for the same weights file
    runs without importing torch at all (a query starts in well under a second), and so does a
    graph bundled with the packaged app (`runtimes.bundled_graph`), which needs no weights file.
    """
    from photofind.core import onnx_graphs, runtimes

    spec = MODELS.get(model_id)
    if spec is None:
        known = ", ".join(sorted(MODELS))
        raise ModelError(f"unknown model {model_id!r}; choose one of: {known}")
    chosen = runtime or os.environ.get("PHOTOFIND_RUNTIME") or "auto"
    if chosen not in runtimes.RUNTIMES:
        raise ModelError(
            f"unknown runtime {chosen!r}; choose one of: {', '.join(runtimes.RUNTIMES)}"
        )
    device = pick_device(device)
    path = Path(weights) if weights else None
    onnx = device == "cpu" and chosen != "torch" and runtimes.onnx_available()
    bundled = runtimes.bundled_graph(model_id) if onnx and path is None else None
    if bundled is not None:
        try:
            return Embedder(spec, device, "onnx", runtimes.OnnxRunner(bundled), graph=bundled)
        except Exception as exc:  # a damaged bundle: say so, and try the other ways below
            warnings.warn(f"the bundled graph {bundled} does not load: {exc}", stacklevel=2)
    if not runtimes.torch_installed():
        raise ModelError(
            f"{model_id} cannot run here: this build of photofind ships no graph for it and "
            "has no PyTorch to build it; choose a model that ships with it"
        )
    file = path or (spec.weights_file() if spec.weights_file else None)
    key = _graph_key(model_id, file) if onnx and file is not None else None
    if key is not None and onnx_graphs.graph_path(key).exists():
        try:
            graph = onnx_graphs.graph_path(key)
            run = runtimes.OnnxRunner(graph)
            return Embedder(spec, device, "onnx", run, weights=path, graph=graph)
        except Exception as exc:  # a damaged cached graph: export it again below
            warnings.warn(f"re-exporting a damaged model graph: {exc}", stacklevel=2)
            onnx_graphs.graph_path(key).unlink(missing_ok=True)
    heads = spec.build(path).eval()
    from photofind.core.networks import Pipeline

    pipeline = Pipeline(heads, spec.mean, spec.std)
    if onnx:
        try:
            key = key or _graph_key(model_id, None, heads)
            graph = onnx_graphs.export(pipeline, key, spec.side)
            run = runtimes.OnnxRunner(graph)
            return Embedder(spec, device, "onnx", run, heads, path, graph)
        except Exception as exc:  # any failure here costs speed, not the run
            warnings.warn(f"ONNX Runtime cannot run the model, using PyTorch: {exc}", stacklevel=2)
    return Embedder(spec, device, "torch", runtimes.torch_runner(pipeline, device), heads, path)


def _graph_key(model_id: str, file: Path | None, heads: nn.Module | None = None) -> str:
    """Names an exported graph: the model, its exact weights, the exporter's version.

    Keyed by the weights file's bytes where there is one (hashed in milliseconds, no torch),
    else by every weight of the built module.
    """
    digest = hashlib.blake2b(digest_size=16)
    if file is not None:
        try:
            with open(file, "rb") as f:
                digest.update(b"file")
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
        except FileNotFoundError:
            raise ModelError(f"weights file not found: {file}") from None
        except OSError as exc:
            raise ModelError(f"cannot read weights file {file}: {exc.strerror or exc}") from None
    else:
        assert heads is not None
        for name, tensor in heads.state_dict().items():
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    import importlib.metadata  # here, not at the top: the app's start-up need not pay for it

    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "none"
    return f"{model_id}|{digest.hexdigest()}|torch {torch_version}"
