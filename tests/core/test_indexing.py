"""Scanning and indexing a folder with a tiny model: incremental, bad files, moves, resuming."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from photofind.core import library_models as library_module
from photofind.core import vector_index
from photofind.core.library import Library
from tests.helpers import TINY, make_photo


def _run(lib: Library, **kwargs: object) -> list:
    return list(lib.index(**kwargs))


def _embedding_rows(library_dir: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(library_dir / "catalog.sqlite3") as db:
        return db.execute("SELECT photo_id, model FROM embeddings ORDER BY photo_id").fetchall()


def test_index_folder_then_nothing_to_do(
    tiny_library: Library, photo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny_library.add([photo_dir])
    report = tiny_library.scan()
    assert report.added == 8
    progress = _run(tiny_library, batch_size=3)
    assert progress[-1].done == 8 and progress[-1].indexed == 8 and progress[-1].failed == 0
    assert [p.done for p in progress] == [3, 6, 8]
    counts = tiny_library.catalog.counts(TINY)
    assert (counts.photos, counts.indexed, counts.pending, counts.failed) == (8, 8, 0, 0)

    # A second run on the unchanged folder must not even load the model.
    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("model loaded for an unchanged folder")

    monkeypatch.setattr(library_module, "load_embedder", no_model)
    tiny_library._embedder = None
    assert tiny_library.scan().unchanged == 8
    assert _run(tiny_library) == []


def test_bad_files_are_skipped_with_reasons(tiny_library: Library, photo_dir: Path) -> None:
    (photo_dir / "empty.jpg").write_bytes(b"")
    good = (photo_dir / "p0.jpg").read_bytes()
    (photo_dir / "cut.jpg").write_bytes(good[: len(good) // 3])
    (photo_dir / "text.png").write_text("not a picture")
    tiny_library.add([photo_dir])
    tiny_library.scan()
    progress = _run(tiny_library, batch_size=4)
    reasons = {Path(p).name: r for step in progress for p, r in step.failures}
    assert set(reasons) == {"empty.jpg", "cut.jpg", "text.png"}
    assert "empty" in reasons["empty.jpg"] and "truncated" in reasons["cut.jpg"]
    failed = {Path(p.path).name: p.error for p in tiny_library.failures()}
    assert failed == reasons
    counts = tiny_library.catalog.counts(TINY)
    assert (counts.indexed, counts.failed, counts.pending) == (8, 3, 0)
    # A failed file is retried once it changes on disk.
    make_photo(photo_dir / "cut.jpg", seed=99)
    tiny_library.scan()
    assert _run(tiny_library)[-1].indexed == 1


def test_file_vanishing_before_decode(tiny_library: Library, photo_dir: Path) -> None:
    tiny_library.add([photo_dir])
    tiny_library.scan()
    (photo_dir / "p3.jpg").unlink()
    progress = _run(tiny_library)
    assert [(Path(p).name, r) for step in progress for p, r in step.failures] == [
        ("p3.jpg", "file vanished before it could be read")
    ]
    tiny_library.scan()  # the next scan forgets it entirely
    assert tiny_library.catalog.counts(TINY).photos == 7


def test_changed_file_is_reindexed_and_deleted_file_forgotten(
    tiny_library: Library, photo_dir: Path
) -> None:
    tiny_library.add([photo_dir])
    tiny_library.scan()
    _run(tiny_library)
    before = tiny_library.catalog.vector(tiny_library.photo(photo_dir / "p1.jpg").id, TINY)
    make_photo(photo_dir / "p1.jpg", seed=123, quality=90)
    os.utime(photo_dir / "p1.jpg", ns=(1, 1))  # a different mtime, whatever the clock says
    (photo_dir / "p2.jpg").unlink()
    report = tiny_library.scan()
    assert (report.changed, report.removed) == (1, 1)
    assert _run(tiny_library)[-1].indexed == 1
    after = tiny_library.catalog.vector(tiny_library.photo(photo_dir / "p1.jpg").id, TINY)
    assert not (before == after).all()
    assert tiny_library.photo(photo_dir / "p2.jpg") is None
    hits = tiny_library.similar(photo_dir / "p0.jpg")
    assert str(photo_dir / "p2.jpg") not in {m.path for m in hits}


@pytest.mark.parametrize("annoy", [False, True])
def test_moved_photo_keeps_its_vector_without_model_work(
    tiny_library: Library,
    photo_dir: Path,
    library_dir: Path,
    annoy: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if annoy:
        monkeypatch.setattr(vector_index, "EXACT_BELOW", 1)
    tiny_library.add([photo_dir])
    tiny_library.scan()
    _run(tiny_library)
    assert tiny_library.maintain_index() == annoy
    old = tiny_library.photo(photo_dir / "p4.jpg")
    (photo_dir / "renamed").mkdir()
    shutil.move(photo_dir / "p4.jpg", photo_dir / "renamed" / "holiday ü 4.jpg")
    report = tiny_library.scan()
    assert (report.moved, report.added, report.removed) == (1, 0, 0)
    assert _run(tiny_library) == []  # nothing to embed
    new = tiny_library.photo(photo_dir / "renamed" / "holiday ü 4.jpg")
    assert new is not None and new.id == old.id
    hits = tiny_library.similar(photo_dir / "renamed" / "holiday ü 4.jpg", k=20)
    assert str(photo_dir / "p4.jpg") not in {m.path for m in hits}
    others = {m.path for m in tiny_library.similar(photo_dir / "p0.jpg", k=20)}
    assert str(photo_dir / "renamed" / "holiday ü 4.jpg") in others
    assert str(photo_dir / "p4.jpg") not in others
    assert len(_embedding_rows(library_dir)) == 8


def test_cancel_then_resume_indexes_each_photo_once(
    tiny_library: Library, photo_dir: Path, library_dir: Path
) -> None:
    for i in range(20):
        make_photo(photo_dir / "more" / f"m{i:02}.jpg", seed=100 + i, quality=80)
    tiny_library.add([photo_dir])
    tiny_library.scan()
    steps = tiny_library.index(batch_size=4)
    next(steps)
    next(steps)
    steps.close()  # interrupted after two batches
    assert len(_embedding_rows(library_dir)) == 8
    assert tiny_library.catalog.counts(TINY).pending == 20
    progress = _run(tiny_library, batch_size=4)
    assert progress[-1].indexed == 20
    rows = _embedding_rows(library_dir)
    assert len(rows) == 28 and len({r[0] for r in rows}) == 28


def test_odd_file_names(tiny_library: Library, tmp_path: Path) -> None:
    root = tmp_path / "odd names"
    names = ["space in name.jpg", "ünïcödé 写真.jpg", "UPPER.JPG", "semi;colon 'quote'.png"]
    for i, name in enumerate(names):
        make_photo(root / name, seed=200 + i, quality=85)
    if os.name == "posix":  # a name that is not valid UTF-8 (old Latin-1 archives)
        latin1 = os.fsencode(str(root)) + b"/caf\xe9.jpg"
        shutil.copy(root / "UPPER.JPG", latin1)
    tiny_library.add([root])
    tiny_library.scan()
    progress = _run(tiny_library)
    assert progress[-1].failed == 0
    indexed = {Path(m.path).name for m in tiny_library.similar(root / "UPPER.JPG", k=10)}
    assert set(names) - {"UPPER.JPG"} <= indexed
    if os.name == "posix":
        assert os.fsdecode(b"caf\xe9.jpg") in indexed


def test_urgent_photos_jump_the_queue(tiny_library: Library, photo_dir: Path) -> None:
    for i in range(30):
        make_photo(photo_dir / "later" / f"z{i:02}.jpg", seed=500 + i, quality=80)
    tiny_library.add([photo_dir])
    tiny_library.scan()
    wanted = str(photo_dir / "later" / "z29.jpg")  # the last one in catalog order
    steps = tiny_library.index(batch_size=4, urgent=lambda: [wanted])
    next(steps)
    steps.close()
    assert tiny_library.catalog.vector(tiny_library.photo(wanted).id, TINY) is not None
    assert tiny_library.catalog.counts(TINY).indexed <= 4  # one batch ran: the urgent photo's
