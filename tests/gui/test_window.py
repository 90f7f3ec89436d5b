"""The desktop app on real photos: browse, select, find similar, go back, drop, add, trash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QMenu

from photofind.core.library import Library
from photofind.gui.app import attach_instance
from photofind.gui.instance import InstanceServer, server_name
from photofind.gui.preview import PreviewDialog
from photofind.gui.views import Page, View, ViewKind
from tests.gui.conftest import copy_photo

TIMEOUT = 30_000


def as_if_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--device auto` answers cuda, as on a machine with an NVIDIA GPU (running the model
    there fails: this machine has none)."""
    from photofind.core import embedder, library_models

    def pick(requested: str | None = None) -> str:
        return "cuda" if (requested or "auto") == "auto" else requested

    monkeypatch.setattr(embedder, "pick_device", pick)
    monkeypatch.setattr(library_models, "pick_device", pick)


def grid_paths(window) -> list[str]:
    return window.model.paths()


def wait_for_grid(qtbot, window, predicate) -> None:
    qtbot.waitUntil(lambda: predicate(grid_paths(window)), timeout=TIMEOUT)


def test_window_opens_on_the_library(open_window, real_library: Path, qtbot) -> None:
    window = open_window(real_library / "library", start_worker=False)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    assert window.windowTitle() == "photofind"
    assert window.title.text() == "All photos"
    qtbot.waitUntil(lambda: window.sidebar.tree.topLevelItem(1).childCount() == 1, timeout=TIMEOUT)
    assert "photos" in window.sidebar.tree.topLevelItem(1).child(0).text(0)


def test_selecting_a_photo_fills_tags_and_similar(open_window, real_library: Path, qtbot) -> None:
    window = open_window(real_library / "library", start_worker=False)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    cat = str(real_library / "photos" / "chelsea.jpg")
    assert window.grid.select_path(cat)
    qtbot.waitUntil(lambda: window.detail.similar_model.rowCount() > 0, timeout=TIMEOUT)
    similar = window.detail.similar_model.paths()
    assert similar[0].endswith("chelsea_small.jpg")  # its own copy is its nearest neighbour
    assert cat not in similar
    events = []
    window.bridge.event.connect(lambda e: events.append(e.kind.value))
    try:
        qtbot.waitUntil(lambda: "cat" in window.detail.tags.text(), timeout=TIMEOUT)
    finally:
        print("DBG", window.detail.tags.text(), window.detail.is_waiting, events)
    assert window.detail.name.text() == "chelsea.jpg"


def test_dragging_photos_out_gives_other_apps_their_files(
    open_window, real_library: Path, qtbot
) -> None:
    window = open_window(real_library / "library", start_worker=False)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    chosen = [str(real_library / "photos" / n) for n in ("coffee.jpg", "rocket.jpg")]
    window.grid.clearSelection()
    for path in chosen:
        row = grid_paths(window).index(path)
        window.grid.selectionModel().select(
            window.model.index(row), QItemSelectionModel.SelectionFlag.Select
        )
    dragged = window.model.mimeData(window.grid.selectedIndexes())
    assert "text/uri-list" in window.model.mimeTypes()
    assert sorted(url.toLocalFile() for url in dragged.urls()) == sorted(chosen)
    assert window.model.flags(window.model.index(0)) & Qt.ItemFlag.ItemIsDragEnabled


def test_context_menu_find_similar_and_back(open_window, real_library: Path, qtbot) -> None:
    window = open_window(real_library / "library", start_worker=False)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    menus: list[QMenu] = []
    window.popup = lambda menu, pos: menus.append(menu)
    coffee = str(real_library / "photos" / "coffee.jpg")
    window.grid.select_path(coffee)
    rect = window.grid.visualRect(window.model.index(window.model.row_of(coffee)))
    window.grid.customContextMenuRequested.emit(rect.center())
    (action,) = [a for a in menus[-1].actions() if a.text() == "Find Similar"]
    action.trigger()
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 6 and coffee not in paths)
    assert window.title.text() == "Similar to coffee.jpg"
    scores = [window.model.index(r).data(Qt.ItemDataRole.UserRole + 2) for r in range(6)]
    assert scores == sorted(scores, reverse=True)
    window.go_back()
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    assert window.title.text() == "All photos"
    window.go_forward()
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 6)


