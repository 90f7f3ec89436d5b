"""Reads and queries on their own threads, answers on the GUI thread, none after closing."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from photofind.gui.jobs import Jobs


def test_an_answer_that_comes_after_closing_is_dropped(real_library: Path) -> None:
    """A query still running when the window closes answered later, into deleted widgets."""
    jobs = Jobs(real_library / "library")
    answers: list[object] = []
    jobs.query(lambda lib: time.sleep(0.3) or "late", answers.append)
    jobs.read(lambda lib: "late too", answers.append)
    time.sleep(0.05)  # both running
    jobs.close()  # waits for them
    QApplication.processEvents()
    assert answers == []


def test_answers_arrive_on_the_gui_thread(real_library: Path, qtbot) -> None:
    jobs = Jobs(real_library / "library")
    answers: list[int] = []
    jobs.read(lambda lib: len(lib.photo_paths()), answers.append)
    qtbot.waitUntil(lambda: answers == [7])
    jobs.close()
