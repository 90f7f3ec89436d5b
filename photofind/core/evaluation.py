"""Measure retrieval and tagging quality on a labelled dataset, with the real indexing pipeline.

Retrieval datasets come in two layouts: class folders (`DIR/<class>/<image>`, every image queries
all others and images of its class are relevant), or query groups (`DIR/images/` plus
`DIR/groundtruth.json` = {"queries": {"<query file>": ["<relevant file>", ...]}}, the INRIA
Holidays protocol: each query ranks every other image). Tag datasets name each image's ImageNet
class by WordNet id, in the file name (`n02123045_0001.jpg`) or the folder name.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photofind.core.indexer import Progress
from photofind.core.library import Library, LibraryError
from photofind.core.taxonomy import imagenet

__all__ = [
    "RetrievalReport",
    "TagReport",
    "average_precision",
    "class_scores",
    "eval_retrieval",
    "eval_tags",
    "indexed_dataset",
    "similar_scores",
]

_WNID = re.compile(r"n\d{8}")


@dataclass(frozen=True)
class RetrievalReport:
    layout: str
    model: str
    images: int
    queries: int
    mean_ap: float
    precision_at_1: float
    precision_at_10: float | None
    failed: int


@dataclass(frozen=True)
class TagReport:
    model: str
    images: int
    top1: float
    top5: float
    unlabelled: int
    failed: int


def average_precision(ranked_relevant: np.ndarray, n_relevant: int) -> float:
    """AP of one ranking: `ranked_relevant[i]` says whether the i-th result is relevant."""
    if n_relevant == 0:
        return 0.0
    hits = np.cumsum(ranked_relevant)
    ranks = np.flatnonzero(ranked_relevant) + 1
    return float(np.sum(hits[ranks - 1] / ranks) / n_relevant)


def class_scores(
    matrix: np.ndarray, labels: np.ndarray
) -> tuple[list[float], list[float], list[float]]:
    """Per query (every row with a classmate): AP, precision@1, precision@10 among the rest."""
    scores = matrix @ matrix.T

    def rankings() -> Iterator[np.ndarray]:
        for q in range(len(matrix)):
            order = np.argsort(-scores[q], kind="stable")
            order = order[order != q]
            yield labels[order] == labels[q]

    return _query_scores(rankings())


def _query_scores(
    rankings: Iterable[np.ndarray],
) -> tuple[list[float], list[float], list[float]]:
    """AP, precision@1 and precision@10 of each ranking (`ranking[i]`: the i-th result is
    relevant); a query with nothing relevant to find (a class of one) is left out."""
    aps, p1, p10 = [], [], []
    for relevant in rankings:
        if not relevant.any():
            continue
        aps.append(average_precision(relevant, int(relevant.sum())))
        p1.append(float(relevant[0]))
        p10.append(float(relevant[:10].sum()) / 10)
    return aps, p1, p10


@contextmanager
def indexed_dataset(
    root: Path, model: str | None, device: str | None, progress: Callable[[Progress], None] | None
) -> Iterator[tuple[Library, dict[int, str]]]:
    """`root` indexed into a throw-away library: (the library, path of each indexed photo id)."""
    with tempfile.TemporaryDirectory(prefix="photofind-eval-") as tmp:
        lib = Library.open(tmp, device=device)
        try:
            if model:
                lib.set_model(model)
            lib.add([root])
            lib.scan()
            for step in lib.index():
                if progress is not None:
                    progress(step)
            lib.maintain_index()  # as `photofind index` and the app do after indexing
            ids, _ = lib.catalog.vectors(lib.model)
            yield lib, lib.catalog.paths([int(i) for i in ids])
        finally:
            lib.close()


def _embed(
    root: Path, model: str | None, device: str | None, progress: Callable[[Progress], None] | None
) -> tuple[dict[str, np.ndarray], dict[str, list[int]], int, str]:
    """Index `root` into a throw-away library: vectors and tag class ids by path."""
    with indexed_dataset(root, model, device, progress) as (lib, paths):
        ids, matrix = lib.catalog.vectors(lib.model)
        vectors = {paths[int(i)]: v for i, v in zip(ids, matrix, strict=True)}
        tags = {
            paths[int(i)]: [t.class_index for t in lib.catalog.tags(int(i), lib.model)] for i in ids
        }
        return vectors, tags, lib.catalog.counts(lib.model).failed, lib.model


def eval_retrieval(
    dataset: Path,
    model: str | None = None,
    device: str | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> RetrievalReport:
    """mAP, precision@1 and (class folders) precision@10 of `Library.similar` on `dataset`:
    every photo is a query, ranked exactly as the app and `photofind similar` rank it."""
    dataset = dataset.expanduser().resolve()
    truth_file = dataset / "groundtruth.json"
    if truth_file.is_file():
        return _eval_groups(dataset, truth_file, model, device, progress)
    classes = [d for d in sorted(dataset.iterdir()) if d.is_dir()] if dataset.is_dir() else []
    if not classes:
        raise LibraryError(
            f"{dataset} is neither class folders (DIR/<class>/<image>) nor a query-group "
            "dataset (DIR/images/ with DIR/groundtruth.json)"
        )
    with indexed_dataset(dataset, model, device, progress) as (lib, paths):
        aps, p1, p10 = similar_scores(lib, dataset, list(paths.values()))
        failed, model_id = lib.catalog.counts(lib.model).failed, lib.model
    if not aps:
        raise LibraryError("no class has two or more readable images: nothing to evaluate")
    return RetrievalReport(
        "class folders",
        model_id,
        len(paths),
        len(aps),
        float(np.mean(aps)),
        float(np.mean(p1)),
        float(np.mean(p10)),
        failed,
    )


def similar_scores(
    lib: Library, dataset: Path, paths: list[str]
) -> tuple[list[float], list[float], list[float]]:
    """Per query (every photo of `dataset`'s class folders with a classmate): AP, precision@1
    and precision@10 of `lib.similar` among the other `paths`."""
    label = {p: Path(p).relative_to(dataset).parts[0] for p in paths}
    return _query_scores(
        np.array([label[r] == label[query] for r in ranked], dtype=bool)
        for query, ranked in _rankings(lib, sorted(paths))
    )


def _rankings(lib: Library, paths: list[str]) -> Iterator[tuple[str, list[str]]]:
    """Each photo and every other photo as `Library.similar` ranks them for it."""
    for query in paths:
        yield query, [m.path for m in lib.similar(query, k=len(paths) - 1)]


def _eval_groups(
    dataset: Path,
    truth_file: Path,
    model: str | None,
    device: str | None,
    progress: Callable[[Progress], None] | None,
) -> RetrievalReport:
    try:
        queries = json.loads(truth_file.read_text(encoding="utf-8")).get("queries")
    except (OSError, ValueError, AttributeError) as exc:
        raise LibraryError(f"cannot read {truth_file}: {exc}") from None
    if not isinstance(queries, dict):
        raise LibraryError(f'{truth_file} must hold {{"queries": {{"<query>": [...]}}}}')
    images = dataset / "images"
    with indexed_dataset(images, model, device, progress) as (lib, paths):
        names = {p: Path(p).relative_to(images).as_posix() for p in paths.values()}
        by_name = {name: p for p, name in names.items()}
        asked = sorted(by_name[q] for q in queries if q in by_name)
        aps, p1 = [], []
        for query, ranked in _rankings(lib, asked):
            wanted = set(queries[names[query]]) & set(by_name)
            relevant = np.array([names[r] in wanted for r in ranked], dtype=bool)
            aps.append(average_precision(relevant, len(wanted)))
            p1.append(float(relevant[0]) if len(ranked) else 0.0)
        failed, model_id = lib.catalog.counts(lib.model).failed, lib.model
    if not aps:
        raise LibraryError("none of the queries in groundtruth.json is a readable image")
    return RetrievalReport(
        "query groups",
        model_id,
        len(paths),
        len(aps),
        float(np.mean(aps)),
        float(np.mean(p1)),
        None,
        failed,
    )


def eval_tags(
    dataset: Path,
    model: str | None = None,
    device: str | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> TagReport:
    """Top-1 and top-5 accuracy of the predicted tags against WordNet ids in the names."""
    dataset = dataset.expanduser().resolve()
    if not dataset.is_dir():
        raise LibraryError(f"no such folder: {dataset}")
    _, tags, failed, model_id = _embed(dataset, model, device, progress)
    taxonomy = imagenet()
    top1 = top5 = labelled = 0
    for path, predicted in tags.items():
        rel = Path(path).relative_to(dataset)
        match = _WNID.match(rel.name) or next(
            (m for part in rel.parts[:-1] if (m := _WNID.fullmatch(part))), None
        )
        truth = taxonomy.index_of_wnid(match.group(0)) if match else None
        if truth is None:
            continue
        labelled += 1
        top1 += bool(predicted) and predicted[0] == truth
        top5 += truth in predicted[:5]
    if labelled == 0:
        raise LibraryError(
            "no image is labelled: name files <wnid>_<anything>.<ext> or folders <wnid>"
        )
    return TagReport(
        model_id, labelled, top1 / labelled, top5 / labelled, len(tags) - labelled, failed
    )
