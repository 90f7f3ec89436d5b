"""Precision and recall of the broad tags on ImageNet-named photos, and per-tag thresholds.

What is shown should be mostly right: a tag with at least OWN_THRESHOLD_PHOTOS labelled photos
gets the lowest threshold where its own precision reaches TARGET_PRECISION (else the threshold of
its best precision); the others, too few to measure alone (one wrong photo in eight is 12%),
share the lowest threshold where all of them together reach it. Thresholds chosen on one half of
the photos are also scored on the other half, so the report says how much is the choosing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from photofind.core.evaluation import indexed_dataset
from photofind.core.indexer import Progress
from photofind.core.library import LibraryError
from photofind.core.taxonomy import imagenet
from photofind.core.vocabulary import vocabulary

__all__ = [
    "TARGET_PRECISION",
    "BroadTagReport",
    "TagRow",
    "eval_broad_tags",
    "pick_threshold",
    "pick_thresholds",
]

TARGET_PRECISION = 0.9
OWN_THRESHOLD_PHOTOS = 20
GRID = tuple(round(0.05 * i, 2) for i in range(2, 20))  # 0.10 .. 0.95
_WNID = re.compile(r"n\d{8}")


@dataclass(frozen=True)
class TagRow:
    tag: str
    photos: int  # labelled photos of this tag
    threshold: float
    precision: float
    recall: float


@dataclass(frozen=True)
class BroadTagReport:
    model: str
    images: int
    rows: list[TagRow]
    micro_precision: float  # all tags, each at its threshold
    micro_recall: float
    held_out_precision: float  # thresholds chosen on the other half
    held_out_recall: float
    fixed_precision: float  # every tag at 0.2
    fixed_recall: float
    failed: int


Sample = tuple[str | None, dict[str, float]]  # (true broad tag, broad scores)


def _counts(samples: Sequence[Sample], tag: str, threshold: float) -> tuple[int, int, int]:
    """(true positives, shown, positives) of `tag` at `threshold`."""
    tp = shown = positives = 0
    for truth, scores in samples:
        hit = scores.get(tag, 0.0) >= threshold
        shown += hit
        positives += truth == tag
        tp += hit and truth == tag
    return tp, shown, positives


def pick_threshold(samples: Sequence[Sample], tag: str) -> float:
    """The lowest grid score where `tag`'s precision reaches the target, else its best."""
    best, best_precision = GRID[-1], -1.0
    for t in GRID:
        tp, shown, _ = _counts(samples, tag, t)
        precision = tp / shown if shown else 0.0
        if precision >= TARGET_PRECISION and shown:
            return t
        if precision > best_precision:
            best, best_precision = t, precision
    return best


def pick_thresholds(samples: Sequence[Sample], tags: Sequence[str]) -> dict[str, float]:
    """Every tag's threshold: its own where it has enough photos, else the shared one."""
    shared = next(
        (t for t in GRID if _micro(samples, dict.fromkeys(tags, t))[0] >= TARGET_PRECISION),
        GRID[-1],
    )
    out = {}
    for tag in tags:
        enough = sum(truth == tag for truth, _ in samples) >= OWN_THRESHOLD_PHOTOS
        out[tag] = pick_threshold(samples, tag) if enough else shared
    return out


def _micro(samples: Sequence[Sample], thresholds: dict[str, float]) -> tuple[float, float]:
    tp = shown = positives = 0
    for tag, t in thresholds.items():
        a, b, c = _counts(samples, tag, t)
        tp, shown, positives = tp + a, shown + b, positives + c
    return (tp / shown if shown else 0.0), (tp / positives if positives else 0.0)


def _samples(
    dataset: Path,
    model: str | None,
    device: str | None,
    progress: Callable[[Progress], None] | None,
) -> tuple[list[Sample], int, str]:
    taxonomy, vocab = imagenet(), vocabulary()
    with indexed_dataset(dataset, model, device, progress) as (lib, paths):
        samples: list[Sample] = []
        for pid in sorted(paths):
            match = _WNID.search(paths[pid])
            index = taxonomy.index_of_wnid(match.group(0)) if match else None
            if index is None:
                continue
            scores = dict(lib.catalog.broad_tags_of(pid, lib.model))
            samples.append((vocab.broad_of_class.get(index), scores))
        return samples, lib.catalog.counts(lib.model).failed, lib.model


def eval_broad_tags(
    dataset: Path,
    model: str | None = None,
    device: str | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> BroadTagReport:
    """Per broad tag: its threshold, precision and recall on the ImageNet-named photos."""
    dataset = dataset.expanduser().resolve()
    if not dataset.is_dir():
        raise LibraryError(f"no such folder: {dataset}")
    samples, failed, model_id = _samples(dataset, model, device, progress)
    if not samples:
        raise LibraryError(f"no photo in {dataset} is named after an ImageNet WordNet id")
    present = [t for t in vocabulary().broad if any(truth == t for truth, _ in samples)]
    thresholds = pick_thresholds(samples, present)
    rows = []
    for tag in present:
        tp, shown, positives = _counts(samples, tag, thresholds[tag])
        rows.append(
            TagRow(tag, positives, thresholds[tag], tp / shown if shown else 0.0, tp / positives)
        )
    halves = (samples[0::2], samples[1::2])
    held = [0, 0, 0]
    for choose, score in (halves, halves[::-1]):
        for tag, threshold in pick_thresholds(choose, present).items():
            a, b, c = _counts(score, tag, threshold)
            held = [held[0] + a, held[1] + b, held[2] + c]
    micro = _micro(samples, thresholds)
    fixed = _micro(samples, dict.fromkeys(present, 0.2))
    return BroadTagReport(
        model=model_id,
        images=len(samples),
        rows=rows,
        micro_precision=micro[0],
        micro_recall=micro[1],
        held_out_precision=held[0] / held[1] if held[1] else 0.0,
        held_out_recall=held[0] / held[2] if held[2] else 0.0,
        fixed_precision=fixed[0],
        fixed_recall=fixed[1],
        failed=failed,
    )