def test_dropping_an_image_file_shows_its_similar_photos(
    open_window, real_library: Path, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a machine with a GPU: the dropped file is still embedded on the CPU.
    as_if_gpu(monkeypatch)
    window = open_window(real_library / "library", start_worker=False)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    outside = tmp_path / "elsewhere" / "r.jpg"  # the rocket saved again: other bytes, embedded
    outside.parent.mkdir()
    Image.open(real_library / "photos" / "rocket.jpg").save(outside, quality=70)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(outside))])
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    wait_for_grid(
        qtbot,
        window,
        lambda paths: (
            len(paths) == 7
            and window.model.data(window.model.index(0), Qt.ItemDataRole.UserRole + 2) is not None
        ),
    )
    assert grid_paths(window)[0] == str(real_library / "photos" / "rocket.jpg")
    assert window.history.current == View(ViewKind.SIMILAR, like=(str(outside),))


def test_adding_a_folder_indexes_it_and_the_grid_grows(
    open_window, own_library: Path, qtbot, tmp_path: Path
) -> None:
    window = open_window(own_library / "library", quiet_s=0.2, settle_s=0.0)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    more = tmp_path / "more"
    for name in ("coffee", "rocket", "astronaut"):
        copy_photo(own_library / "photos" / f"{name}.jpg", more / f"{name}-2.jpg")
    window.add_folders([str(more)])
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 10)
    with Library.open(own_library / "library") as lib:
        qtbot.waitUntil(
            lambda: lib.status(resolve_device=False).counts.pending == 0, timeout=TIMEOUT
        )
        assert lib.status(resolve_device=False).counts.indexed == 10


def test_duplicates_view_moves_a_copy_to_the_trash(
    open_window, own_library: Path, qtbot, tmp_path: Path
) -> None:
    window = open_window(own_library / "library", start_worker=False)
    trash = tmp_path / "trash"
    trash.mkdir()
    window.duplicates.trash_fn = lambda path: os.replace(path, trash / Path(path).name)
    asked: list[str] = []
    window.duplicates.confirm = lambda text: asked.append(text) or True
    window.show_view(View(ViewKind.DUPLICATES))
    qtbot.waitUntil(lambda: bool(window.duplicates._groups), timeout=TIMEOUT)
    (group,) = window.duplicates._groups
    assert {Path(p.path).name for p in group.photos} == {"chelsea.jpg", "chelsea_small.jpg"}
    assert Path(group.keeper.photo.path).name == "chelsea.jpg"  # the larger original is kept
    assert "resolution" in group.keeper.explanation
    # The detail panel shows a photo of the view (the keeper first), marked; a click moves both.
    keeper, copy = group.keeper.photo.path, str(own_library / "photos" / "chelsea_small.jpg")
    qtbot.waitUntil(lambda: window.detail._path == keeper, timeout=TIMEOUT)
    tiles = window.duplicates._tiles
    assert tiles[keeper][0].styleSheet() and not tiles[copy][0].styleSheet()
    qtbot.mouseClick(tiles[copy][0], Qt.MouseButton.LeftButton)
    assert window.detail._path == copy
    assert tiles[copy][0].styleSheet() and not tiles[keeper][0].styleSheet()
    # The keyboard works as in the grid: arrows move, Space previews, Enter opens.
    view = window.duplicates
    assert view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.current == keeper and window.detail._path == keeper
    qtbot.keyClick(view, Qt.Key.Key_Down)  # no group below: stays
    assert view.current == keeper
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.current == copy
    with qtbot.waitSignal(view.preview_requested) as previewed:
        qtbot.keyClick(view, Qt.Key.Key_Space)
    assert previewed.args == [copy]
    for dialog in window.findChildren(PreviewDialog):
        dialog.close()
    window.duplicates.trash_all.click()
    qtbot.waitUntil(lambda: (trash / "chelsea_small.jpg").exists(), timeout=TIMEOUT)
    assert asked and "1 copy" in asked[0]
    assert (own_library / "photos" / "chelsea.jpg").exists()
    qtbot.waitUntil(
        lambda: window.duplicates.summary.text().startswith("No duplicates"), timeout=TIMEOUT
    )
    with Library.open(own_library / "library") as lib:
        assert lib.photo(own_library / "photos" / "chelsea.jpg") is not None
        paths = lib.photo_paths()
    assert not any(p.endswith("chelsea_small.jpg") for p in paths)


