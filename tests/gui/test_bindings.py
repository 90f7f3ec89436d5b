"""The Qt binding keeps Python's reference counts: a bad PySide6 release aborts the app."""

from __future__ import annotations

import gc
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

    def paint_and_signal() -> tuple[int, int]:
        before = sys.getrefcount(None), sys.getrefcount(True)
        for _ in range(50):
            window.grid.viewport().repaint()
            window.model.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
        return before[0] - sys.getrefcount(None), before[1] - sys.getrefcount(True)

    gc.collect()
    gc.disable()  # nothing else may drop references meanwhile
    try:
        paint_and_signal()  # warm: caches filled, first-use objects made
        lost_none, lost_true = paint_and_signal()
    finally:
        gc.enable()
    # 6.12.0 lost about 7,000 references to None and 50 to True here.
    assert lost_none < 50 and lost_true < 10, (lost_none, lost_true)
