"""The library map: layout keeps look-alikes together, new photos are placed, others stay."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photofind.core import map_layout
from photofind.core.library import Library
from photofind.core.library_map import MapUpdate
from photofind.core.map_layout import (
    MapCancelled,
    MapStage,
    layout,
    neighbour_agreement,
    representatives,
)
from photofind.core.map_regions import region_labels
from photofind.core.worker import EventKind, LibraryWorker, WorkerEvent
from tests.core.test_watching import wait_until
from tests.helpers import TINY


@pytest.fixture(autouse=True)
def _shorter_layouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer gradient steps than the app takes: these groups separate well before."""
    monkeypatch.setattr(map_layout, "EXAGGERATION_ITERS", 100)
    monkeypatch.setattr(map_layout, "ITERS", 150)
    monkeypatch.setattr(map_layout, "THREADS", 1)  # a shared test machine: no waiting on a core


COLOURS = {"red": (200, 40, 40), "green": (40, 180, 60), "blue": (40, 60, 200)}


def clusters(n_per: int, dims: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, dims))
    labels = np.repeat(np.arange(4), n_per)
    x = centres[labels] + 0.6 * rng.normal(size=(len(labels), dims))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32), labels


def colour_photos(root: Path, per_colour: int, start: int = 0) -> dict[str, str]:
    """Photos of three colours with noise: the tiny model's vectors fall in three groups."""
    rng = np.random.default_rng(start)
    labels = {}
    for name, rgb in COLOURS.items():
        for i in range(start, start + per_colour):
            noise = rng.normal(0, 25, size=(48, 64, 3))
            pixels = np.clip(np.array(rgb) + noise, 0, 255).astype(np.uint8)
            path = root / f"{name}{i}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(pixels).save(path)
            labels[str(path)] = name
    return labels


def test_layout_keeps_groups_apart_and_reports_progress() -> None:
    x, labels = clusters(40)
    steps = []
    xy = layout(x, steps.append)
    assert xy.shape == (160, 2)
    assert neighbour_agreement(xy, labels) > 0.95
    assert neighbour_agreement(np.random.default_rng(1).normal(size=(160, 2)), labels) < 0.5
    assert steps[0].stage is MapStage.NEIGHBOURS
    assert steps[-1].stage is MapStage.LAYOUT and steps[-1].done == steps[-1].total


def test_layout_stops_when_cancelled() -> None:
    x, _ = clusters(40)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(MapCancelled):
        layout(x, cancel=cancel)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_tiny_inputs_get_a_map(n: int) -> None:
    x, _ = clusters(1)
    assert layout(x[:n]).shape == (n, 2)


def index(lib: Library) -> None:
    lib.scan()
    for _ in lib.index():
        pass


def mapped_library(lib: Library, folder: Path, per_colour: int) -> dict[str, str]:
    """Colour photos in `folder`, added, indexed and laid out on the map; their colours."""
    labels = colour_photos(folder, per_colour)
    lib.add([folder])
    index(lib)
    lib.update_map()
    return labels


def places(lib: Library) -> dict[str, tuple[float, float]]:
    points = lib.map_points()
    return {p: (float(x), float(y)) for p, (x, y) in zip(points.paths, points.xy, strict=True)}


def test_library_map_places_new_photos_without_moving_others(
    tiny_library: Library, tmp_path: Path
) -> None:
    lib = tiny_library
    labels = colour_photos(tmp_path / "photos", 8)
    lib.add([tmp_path / "photos"])
    index(lib)
    assert lib.map_needs_layout()
    assert lib.update_map() is MapUpdate.LAID_OUT
    before = places(lib)
    assert set(before) == set(labels)
    xy = np.array(list(before.values()))
    assert neighbour_agreement(xy, np.array([labels[p] for p in before]), k=5) > 0.9
    assert lib.update_map() is MapUpdate.NOTHING

    new = colour_photos(tmp_path / "photos", 1, start=100)  # three new photos, one per colour
    index(lib)
    assert lib.update_map() is MapUpdate.PLACED
    after = places(lib)
    assert {p: after[p] for p in before} == before  # nobody moved
    for path, colour in new.items():  # each new photo lands among photos of its colour
        here = np.array(after[path])
        nearest = sorted(before, key=lambda p: np.linalg.norm(np.array(before[p]) - here))[:3]
        assert [labels[p] for p in nearest].count(colour) >= 2, (path, nearest)
    summary = lib.map_summary()
    assert (summary.made_from, summary.laid_out, summary.placed) == (24, 24, 3)

    assert lib.update_map(force=True) is MapUpdate.LAID_OUT  # on request: all laid out again
    assert lib.map_summary().placed == 0 and len(places(lib)) == 27


