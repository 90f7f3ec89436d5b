"""`similar`'s near-copy rule asks the duplicates' geometric check: a query's plain nearest comes
first when its pixels confirm a copy, on real photos; the evidence is measured ahead of time
after the search vectors change, and a query whose pair is not cached measures it without
writing to the catalog."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from photofind.core import library_search, near_copies, pair_checks, search_vectors
from photofind.core.copy_check import CHECK_VERSION, CopyEvidence, compare, is_copy, local_features
from photofind.core.library import Library
from tests.helpers import make_copies, make_photo, real_photo, screenshot


@pytest.fixture
def library(library_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """Real photos, their copies and look-alikes, among synthetic ones, with the bundled
    model; search vectors on (as in a library of hundreds)."""
    monkeypatch.setattr(search_vectors, "MIN_PHOTOS", 0)
    root = make_copies(tmp_path / "photos")
    for name in ("horse", "rocket"):  # a photo with several copies: framed, quarter size, grey
        img = real_photo(name)
        img.save(root / f"{name}.jpg", quality=92)
        ImageOps.expand(img, 40, fill=(200, 30, 30)).save(root / f"{name} framed.jpg")
        img.resize((img.width // 4, img.height // 4)).save(root / f"{name} quarter.jpg")
        ImageOps.grayscale(img).save(root / f"{name} grey.jpg", quality=85)
    for i in range(8):
        make_photo(root / f"synthetic {i:02}.jpg", seed=200 + i, quality=90)
    lib = Library.open(library_dir, device="cpu")
    lib.add([root])
    lib.scan()
    for _ in lib.index():
        pass
    lib.maintain_index()
    yield lib
    lib.close()


def _rule(monkeypatch: pytest.MonkeyPatch, check: bool) -> None:
    """The near-copy rule by the check alone (a gap no lead reaches), or off."""
    params = replace(search_vectors.PARAMS, copy_gap=2.0, check_copies=check)
    monkeypatch.setattr(search_vectors, "PARAMS", params)


def _paths(lib: Library) -> dict[int, str]:
    ids, _ = lib.catalog.vectors(lib.model)
    return lib.catalog.paths([int(i) for i in ids])


def _evidence(lib: Library, a: int, b: int) -> CopyEvidence:
    photos = lib.catalog.photos_by_id([a, b])
    found = [local_features(lib.photo_thumbnail(photos[pid])) for pid in (a, b)]
    return compare(*found)


def test_the_plain_nearest_comes_first_when_its_pixels_confirm_a_copy(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    moved = refused = 0
    for photo in library.catalog.photos_by_id(list(_paths(library))).values():
        vector = library.catalog.vector(photo.id, library.model)
        plain, cosine = library._plain_nearest(vector, 2, {photo.id}, photo.id)[0]
        _rule(monkeypatch, check=False)
        searched = [m.path for m in library.similar(photo.path, k=5)]
        _rule(monkeypatch, check=True)
        got = [m.path for m in library.similar(photo.path, k=5)]
        nearest = library.catalog.paths([plain])[plain]
        close = cosine >= near_copies.COPY_CANDIDATE
        if searched[0] != nearest and close and is_copy(_evidence(library, photo.id, plain)):
            assert got == [nearest, *[p for p in searched if p != nearest][:4]]
            moved += 1
        else:
            assert got == searched
            refused += searched[0] != nearest
    # Both happened: a copy the search vectors ranked lower, and a look-alike left in place.
    assert moved > 0 and refused > 0, (moved, refused)


def test_the_checks_are_made_ahead_and_queries_only_read_them(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After maintenance every photo's pair with its plain nearest is cached, as the query
    would measure it; queries then decode nothing."""
    ids = list(_paths(library))
    pairs = near_copies.plain_nearest_pairs(library.catalog, library.model, ids)
    want = {}
    for pid in ids:  # each photo's plain nearest as a query finds it, when close enough
        nearest, cosine = library._plain_nearest(
            library.catalog.vector(pid, library.model), 1, {pid}, pid
        )[0]
        if cosine >= near_copies.COPY_CANDIDATE:
            fps = [library.catalog.photos_by_id([i])[i].fingerprint for i in (pid, nearest)]
            want[near_copies._key(*fps)] = {pid, nearest}
    assert 0 < len(want) < len(ids)  # close pairs, found once from both sides; distant ones
    assert {key: set(pair) for key, pair in pairs.items()} == want
    cached = library.catalog.copy_checks(CHECK_VERSION)
    assert set(pairs) <= set(cached)
    for key, (a, b) in list(pairs.items())[:4]:
        ev = _evidence(library, a, b)
        assert cached[key] == pytest.approx((ev.inliers, ev.agreement))

    def refuse(data: bytes) -> None:
        raise AssertionError("nothing should be measured at query time")

    monkeypatch.setattr(near_copies, "local_features", refuse)
    for path in _paths(library).values():
        library.similar(path, k=5)


