"""Where a model's forward pass runs: eager PyTorch, or ONNX Runtime on the CPU.

On a CPU, ONNX Runtime runs the same graph (exported once from the torch module and cached)
2.3-2.4x faster than eager PyTorch with channels-last (benchmarks/indexing_throughput.py), with
features equal to about 1e-5. Anything that goes wrong with it (no wheel for the platform, an
export failure) falls back to PyTorch with a warning: slower, never broken.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from torch import nn

__all__ = [
    "ENV_MODELS",
    "FIXED_SHAPES",
    "PAD_FILL",
    "RUNTIMES",
    "OnnxRunner",
    "Runner",
    "bundled_graph",
    "cuda_flags",
    "onnx_available",
    "torch_installed",
    "torch_runner",
]

ENV_MODELS = "PHOTOFIND_MODELS"
RUNTIMES = ("auto", "torch", "onnx")
Runner = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
# A short batch filling this share of a fixed session pads to it (the fixed session must run
# at least 1/PAD_FILL times faster than the free one to gain).
PAD_FILL = 0.8
FIXED_SHAPES = True  # benchmarks turn it off to measure the free-shape graph alone


def onnx_available() -> bool:
    """Whether ONNX Runtime imports here; if not, says so once per call site (PyTorch runs)."""
    try:
        import onnxruntime  # noqa: F401
    except Exception as exc:  # no wheel for this platform, a broken install
        warnings.warn(f"ONNX Runtime unavailable, using PyTorch: {exc}", stacklevel=3)
        return False
    return True


def torch_runner(pipeline: nn.Module, device: str) -> Runner:
    """Eager PyTorch, channels-last (measured ~1.3x faster on CPU; what GPUs prefer).

    On CUDA, without cuDNN (`cuda_flags`): PyTorch's own float32 kernels."""
    import torch

    net = pipeline.eval().to(device).to(memory_format=torch.channels_last)

    def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode(), cuda_flags(device):
            x = torch.from_numpy(np.require(batch, np.uint8, ["C", "W"])).to(device)
            vectors, probs = net(x)
        return vectors.cpu().numpy(), probs.cpu().numpy()

    return run


def cuda_flags(device: str) -> AbstractContextManager[object]:
    """On CUDA, cuDNN off while the model runs; elsewhere nothing.

    cuDNN plans each new input shape on first use: about 2 s for the default model's depthwise
    convolutions, and indexing meets a new shape for every photo aspect and short batch, so a
    fresh process spent most of its run planning (README, "On a GPU"). PyTorch's own kernels
    start at once, run in plain float32 (cuDNN's default TF32 convolutions moved features by
    1e-3 and changed tags), and still outrun decoding many times over.
    """
    if not device.startswith("cuda"):
        return nullcontext()
    import torch

    return torch.backends.cudnn.flags(enabled=False)


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


class OnnxRunner:
    """ONNX Runtime on the CPU over an exported graph, with a fixed-shape session per batch shape.

    The graph's batch size, height and width are free; ONNX Runtime plans a session whose shapes
    are all fixed much better (README, "Fixed-shape graphs"). A batch shape's first batch runs on
    the free session; its second builds a session with that shape fixed (the same graph file,
    its free dimensions overridden: a fraction of a second, paid by the thread that embeds), used
    from then on. A one-off batch (a query, the last short batch of a shape) so never pays for a
    session it would use once. A short batch that fills at least `PAD_FILL` of a fixed session of
    its height and width is padded to it instead. The `keep` most recently used fixed sessions
    stay loaded.
    """

    def __init__(
        self, path: Path, threads: int | None = None, *, fixed: bool | None = None, keep: int = 8
    ) -> None:
        self.path = path
        self.threads = threads or os.cpu_count() or 1
        self.fixed = FIXED_SHAPES if fixed is None else fixed
        self.keep = keep
        self._free = self._session(None)
        self._sessions: OrderedDict[tuple[int, ...], Any] = OrderedDict()
        self._seen: set[tuple[int, ...]] = set()
        self._lock = threading.Lock()

    def __call__(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pixels = np.ascontiguousarray(batch, np.uint8)
        session, size = self._pick(pixels.shape)
        if size > len(pixels):
            pad = np.zeros((size - len(pixels), *pixels.shape[1:]), np.uint8)
            pixels = np.concatenate([pixels, pad])
        vectors, probs = session.run(None, {"pixels": pixels})
        return vectors[: len(batch)], probs[: len(batch)]

    def fixed_shapes(self) -> list[tuple[int, ...]]:
        """The batch shapes that have a fixed session loaded now, least recently used first."""
        with self._lock:
            return list(self._sessions)

    def _pick(self, shape: tuple[int, ...]) -> tuple[Any, int]:
        """The session for a batch of `shape`, and the batch size it runs (padded to)."""
        if not self.fixed:
            return self._free, shape[0]
        with self._lock:
            if shape in self._sessions:
                self._sessions.move_to_end(shape)
                return self._sessions[shape], shape[0]
            n, rest = shape[0], shape[1:]
            roomy = [k[0] for k in self._sessions if k[1:] == rest and n < k[0] <= n / PAD_FILL]
            if roomy:
                key = (min(roomy), *rest)
                self._sessions.move_to_end(key)
                return self._sessions[key], key[0]
            if shape not in self._seen:
                self._seen.add(shape)
                return self._free, n
            session = self._sessions[shape] = self._session(shape)
            while len(self._sessions) > self.keep:
                self._sessions.popitem(last=False)
            return session, n

    def _session(self, shape: tuple[int, ...] | None) -> Any:
        import onnxruntime as ort

        _share_one_arena()
        options = ort.SessionOptions()
        # Every session allocates from the process's one arena: an arena of its own per session
        # would keep each session's peak (README, "Small photos: fixed-shape sessions").
        options.add_session_config_entry("session.use_env_allocators", "1")
        options.intra_op_num_threads = self.threads
        # Idle threads spin by default, stealing the cores the decode threads need between batches.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Planning memory by pattern costs ~170 MB more peak at batch 32 for no measured speed.
        options.enable_mem_pattern = False
        if shape is not None:  # the exporter's names for the free dimensions
            for name, size in zip(("n", "h", "w"), shape, strict=False):
                options.add_free_dimension_override_by_name(name, size)
        # $PHOTOFIND_ONNX_PROVIDERS names execution providers to try before the CPU (CoreML,
        # DirectML, CUDA: packaging/README.md, "GPU inference").
        wanted = [p for p in os.environ.get("PHOTOFIND_ONNX_PROVIDERS", "").split(",") if p]
        available = set(ort.get_available_providers())
        providers = [p for p in wanted if p in available] + ["CPUExecutionProvider"]
        return ort.InferenceSession(str(self.path), options, providers=providers)


_arena_lock = threading.Lock()
_arena_shared = False


def _share_one_arena() -> None:
    """Registers one CPU memory arena for the whole process (once)."""
    global _arena_shared
    import onnxruntime as ort

    with _arena_lock:
        if not _arena_shared:
            info = ort.OrtMemoryInfo(
                "Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT
            )
            ort.create_and_register_allocator(info, ort.OrtArenaCfg(0, -1, -1, -1))
            _arena_shared = True
