"""The Annoy cache stays consistent with the catalog: adds, deletes, lost or damaged files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photofind.core import vector_index
from photofind.core.catalog import Catalog, PhotoResult, Tag
from photofind.core.vector_index import VectorIndex

DIM = 64
MODEL = "m"


@pytest.fixture(autouse=True)
def _annoy_for_small_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vector_index, "EXACT_BELOW", 100)
    monkeypatch.setattr(vector_index, "REBUILD_AFTER", 20)


def _vectors(n: int, seed: int) -> np.ndarray:
    """Clustered unit vectors, like photos of a few subjects."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(10, DIM))
    v = centres[rng.integers(0, 10, n)] + 0.4 * rng.normal(size=(n, DIM))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _add(cat: Catalog, vectors: np.ndarray, start: int) -> list[int]:
    names = [f"/photos/{start + i:05}.jpg" for i in range(len(vectors))]
    cat.add_photos(None, [(n, 1, 1) for n in names])
    ids = [cat.photo_by_path(n).id for n in names]
    cat.store_batch(
        MODEL,
        [
            PhotoResult(pid, "f", 1, 1, None, vec, [Tag("x", 1.0, 0)])
            for pid, vec in zip(ids, vectors, strict=True)
        ],
        [],
    )
    return ids


def _exact(
    cat: Catalog, query: np.ndarray, k: int, exclude: frozenset[int] = frozenset()
) -> list[int]:
    ids, matrix = cat.vectors(MODEL)
    scores = matrix @ query
    order = [i for i in np.lexsort((ids, -scores)) if int(ids[i]) not in exclude]
    return [int(ids[i]) for i in order[:k]]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Catalog, VectorIndex, list[int]]:
    cat = Catalog(tmp_path / "c.db")
    ids = _add(cat, _vectors(400, seed=1), 0)
    index = VectorIndex(tmp_path / "index", cat, MODEL)
    assert index.needs_rebuild()
    index.rebuild()
    assert not index.needs_rebuild() and index.manifest_path.exists()
    return cat, index, ids


def _recall(index: VectorIndex, cat: Catalog, queries: np.ndarray, k: int = 10) -> float:
    found = 0
    for q in queries:
        got = {pid for pid, _ in index.search(q, k)}
        found += len(got & set(_exact(cat, q, k)))
    return found / (k * len(queries))


def test_annoy_matches_exact_search(setup: tuple[Catalog, VectorIndex, list[int]]) -> None:
    cat, index, _ = setup
    assert index._current() is not None  # the Annoy path, not the exact fallback
    assert _recall(index, cat, _vectors(30, seed=9)) >= 0.95
    q = _vectors(1, seed=3)[0]
    hits = index.search(q, 10)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert index.search(q, 10) == hits  # deterministic
    exact_scores = dict(zip(*cat.vectors(MODEL), strict=True))
    pid, score = hits[0]
    assert score == pytest.approx(float(exact_scores[pid] @ q), abs=1e-4)


def test_added_after_build_found_at_once(setup: tuple[Catalog, VectorIndex, list[int]]) -> None:
    cat, index, _ = setup
    new = _vectors(5, seed=7)
    new_ids = _add(cat, new, 1000)
    for pid, vec in zip(new_ids, new, strict=True):
        assert index.search(vec, 1)[0] == (pid, pytest.approx(1.0, abs=1e-5))
    assert index.stale_count() == 5 and not index.needs_rebuild()


def test_deleted_photo_never_seen_again(setup: tuple[Catalog, VectorIndex, list[int]]) -> None:
    cat, index, ids = setup
    victim = ids[17]
    vec = cat.vector(victim, MODEL)
    assert index.search(vec, 1)[0][0] == victim
    cat.delete_photos([victim])
    assert victim not in {pid for pid, _ in index.search(vec, 50)}
    index.rebuild()
    assert victim not in {pid for pid, _ in index.search(vec, 50)}


def test_changed_vector_uses_the_new_one(setup: tuple[Catalog, VectorIndex, list[int]]) -> None:
    cat, index, ids = setup
    target = ids[3]
    old = cat.vector(target, MODEL)
    cat.mark_changed([(target, 2, 2)])
    new = _vectors(1, seed=42)[0]
    cat.store_batch(MODEL, [PhotoResult(target, "g", 1, 1, None, new, [])], [])
    assert index.search(new, 1)[0][0] == target
    assert target not in {pid for pid, _ in index.search(old, 3)} or np.dot(old, new) > 0.5


def test_lost_index_file_gives_same_results_then_rebuilds(
    setup: tuple[Catalog, VectorIndex, list[int]],
) -> None:
    cat, index, _ = setup
    queries = _vectors(10, seed=5)
    before = [index.search(q, 10) for q in queries]
    for f in index.folder.glob("*.ann"):
        f.unlink()
    exact = [index.search(q, 10) for q in queries]
    assert [[p for p, _ in r] for r in exact] == [_exact(cat, q, 10) for q in queries]
    assert index.needs_rebuild()
    index.rebuild()
    after = [index.search(q, 10) for q in queries]
    assert [[p for p, _ in r] for r in after] == [[p for p, _ in r] for r in before]


