"""The library map in the app: it opens, a click selects a photo, a lasso selects several."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QMenu

from photofind.core.library import Library
from photofind.core.library_map import MapUpdate
from photofind.gui.views import View, ViewKind

TIMEOUT = 30_000


@pytest.fixture(scope="module")
def mapped(real_library: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real photos' library with its map laid out (the tests only read it)."""
    root = tmp_path_factory.mktemp("mapped")
    shutil.copytree(real_library / "library", root / "library")
    with Library.open(root / "library") as lib:
        assert lib.update_map() is MapUpdate.LAID_OUT
    return root


def open_map(open_window, library: Path, qtbot):
    window = open_window(library / "library", start_worker=False)
    window.show_view(View(ViewKind.MAP))
    canvas = window.map.canvas
    qtbot.waitUntil(lambda: len(canvas.paths) == 7, timeout=TIMEOUT)
    canvas.update()
    # painted: where two photos crowd (the cat and its copy) one stands for both
    qtbot.waitUntil(lambda: len(canvas._drawn) >= 5, timeout=TIMEOUT)
    return window, canvas


def mouse(widget, kind: QEvent.Type, at: QPointF, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind, at, widget.mapToGlobal(at), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def test_map_opens_and_a_click_selects_a_photo(
    open_window, mapped: Path, real_library: Path, qtbot
) -> None:
    window, canvas = open_map(open_window, mapped, qtbot)
    assert window.stack.currentWidget() is window.map
    assert window.title.text() == "Library map"
    assert "7 photos" in window.map.status.text()
    rocket = str(real_library / "photos" / "rocket.jpg")
    row = canvas.paths.index(rocket)
    rect = next(r for i, r in canvas._drawn if i == row)
    assert canvas.row_at(rect.center()) == row
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert canvas.selected_paths() == [rocket]
    qtbot.waitUntil(lambda: window.detail.name.text() == "rocket.jpg", timeout=TIMEOUT)
    # the detail panel works as everywhere: its look-alikes come
    qtbot.waitUntil(lambda: window.detail.similar_model.rowCount() > 0, timeout=TIMEOUT)
    find = next(
        a
        for m in window.menuBar().findChildren(QMenu)
        for a in m.actions()
        if a.text() == "Find &Similar"
    )
    find.trigger()  # View > Find Similar on the map's selection
    qtbot.waitUntil(lambda: window.history.current.kind is ViewKind.SIMILAR, timeout=TIMEOUT)
    assert window.history.current.like == (rocket,)


def test_lasso_selects_the_photos_inside_and_opens_them_as_a_grid(
    open_window, mapped: Path, qtbot
) -> None:
    window, canvas = open_map(open_window, mapped, qtbot)
    screen = np.array([(p.x(), p.y()) for p in map(canvas.to_screen, range(7))])
    order = np.argsort(screen[:, 0])
    cut = (screen[order[2], 0] + screen[order[3], 0]) / 2  # between the 3rd and 4th from left
    expected = sorted(canvas.paths[i] for i in order[:3])
    window.map.lasso.setChecked(True)
    corners = [QPointF(1, 1), QPointF(cut, 1), QPointF(cut, canvas.height() - 1)]
    corners.append(QPointF(1, canvas.height() - 1))
    held = Qt.MouseButton.LeftButton
    mouse(canvas, QEvent.Type.MouseButtonPress, corners[0], held)
    for corner in corners[1:]:
        mouse(canvas, QEvent.Type.MouseMove, corner, held)
    mouse(canvas, QEvent.Type.MouseButtonRelease, corners[-1], Qt.MouseButton.NoButton)
    assert sorted(canvas.selected_paths()) == expected
    assert "3 photos selected" in window.map.status.text()
    assert window.map.as_grid.isEnabled()

    window.map.as_grid.click()
    qtbot.waitUntil(lambda: sorted(window.model.paths()) == expected, timeout=TIMEOUT)
    assert window.title.text() == "3 photos picked on the map"
    window.go_back()  # back to the map, the selection kept
    assert window.stack.currentWidget() is window.map
    qtbot.waitUntil(lambda: sorted(canvas.selected_paths()) == expected, timeout=TIMEOUT)


def test_a_search_dims_the_other_photos(open_window, mapped: Path, qtbot) -> None:
    window, canvas = open_map(open_window, mapped, qtbot)
    window.map.filter.setText("cat")
    window.map.filter.returnPressed.emit()
    qtbot.waitUntil(lambda: canvas.dimmed.any(), timeout=TIMEOUT)
    bright = {os.path.basename(canvas.paths[i]) for i in np.flatnonzero(~canvas.dimmed)}
    assert "chelsea.jpg" in bright and "rocket.jpg" not in bright


def test_context_menu_on_the_map_offers_find_similar(
    open_window, mapped: Path, real_library: Path, qtbot
) -> None:
    window, canvas = open_map(open_window, mapped, qtbot)
    menus = []
    window.popup = lambda menu, pos: menus.append(menu)
    row = canvas.paths.index(str(real_library / "photos" / "coffee.jpg"))
    rect = next(r for i, r in canvas._drawn if i == row)
    canvas.customContextMenuRequested.emit(rect.center().toPoint())
    assert menus, "no menu"
    similar = next(a for a in menus[0].actions() if a.text().startswith("Find Similar"))
    similar.trigger()
    qtbot.waitUntil(lambda: window.history.current.kind is ViewKind.SIMILAR, timeout=TIMEOUT)
    assert window.history.current.like == (canvas.paths[row],)


def test_region_names_never_cover_each_other(qtbot) -> None:
    from PySide6.QtGui import QFontMetrics

    from photofind.core.map_regions import Region
    from photofind.gui.map_drawing import place_names

    metrics = QFontMetrics(QApplication.font())
    crowded = [
        Region(name, 50.0, 50.0, 40 - i) for i, name in enumerate(("dog", "cat", "car", "bus"))
    ]
    crowded.append(Region("beach", 500.0, 50.0, 5))
    placed = place_names(crowded, 1.0, QPointF(0, 0), metrics)
    line = metrics.height() + 2
    assert [(name, y) for name, _, y in placed] == [
        ("dog", 50.0),
        ("cat", 50.0 - line),
        ("car", 50.0 + line),
        ("beach", 50.0),
    ]  # the largest where it belongs, the next a line up or down, the fourth left out


def test_a_fitted_map_sits_in_the_middle(qtbot) -> None:
    """A map wider than tall (or taller than wide) was drawn against the left (top) edge."""
    import numpy as np

    from photofind.gui.map_canvas import MapCanvas
    from photofind.gui.thumbnails import ThumbnailLoader

    class NoJobs:
        def stream(self, *args: object, **kwargs: object) -> None:
            pass

    canvas = MapCanvas(ThumbnailLoader(NoJobs()))  # type: ignore[arg-type]
    qtbot.addWidget(canvas)
    canvas.resize(800, 600)
    tall = np.array([[0.0, 0.0], [1.0, 4.0], [0.5, 2.0]])  # four times as tall as wide
    canvas.set_points(["/a.jpg", "/b.jpg", "/c.jpg"], tall, [])
    xs = [canvas.to_screen(i).x() for i in range(3)]
    ys = [canvas.to_screen(i).y() for i in range(3)]
    assert abs((min(xs) + max(xs)) / 2 - 400) < 2
    assert abs((min(ys) + max(ys)) / 2 - 300) < 2
