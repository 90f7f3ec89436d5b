"""Fixed-shape sessions and batches of one shape: the same features, tags and rankings, faster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps
from skimage import data

from photofind.core.batching import ShapeBatches
from photofind.core.embedder import load_embedder
from photofind.core.library import Library
from photofind.core.runtimes import OnnxRunner
from photofind.core.taxonomy import top_tags
from tests.helpers import make_photo

PHOTOS = ("chelsea", "coffee", "rocket", "astronaut", "cat", "immunohistochemistry")


def _views(size: tuple[int, int]) -> list[Image.Image]:
    """Real photos and their mirror images, resized to `size`."""
    photos = [Image.fromarray(getattr(data, n)()).convert("RGB").resize(size) for n in PHOTOS]
    return photos + [ImageOps.mirror(p) for p in photos]


def test_fixed_sessions_give_the_free_graphs_features_tags_and_rankings() -> None:
    embedder = load_embedder("efficientnet-lite0", "cpu", runtime="onnx")
    assert embedder.graph is not None
    path = embedder.graph
    free, fixed = OnnxRunner(path, fixed=False), OnnxRunner(path)
    for size in ((400, 300), (300, 400), (300, 300)):  # 224x288, 288x224, 224x224 inputs
        batch = np.stack([embedder.prepare(p) for p in _views(size)])
        v0, p0 = free(batch)
        fixed(batch)
        assert fixed.fixed_shapes()[-1:] != [batch.shape]  # first use: the free session
        v1, p1 = fixed(batch)
        assert fixed.fixed_shapes()[-1] == batch.shape  # second use: its own fixed session
        v2, p2 = fixed(batch[:-1])  # short batch: padded to the fixed session, 11 of 12
        assert fixed.fixed_shapes()[-1] == batch.shape
        for v, p in ((v1, p1), (v2, p2)):
            n = len(v)
            assert np.abs(v - v0[:n]).max() < 1e-5 and np.abs(p - p0[:n]).max() < 1e-5
            assert [top_tags(q) for q in p] == [top_tags(q) for q in p0[:n]]
            rank = lambda v: np.argsort(-(v @ v.T), axis=1).tolist()  # noqa: E731
            assert rank(v) == rank(v0[:n])


def test_fixed_sessions_are_bounded() -> None:
    embedder = load_embedder("efficientnet-lite0", "cpu", runtime="onnx")
    assert embedder.graph is not None
    runner = OnnxRunner(embedder.graph, keep=2)
    for side in (64, 96, 128):
        batch = np.zeros((2, side, side, 3), np.uint8)
        runner(batch)
        runner(batch)
    assert runner.fixed_shapes() == [(2, 96, 96, 3), (2, 128, 128, 3)]
    runner(np.zeros((1, 64, 64, 3), np.uint8))  # a one-off short batch: no session made
    assert runner.fixed_shapes() == [(2, 96, 96, 3), (2, 128, 128, 3)]


def test_shape_batches_wait_for_a_full_shape() -> None:
    held: ShapeBatches[int] = ShapeBatches(3, limit=5, max_age=100)
    for i, shape in enumerate("abab"):
        held.add(shape, i)
    assert not held.ready() and held.take() == []
    held.add("a", 4)
    assert held.ready() and held.take() == [0, 2, 4]  # a full batch of one shape
    held.add("c", 5)
    held.add("c", 6)
    assert held.take() == []  # four held, under the limit of five
    held.add("d", 7)  # five held: the fullest shape goes short
    assert held.take() == [1, 3]
    held.add("c", 8)
    assert held.take() == [5, 6, 8]
    assert held.take() == [] and held.take(final=True) == [7]
    assert len(held) == 0 and held.take(final=True) == []


def test_shape_batches_send_old_and_urgent_photos() -> None:
    held: ShapeBatches[int] = ShapeBatches(4, limit=100, max_age=4)
    held.add("rare", 0)
    for i in range(1, 4):
        held.add("common", i)
    assert held.take() == []
    held.add("other", 4)  # "rare" has waited while 4 others came
    assert held.take() == [0]
    held = ShapeBatches(4, limit=100, max_age=100)
    held.add("common", 1)
    held.add("x", 5, urgent=True)
    held.add("x", 6, urgent=True)
    assert not held.ready(more_urgent=True)  # waits for the urgent photo next in line
    assert held.ready() and held.take() == [5, 6] and not held.ready()


def test_indexing_runs_batches_of_one_shape(
    tiny_library: Library, photo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mixed landscape and portrait photos reach the model in full batches of one shape."""
    folder = photo_dir / "mixed"
    for i in range(10):
        make_photo(folder / f"l{i}.jpg", seed=100 + i, size=(96, 64))
        make_photo(folder / f"p{i}.jpg", seed=200 + i, size=(64, 96))
    tiny_library.add([folder])
    tiny_library.scan()
    embedder = tiny_library.embedder()
    shapes: list[tuple[int, ...]] = []
    run = embedder._run
    monkeypatch.setattr(embedder, "_run", lambda b: (shapes.append(b.shape), run(b))[1])
    steps = list(tiny_library.index(batch_size=4))
    assert steps[-1].indexed == 20 and steps[-1].failed == 0
    assert sum(s[0] for s in shapes) == 20
    assert sorted(s[0] for s in shapes) == [2, 2, 4, 4, 4, 4]  # full batches, then the rest
    assert len({s[1:] for s in shapes}) == 2
