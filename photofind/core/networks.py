"""torch modules that split a classifier into (pooled features, logits); imported lazily."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["Heads", "Pipeline", "TimmHeads"]


class Heads(nn.Module):
    """A body giving pooled features, plus the classifier that turns them into logits."""

    def __init__(self, body: nn.Module, classifier: nn.Module) -> None:
        super().__init__()
        self.body = body
        self.classifier = classifier

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        pooled = self.body(x)
        return pooled, self.classifier(pooled)


class TimmHeads(nn.Module):
    """A timm classifier run once for both its pooled features and its logits."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        pooled = self.net.forward_head(self.net.forward_features(x), pre_logits=True)
        return pooled, self.net.get_classifier()(pooled)


class Pipeline(nn.Module):
    """uint8 NHWC pixels in, (L2-normalised embeddings, class probabilities) out.

    Normalisation and the output heads are inside the module, so the torch runtime and an
    exported ONNX graph compute exactly the same thing from the same input.
    """

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
