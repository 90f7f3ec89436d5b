"""The photo grid fills its width: as many columns as fit, the spare width shared between them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from photofind.gui.grid import PhotoGrid
from photofind.gui.photo_model import PhotoListModel
from photofind.gui.thumbnails import ThumbnailLoader


class NoJobs:
    def stream(self, *args: object, **kwargs: object) -> None:
        pass


@pytest.mark.parametrize("width", [500, 640, 837, 1234])
def test_columns_fill_the_width(qtbot, width: int) -> None:
    """Before, a window 1,480 px wide left a 170 px strip of nothing right of the grid, and a
    width that the cells filled exactly lost a column (Qt wraps a full row)."""
    model = PhotoListModel(ThumbnailLoader(NoJobs()))  # type: ignore[arg-type]
    model.set_photos([f"/photos/{i}.jpg" for i in range(100)])
    grid = PhotoGrid(model)
    qtbot.addWidget(grid)
    grid.resize(width, 600)
    grid.show()
    QApplication.processEvents()
    grid.executeDelayedItemsLayout()
    tops = [grid.visualRect(model.index(i)).top() for i in range(30)]
    columns = tops.count(tops[0])
    natural = grid.delegate.cell_size(grid.fontMetrics().height()).width() + 4
    spare = grid.viewport().width() - columns * grid.gridSize().width()
    assert columns == (grid.viewport().width() - 1) // natural
    assert 0 < spare <= columns  # what is left is under a pixel a column


def test_a_thumbnail_is_scaled_to_its_cell_once(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Repaints draw the scaled copy; the copies kept stay within their budget."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QColor, QPixmap

    from photofind.gui import delegate

    thumb = QPixmap(256, 192)
    thumb.fill(QColor("teal"))
    fitted = delegate.fit(thumb, QSize(160, 160), 2.0)
    assert (fitted.width(), fitted.height()) == (320, 240)  # device pixels, for a 2x screen
    assert fitted.deviceIndependentSize().toSize() == QSize(160, 120)
    assert delegate.fit(thumb, QSize(160, 160), 2.0).cacheKey() == fitted.cacheKey()
    assert delegate.fit(thumb, QSize(80, 80), 1.0).width() == 80  # another zoom: its own copy
    monkeypatch.setattr(delegate, "FITTED_PIXELS", 3 * 80 * 60)
    others = [QPixmap(256, 192) for _ in range(5)]
    for other in others:
        other.fill(QColor("navy"))
        delegate.fit(other, QSize(80, 80), 1.0)
    assert delegate._fitted_pixels <= 3 * 80 * 60
    assert len(delegate._fitted) == 3  # the last three drawn


def test_a_name_uses_the_column_and_elides_only_past_it(qtbot) -> None:
    """In the detail panel's strip 'promontory.jpeg' read 'promo….jpeg' under an 88 px photo
    in a column wide enough for all of it."""
    from PySide6.QtGui import QFontMetrics

    from photofind.gui.delegate import cell_name

    grid = PhotoGrid(PhotoListModel(ThumbnailLoader(NoJobs())))  # type: ignore[arg-type]
    qtbot.addWidget(grid)
    metrics = QFontMetrics(grid.font())
    name = "promontory.jpeg"
    width = metrics.horizontalAdvance(name)
    assert cell_name(metrics, name, width - 10, width + 6) == name
    squeezed = cell_name(metrics, name, width - 30, width - 10)
    assert squeezed != name and squeezed.endswith("jpeg")
    assert metrics.horizontalAdvance(squeezed) <= width - 14


def test_the_score_sits_on_the_photo_not_beside_it(qtbot) -> None:
    """A portrait photo's score was drawn at its square's corner, off the photo."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QImage, QPainter, QPixmap, QStandardItemModel
    from PySide6.QtWidgets import QStyleOptionViewItem

    from photofind.gui.delegate import PAD, PhotoDelegate

    photo = QPixmap(50, 100)
    photo.fill(QColor("white"))

    class OneCell(QStandardItemModel):
        def cell(self, row: int) -> tuple:
            return "tall.jpg", photo, 0.42, False

    model = OneCell(1, 1)
    side = 100
    image = QImage(side + 2 * PAD, side + 2 * PAD + 30, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, image.width(), image.height())
    painter = QPainter(image)
    PhotoDelegate(side).paint(painter, option, model.index(0, 0))
    painter.end()
    dark = [
        x
        for x in range(image.width())
        for y in range(PAD, PAD + 25)
        if QColor(image.pixel(x, y)).lightness() < 200
    ]
    assert dark, "no badge drawn"
    photo_left, photo_right = PAD + 25, PAD + 75
    assert photo_left <= min(dark) and max(dark) < photo_right


def test_photos_added_above_do_not_push_the_selected_one_away(qtbot) -> None:
    """While a new folder indexed, each refresh of the listing put its photos above the one
    the user had selected and kept the scroll position, so the selection slid off screen."""
    model = PhotoListModel(ThumbnailLoader(NoJobs()))  # type: ignore[arg-type]
    paths = [f"/photos/b/{i:03d}.jpg" for i in range(200)]
    model.set_photos(paths)
    grid = PhotoGrid(model)
    qtbot.addWidget(grid)
    grid.resize(800, 600)
    grid.show()
    QApplication.processEvents()
    grid.select_path(paths[60])
    QApplication.processEvents()
    anchor = grid.anchor()
    assert anchor is not None and anchor[0] == paths[60]
    top = anchor[1]

    model.set_photos([f"/photos/a/{i:03d}.jpg" for i in range(37)] + paths)  # a refresh
    grid.select_path(paths[60], scroll=False)
    assert grid.hold(anchor)
    assert grid.visualRect(model.index(37 + 60)).top() == top
    assert grid.current_path() == paths[60]

    grid.verticalScrollBar().setValue(0)  # the selected photo off screen: the first one holds
    first = grid.anchor()
    assert first == (model.path(0), grid.visualRect(model.index(0)).top())
    model.set_photos([f"/photos/0/{i}.jpg" for i in range(9)] + model.paths())
    assert grid.hold(first)
    assert grid.visualRect(model.index(9)).top() == first[1]