def test_a_second_launch_hands_its_query_to_the_running_app(
    open_window, real_library: Path, qtbot
) -> None:
    library = real_library / "library"
    window = open_window(library, start_worker=False)
    server = InstanceServer(library)
    assert server.listen()
    attach_instance(server, window)
    query = str(real_library / "photos" / "astronaut.jpg")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-m", "photofind", "--library", str(library), "--similar", query],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        with qtbot.waitSignal(server.received, timeout=TIMEOUT, raising=False) as received:
            pass
        if not received.signal_triggered:
            child.kill()
            pytest.fail(f"the second launch never called: {child.communicate()[1].decode()}")
        assert received.args[0] == {"similar": [query]}
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=TIMEOUT)
        assert child.returncode == 0, child.stderr.read()
        wait_for_grid(qtbot, window, lambda paths: query not in paths and len(paths) == 6)
        assert window.history.current == View(ViewKind.SIMILAR, like=(query,))
    finally:
        child.kill()
        server.close()


def test_closing_leaves_the_screen_before_the_worker_winds_up(
    open_window, real_library: Path, qtbot, monkeypatch
) -> None:
    """The worker may be in a step that cannot stop midway (a map layout's neighbour search):
    the window is gone and a new launch starts its own app while it is waited for."""
    library = real_library / "library"
    window = open_window(library)
    server = InstanceServer(library)
    assert server.listen()
    attach_instance(server, window)
    assert window.bridge is not None
    seen: dict[str, bool] = {}
    stop = window.bridge.stop

    def busy_stop() -> None:
        seen["visible"] = window.isVisible()
        socket = QLocalSocket()
        socket.connectToServer(server_name(library))
        seen["listening"] = socket.waitForConnected(500)
        stop()

    monkeypatch.setattr(window.bridge, "stop", busy_stop)
    window.close()
    server.close()
    assert seen == {"visible": False, "listening": False}


def test_skipping_a_folder_in_the_settings_takes_its_photos_out(
    open_window, own_library: Path, qtbot
) -> None:
    skipped = own_library / "photos" / "skip"
    for name in ("coffee", "rocket"):
        copy_photo(own_library / "photos" / f"{name}.jpg", skipped / f"{name}-2.jpg")
    window = open_window(own_library / "library", quiet_s=0.2, settle_s=0.0)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 9)
    seen: list[list[str]] = []

    def in_the_dialog() -> None:
        from PySide6.QtWidgets import QApplication

        dialog = QApplication.activeModalWidget()
        if dialog is None:  # still reading the folders off the UI thread
            QTimer.singleShot(50, in_the_dialog)
            return
        dialog.excluded.add(str(skipped))
        seen.append(dialog.folders.paths())
        dialog.accept()

    QTimer.singleShot(50, in_the_dialog)
    window.show_settings()
    qtbot.waitUntil(lambda: bool(seen), timeout=TIMEOUT)
    assert seen[0] == [str((own_library / "photos").resolve())]
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    assert not any(path.startswith(str(skipped)) for path in grid_paths(window))
    with Library.open(own_library / "library") as lib:
        assert lib.excluded() == [str(skipped.resolve())]


