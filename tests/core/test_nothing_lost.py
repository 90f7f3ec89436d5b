"""Nothing lost to drives that come and go: unreadable folders, empty mount points, photos
vanishing in bulk, and the user's own tags through all of it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from photofind.core.folders import FolderStatus
from photofind.core.library import Library
from tests.helpers import TINY, make_photo


def _folder_of(n: int, root: Path) -> Path:
    for i in range(n):
        make_photo(root / f"f{i:02}.jpg", seed=100 + i, size=(64, 48), quality=90)
    return root


def _indexed(lib: Library, root: Path) -> Library:
    lib.add([root])
    lib.scan()
    list(lib.index())
    return lib


def _visible(lib: Library) -> set[str]:
    return {Path(p.path).name for p in lib.photos(limit=1000)}


def test_unreadable_subtree_keeps_its_photos(
    tiny_library: Library, photo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _indexed(tiny_library, photo_dir)
    real_scandir = os.scandir
    blocked = str(photo_dir / "sub")

    def scandir(path):  # permission denied for a moment (tests run as root: chmod is no help)
        if os.fspath(path) == blocked:
            raise PermissionError(13, "Permission denied", blocked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = tiny_library.scan()
    assert report.unreadable == [blocked] and report.removed == 0
    assert blocked in [p for p, _ in report.problems]
    assert {"s0.jpg", "s1.png"} <= _visible(tiny_library)
    assert tiny_library.catalog.counts(TINY).indexed == 8
    monkeypatch.setattr(os, "scandir", real_scandir)
    assert tiny_library.scan().unchanged == 8


def test_empty_mount_point_is_offline_not_emptied(tiny_library: Library, tmp_path: Path) -> None:
    root = _folder_of(5, tmp_path / "mnt")
    _indexed(tiny_library, root)
    folder = tiny_library.catalog.folders()[0]
    assert folder.device == os.stat(root).st_dev  # recorded when seen with its photos
    # Unmounted: the mount point stays, empty, on another device than the one recorded.
    tiny_library.catalog.set_device(folder.id, folder.device + 1)
    shutil.move(root, tmp_path / "drive")
    root.mkdir()
    report = tiny_library.scan()
    assert report.offline == [str(root)] and report.removed == 0
    assert tiny_library.catalog.counts(TINY).indexed == 5
    assert tiny_library.folder_states()[0].status is FolderStatus.OFFLINE
    assert _visible(tiny_library) == set()  # hidden from results while away
    # Mounted again (under whatever device number): recognised by its photos, nothing redone.
    root.rmdir()
    shutil.move(tmp_path / "drive", root)
    report = tiny_library.scan()
    assert report.online == [str(root)] and report.unchanged == 5 and report.added == 0
    assert tiny_library.catalog.folders()[0].device == os.stat(root).st_dev
    assert len(_visible(tiny_library)) == 5


def test_mass_disappearance_is_held_until_forgotten(tiny_library: Library, tmp_path: Path) -> None:
    root = _folder_of(25, tmp_path / "nas")
    _indexed(tiny_library, root)
    away = tmp_path / "away"
    away.mkdir()
    for i in range(21):
        shutil.move(root / f"f{i:02}.jpg", away / f"f{i:02}.jpg")
    report = tiny_library.scan()
    assert report.held == {str(root): 21} and report.removed == 0
    assert _visible(tiny_library) == {f"f{i}.jpg" for i in range(21, 25)}
    query = root / "f24.jpg"
    assert {Path(m.path).name for m in tiny_library.similar(query, k=30)} == {
        "f21.jpg",
        "f22.jpg",
        "f23.jpg",
    }
    (state,) = tiny_library.folder_states()
    assert (state.photos, state.missing, state.needs_decision) == (25, 21, True)
    # Scanning again changes nothing: held photos wait for the user or for their return.
    assert tiny_library.scan().removed == 0
    tiny_library.keep_waiting(str(root))
    assert not tiny_library.folder_states()[0].needs_decision
    # Single deletions are still followed at once.
    os.remove(root / "f24.jpg")
    assert tiny_library.scan().removed == 1
    # Some come back: released, with their vectors; nothing re-embedded.
    for i in range(10):
        shutil.move(away / f"f{i:02}.jpg", root / f"f{i:02}.jpg")
    report = tiny_library.scan()
    assert report.returned == 10 and report.added == 0
    assert tiny_library.catalog.counts(TINY).pending == 0
    assert len(tiny_library.missing(str(root))) == 11
    # "Forget them": only now are they deleted.
    assert tiny_library.forget_missing(str(root)) == 11
    assert tiny_library.folder_states()[0].missing == 0
    assert tiny_library.catalog.counts(TINY).photos == 13


def test_a_subtree_gone_is_held_and_a_deletion_beside_it_followed(
    tiny_library: Library, tmp_path: Path
) -> None:
    root = tmp_path / "photos"
    _folder_of(3, root / "2024")
    _folder_of(21, root / "nas-share")
    _indexed(tiny_library, root)
    shutil.move(root / "nas-share", tmp_path / "away")  # the share's subtree does not answer
    os.remove(root / "2024" / "f01.jpg")  # and the user deletes one photo, in the same scan
    report = tiny_library.scan()
    assert report.held == {str(root): 21} and report.removed == 1
    assert _visible(tiny_library) == {"f00.jpg", "f02.jpg"}
    assert len(tiny_library.missing(str(root))) == 21


def test_folder_that_looks_empty_is_held(tiny_library: Library, photo_dir: Path) -> None:
    _indexed(tiny_library, photo_dir)
    shutil.rmtree(photo_dir)
    photo_dir.mkdir()  # same device, no files: a share whose contents did not answer
    report = tiny_library.scan()
    assert report.removed == 0 and report.held == {str(photo_dir): 8}


def test_user_tags_survive_missing_and_back(tiny_library: Library, tmp_path: Path) -> None:
    root = _folder_of(25, tmp_path / "nas")
    _indexed(tiny_library, root)
    cat = tiny_library.catalog
    photo = tiny_library.photo(root / "f03.jpg")
    cat.add_user_tag(photo.id, "grandma")
    cat.add_user_tag(photo.id, "holiday")
    away = tmp_path / "away"
    shutil.move(root, away)
    root.mkdir()
    tiny_library.scan()  # all gone at once: held, tags and all
    assert cat.user_tags(photo.id) == ["grandma", "holiday"]
    tiny_library.forget_missing(str(root))  # forgotten: the row goes, the tags are kept
    assert tiny_library.photo(root / "f03.jpg") is None
    root.rmdir()
    shutil.move(away, root)
    tiny_library.scan()
    list(tiny_library.index())
    back = tiny_library.photo(root / "f03.jpg")
    assert back is not None
    assert cat.user_tags(back.id) == ["grandma", "holiday"]
    # A single deletion and return (a file restored from the bin) keeps them too.
    trash = tmp_path / "f03.jpg"
    shutil.move(root / "f03.jpg", trash)
    assert tiny_library.scan().removed == 1
    shutil.move(trash, root / "f03.jpg")
    tiny_library.scan()
    list(tiny_library.index())
    assert cat.user_tags(tiny_library.photo(root / "f03.jpg").id) == ["grandma", "holiday"]


def test_library_inside_a_watched_folder_and_bundles_are_not_walked(photo_dir: Path) -> None:
    home = photo_dir  # the user adds their whole home folder, the library's own folder in it
    make_photo(home / "Photos Library.photoslibrary" / "originals" / "x.jpg", seed=70)
    make_photo(home / "Viewer.app" / "icon.png", seed=71)
    lib = Library.open(home / "photofind library", device="cpu")  # not hidden: the rule acts
    lib.set_model(TINY)
    _indexed(lib, home)
    assert any(lib.thumbnails.root.rglob("*.jpg"))  # indexing made thumbnails in there
    assert lib.scan().added == 0  # ... which are never photos of the library
    names = _visible(lib)
    assert "x.jpg" not in names and "icon.png" not in names and len(names) == 8
    # An exclusion set by the user: walked no more, its photos leave the library.
    lib.set_excluded([home / "sub"])
    assert lib.excluded() == [str((home / "sub").resolve())]
    assert lib.scan().removed == 2
    assert _visible(lib) == {f"p{i}.jpg" for i in range(6)}
    lib.close()


def test_worker_reports_photos_held_missing(library_dir: Path, tmp_path: Path) -> None:
    from photofind.core.worker import EventKind, LibraryWorker, WorkerEvent
    from tests.core.test_watching import wait_until

    root = _folder_of(3, tmp_path / "nas")
    reader = Library.open(library_dir, device="cpu")
    reader.set_model(TINY)
    reader.add([root])
    events: list[WorkerEvent] = []
    worker = LibraryWorker(library_dir, events.append, device="cpu", quiet_s=0.2, settle_s=0.2)
    worker.start()
    try:
        wait_until(lambda: reader.catalog.counts(TINY).indexed == 3)
        for name in os.listdir(root):
            os.remove(root / name)
        worker.request_scan()
        wait_until(lambda: any(e.kind is EventKind.MISSING for e in events))
        event = next(e for e in events if e.kind is EventKind.MISSING)
        assert event.message == str(root) and event.report.held == {str(root): 3}
        assert reader.folder_states()[0].needs_decision
    finally:
        worker.stop()
        reader.close()


def test_duplicates_leave_out_photos_that_are_away(tiny_library: Library, tmp_path: Path) -> None:
    home = _folder_of(2, tmp_path / "home")
    drive = tmp_path / "drive"
    drive.mkdir()
    shutil.copy(home / "f00.jpg", drive / "copy.jpg")
    _indexed(tiny_library, home)
    _indexed(tiny_library, drive)
    assert [len(g.members) for g in tiny_library.duplicates()] == [2]
    shutil.move(drive, tmp_path / "unplugged")
    tiny_library.scan()
    assert tiny_library.duplicates() == []