def test_a_query_measures_the_verdict_the_cache_holds(
    tiny_library: Library, tmp_path: Path
) -> None:
    """The check is not symmetric: a framed copy laid over a screenshot of the photo passes,
    the screenshot laid over the framed copy fails. Measured when a query asks, the pair is
    compared in the order of its fingerprints, as the checks made ahead and the duplicates
    compare it, so both give one verdict, whichever photo asks."""
    root = tmp_path / "photos"
    root.mkdir()
    cat = real_photo("chelsea")
    screenshot(cat).save(root / "screenshot.png")
    ImageOps.expand(cat, 30, fill=(200, 30, 30)).save(root / "framed.jpg", quality=90)
    tiny_library.add([root])
    tiny_library.scan()
    for _ in tiny_library.index():
        pass
    shot, framed = (tiny_library.photo(root / name) for name in ("screenshot.png", "framed.jpg"))
    one_way = [
        is_copy(compare(*(local_features(tiny_library.photo_thumbnail(p)) for p in pair)))
        for pair in ((shot, framed), (framed, shot))
    ]
    assert one_way[0] != one_way[1]  # the asymmetry this test is about
    by_fingerprint = one_way[0] if shot.fingerprint < framed.fingerprint else one_way[1]
    for query, other in ((shot, framed), (framed, shot)):
        verify = tiny_library._copy_verifier(library_search.Query(np.zeros(1), query, False))
        assert verify(other.id) == by_fingerprint


def test_a_file_from_outside_is_checked_at_query_time_without_writing(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A smaller re-save of a library photo (other bytes, so not its twin) is measured when
    asked: a copy of its original, not of a look-alike; the catalog gains nothing."""
    paths = {Path(p).name: p for p in _paths(library).values()}
    with Image.open(paths["coffee.jpg"]) as img:
        img.resize((img.width // 3, img.height // 3)).save(
            tmp_path / "coffee small.jpg", quality=70
        )
    before = library.catalog.copy_checks(CHECK_VERSION)
    measured: list[int] = []
    real = near_copies.local_features

    def counted(data: bytes):
        measured.append(len(data))
        return real(data)

    monkeypatch.setattr(near_copies, "local_features", counted)
    verify = library._copy_verifier(library.query_vector(tmp_path / "coffee small.jpg"))
    assert verify(library.photo(paths["coffee.jpg"]).id)
    assert not verify(library.photo(paths["chelsea.jpg"]).id)
    assert len(measured) == 4  # the file and each photo, decoded now
    assert library.catalog.copy_checks(CHECK_VERSION) == before


def test_cancelled_checks_keep_what_was_measured_and_resume(
    tiny_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled part way, maintenance rebuilds nothing (the index rebuild would forget the log
    the checks follow) and keeps the checks made; the next one, with no new photo, measures
    the rest; a library that never ran them (an upgrade) checks every photo."""
    monkeypatch.setattr(search_vectors, "MIN_PHOTOS", 0)
    monkeypatch.setattr(near_copies, "COPY_CANDIDATE", -1.0)
    monkeypatch.setattr(pair_checks, "CHUNK", 2)
    tiny_library.add([make_copies(tmp_path / "photos")])
    tiny_library.scan()
    for _ in tiny_library.index():
        pass
    cancel = threading.Event()
    store = tiny_library.catalog.store_copy_checks
    with monkeypatch.context() as patch:
        patch.setattr(
            tiny_library.catalog, "store_copy_checks", lambda *a: (store(*a), cancel.set())
        )
        rebuilt: list[str] = []
        patch.setattr(tiny_library.vector_index, "needs_rebuild", lambda: True)
        patch.setattr(tiny_library.vector_index, "rebuild", lambda: rebuilt.append("embeddings"))
        assert not tiny_library.maintain_index(cancel=cancel)
        assert rebuilt == []
    assert len(tiny_library.catalog.copy_checks(CHECK_VERSION)) == 2  # the first chunk stays
    assert tiny_library.catalog.search_count(tiny_library.model) == 11  # the pass stands
    ids = tiny_library.catalog.search_ids(tiny_library.model)
    pairs = near_copies.plain_nearest_pairs(tiny_library.catalog, tiny_library.model, ids)
    assert len(pairs) > 2
    cancel.clear()
    tiny_library.maintain_index(cancel=cancel)
    assert set(tiny_library.catalog.copy_checks(CHECK_VERSION)) == set(pairs)
    tiny_library.catalog.delete_setting(f"near_copies_seq:{tiny_library.model}")
    tiny_library.catalog.forget_copy_checks(set())
    tiny_library.maintain_index()
    assert set(tiny_library.catalog.copy_checks(CHECK_VERSION)) == set(pairs)
