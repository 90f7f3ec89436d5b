"""Search vectors (centred on the library mean, augmented by neighbours) follow the embeddings."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photofind.core import search_vectors
from photofind.core.catalog import Catalog, PhotoResult, Tag
from photofind.core.catalog.vectors import VectorTable
from photofind.core.library import Library
from photofind.core.search_index import SearchIndex
from photofind.core.search_space import SearchParams, augment, centre, neighbour_lists, project
from tests.helpers import TINY, make_photo

DIM = 32
MODEL = "m"
PARAMS = SearchParams(neighbours=4, alpha=1.0, expand=2)


def _vectors(n: int, seed: int) -> np.ndarray:
    """Clustered unit vectors sharing an offset, like photos of a few subjects."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(8, DIM)) + 3.0
    v = centres[rng.integers(0, 8, n)] + 0.5 * rng.normal(size=(n, DIM))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _store(cat: Catalog, ids: list[int], vectors: np.ndarray) -> None:
    results = [
        PhotoResult(pid, "f", 1, 1, None, vec, [Tag("x", 1.0, 0)])
        for pid, vec in zip(ids, vectors, strict=True)
    ]
    cat.store_batch(MODEL, results, [])


def _add(cat: Catalog, vectors: np.ndarray, start: int) -> list[int]:
    names = [f"/photos/{start + i:05}.jpg" for i in range(len(vectors))]
    cat.add_photos(None, [(n, 1, 1) for n in names])
    ids = [cat.photo_by_path(n).id for n in names]
    _store(cat, ids, vectors)
    return ids


@pytest.fixture
def cat(tmp_path: Path) -> Catalog:
    cat = Catalog(tmp_path / "c.db")
    _add(cat, _vectors(120, seed=1), 0)
    assert search_vectors.full_pass(cat, MODEL, PARAMS)
    return cat


def _sync(cat: Catalog, tmp_path: Path) -> int:
    return search_vectors.sync(cat, SearchIndex(tmp_path / "index", cat, MODEL), MODEL, PARAMS)


def _assert_consistent(cat: Catalog) -> None:
    """Every photo with an embedding has a search vector made, with the stored mean, from its
    listed neighbours; no list names a photo without an embedding."""
    state = cat.search_state(MODEL)
    ids, raw = cat.vectors(MODEL)
    sids, stored = cat.search_matrix(MODEL)
    assert sids.tolist() == ids.tolist()
    centred = dict(zip(ids.tolist(), centre(raw, state.mean), strict=True))
    for pid, vector in zip(sids.tolist(), stored, strict=True):
        listed = cat.search_neighbours(pid, MODEL)
        assert len(listed) == PARAMS.neighbours and pid not in listed
        assert set(listed) <= set(centred)  # nobody is made from a photo that is gone
        others = np.stack([centred[n] for n in listed])
        weights = others @ centred[pid]
        want = augment(centred[pid][None], others[None], weights[None], PARAMS.alpha)[0]
        assert np.allclose(vector, want, atol=1e-5)


def _a_listed_photo(cat: Catalog) -> int:
    """A photo some other photo's search vector was made from."""
    ids, _ = cat.vectors(MODEL)
    return next(int(i) for i in ids if cat.search_dependents(MODEL, [int(i)]))


def test_full_pass_centres_and_takes_the_exact_neighbours(cat: Catalog) -> None:
    ids, raw = cat.vectors(MODEL)
    state = cat.search_state(MODEL)
    assert np.allclose(state.mean, raw.mean(axis=0), atol=1e-6)
    centred = centre(raw, raw.mean(axis=0))
    scores = centred @ centred.T
    np.fill_diagonal(scores, -np.inf)
    for row in (0, 17, 99):
        nearest = ids[np.argsort(-scores[row])[: PARAMS.neighbours]]
        assert cat.search_neighbours(int(ids[row]), MODEL) == sorted(nearest.tolist())
    _assert_consistent(cat)


