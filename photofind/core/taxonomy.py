"""ImageNet class names (display labels and WordNet ids) and turning probabilities into tags."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from photofind.core.catalog import Tag
from photofind.core.vocabulary import BROAD_STORE_MIN, vocabulary

__all__ = ["TAGS_PER_PHOTO", "Taxonomy", "broad_tags", "imagenet", "top_tags"]

TAGS_PER_PHOTO = 5


@dataclass(frozen=True)
class Taxonomy:
    labels: tuple[str, ...]
    wnids: tuple[str, ...]

    def index_of_wnid(self, wnid: str) -> int | None:
        try:
            return self.wnids.index(wnid)
        except ValueError:
            return None


@cache
def imagenet() -> Taxonomy:
    """The 1000 ImageNet-1k classes in model output order."""
    text = (
        resources.files("photofind.resources")
        .joinpath("imagenet_classes.tsv")
        .read_text(encoding="utf-8")
    )
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return Taxonomy(labels=tuple(r[2] for r in rows), wnids=tuple(r[1] for r in rows))


def top_tags(probs: np.ndarray, k: int = TAGS_PER_PHOTO) -> list[Tag]:
    """The `k` most probable classes of one photo, best first."""
    labels = imagenet().labels
    order = np.argsort(-probs, kind="stable")[:k]
    return [Tag(labels[i], float(probs[i]), int(i)) for i in order]


def broad_tags(probs: np.ndarray) -> list[tuple[str, float]]:
    """(broad tag, score) of one photo for every broad tag worth storing, best first."""
    vocab = vocabulary()
    scores = vocab.broad_scores(probs)
    names = vocab.names()
    order = np.argsort(-scores, kind="stable")
    return [(names[i], float(scores[i])) for i in order if scores[i] >= BROAD_STORE_MIN]
