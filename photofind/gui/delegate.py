"""How a photo cell is painted: the thumbnail fitted in a square, a placeholder until it loads,
the file name below and, in results, the similarity."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

__all__ = ["PhotoDelegate", "cell_name", "fit"]

PAD = 6
FITTED_PIXELS = 8_000_000  # thumbnails scaled to their cells: several screens of them (32 MB)
_fitted: OrderedDict[tuple[int, int, int, float], QPixmap] = OrderedDict()
_fitted_pixels = 0


def fit(pixmap: QPixmap, box: QSize, ratio: float) -> QPixmap:
    """`pixmap` scaled to fit `box` (logical pixels) at the screen's pixel ratio, made once
    and kept (least recently drawn dropped first): a repaint draws it unscaled, in a third
    of the time."""
    global _fitted_pixels
    key = (pixmap.cacheKey(), box.width(), box.height(), ratio)
    fitted = _fitted.get(key)
    if fitted is not None:
        _fitted.move_to_end(key)
        return fitted
    fitted = pixmap.scaled(
        box * ratio, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    fitted.setDevicePixelRatio(ratio)
    _fitted[key] = fitted
    _fitted_pixels += fitted.width() * fitted.height()
    while _fitted_pixels > FITTED_PIXELS:
        _, old = _fitted.popitem(last=False)
        _fitted_pixels -= old.width() * old.height()
    return fitted


def cell_name(metrics: QFontMetrics, name: str, side: int, column: int) -> str:
    """`name` as a cell shows it: whole if the column has room, else elided in the middle
    (the extension stays), never narrower than the photo."""
    return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, max(side, column - 4))


class PhotoDelegate(QStyledItemDelegate):
    def __init__(self, side: int = 160, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.side = side

    def cell_size(self, option_font_height: int) -> QSize:
        return QSize(self.side + 2 * PAD, self.side + 2 * PAD + option_font_height + 4)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return self.cell_size(QFontMetrics(option.font).height())

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        palette = option.palette
        left = option.rect.x() + max(PAD, (option.rect.width() - self.side) // 2)  # centred
        name, pixmap, score, broken = index.model().cell(index.row())  # type: ignore[attr-defined]
        # The name may use the column's width; the highlight hugs the photo and its name.
        metrics = QFontMetrics(option.font)
        name = cell_name(metrics, name, self.side, option.rect.width())
        wide = max(self.side, metrics.horizontalAdvance(name))
        middle = left + self.side // 2
        cell = QRectF(option.rect.adjusted(2, 2, -2, -2))
        cell.setLeft(middle - wide // 2 - PAD + 2)
        cell.setWidth(wide + 2 * PAD - 4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            highlight = palette.color(QPalette.ColorRole.Highlight)
            fill = QColor(highlight)
            fill.setAlpha(70)
            painter.setPen(highlight)
            painter.setBrush(fill)
            painter.drawRoundedRect(cell, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            hover = QColor(palette.color(QPalette.ColorRole.Highlight))
            hover.setAlpha(25)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(hover)
            painter.drawRoundedRect(cell, 6, 6)

        square = QRect(left, option.rect.y() + PAD, self.side, self.side)
        photo = square  # where the badge goes: the photo's corner once it is drawn
        if pixmap is not None and not pixmap.isNull():
            fitted = fit(pixmap, square.size(), painter.device().devicePixelRatioF())
            target = QRect(QPoint(0, 0), fitted.deviceIndependentSize().toSize())
            target.moveCenter(square.center())
            painter.drawPixmap(target.topLeft(), fitted)
            photo = target
        else:
            placeholder = QColor(palette.color(QPalette.ColorRole.Mid))
            placeholder.setAlpha(60)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(placeholder)
            painter.drawRoundedRect(QRectF(square.adjusted(12, 12, -12, -12)), 4, 4)
            if broken:
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(square, Qt.AlignmentFlag.AlignCenter, "cannot read")

        if score is not None:
            self._badge(painter, photo, f"{score:.0%}", palette)

        text_rect = QRect(middle - wide // 2, square.bottom() + 4, wide, metrics.height())
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, name)
        painter.restore()

    @staticmethod
    def _badge(painter: QPainter, photo: QRect, text: str, palette: QPalette) -> None:
        metrics = painter.fontMetrics()
        w, h = metrics.horizontalAdvance(text) + 10, metrics.height() + 2
        badge = QRectF(photo.right() - w - 4, photo.top() + 4, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 150))
        painter.drawRoundedRect(badge, h / 2, h / 2)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
