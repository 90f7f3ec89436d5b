"""A multi-selection opened from the file manager is one query, however the OS delivers it."""

from __future__ import annotations

from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from photofind.gui.open_requests import OpenRequests


def test_requests_of_one_selection_make_one_query(qtbot) -> None:
    """Explorer starts one launch per selected file; each hands its file over."""
    requests = OpenRequests(quiet_ms=100)
    with qtbot.waitSignal(requests.ready, timeout=2000) as query:
        for name in ("a.jpg", "b.jpg", "a.jpg", "c.jpg"):
            requests.add([f"/photos/{name}"])
    assert query.args == [["/photos/a.jpg", "/photos/b.jpg", "/photos/c.jpg"]]


def test_requests_soon_after_the_start_up_query_join_it(qtbot) -> None:
    """The first launch became the app with its own file; the others came a moment later."""
    requests = OpenRequests(quiet_ms=50, join_s=5.0)
    requests.shown(["/photos/a.jpg"])
    with qtbot.waitSignal(requests.ready, timeout=2000) as query:
        requests.add(["/photos/b.jpg"])
    assert query.args == [["/photos/a.jpg", "/photos/b.jpg"]]


def test_a_later_request_is_a_query_of_its_own(qtbot) -> None:
    requests = OpenRequests(quiet_ms=50, join_s=0.0)
    requests.shown(["/photos/a.jpg"])
    with qtbot.waitSignal(requests.ready, timeout=2000) as query:
        requests.add(["/photos/b.jpg"])
    assert query.args == [["/photos/b.jpg"]]


def test_files_opened_through_the_os_are_requests(qtbot) -> None:
    """macOS: Finder's "Open With" and the Dock send file-open events to the application."""
    app = QApplication.instance()
    requests = OpenRequests(quiet_ms=50)
    app.installEventFilter(requests)
    try:
        with qtbot.waitSignal(requests.ready, timeout=2000) as query:
            for name in ("a.jpg", "b.jpg"):
                QApplication.sendEvent(app, QFileOpenEvent(f"/photos/{name}"))
    finally:
        app.removeEventFilter(requests)
    assert query.args == [["/photos/a.jpg", "/photos/b.jpg"]]
