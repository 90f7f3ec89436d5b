"""Tags taught by example: the classifier on vectors, and teaching through the Library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photofind.core import teaching
from photofind.core.library import Library, LibraryError
from tests.helpers import make_photo


def _clusters(rng: np.random.Generator, n: int, centres: np.ndarray, spread: float) -> np.ndarray:
    picks = centres[rng.integers(0, len(centres), n)]
    x = picks + spread * rng.standard_normal(picks.shape)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_classifier_ranks_its_kind_first_and_learns_from_negatives() -> None:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((20, 64))
    kind = _clusters(rng, 40, centres[:1], 0.6)
    near = _clusters(rng, 40, centres[:1] + 0.6 * centres[1:2], 0.6)  # look-alikes
    rest = _clusters(rng, 2000, centres[2:], 0.6)
    matrix = np.concatenate([kind, near, rest])
    ids = np.arange(len(matrix))
    model = teaching.train(kind[:3], np.zeros((0, 64), np.float32), rest[:500])
    top = [pid for pid, _ in teaching.propose(model, ids, matrix, {0, 1, 2}, 37)]
    assert not {0, 1, 2} & set(top)
    assert sum(pid < 80 for pid in top) >= 35  # the kind and its look-alikes before the rest
    # saying no to some look-alikes pushes the others down
    model = teaching.train(kind[:3], near[:5], rest[:500])
    top = [pid for pid, _ in teaching.propose(model, ids, matrix, {0, 1, 2, *range(40, 45)}, 37)]
    assert sum(pid < 40 for pid in top) >= 30
    scores = [s for _, s in teaching.propose(model, ids, matrix, set(), 10)]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    with pytest.raises(ValueError, match="at least 3"):
        teaching.train(kind[:2], near[:1], rest[:10])


def test_teach_needs_three_tagged_photos(tiny_library: Library, photo_dir: Path) -> None:
    tiny_library.add([photo_dir])
    tiny_library.scan()
    list(tiny_library.index())
    with pytest.raises(LibraryError, match="tag at least 3 photos 'red'"):
        tiny_library.teach("red")
    tiny_library.add_tag("red", [photo_dir / f"p{i}.jpg" for i in range(3)])
    proposals = tiny_library.teach("red", limit=10)
    names = {Path(m.path).name for m in proposals}
    assert len(proposals) == 5 and not names & {"p0.jpg", "p1.jpg", "p2.jpg"}
    tiny_library.remove_tag("red", [photo_dir / "p3.jpg"])  # a rejected proposal
    assert "p3.jpg" not in {Path(m.path).name for m in tiny_library.teach("red")}


def test_teach_by_colour_with_the_tiny_model(tiny_library: Library, tmp_path: Path) -> None:
    """The tiny model's vectors are colour layouts: red photos are a kind it can learn."""
    from PIL import Image

    root = tmp_path / "colours"
    root.mkdir()
    rng = np.random.default_rng(1)
    for i in range(8):
        red = np.clip(rng.normal((200, 30, 30), 25, (60, 80, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(red).save(root / f"red{i}.png")
    for i in range(16):
        make_photo(root / f"other{i}.jpg", seed=100 + i)
    tiny_library.add([root])
    tiny_library.scan()
    list(tiny_library.index())
    tiny_library.add_tag("red", [root / f"red{i}.png" for i in range(3)])
    top = [Path(m.path).name for m in tiny_library.teach("red", limit=5)]
    assert all(name.startswith("red") for name in top), top
