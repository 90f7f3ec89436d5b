"""Start the desktop app: one instance per library, the window painted before the model loads."""

from __future__ import annotations

import logging
import os
import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from photofind.config import resolve_library_dir
from photofind.core.library import Library, LibraryError
from photofind.gui import dialogs
from photofind.gui.indexing import IndexingBridge
from photofind.gui.instance import InstanceServer, send_to_running
from photofind.gui.open_requests import OpenRequests
from photofind.gui.settings import engine_options
from photofind.gui.views import View, ViewKind
from photofind.gui.window import MainWindow

__all__ = ["app_icon", "application", "attach_instance", "create_window", "run"]

WORKER_DELAY_MS = 300  # the worker (and the model it may load) starts after the first paint


def app_icon() -> QIcon:
    return QIcon(str(resources.files("photofind.resources") / "photofind.svg"))


def application() -> QApplication:
    QCoreApplication.setOrganizationName("photofind")
    QCoreApplication.setApplicationName("photofind")
    # The UI thread shares the GIL with the indexing and reader threads: ask a running thread to
    # hand it over after 1 ms instead of Python's 5 ms, so events wait less behind them.
    sys.setswitchinterval(0.001)
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("photofind")
    app.setDesktopFileName("photofind")
    app.setWindowIcon(app_icon())
    return app  # type: ignore[return-value]


def create_window(
    library_dir: Path,
    similar: list[str] | None = None,
    *,
    device: str | None = None,
    start_worker: bool = True,
    **worker_options: float,
) -> MainWindow:
    """The main window on `library_dir`, its worker started just after the first paint."""
    # Create or migrate the library once, before threads open it; one small read tells the
    # first run (welcome page) from a library with folders (grid), so the right page paints.
    with Library.open(library_dir) as lib:
        first_run = not lib.catalog.folders()
    chosen_device, threads = engine_options(QSettings())
    bridge = IndexingBridge(
        library_dir, device=device or chosen_device, workers=threads, **worker_options
    )
    window = MainWindow(library_dir, bridge)
    window.setWindowIcon(app_icon())
    if first_run:
        window.show_welcome()
    if similar:
        window.show_view(View(ViewKind.SIMILAR, like=tuple(os.path.abspath(p) for p in similar)))
    else:
        window.show_view(window.last_view())
    window.start_later(WORKER_DELAY_MS, start_worker)
    return window


def run(
    library: str | None = None, similar: list[str] | None = None, device: str | None = None
) -> int:
    """`photofind [--library DIR] [--similar FILE...]`: the app, or a hand-over to it."""
    logging.basicConfig(level=logging.WARNING, format="photofind: %(message)s")
    library_dir = resolve_library_dir(library)
    app = application()
    paths = [os.path.abspath(p) for p in similar or []]
    if send_to_running(library_dir, {"similar": paths}):
        return 0  # the running app shows the query
    server = InstanceServer(library_dir)
    if not server.listen() and send_to_running(library_dir, {"similar": paths}):
        return 0  # another launch became the app a moment ago (Explorer starts one a file)
    try:
        window = create_window(library_dir, paths, device=device)
    except LibraryError as exc:  # damaged, newer, unreadable: say so, never a traceback
        server.close()
        other = dialogs.other_library(library_dir, str(exc))
        return 1 if other is None else run(str(other), similar, device)
    attach_instance(server, window, paths)
    window.show()
    code = app.exec()
    server.close()
    return code


def attach_instance(
    server: InstanceServer, window: MainWindow, started_with: list[str] | None = None
) -> OpenRequests:
    """A later launch's query (or, on macOS, a file opened with the app) raises the window and
    shows its similar photos; those of one multi-selection come as one query."""
    requests = OpenRequests(window)
    if started_with:
        requests.shown(started_with)
    requests.ready.connect(window.find_similar)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(requests)

    def received(message: dict) -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()
        if message.get("similar"):
            requests.add([str(p) for p in message["similar"]])

    server.received.connect(received)
    # A launch while this window winds up its work starts an app of its own.
    window.closing.connect(server.close)
    return requests