def test_a_photo_edited_in_place_shows_its_new_pixels(
    open_window, own_library: Path, qtbot
) -> None:
    window = open_window(own_library / "library", quiet_s=0.2, settle_s=0.0)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    rocket = own_library / "photos" / "rocket.jpg"  # wide

    def thumbnail_is_square(square: bool) -> bool:
        pixmap = window.loader.pixmap(str(rocket))
        return pixmap is not None and (pixmap.height() == pixmap.width()) == square

    qtbot.waitUntil(lambda: thumbnail_is_square(False), timeout=TIMEOUT)
    shutil.copy(own_library / "photos" / "astronaut.jpg", rocket)  # now square
    qtbot.waitUntil(lambda: thumbnail_is_square(True), timeout=TIMEOUT)


def test_a_photo_not_indexed_yet_waits_for_the_worker_not_the_apps_model(
    open_window, own_library: Path, qtbot, monkeypatch
) -> None:
    """Its tags and look-alikes come once the worker process (asked to hurry) indexed it; the
    app's own process never runs the model for a library photo."""
    from PIL import Image, ImageOps

    new = own_library / "photos" / "cat-mirrored.jpg"
    ImageOps.mirror(Image.open(own_library / "photos" / "chelsea.jpg")).save(new, quality=90)
    with Library.open(own_library / "library") as lib:
        lib.scan()  # in the catalog, not indexed
        assert lib.catalog.is_pending(lib.photo(new).id, lib.model)
    embedded: list[object] = []
    monkeypatch.setattr(Library, "_embed_file", lambda self, path: embedded.append(path))
    window = open_window(own_library / "library", quiet_s=0.2, settle_s=0.0)
    waited: list[str] = []
    window.detail.waiting.connect(waited.append)
    wait_for_grid(qtbot, window, lambda paths: str(new) in paths)
    window.grid.select_path(str(new))
    qtbot.waitUntil(lambda: window.detail.path == str(new), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "cat" in window.detail.tags.text(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.detail.similar_model.rowCount() > 0, timeout=TIMEOUT)
    assert waited and waited[0] == str(new)  # the worker had not reached it when it was shown
    assert window.detail.similar_model.paths()[0].endswith("chelsea.jpg")
    assert embedded == []
    # A look-alike indexed later joins the panel's similar photos once its run ends.
    later = own_library / "photos" / "cat-later.jpg"
    ImageOps.grayscale(Image.open(new)).save(later, quality=90)
    qtbot.waitUntil(lambda: str(later) in window.detail.similar_model.paths(), timeout=TIMEOUT)


def test_a_theme_switched_while_running_reaches_the_dimmed_texts(
    open_window, real_library: Path, qtbot
) -> None:
    """Counts and section titles are painted in the palette's dim colour of the moment (they
    kept the light theme's dark grey on a dark window)."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    window = open_window(real_library / "library", start_worker=False)
    tree = window.sidebar.tree
    qtbot.waitUntil(lambda: tree.topLevelItem(0).childCount() > 0, timeout=TIMEOUT)
    app = QApplication.instance()
    light = app.palette()
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.PlaceholderText, QColor("#9a9a9a"))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(
            lambda: tree.topLevelItem(0).foreground(0).color() == QColor("#9a9a9a"),
            timeout=TIMEOUT,
        )
        assert tree.topLevelItem(0).child(0).foreground(1).color() == QColor("#9a9a9a")
        assert window.count.foregroundRole() is QPalette.ColorRole.PlaceholderText
    finally:
        app.setPalette(light)


def test_first_run_offers_a_folder_then_the_grid_and_its_tools(
    open_window, real_library: Path, qtbot, tmp_path: Path
) -> None:
    window = open_window(tmp_path / "library", quiet_s=0.2, settle_s=0.0)
    tags = window.sidebar.tree.topLevelItem(2)
    qtbot.waitUntil(lambda: tags.childCount() and tags.child(0).text(0) == "None yet")
    assert window.stack.currentIndex() == Page.WELCOME and window.detail.isHidden()
    tools = (window.search, window.sort, window.zoom)
    assert not any(tool.isEnabled() for tool in tools)  # nothing to search or sort yet
    assert window.sidebar._tag_tools.isHidden()  # nor tags to filter
    photos = tmp_path / "photos"
    for name in ("chelsea", "coffee"):
        copy_photo(real_library / "photos" / f"{name}.jpg", photos / f"{name}.jpg")
    window.add_folders([str(photos)])
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 2)
    assert window.stack.currentIndex() == Page.GRID
    assert all(tool.isEnabled() for tool in tools) and window.detail.isVisible()
    # Tags to filter and pick once the worker has indexed the photos.
    qtbot.waitUntil(lambda: window.sidebar._tag_tools.isVisible(), timeout=4 * TIMEOUT)


def test_a_status_message_passes(open_window, real_library: Path, qtbot) -> None:
    """'Added ~/More: looking for photos…' stayed in the status bar long after the photos were
    found and indexed."""
    window = open_window(real_library / "library", start_worker=False)
    window.say("Moved 1 copy to the Trash.", seconds=0.2)
    assert window.status_text.text() == "Moved 1 copy to the Trash."
    window.say("Added ~/More: looking for photos…", seconds=0.4)  # the newer one decides
    qtbot.wait(300)
    assert window.status_text.text().startswith("Added")
    qtbot.waitUntil(lambda: window.status_text.text() == "", timeout=2000)


def test_the_duplicates_view_shows_how_far_its_scan_got(
    open_window, real_library: Path, qtbot
) -> None:
    window = open_window(real_library / "library", start_worker=False)
    progress = window.duplicates.set_busy()
    assert "Looking for duplicates" in window.duplicates.summary.text()
    threading.Thread(target=progress, args=(3, 10)).start()  # as the scan's thread reports
    qtbot.waitUntil(
        lambda: "checked 3 of 10 possible copies" in window.duplicates.summary.text(),
        timeout=2000,
    )
    window.duplicates.set_groups([])
    assert window.duplicates.summary.text().startswith("No duplicates")


def test_a_view_that_cannot_be_read_shows_no_other_views_photos(
    open_window, real_library: Path, qtbot
) -> None:
    """A tag view that failed ('no tag or word matches') left the last view's photos in the
    grid under the new title."""
    from photofind.core.tagsearch import TagKind, TagRef

    window = open_window(real_library / "library", start_worker=False)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    window.show_view(View(ViewKind.TAG, tags=(TagRef(TagKind.FINE, "no such tag"),)))
    qtbot.waitUntil(lambda: window.status_text.text() != "", timeout=TIMEOUT)
    assert "no such tag" in window.status_text.text()
    assert window.model.paths() == []
    assert window.title.text().startswith("Tagged")


def test_teaching_a_tag_too_few_photos_carry_says_how_in_the_app(
    open_window, real_library: Path, qtbot
) -> None:
    """The app said 'photofind tag add 'sunset' IMAGE...', a command line, to a person
    looking at a window, over the last view's photos."""
    window = open_window(real_library / "library", start_worker=False)
    wait_for_grid(qtbot, window, lambda paths: len(paths) == 7)
    window.sidebar.teach.emit("sunset")
    qtbot.waitUntil(lambda: "first" in window.status_text.text(), timeout=TIMEOUT)
    said = window.status_text.text()
    assert "tag at least 3 photos 'sunset' first (now 0)" in said
    assert "right-click" in said and "photofind tag" not in said
    assert window.model.paths() == []
    assert window.title.text() == "Might be “sunset”"
