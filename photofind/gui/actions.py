"""What a right-click offers on photos, and the desktop services behind it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

__all__ = [
    "FIND_SIMILAR_SHORTCUT",
    "open_file",
    "photo_menu",
    "show_in_file_manager",
]

FIND_SIMILAR_SHORTCUT = QKeySequence("Ctrl+Shift+F")


def open_file(path: str) -> None:
    """Open with the user's default app for the file."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_file_manager(path: str) -> None:
    """Reveal the file selected in Explorer or Finder; elsewhere open its folder."""
    if sys.platform == "win32":
        subprocess.Popen(["explorer", "/select,", os.path.normpath(path)])
    elif sys.platform == "darwin":
        subprocess.Popen(["open", "-R", path])
    else:
        QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))


def photo_menu(
    parent: QWidget,
    paths: list[str],
    find_similar: Callable[[list[str]], None],
    copy_image: Callable[[str], None],
    less_like: Callable[[str], None] | None = None,
    extra: Sequence[tuple[str, Callable[[], None]]] = (),
) -> QMenu:
    """The context menu for one or several photos (`less_like`: in a similar-results strip;
    `extra`: the view's own actions, e.g. answering a taught tag's proposals)."""
    menu = QMenu(parent)
    one = len(paths) == 1
    similar = menu.addAction("Find Similar" if one else f"Find Similar to These {len(paths)}")
    similar.setShortcut(FIND_SIMILAR_SHORTCUT)
    similar.triggered.connect(lambda: find_similar(paths))
    if less_like is not None and one:
        less = menu.addAction("Less Like This")
        less.setToolTip("Search again, pushing away from this photo")
        less.triggered.connect(lambda: less_like(paths[0]))
    menu.addSeparator()
    if one:
        _add(menu, "Open", lambda: open_file(paths[0]))
        _add(menu, "Show in File Manager", lambda: show_in_file_manager(paths[0]))
    _add(
        menu,
        "Copy Path" if one else "Copy Paths",
        lambda: QGuiApplication.clipboard().setText("\n".join(paths)),
    )
    if one:
        _add(menu, "Copy Image", lambda: copy_image(paths[0]))
    if extra:
        menu.addSeparator()
        for text, slot in extra:
            _add(menu, text, slot)
    return menu


def _add(menu: QMenu, text: str, slot: Callable[[], None]) -> QAction:
    action = menu.addAction(text)
    action.triggered.connect(slot)
    return action
