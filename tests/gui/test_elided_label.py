"""The window's title shortens itself instead of widening the window or squeezing the search."""

from __future__ import annotations

from photofind.gui.elided_label import ElidedLabel


def test_a_long_title_is_shortened_in_the_middle(qtbot) -> None:
    label = ElidedLabel()
    qtbot.addWidget(label)
    label.setText("Similar to " + "IMG_2024_holiday_" * 12 + "0412.jpeg")
    assert label.minimumSizeHint().width() == 0  # it never sets the window's minimum width
    label.resize(220, 30)
    label.show()
    qtbot.waitExposed(label)
    shown = label.shown_text()
    assert shown.startswith("Similar to") and shown.endswith("0412.jpeg") and "…" in shown
    assert label.fontMetrics().horizontalAdvance(shown) <= 220
    label.grab()  # paints it
    assert label.toolTip() == label.text()  # the whole title, on hover
    label.setText("All photos")
    label.grab()  # paints it
    assert label.shown_text() == "All photos" and label.toolTip() == ""
