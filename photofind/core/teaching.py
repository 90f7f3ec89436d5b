"""Tags taught by example: a logistic regression on the stored vectors, no network retraining.

The user's "yes" photos are the positives; "no" photos (rejected proposals, removed tags) and a
random sample of the rest of the library (most photos are not of any one tag) the negatives.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BACKGROUND", "MIN_POSITIVES", "Classifier", "background_sample", "propose", "train"]

MIN_POSITIVES = 3
BACKGROUND = 1000  # library photos sampled as weak negatives
_STEPS = 50  # more steps or background photos propose no better (benchmarks/teaching.py)
_L2 = 1e-3


class Classifier:
    """A linear scorer: probability that a vector shows the tag."""

    def __init__(self, weights: np.ndarray, bias: float, centre: np.ndarray) -> None:
        self.weights = weights.astype(np.float32)
        self.bias = float(bias)
        self.centre = centre.astype(np.float32)

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        # (x - c) . w + b without copying the matrix
        return matrix @ self.weights + (self.bias - float(self.centre @ self.weights))

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(matrix)))


def train(
    positives: np.ndarray, negatives: np.ndarray, background: np.ndarray, seed: int = 0
) -> Classifier:
    """Fit a weighted, L2-regularised logistic regression (full-batch gradient descent with
    Nesterov momentum). Positives weigh as much as all negatives together; the user's own "no"
    photos weigh as much as the whole background sample."""
    if len(positives) < MIN_POSITIVES:
        raise ValueError(f"need at least {MIN_POSITIVES} positive examples")
    centre = background.mean(axis=0) if len(background) else positives.mean(axis=0) * 0
    x = np.concatenate([positives, negatives, background]).astype(np.float32) - centre
    y = np.concatenate([np.ones(len(positives)), np.zeros(len(negatives) + len(background))])
    neg_groups = [g for g in (len(negatives), len(background)) if g]
    weight = np.concatenate(
        [
            np.full(len(positives), 1.0 / len(positives)),
            np.full(len(negatives), 1.0 / len(neg_groups) / max(len(negatives), 1)),
            np.full(len(background), 1.0 / len(neg_groups) / max(len(background), 1)),
        ]
    ).astype(np.float32)
    # features are unit-length vectors with small entries: scale so one step size fits all
    scale = 1.0 / (np.sqrt((x * x).sum(axis=1).mean()) + 1e-12)
    x *= scale
    w = np.zeros(x.shape[1], dtype=np.float32)
    b = 0.0
    vw, vb = np.zeros_like(w), 0.0
    lr, momentum = 1.0, 0.9
    for _ in range(_STEPS):
        lw, lb = w + momentum * vw, b + momentum * vb
        p = 1.0 / (1.0 + np.exp(-(x @ lw + lb)))
        err = (p - y).astype(np.float32) * weight
        gw = x.T @ err + _L2 * lw
        gb = float(err.sum())
        vw = momentum * vw - lr * gw
        vb = momentum * vb - lr * gb
        w, b = w + vw, b + vb
    return Classifier(w * scale, b, centre)


def propose(
    classifier: Classifier, ids: np.ndarray, matrix: np.ndarray, skip: set[int], limit: int
) -> list[tuple[int, float]]:
    """(photo id, probability) of the `limit` best-scoring photos not in `skip`, best first."""
    probs = classifier.probabilities(matrix)
    if skip:
        probs[np.isin(ids, np.fromiter(skip, dtype=np.int64))] = -1.0
    k = min(limit, len(probs))
    if k <= 0:
        return []
    top = np.argpartition(-probs, k - 1)[:k]
    top = top[np.argsort(-probs[top], kind="stable")]
    return [(int(ids[i]), float(probs[i])) for i in top if probs[i] >= 0.0]


def background_sample(n_rows: int, exclude: np.ndarray, seed: int = 0) -> np.ndarray:
    """Row indices of up to BACKGROUND random rows outside `exclude` (fixed seed: repeatable)."""
    rng = np.random.default_rng(seed)
    drawn = rng.choice(n_rows, size=min(n_rows, BACKGROUND + len(exclude)), replace=False)
    return np.sort(drawn[~np.isin(drawn, exclude)][:BACKGROUND])