def test_map_is_laid_out_again_when_much_changed(tiny_library: Library, tmp_path: Path) -> None:
    lib = tiny_library
    mapped_library(lib, tmp_path / "photos", 5)
    assert not lib.map_needs_layout()
    for path in sorted((tmp_path / "photos").glob("red*")):  # a third of the map goes
        path.unlink()
    index(lib)
    assert len(places(lib)) == 10  # deleted photos left the map with the catalog
    assert lib.map_needs_layout()
    assert lib.update_map() is MapUpdate.LAID_OUT


def test_changed_photo_is_placed_again(tiny_library: Library, tmp_path: Path) -> None:
    lib = tiny_library
    mapped_library(lib, tmp_path / "photos", 5)
    photo = lib.photo(tmp_path / "photos" / "red0.png")
    assert photo is not None
    green = np.clip(np.array(COLOURS["green"]) + np.zeros((48, 64, 3)), 0, 255).astype(np.uint8)
    Image.fromarray(green).save(photo.path)  # red0 is now a green photo: its place is stale
    index(lib)
    assert lib.catalog.unplaced(lib.model) == [photo.id]
    assert lib.update_map() is MapUpdate.PLACED
    assert lib.catalog.unplaced(lib.model) == []


def test_representatives_one_per_cell_the_most_typical() -> None:
    xy = np.array([[0.1, 0.1], [0.5, 0.5], [0.9, 0.8], [1.5, 0.2], [1.6, 0.3], [5.0, 5.0]])
    assert sorted(representatives(xy, 1.0).tolist()) == [1, 3, 5]
    assert sorted(representatives(xy, 100.0).tolist()) == [2]  # nearest the centre of all
    assert len(representatives(xy, 0.01)) == len(xy)  # zoomed in: every photo


def test_region_names_where_a_tag_dominates() -> None:
    rng = np.random.default_rng(0)
    dogs = rng.normal((0, 0), 1, size=(40, 2))
    beach = rng.normal((20, 0), 1, size=(40, 2))
    mixed = rng.normal((10, 20), 1, size=(40, 2))
    labels = ["dog"] * 40 + ["beach"] * 40 + ["cat", "car", None, "food"] * 10
    regions = region_labels(np.vstack([dogs, beach, mixed]), labels)
    assert {r.name for r in regions} == {"dog", "beach"}  # no tag holds the mixed corner
    dog = next(r for r in regions if r.name == "dog")
    assert abs(dog.x) < 2 and abs(dog.y) < 2
    assert region_labels(np.zeros((0, 2)), []) == []


def test_a_name_is_printed_once_in_a_neighbourhood() -> None:
    """Two nearby clusters of one tag (as t-SNE often splits them) get one label; two far
    apart keep one each."""
    rng = np.random.default_rng(1)
    blob = lambda x, y: rng.normal((x, y), 0.3, size=(30, 2))  # noqa: E731
    spread = rng.uniform(0, 60, size=(200, 2))  # the rest of the map, no tag
    near = np.vstack([blob(11, 11), blob(16.5, 16.5), spread])  # cells (2, 2) and (3, 3)
    labels = ["car"] * 60 + [None] * 200
    assert [r.name for r in region_labels(near, labels)] == ["car"]
    far = np.vstack([blob(10, 10), blob(50, 50), spread])
    assert [r.name for r in region_labels(far, labels)] == ["car", "car"]


def test_worker_keeps_the_map_and_lays_it_out_on_request(library_dir: Path, tmp_path: Path) -> None:
    colour_photos(tmp_path / "photos", 5)
    with Library.open(library_dir) as lib:
        lib.set_model(TINY)
        lib.add([tmp_path / "photos"])
    events: list[WorkerEvent] = []
    worker = LibraryWorker(library_dir, events.append, device="cpu", quiet_s=0.3, settle_s=0.3)
    worker.start()
    try:
        updated = lambda: [e.message for e in events if e.kind is EventKind.MAP_UPDATED]  # noqa: E731
        wait_until(lambda: updated() == [MapUpdate.LAID_OUT.value], timeout=60)
        assert any(e.kind is EventKind.MAP_PROGRESS for e in events)
        with Library.open(library_dir) as lib:
            assert len(lib.map_points().paths) == 15
        colour_photos(tmp_path / "photos", 1, start=50)  # three more: placed
        worker.request_scan()
        wait_until(lambda: len(updated()) == 2, timeout=60)
        assert updated()[1] == MapUpdate.PLACED.value
        worker.request_map()
        wait_until(lambda: len(updated()) == 3, timeout=60)
        assert updated()[2] == MapUpdate.LAID_OUT.value
    finally:
        worker.stop()
    assert not [e for e in events if e.kind is EventKind.ERROR]