def test_the_large_library_shortcut_finds_the_same_neighbours_with_every_axis(
    cat: Catalog,
) -> None:
    _, raw = cat.vectors(MODEL)
    centred = centre(raw, raw.mean(axis=0))
    exact = neighbour_lists(centred, 4)
    shortcut = neighbour_lists(centred, 4, reduced=project(centred, DIM))
    assert np.array_equal(exact[0], shortcut[0])
    assert np.allclose(exact[1], shortcut[1], atol=1e-5)


def test_added_photos_get_search_vectors_from_their_neighbours_at_once(
    cat: Catalog, tmp_path: Path
) -> None:
    new = _add(cat, _vectors(6, seed=2), 1000)
    assert _sync(cat, tmp_path) == 6
    assert all(len(cat.search_neighbours(pid, MODEL)) == PARAMS.neighbours for pid in new)
    _assert_consistent(cat)
    assert _sync(cat, tmp_path) == 0  # nothing new: nothing done


def test_a_changed_photo_remakes_itself_and_the_photos_made_from_it(
    cat: Catalog, tmp_path: Path
) -> None:
    changed = _a_listed_photo(cat)
    dependents = cat.search_dependents(MODEL, [changed])
    assert dependents
    before = dict(zip(*cat.vectors_of(sorted(dependents), MODEL, VectorTable.SEARCH), strict=True))
    _store(cat, [changed], _vectors(1, seed=3))
    assert _sync(cat, tmp_path) >= 1 + len(dependents - {changed})
    _assert_consistent(cat)
    after = dict(zip(*cat.vectors_of(sorted(dependents), MODEL, VectorTable.SEARCH), strict=True))
    assert any(not np.allclose(before[p], after[p]) for p in dependents)


def test_a_deleted_photo_is_in_no_neighbour_list(cat: Catalog, tmp_path: Path) -> None:
    gone = _a_listed_photo(cat)
    assert cat.search_dependents(MODEL, [gone])
    cat.delete_photos([gone])
    _sync(cat, tmp_path)
    assert cat.search_dependents(MODEL, [gone]) == set()
    assert gone not in cat.search_matrix(MODEL)[0].tolist()
    _assert_consistent(cat)


def test_a_cancelled_full_pass_writes_nothing(cat: Catalog) -> None:
    before = cat.search_matrix(MODEL)
    _add(cat, _vectors(2000, seed=4), 2000)  # two blocks: cancelled after the first
    cancel = threading.Event()
    assert not search_vectors.full_pass(
        cat, MODEL, PARAMS, progress=lambda done, total: cancel.set(), cancel=cancel
    )
    after = cat.search_matrix(MODEL)
    assert after[0].tolist() == before[0].tolist() and np.array_equal(after[1], before[1])


KILL_MID_WRITE = """
import os, sys
import numpy as np
from photofind.core import search_vectors
from photofind.core.catalog import Catalog
from photofind.core.catalog import search
from photofind.core.search_space import SearchParams

real = search._blob
written = 0
def dying_blob(vector):
    global written
    written += 1
    if written == 50:
        os._exit(9)  # killed half way through writing the new search vectors
    return real(vector)
search._blob = dying_blob
cat = Catalog(sys.argv[1])
search_vectors.full_pass(cat, "m", SearchParams(neighbours=4, alpha=1.0))
"""


def test_a_killed_full_pass_leaves_the_last_good_search_vectors(
    cat: Catalog, tmp_path: Path
) -> None:
    before = cat.search_matrix(MODEL)
    state = cat.search_state(MODEL)
    _add(cat, _vectors(60, seed=5), 3000)
    done = subprocess.run([sys.executable, "-c", KILL_MID_WRITE, str(cat.path)], check=False)
    assert done.returncode == 9
    after = cat.search_matrix(MODEL)
    assert after[0].tolist() == before[0].tolist() and np.array_equal(after[1], before[1])
    assert np.array_equal(cat.search_state(MODEL).mean, state.mean)
    _sync(cat, tmp_path)  # and the next sync picks up from there
    _assert_consistent(cat)


