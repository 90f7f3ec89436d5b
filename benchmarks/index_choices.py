"""How well the embeddings' Annoy trees find a photo's 10 nearest, on real photos at scale.

Run by `python -m benchmarks.scale_quality ... --index-choices` on its library of labelled
photos among real distractors: trees over the full vectors (photofind before 2026-12-06) against
trees over their principal axes with the candidates scored exactly (photofind now, and other
settings), side by side on the same queries: 300 random photos, 300 other labelled ones and 300
edited copies (the copies set: crops, quarter size, grey, JPEG 10, frames, screenshots), each
against the exact 10 nearest by cosine. Latency is one search's, wall-clock; build time and file
size are the trees' alone.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
from annoy import AnnoyIndex

from benchmarks.vector_search import percentiles
from photofind.core.search_space import principal_axes

QUERIES = 300
# (label, principal axes or 0 for the full vectors, trees, Annoy search_k for k = 10)
CHOICES = (
    ("full vectors, 32 trees (before)", 0, 32, 10_000),
    ("full vectors, 32 trees, twice the search", 0, 32, 20_000),
    ("128 axes, 64 trees", 128, 64, 20_000),
    ("256 axes, 32 trees", 256, 32, 20_000),
    ("256 axes, 64 trees, half the search", 256, 64, 10_000),
    ("256 axes, 64 trees (shipped)", 256, 64, 20_000),
)
RESCORED = 44  # candidates scored exactly (4 per result for k = 10 and the query excluded)


def _query_rows(paths: list[str], copies: Path) -> dict[str, np.ndarray]:
    labelled = [i for i, p in enumerate(paths) if not p.startswith("/distractor/")]
    edited = [i for i in labelled if Path(paths[i]).is_relative_to(copies)]
    others = sorted(set(labelled) - set(edited))
    rng = np.random.default_rng(0)
    return {
        "random": rng.choice(len(paths), QUERIES, replace=False),
        "labelled": rng.choice(others, min(QUERIES, len(others)), replace=False),
        "edited copies": np.asarray(edited[:QUERIES], dtype=np.int64),
    }


def index_choices(raw: np.ndarray, paths: list[str], copies: Path) -> None:
    """Print recall@10, latency, build time and size of each of `CHOICES` on `raw` (unit rows,
    their photos' `paths`; the copies set's folder `copies`)."""
    queries = _query_rows(paths, copies)
    truth = {}
    for name, rows in queries.items():
        scores = raw[rows] @ raw.T
        scores[np.arange(len(rows)), rows] = -np.inf
        truth[name] = np.argsort(-scores, axis=1)[:, :10]
    print("| trees | search_k | build s | MiB | " + " | ".join(queries) + " | p50/p95 ms |")
    print("|---|---|---|---|" + "---|" * len(queries) + "---|")
    for label, dims, trees, search_k in CHOICES:
        axes = principal_axes(raw, dims) if dims else None
        space = raw @ axes.T if axes is not None else raw
        started = time.perf_counter()
        annoy = AnnoyIndex(space.shape[1], "angular")
        annoy.set_seed(20240601)
        for row, vec in enumerate(space):
            annoy.add_item(row, vec.tolist())
        annoy.build(trees, n_jobs=1)
        built = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "trees.ann"
            annoy.save(str(file))
            mib = file.stat().st_size / 2**20
        recalls, took = [], []
        for name, rows in queries.items():
            found = []
            for row, exact in zip(rows, truth[name], strict=True):
                began = time.perf_counter()
                q = raw[row] if axes is None else raw[row] @ axes.T
                n = 11 if axes is None else RESCORED
                items = np.asarray(annoy.get_nns_by_vector(q.tolist(), n, search_k=search_k))
                items = items[items != row]
                if axes is not None:  # score the candidates on the full vectors
                    items = items[np.argsort(-(raw[items] @ raw[row]), kind="stable")]
                took.append(time.perf_counter() - began)
                found.append(len(set(items[:10].tolist()) & set(exact.tolist())) / 10)
            recalls.append(f"{np.mean(found):.3f} ({np.mean(np.array(found) <= 0.5):.1%} half)")
        annoy.unload()
        p50, p95 = percentiles(took)
        print(
            f"| {label} | {search_k:,} | {built:.0f} | {mib:.0f} | {' | '.join(recalls)} | "
            f"{p50:.1f}/{p95:.1f} |",
            flush=True,
        )
