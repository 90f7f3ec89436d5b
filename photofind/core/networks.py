"""torch modules that split a classifier into (pooled features, logits); imported lazily."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

__all__ = ["Heads", "Pipeline", "TimmHeads", "TorchvisionHeads", "centre_square"]


def centre_square(maps: torch.Tensor) -> torch.Tensor:
    """The centred square window of NCHW feature maps.

    Written in tensor ops on the shape so that an exported graph keeps it for every input shape.
    """
    h, w = torch.as_tensor(maps.shape[-2]), torch.as_tensor(maps.shape[-1])
    side = torch.minimum(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    return maps[:, :, top : top + side, left : left + side]


class Heads(nn.Module):
    """A convnet seen as feature maps plus a classifier: one pass gives (embedding, logits).

    The embedding average-pools the maps of the whole photo (views of one scene share more of it:
    +9 mAP points over a centre crop, benchmarks/descriptors.py). The logits come from the centred
    square window of the same maps, the view the classifier was trained on.
    """

    def maps(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def logits(self, pooled: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        maps = self.maps(x)
        return maps.mean(dim=(2, 3)), self.logits(centre_square(maps).mean(dim=(2, 3)))


class TorchvisionHeads(Heads):
    """A torchvision classifier taken apart: its convolutional trunk and its classifier."""

    def __init__(self, features: nn.Module, classifier: nn.Module) -> None:
        super().__init__()
        self.features = features
        self.classifier = classifier

    def maps(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)

    def logits(self, pooled: torch.Tensor) -> torch.Tensor:
        return self.classifier(pooled)


class TimmHeads(Heads):
    """A timm classifier: `forward_features` gives the maps, its classifier the logits."""

    net: Any  # timm's models add forward_features and get_classifier to nn.Module

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def maps(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.forward_features(x)

    def logits(self, pooled: torch.Tensor) -> torch.Tensor:
        return self.net.get_classifier()(pooled)


class Pipeline(nn.Module):
    """uint8 NHWC pixels in, (L2-normalised embeddings, class probabilities) out.

    Normalisation and the output heads are inside the module, so the torch runtime and an
    exported ONNX graph compute exactly the same thing from the same input.
    """

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, heads: nn.Module, mean: tuple[float, ...], std: tuple[float, ...]) -> None:
        super().__init__()
        self.heads = heads
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1))

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = (pixels.permute(0, 3, 1, 2).float() - self.mean) / self.std
        x = x.contiguous(memory_format=torch.channels_last)
        pooled, logits = self.heads(x)
        vectors = nn.functional.normalize(pooled.float(), dim=1)
        return vectors, logits.float().softmax(dim=1)
