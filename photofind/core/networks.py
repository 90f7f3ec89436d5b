"""torch modules that split a classifier into (pooled features, logits); imported lazily."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["Heads", "TimmHeads"]


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