@pytest.fixture
def indexed(tiny_library: Library, tmp_path: Path) -> tuple[Library, Path]:
    root = tmp_path / "photos"
    for i in range(24):
        make_photo(root / f"p{i:02}.jpg", seed=100 + i, quality=90)
    tiny_library.add([root])
    tiny_library.scan()
    for _ in tiny_library.index():
        pass
    tiny_library.maintain_index()
    assert tiny_library.catalog.search_count(TINY) == 24
    return tiny_library, root


@pytest.mark.parametrize("search_vectors_from", [0, search_vectors.MIN_PHOTOS])
def test_an_outside_copy_and_the_indexed_photo_get_the_same_neighbours(
    indexed: tuple[Library, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    search_vectors_from: int,
) -> None:
    """Through the search vectors (a library of hundreds) and the plain ones (a small library):
    the copy finds its original first, then exactly what the original finds."""
    monkeypatch.setattr(search_vectors, "MIN_PHOTOS", search_vectors_from)
    lib, root = indexed
    for original in sorted(root.glob("p*.jpg")):
        copy = shutil.copy(original, tmp_path / f"elsewhere-{original.name}")
        inside = [m.path for m in lib.similar(original, k=6)]
        outside = lib.similar(copy, k=7)
        assert outside[0].path == str(original) and outside[0].score == 1.0
        assert [m.path for m in outside[1:]] == inside


def test_a_small_library_ranks_by_plain_vectors(indexed: tuple[Library, Path]) -> None:
    lib, root = indexed
    query = root / "p05.jpg"
    photo = lib.photo(query)
    assert lib.catalog.search_state(lib.model).full_count < search_vectors.MIN_PHOTOS
    plain = lib.vector_index.search(lib.catalog.vector(photo.id, lib.model), 5, {photo.id})
    assert [m.path for m in lib.similar(query, k=5)] == [
        lib.catalog.paths([pid])[pid] for pid, _ in plain
    ]


def test_similar_ranks_by_search_vectors_once_they_exist(
    indexed: tuple[Library, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_vectors, "MIN_PHOTOS", 0)  # as in a library of hundreds
    monkeypatch.setattr(
        search_vectors, "PARAMS", replace(search_vectors.PARAMS, copy_gap=0.0, check_copies=False)
    )
    lib, root = indexed
    query = root / "p05.jpg"
    photo = lib.photo(query)
    state = lib.catalog.search_state(lib.model)
    raw = lib.catalog.vector(photo.id, lib.model)
    q = centre(raw, state.mean)
    ids, stored = lib.catalog.search_matrix(lib.model)
    plain_ids, plain = lib.catalog.vectors(lib.model)
    nearest = [int(plain_ids[p]) for p in np.argsort(-(plain @ raw)) if plain_ids[p] != photo.id]
    first = [int(np.flatnonzero(ids == pid)[0]) for pid in nearest[: search_vectors.PARAMS.expand]]
    weights = stored[first] @ q
    expanded = q + weights**search_vectors.PARAMS.alpha @ stored[first]
    expanded /= np.linalg.norm(expanded)
    scores = stored @ expanded
    order = [int(ids[p]) for p in np.lexsort((ids, -scores)) if ids[p] != photo.id][:5]
    want = lib.catalog.paths(order)
    assert [m.path for m in lib.similar(query, k=5)] == [want[i] for i in order]


def test_a_library_photo_starts_from_its_stored_neighbours_without_a_search(
    indexed: tuple[Library, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Query expansion's and the near-copy rule's plain nearest came from a search of the
    embeddings' index, which mapped most of its file into the app's memory (1 GB of two
    indexes at 100,000 photos). For a library photo they are now the nearest by raw cosine
    among its neighbours from the last pass, whose embeddings alone are read; a file from
    outside the library still searches the embeddings' index."""
    monkeypatch.setattr(search_vectors, "MIN_PHOTOS", 0)
    lib, root = indexed
    query = root / "p05.jpg"
    before = [m.path for m in lib.similar(query, k=5)]
    read: list[list[int]] = []
    plain: list[int] = []
    vectors_of, search = lib.vector_index.vectors_of, lib.vector_index.search
    monkeypatch.setattr(
        lib.vector_index, "vectors_of", lambda ids: read.append(ids) or vectors_of(ids)
    )
    monkeypatch.setattr(
        lib.vector_index, "search", lambda *a, **kw: plain.append(a[1]) or search(*a, **kw)
    )
    assert [m.path for m in lib.similar(query, k=5)] == before
    assert read == [lib.catalog.search_neighbours(lib.photo(query).id, lib.model)]
    assert plain == []
    read.clear()
    with Image.open(query) as img:  # the same photo smaller: a file the library lacks
        img.resize((img.width // 2, img.height // 2)).save(tmp_path / "small.jpg")
    assert lib.similar(tmp_path / "small.jpg", k=5)[0].path == str(query)
    assert read == [] and plain == [search_vectors.PARAMS.expand]


def test_a_near_copy_ranks_first_where_augmented_vectors_bury_it(
    indexed: tuple[Library, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo whose plain nearest leads the next by the gap gets it first, even when the
    search vectors rank it lower; with the rule off, the search vectors' order stands."""
    monkeypatch.setattr(search_vectors, "MIN_PHOTOS", 0)
    lib, root = indexed
    plain_ids, plain = lib.catalog.vectors(lib.model)
    cases = []
    for path in sorted(root.glob("p*.jpg")):
        photo = lib.photo(path)
        sims = plain @ lib.catalog.vector(photo.id, lib.model)
        order = [int(plain_ids[p]) for p in np.argsort(-sims) if plain_ids[p] != photo.id]
        lead = float(sims[plain_ids == order[0]][0] - sims[plain_ids == order[1]][0])
        monkeypatch.setattr(
            search_vectors,
            "PARAMS",
            replace(search_vectors.PARAMS, copy_gap=0.0, check_copies=False),
        )
        searched = [m.path for m in lib.similar(path, k=5)]
        cases.append((path, lib.catalog.paths([order[0]])[order[0]], lead, searched))
    # A gap every photo's lead passes: the plain nearest always comes first, the rest keep
    # the search vectors' order.
    monkeypatch.setattr(
        search_vectors, "PARAMS", replace(search_vectors.PARAMS, copy_gap=1e-9, check_copies=False)
    )
    moved = 0
    for path, nearest, lead, searched in cases:
        got = [m.path for m in lib.similar(path, k=5)]
        if lead >= 1e-9:
            assert got == [nearest, *[p for p in searched if p != nearest][:4]]
            moved += searched[0] != nearest
        else:
            assert got == searched
    assert moved > 0  # the rule changed something: on these photos DBA and QE reorder the top


def test_a_cancelled_maintenance_keeps_the_search_vectors(indexed: tuple[Library, Path]) -> None:
    lib, _ = indexed
    before = lib.catalog.search_matrix(lib.model)
    cancel = threading.Event()
    cancel.set()
    assert not lib.refresh_search_vectors(full=True, cancel=cancel)
    after = lib.catalog.search_matrix(lib.model)
    assert np.array_equal(after[1], before[1])


def test_the_library_follows_new_and_deleted_photos_without_a_full_pass(
    indexed: tuple[Library, Path],
) -> None:
    lib, root = indexed
    full_count = lib.catalog.search_state(lib.model).full_count
    for i in range(2):
        make_photo(root / f"new{i}.jpg", seed=500 + i, quality=90)
    gone = next(
        photo
        for photo in (lib.photo(f) for f in sorted(root.glob("p*.jpg")))
        if photo and lib.catalog.search_dependents(lib.model, [photo.id])
    )
    Path(gone.path).unlink()
    lib.scan()
    for _ in lib.index():
        pass
    lib.maintain_index()
    assert lib.catalog.search_state(lib.model).full_count == full_count  # no new full pass
    for i in range(2):
        photo = lib.photo(root / f"new{i}.jpg")
        assert len(lib.catalog.search_neighbours(photo.id, lib.model)) == 5
    assert lib.catalog.search_dependents(lib.model, [gone.id]) == set()
    assert lib.catalog.search_count(lib.model) == 25
