"""The photo grid fills its width: as many columns as fit, the spare width shared between them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from photofind.gui.grid import PhotoGrid
from photofind.gui.photo_model import PhotoListModel
from photofind.gui.thumbnails import ThumbnailLoader


class NoJobs:
    def read(self, *args: object, **kwargs: object) -> None:
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
