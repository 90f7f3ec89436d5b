"""Reads and queries on their own threads, answers on the GUI thread, none after closing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
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


def test_a_stream_answers_each_item_and_stops_once_closed(real_library: Path, qtbot) -> None:
    jobs = Jobs(real_library / "library")
    answers: list[int] = []
    jobs.stream(lambda lib: iter(range(3)), answers.append)
    qtbot.waitUntil(lambda: answers == [0, 1, 2])

    made: list[int] = []

    def endless(lib: object) -> Iterator[int]:
        while True:
            made.append(len(made))
            time.sleep(0.01)
            yield made[-1]

    jobs.stream(endless, answers.append)
    qtbot.waitUntil(lambda: len(answers) > 5)
    jobs.close()  # the job stops at its next item, and its answers are dropped
    count = len(made)
    QApplication.processEvents()
    time.sleep(0.05)
    assert len(made) == count


def test_a_long_job_holds_up_no_query_and_stops_when_cancelled(real_library: Path, qtbot) -> None:
    """The duplicates scan (a minute on a large library) ran on the query thread: the detail
    panel's look-alikes waited behind it, and it ran on after the user left the view."""
    jobs = Jobs(real_library / "library")
    steps: list[int] = []

    def scan(lib: object, stop: threading.Event) -> str:
        while not stop.wait(0.01):
            steps.append(1)
        return "stopped"

    answers: list[object] = []
    ticket = jobs.long(scan, answers.append)
    qtbot.waitUntil(lambda: bool(steps), timeout=5000)
    jobs.query(lambda lib: "look-alikes", answers.append)  # while the scan runs
    qtbot.waitUntil(lambda: answers == ["look-alikes"], timeout=5000)
    ticket.cancel()
    assert jobs.wait(5000)
    QApplication.processEvents()
    assert answers == ["look-alikes"]  # the cancelled scan's answer is dropped

    jobs.long(scan, answers.append)
    qtbot.waitUntil(lambda: len(steps) > 20, timeout=5000)
    started = time.monotonic()
    jobs.close()  # stops it rather than waiting it out
    assert time.monotonic() - started < 2