@pytest.mark.parametrize(
    "damage",
    [
        "truncate",
        "garbage manifest",
        "other model",
        "no vectors file",
        "vectors file cut short",
        "format 1 (full trees)",
    ],
)
def test_damaged_index_is_ignored_and_rebuilt(
    setup: tuple[Catalog, VectorIndex, list[int]], damage: str
) -> None:
    cat, index, _ = setup
    ann = next(index.folder.glob("*.ann"))
    if damage == "truncate":
        ann.write_bytes(ann.read_bytes()[: ann.stat().st_size // 2])
    elif damage == "garbage manifest":
        index.manifest_path.write_text("{not json")
    elif damage == "no vectors file":
        next(index.folder.glob("*.vectors.npy")).unlink()
    elif damage == "vectors file cut short":
        vectors = next(index.folder.glob("*.vectors.npy"))
        vectors.write_bytes(vectors.read_bytes()[:-100])
    elif damage.startswith("format 1"):  # written by a version whose trees held full vectors
        text = index.manifest_path.read_text().replace('"format": 2', '"format": 1')
        index.manifest_path.write_text(text)
    else:
        text = index.manifest_path.read_text().replace('"model": "m"', '"model": "other"')
        index.manifest_path.write_text(text)
    fresh = VectorIndex(index.folder, cat, MODEL)  # as a new process would open it
    q = _vectors(1, seed=11)[0]
    assert [p for p, _ in fresh.search(q, 10)] == _exact(cat, q, 10)
    assert fresh.needs_rebuild()
    fresh.rebuild()
    assert fresh._current() is not None and not fresh.needs_rebuild()


def test_small_library_drops_the_index(
    setup: tuple[Catalog, VectorIndex, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    cat, index, _ = setup
    monkeypatch.setattr(vector_index, "EXACT_BELOW", 1000)
    assert index.needs_rebuild()
    index.rebuild()
    assert not index.manifest_path.exists() and not list(index.folder.glob("*.ann"))
    q = _vectors(1, seed=12)[0]
    assert [p for p, _ in index.search(q, 5)] == _exact(cat, q, 5)


def test_searches_keep_working_during_a_rebuild(
    setup: tuple[Catalog, VectorIndex, list[int]], tmp_path: Path
) -> None:
    """A second connection rebuilds (as the background worker will) while this one searches."""
    import threading

    cat, index, _ = setup
    _add(cat, _vectors(60, seed=21), 5000)  # enough change to make a rebuild due
    assert index.needs_rebuild()
    queries = _vectors(5, seed=8)
    expected = [_exact(cat, q, 10) for q in queries]
    errors: list[BaseException] = []

    def rebuild() -> None:
        try:
            worker = Catalog(tmp_path / "c.db")
            VectorIndex(index.folder, worker, MODEL).rebuild()
            worker.close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=rebuild)
    thread.start()
    rounds = 0
    while thread.is_alive() or rounds < 3:
        got = [[p for p, _ in index.search(q, 10)] for q in queries]
        overlap = sum(len(set(g) & set(e)) for g, e in zip(got, expected, strict=True))
        assert overlap >= 0.9 * 10 * len(queries)
        rounds += 1
    thread.join()
    assert not errors
    assert not index.needs_rebuild()  # this reader picked up the new generation
    assert len(list(index.folder.glob("*.ann"))) == 1  # the old generation was removed


def test_large_exclusions_still_give_the_nearest_allowed(
    setup: tuple[Catalog, VectorIndex, list[int]],
) -> None:
    """An offline drive hides most of the library: the nearest hidden ones, or the farthest."""
    cat, index, ids = setup
    q = _vectors(1, seed=3)[0]
    ranked = _exact(cat, q, len(ids))
    for hidden in (frozenset(ranked[:300]), frozenset(ranked[50:]), frozenset(ranked[:9])):
        expected = _exact(cat, q, 10, hidden)
        got = [pid for pid, _ in index.search(q, 10, hidden)]
        assert not set(got) & hidden
        assert len(set(got) & set(expected)) >= 9


def test_a_library_with_nothing_indexed_yet_answers_no_match(tmp_path: Path) -> None:
    """The app asks for a photo's neighbours before indexing has stored any vector."""
    cat = Catalog(tmp_path / "c.sqlite3")
    cat.add_photos(None, [("/photos/new.jpg", 1, 1)])
    index = VectorIndex(tmp_path / "index", cat, MODEL)
    assert index.search(_vectors(1, 0)[0], 5) == []


def test_vectors_are_read_from_the_index_as_the_catalog_holds_them(
    setup: tuple[Catalog, VectorIndex, list[int]],
) -> None:
    """A query's plain nearest few are measured on vectors read item by item from the built
    index (a search of it mapped most of its file into memory); photos changed since its
    build come from the catalog, and ids without a vector are left out."""
    cat, index, ids = setup
    assert index._current() is not None
    new_ids = _add(cat, _vectors(3, seed=11), 2000)  # after the build
    wanted = [ids[5], new_ids[0], ids[300], 999_999, new_ids[2]]
    got_ids, got = index.vectors_of(wanted)
    assert sorted(got_ids.tolist()) == sorted([ids[5], ids[300], new_ids[0], new_ids[2]])
    truth = dict(zip(*cat.vectors(MODEL), strict=True))
    for pid, vec in zip(got_ids.tolist(), got, strict=True):
        assert np.allclose(vec, truth[pid], atol=1e-6)
    assert index.vectors_of([999_999])[0].tolist() == []
