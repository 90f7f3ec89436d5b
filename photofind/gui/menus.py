"""The menu bar and shortcuts, and what a drop or a paste on the window does."""

from __future__ import annotations

import os
import tempfile
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from photofind.core.imaging import is_supported
from photofind.gui.actions import FIND_SIMILAR_SHORTCUT, open_file
from photofind.gui.views import View, ViewKind

if TYPE_CHECKING:
    from photofind.gui.window import MainWindow

__all__ = ["build", "open_file", "take_mime"]


def build(w: MainWindow) -> None:
    """File, Edit, View and Help menus, with the app's shortcuts."""
    bar = w.menuBar()
    file = bar.addMenu("&File")
    add = file.addAction("&Add Folder…")
    add.setShortcut(QKeySequence("Ctrl+O"))
    add.triggered.connect(lambda: _choose_folder(w))
    settings = file.addAction("&Settings…")
    settings.setShortcut(QKeySequence.StandardKey.Preferences)
    settings.triggered.connect(w.show_settings)
    failures = file.addAction("Files That Could Not Be Read…")
    failures.triggered.connect(w.show_failures)
    file.addSeparator()
    quit_ = file.addAction("&Quit")
    quit_.setShortcut(QKeySequence.StandardKey.Quit)
    quit_.triggered.connect(w.close)

    edit = bar.addMenu("&Edit")
    paste = edit.addAction("&Paste an Image to Find Similar")
    paste.setShortcut(QKeySequence.StandardKey.Paste)
    paste.triggered.connect(lambda: take_mime(w, QGuiApplication.clipboard().mimeData()))
    search = edit.addAction("&Search Tags")
    search.setShortcut(QKeySequence.StandardKey.Find)
    search.triggered.connect(lambda: (w.search.setFocus(), w.search.selectAll()))

    view = bar.addMenu("&View")
    similar = view.addAction("Find &Similar")
    similar.setShortcut(FIND_SIMILAR_SHORTCUT)
    similar.triggered.connect(lambda: (paths := _selected(w)) and w.find_similar(paths))
    every = view.addAction("&All Photos")
    every.triggered.connect(lambda: w.show_view(View(ViewKind.ALL)))
    dupes = view.addAction("&Duplicates")
    dupes.triggered.connect(lambda: w.show_view(View(ViewKind.DUPLICATES)))
    library_map = view.addAction("Library &Map")
    library_map.setShortcut(QKeySequence("Ctrl+M"))
    library_map.triggered.connect(lambda: w.show_view(View(ViewKind.MAP)))
    view.addSeparator()
    back = view.addAction("&Back")
    back.setShortcuts([QKeySequence("Alt+Left"), QKeySequence.StandardKey.Back])
    back.triggered.connect(w.go_back)
    forward = view.addAction("&Forward")
    forward.setShortcuts([QKeySequence("Alt+Right"), QKeySequence.StandardKey.Forward])
    forward.triggered.connect(w.go_forward)
    zoom_in = view.addAction("Larger Thumbnails")
    zoom_in.setShortcut(QKeySequence.StandardKey.ZoomIn)
    zoom_in.triggered.connect(lambda: w.zoom.setValue(w.zoom.value() + 32))
    zoom_out = view.addAction("Smaller Thumbnails")
    zoom_out.setShortcut(QKeySequence.StandardKey.ZoomOut)
    zoom_out.triggered.connect(lambda: w.zoom.setValue(w.zoom.value() - 32))

    help_ = bar.addMenu("&Help")
    about = help_.addAction("&About photofind")
    about.triggered.connect(lambda: _about(w))


def _selected(w: MainWindow) -> list[str]:
    """The photos selected on the page shown: the map's, or the grid's."""
    if w.stack.currentWidget() is w.map:
        return w.map.canvas.selected_paths()
    return w.grid.selected_paths()


def _choose_folder(w: MainWindow) -> None:
    folder = QFileDialog.getExistingDirectory(w, "Add a photo folder")
    if folder:
        w.add_folders([folder])


def _about(w: MainWindow) -> None:
    from photofind import __version__

    QMessageBox.about(
        w,
        "About photofind",
        f"<b>photofind {__version__}</b><p>Finds similar photos and tags them, entirely on this "
        f"computer. Nothing is uploaded.</p><p>Library: {w.library_dir}</p>",
    )


def take_mime(w: MainWindow, mime: QMimeData | None) -> None:
    """A dropped or pasted folder is added; a photo file or an image finds its look-alikes."""
    if mime is None:
        return
    files = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
    folders = [f for f in files if os.path.isdir(f)]
    photos = [f for f in files if os.path.isfile(f) and is_supported(f)]
    if folders:
        w.add_folders(folders)
    if photos:
        w.find_similar(photos)
    elif not files and mime.hasImage():
        image = QImage(mime.imageData())
        if not image.isNull():
            w.jobs.read(lambda lib: _save_pasted(lib.root, image), lambda p: w.find_similar([p]))
    elif files and not folders:
        w.say("Not a photo photofind can read: " + os.path.basename(files[0]))


def _save_pasted(root: object, image: QImage) -> str:
    """A pasted image becomes a file in the library's scratch folder, so it can be queried."""
    folder = os.path.join(str(root), "pasted")
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):  # keep only today's
        full = os.path.join(folder, old)
        if time.time() - os.path.getmtime(full) > 86400:
            os.remove(full)
    fd, path = tempfile.mkstemp(suffix=".png", dir=folder)
    os.close(fd)
    image.save(path, "PNG")
    return path
