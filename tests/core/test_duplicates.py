"""Duplicate groups on real photos: which copies are found, which look-alikes are not, why the
keeper is the keeper, and what is cached.

The tiny test model proposes every pair here (threshold -1), so these tests hold the geometric
check to account; tests/e2e/test_real_model.py runs the same copies with the real model and the
default settings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageFilter

from photofind.core import pair_checks
from photofind.core.catalog import Photo
from photofind.core.duplicates import candidate_pairs, find_duplicates
from photofind.core.keepers import Reason, rank_copies
from photofind.core.library import Library
from tests.helpers import crop_rotated, make_copies, make_photo, real_photo


def _index(lib: Library, folder: Path) -> None:
    lib.add([folder])
    lib.scan()
    for _ in lib.index():
        pass


def _names(groups) -> list[set[str]]:
    return [{Path(p.path).name for p in g.photos} for g in groups]


def test_copies_are_grouped_and_look_alikes_are_not(tiny_library: Library, tmp_path: Path) -> None:
    _index(tiny_library, make_copies(tmp_path / "photos"))
    groups = _names(tiny_library.duplicates(threshold=-1.0))
    assert sorted(groups, key=sorted) == [
        {"astronaut.jpg", "astronaut small.jpg"},
        {"chelsea.jpg", "chelsea crop.jpg"},
        {"coffee.jpg", "coffee q10.jpg"},
        {"rocket.jpg", "rocket grey.jpg"},
    ]


def _no_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes) -> None:
        raise AssertionError("no photo should need checking")

    monkeypatch.setattr(pair_checks, "local_features", refuse)


def test_identical_files_need_no_model_work(
    tiny_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "photos"
    make_photo(folder / "a.jpg", seed=1, quality=90)
    make_photo(folder / "other.jpg", seed=2, quality=90)
    shutil.copy(folder / "a.jpg", folder / "b.jpg")
    _index(tiny_library, folder)

    _no_checks(monkeypatch)
    cat, index = tiny_library.catalog, tiny_library.vector_index
    groups = find_duplicates(cat, index, lambda p: None, threshold=0.999)
    assert _names(groups) == [{"a.jpg", "b.jpg"}]
    assert groups[0].members[1].identical_to_keeper
    assert groups[0].keeper.reason is Reason.IDENTICAL


def test_checks_are_cached_and_unreadable_photos_skipped(
    tiny_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _index(tiny_library, make_copies(tmp_path / "photos"))
    cat, index = tiny_library.catalog, tiny_library.vector_index

    def load_some(photo: Photo) -> bytes | None:
        return None if photo.path.endswith("coffee q10.jpg") else tiny_library.thumbnail(photo.path)

    seen: list[tuple[int, int]] = []
    first = find_duplicates(cat, index, load_some, -1.0, lambda d, t: seen.append((d, t)))
    assert len(first) == 3 and {"coffee.jpg", "coffee q10.jpg"} not in _names(first)
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 0

    # The unreadable photo's pairs were not cached as "no copy": they are checked once readable.
    reads: list[str] = []

    def load_all(photo: Photo) -> bytes | None:
        reads.append(Path(photo.path).name)
        return tiny_library.thumbnail(photo.path)

    second = find_duplicates(cat, index, load_all, -1.0)
    assert {"coffee.jpg", "coffee q10.jpg"} in _names(second) and len(second) == 4
    assert "coffee q10.jpg" in reads

    _no_checks(monkeypatch)  # every check is cached now
    assert _names(find_duplicates(cat, index, load_all, -1.0)) == _names(second)


def test_candidate_pairs_keep_neighbours_above_the_threshold() -> None:
    import numpy as np

    vecs = np.array([[1, 0], [0.99, 0.141], [0, 1], [-1, 0]], dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.array([10, 11, 12, 13])
    assert candidate_pairs(ids, vecs, 0.9) == {(10, 11)}
    assert candidate_pairs(ids, vecs, 0.05) == {(10, 11), (11, 12)}
    assert candidate_pairs(ids, vecs, 0.9, neighbours=0) == set()


def _photo(path: Path, pid: int, fp: str | None = None) -> Photo:
    with Image.open(path) as img:
        w, h = img.size
    return Photo(pid, None, str(path), path.stat().st_size, 1, fp or f"fp{pid}", "ok", None, w, h)


@pytest.fixture
def keeper_candidates(tmp_path: Path) -> list[Photo]:
    img = real_photo("coffee")
    img.save(tmp_path / "plain.jpg", quality=95)
    exif = Image.Exif()
    exif[271], exif[272] = "Camera Maker", "Model X"
    exif.get_ifd(0x8769)[36867] = "2020:01:01 10:00:00"
    img.save(tmp_path / "with exif.jpg", quality=95, exif=exif)
    img.filter(ImageFilter.GaussianBlur(3)).save(tmp_path / "blurred.jpg", quality=95)
    img.resize((img.width // 2, img.height // 2)).save(tmp_path / "smaller.jpg", quality=95)
    names = ["blurred.jpg", "plain.jpg", "with exif.jpg", "smaller.jpg"]
    return [_photo(tmp_path / n, i) for i, n in enumerate(names)]


def test_keeper_order_and_reasons(keeper_candidates: list[Photo]) -> None:
    group = rank_copies(keeper_candidates)
    order = [Path(m.photo.path).name for m in group.members]
    assert order == ["with exif.jpg", "plain.jpg", "blurred.jpg", "smaller.jpg"]
    reasons = [m.reason for m in group.members]
    assert reasons == [Reason.EXIF, Reason.EXIF, Reason.SHARPNESS, Reason.RESOLUTION]
    assert group.keeper.keeper and not any(m.keeper for m in group.members[1:])
    assert group.members[0].facts.exif_tags > group.members[1].facts.exif_tags
    assert "lower resolution (300x200 against 600x400)" in group.members[3].explanation
    assert group.members[2].facts.sharpness < group.members[0].facts.sharpness


@pytest.mark.parametrize("name", ["chelsea", "coffee", "rocket", "astronaut"])
def test_an_edited_copy_is_not_kept_over_its_original(name: str, tmp_path: Path) -> None:
    """Brightening or more contrast raises the raw Laplacian variance by up to 90 per cent:
    it must not make a re-saved copy look sharper than the photo it was made from."""
    original = real_photo(name)
    original.save(tmp_path / "original.jpg", quality=92)
    ImageEnhance.Brightness(original).enhance(1.25).save(tmp_path / "brighter.jpg", quality=75)
    ImageEnhance.Contrast(original).enhance(1.3).save(tmp_path / "contrast.jpg", quality=80)
    original.filter(ImageFilter.GaussianBlur(1)).save(tmp_path / "blurred.jpg", quality=95)
    names = ["brighter.jpg", "contrast.jpg", "blurred.jpg", "original.jpg"]
    group = rank_copies([_photo(tmp_path / n, i) for i, n in enumerate(names)])
    assert group.keeper.photo.path.endswith("original.jpg")
    blurred = next(m for m in group.members if m.photo.path.endswith("blurred.jpg"))
    assert blurred.reason is Reason.SHARPNESS and "less sharp" in blurred.explanation


def test_an_unreadable_copy_says_why(keeper_candidates: list[Photo], tmp_path: Path) -> None:
    gone = _photo(tmp_path / "plain.jpg", 9)
    (tmp_path / "plain.jpg").unlink()
    group = rank_copies([gone, keeper_candidates[3]])
    assert group.keeper.photo.path.endswith("plain.jpg")  # still the most pixels (catalog)
    assert "could not be read" in group.keeper.explanation


def test_cancel_stops_checking_and_the_next_run_resumes(
    tiny_library: Library, tmp_path: Path
) -> None:
    import threading

    _index(tiny_library, make_copies(tmp_path / "photos"))
    stop = threading.Event()
    stop.set()
    assert tiny_library.duplicates(threshold=-1.0, cancel=stop) == []
    assert len(tiny_library.duplicates(threshold=-1.0)) == 4


def test_checks_of_contents_gone_are_forgotten(tiny_library: Library) -> None:
    cat = tiny_library.catalog
    cat.store_copy_checks(7, [("a", "b", 10, 0.99), ("a", "c", 3, 0.1)])
    assert cat.forget_copy_checks({"a", "b"}) == 1
    assert cat.copy_checks(7) == {("a", "b"): (10, 0.99)}
    assert cat.copy_checks(8) == {}


class _Catalog:
    """What check_pairs asks of a catalog: no cached checks, every photo found."""

    def copy_checks(self, version: int) -> dict:
        return {}

    def store_copy_checks(self, version: int, rows: list) -> None:
        pass

    def photos_by_id(self, ids: list[int]) -> dict[int, Photo]:
        return {i: Photo(i, None, f"/p{i}.jpg", 1, 1, f"fp{i:02d}", "ok", None) for i in ids}


def test_no_photo_s_features_are_found_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    # Y looks like X and ten others (none a copy); X also like Z. Checked four pairs at a time
    # with room for four photos' features, X's features must outlive the ten others' (they are
    # needed by no other pair), not be dropped as the least recently used and found again.
    names = ["Y", "X", "Z"] + [f"n{i}" for i in range(10)]
    ids = {name: i for i, name in enumerate(names)}
    edges = [("Y", "X")] + [("Y", f"n{i}") for i in range(10)] + [("X", "Z")]
    pairs = {}
    for a, b in edges:
        fa, fb = f"fp{ids[a]:02d}", f"fp{ids[b]:02d}"
        key, pid = ((fa, fb), (ids[a], ids[b])) if fa < fb else ((fb, fa), (ids[b], ids[a]))
        pairs[key] = pid
    found: list[bytes] = []

    def features(data: bytes) -> bytes:
        found.append(data)
        return data

    monkeypatch.setattr(pair_checks, "local_features", features)
    monkeypatch.setattr(pair_checks, "compare", lambda a, b: pair_checks.CopyEvidence(0, 0.0))
    monkeypatch.setattr(pair_checks, "CHUNK", 4)
    monkeypatch.setattr(pair_checks, "FEATURE_CACHE", 4)
    groups = pair_checks.Groups(range(len(names)))
    load = lambda photo: photo.fingerprint.encode()  # noqa: E731
    pair_checks.check_pairs(_Catalog(), pairs, groups, load, None, None)  # type: ignore[arg-type]
    assert sorted(found) == sorted({f.encode() for key in pairs for f in key})


@pytest.mark.parametrize("other", ["chelsea crop", "coffee"])
def test_matches_are_a_brute_force_matcher_s(other: str, tmp_path: Path) -> None:
    import io

    import cv2

    from photofind.core import copy_check

    def features(img: Image.Image) -> copy_check.LocalFeatures:
        out = io.BytesIO()
        img.save(out, "JPEG", quality=90)
        return copy_check.local_features(out.getvalue())

    other_img = (
        crop_rotated(real_photo("chelsea"), 0.5, 5)
        if other == "chelsea crop"
        else real_photo(other)
    )
    a, b = features(real_photo("chelsea")), features(other_img)
    assert a.descriptors is not None and b.descriptors is not None
    knn = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(a.descriptors, b.descriptors, k=2)
    passed = [m for m, n in knn if m.distance < copy_check.RATIO * n.distance]
    best: dict[int, int] = {}
    for m in sorted(passed, key=lambda m: m.distance):
        best.setdefault(m.trainIdx, m.queryIdx)
    query, train = copy_check._matches(a.descriptors, b.descriptors)
    found = list(zip(query.tolist(), train.tolist(), strict=True))
    assert found == [(q, t) for t, q in best.items()]
    assert (len(query) > 20) == (other == "chelsea crop")
