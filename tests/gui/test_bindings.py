"""The Qt binding keeps Python's reference counts: a bad PySide6 release aborts the app."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt


def test_painting_and_signals_keep_reference_counts(open_window, real_library: Path, qtbot) -> None:
    """PySide6 6.12.0 lost a reference to None per painted cell and one to True per
    dataChanged; after some scrolling Python aborted ("deallocating None")."""
    window = open_window(real_library / "library", start_worker=False)
    qtbot.waitUntil(lambda: window.model.rowCount() == 7, timeout=30_000)
    qtbot.waitUntil(lambda: window.loader.pixmap(window.model.path(0)) is not None)
    index = window.model.index(0)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(50):
        window.grid.viewport().repaint()
        window.model.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
    after = sys.getrefcount(None), sys.getrefcount(True)
    assert after[0] >= before[0] - 20 and after[1] >= before[1] - 20, (before, after)
